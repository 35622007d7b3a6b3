/* What docnorm serve counts, and GET /metrics (Prometheus text format). */
#include <stdlib.h>
#include <string.h>

#include "dn-serve.h"

/* Upper bounds of the duration histogram, in seconds (Prometheus "le"). */
static const double duration_buckets[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120 };
G_STATIC_ASSERT (G_N_ELEMENTS (duration_buckets) == DN_SERVE_N_DURATION_BUCKETS);

void
dn_serve_count_failure (DnServe *sv, const char *code)
{
  guint64 *n = g_hash_table_lookup (sv->failed, code);
  if (n == NULL) {
    n = g_new0 (guint64, 1);
    g_hash_table_insert (sv->failed, g_strdup (code), n);
  }
  (*n)++;
}

void
dn_serve_count_duration (DnServe *sv, double seconds)
{
  for (guint i = 0; i < G_N_ELEMENTS (duration_buckets); i++)
    if (seconds <= duration_buckets[i])
      sv->histogram[i]++;
  sv->duration_count++;
  sv->duration_sum += seconds;
}

void
dn_serve_count_response (SoupServer *server, SoupServerMessage *msg, gpointer data)
{
  DnServe *sv = data;
  guint code = soup_server_message_get_status (msg);
  guint64 *n = g_hash_table_lookup (sv->responses, GUINT_TO_POINTER (code));
  if (n == NULL) {
    n = g_new0 (guint64, 1);
    g_hash_table_insert (sv->responses, GUINT_TO_POINTER (code), n);
  }
  (*n)++;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

void
dn_serve_handle_metrics (DnServe *sv, SoupServerMessage *msg)
{
  GString *t = g_string_new (NULL);
  g_string_append (t,
    "# HELP docnorm_documents_converted_total Documents converted, by status.\n"
    "# TYPE docnorm_documents_converted_total counter\n");
  static const char *const statuses[] = { "ok", "notice", "review" };
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    g_string_append_printf (t, "docnorm_documents_converted_total{status=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            statuses[i], sv->converted[i]);
  g_string_append (t,
    "# HELP docnorm_documents_failed_total Documents that failed to convert, by error code.\n"
    "# TYPE docnorm_documents_failed_total counter\n");
  guint n_codes;
  const char **codes = (const char **) g_hash_table_get_keys_as_array (sv->failed, &n_codes);
  qsort (codes, n_codes, sizeof *codes, compare_strings);
  for (guint i = 0; i < n_codes; i++)
    g_string_append_printf (t, "docnorm_documents_failed_total{code=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            codes[i], *(guint64 *) g_hash_table_lookup (sv->failed, codes[i]));
  g_free (codes);
  g_string_append (t,
    "# HELP docnorm_conversion_duration_seconds Wall-clock time of each conversion process.\n"
    "# TYPE docnorm_conversion_duration_seconds histogram\n");
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  for (guint i = 0; i < G_N_ELEMENTS (duration_buckets); i++)
    g_string_append_printf (t, "docnorm_conversion_duration_seconds_bucket{le=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            g_ascii_formatd (num, sizeof num, "%g", duration_buckets[i]), sv->histogram[i]);
  g_string_append_printf (t, "docnorm_conversion_duration_seconds_bucket{le=\"+Inf\"} %" G_GUINT64_FORMAT "\n",
                          sv->duration_count);
  g_string_append_printf (t, "docnorm_conversion_duration_seconds_sum %s\n",
                          g_ascii_formatd (num, sizeof num, "%.6f", sv->duration_sum));
  g_string_append_printf (t, "docnorm_conversion_duration_seconds_count %" G_GUINT64_FORMAT "\n",
                          sv->duration_count);
  g_string_append_printf (t,
    "# HELP docnorm_queue_length Requests waiting for a conversion slot.\n"
    "# TYPE docnorm_queue_length gauge\n"
    "docnorm_queue_length %u\n"
    "# HELP docnorm_queue_capacity Requests that may wait before 429.\n"
    "# TYPE docnorm_queue_capacity gauge\n"
    "docnorm_queue_capacity %u\n"
    "# HELP docnorm_workers_busy Conversion processes running.\n"
    "# TYPE docnorm_workers_busy gauge\n"
    "docnorm_workers_busy %u\n"
    "# HELP docnorm_workers Conversion processes allowed at once.\n"
    "# TYPE docnorm_workers gauge\n"
    "docnorm_workers %u\n",
    sv->admitted - sv->running, sv->queue_max, sv->running, sv->jobs);
  g_string_append (t,
    "# HELP docnorm_http_responses_total HTTP responses sent, by status.\n"
    "# TYPE docnorm_http_responses_total counter\n");
  for (guint code = 100; code < 600; code++) {
    guint64 *n = g_hash_table_lookup (sv->responses, GUINT_TO_POINTER (code));
    if (n != NULL)
      g_string_append_printf (t, "docnorm_http_responses_total{code=\"%u\"} %" G_GUINT64_FORMAT "\n", code, *n);
  }
  dn_serve_respond_text (msg, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8", t->str, t->len);
  g_string_free (t, TRUE);
}
