/* Dates as the reports write them: 民國 (ROC) years (+1911) or Gregorian,
 * any spacing, full-width digits, ranges whose end omits the year and month
 * ("113 年 8 月 16 日至 8 月 24 日", "8 月 16—17 日"). Output is ISO 8601. */
#include <stdlib.h>
#include <string.h>

#include "dn-analysis-private.h"

/* Full-width folded, every kind of space removed: PDF text brings
 * no-break (U+00A0), en (U+2002), thin and zero-width spaces between the
 * digits and 年 / 月 / 日 as well as ASCII ones. */
static char *
squeeze (const char *text)
{
  char *folded = dn_text_fold_width (text);
  GString *out = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (!g_unichar_isspace (c) && c != 0x00A0 && c != 0x200B && c != 0xFEFF &&
        g_unichar_type (c) != G_UNICODE_SPACE_SEPARATOR)
      g_string_append_unichar (out, c);
  }
  g_free (folded);
  return g_string_free (out, FALSE);
}

static int
to_gregorian (int year, const char **calendar)
{
  if (year <= 0)
    return 0;
  if (year <= 200) {
    *calendar = "roc";
    return year + 1911;
  }
  if (year >= 1900 && year <= 2200) {
    *calendar = "gregorian";
    return year;
  }
  return 0;
}

static char *
iso (int y, int m, int d)
{
  if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

static int
group_int (GMatchInfo *mi, int n)
{
  char *s = g_match_info_fetch (mi, n);
  int v = s != NULL && *s != '\0' ? atoi (s) : 0;
  g_free (s);
  return v;
}

JsonObject *
dn_date_parse_range (const char *text, int default_year)
{
  /* Both forms put year, month, day and the end's year, month, day in
   * groups 1-6: "114 年 3 月 2 日至 3 月 8 日", and the numeric
   * "114.3.2~114.3.8", "114/3/2-3/8", "2025-03-02". */
  static GRegex *re = NULL, *re_numeric = NULL;
  if (g_once_init_enter (&re)) {
    GRegex *r = g_regex_new ("(?:(\\d{2,4})年)?(\\d{1,2})月(\\d{1,2})日?(?:\\([^)]{1,6}\\))?"
                             "(?:(?:至|到|~|～|-|—|–|－)(?:(\\d{2,4})年)?(?:(\\d{1,2})月)?(\\d{1,2})日)?",
                             G_REGEX_OPTIMIZE, 0, NULL);
    g_once_init_leave (&re, r);
  }
  if (g_once_init_enter (&re_numeric)) {
    GRegex *r = g_regex_new ("(?<!\\d)(\\d{2,4})([./-])(\\d{1,2})\\2(\\d{1,2})(?!\\d)(?:\\([^)]{1,6}\\))?"
                             "(?:(?:至|到|~|～|-|—|–|－)(?:(\\d{2,4})\\2)?(?:(\\d{1,2})\\2)?(\\d{1,2})(?!\\d))?",
                             G_REGEX_OPTIMIZE, 0, NULL);
    g_once_init_leave (&re_numeric, r);
  }
  char *s = squeeze (text);
  GMatchInfo *mi = NULL;
  JsonObject *o = NULL;
  /* The numeric form has the separator as group 2: its groups shift by one. */
  int shift = 0;
  gboolean matched = g_regex_match (re, s, 0, &mi);
  if (!matched) {
    g_match_info_free (mi);
    matched = g_regex_match (re_numeric, s, 0, &mi);
    shift = 1;
  }
  if (matched) {
    const char *calendar = "gregorian";
    int y = to_gregorian (group_int (mi, 1), &calendar);
    if (shift > 0 && y == 0) /* a numeric date needs its year */
      matched = FALSE;
    if (y == 0 && default_year > 0) {
      y = default_year;
      calendar = "inferred";
    }
    int m = group_int (mi, 2 + shift), d = group_int (mi, 3 + shift);
    char *start = matched && y > 0 ? iso (y, m, d) : NULL;
    if (start != NULL) {
      o = json_object_new ();
      char *raw = dn_text_trim (text);
      json_object_set_string_member (o, "raw", raw);
      g_free (raw);
      json_object_set_string_member (o, "start", start);
      int ed = group_int (mi, 6 + shift);
      if (ed > 0) {
        const char *ecal = calendar;
        int ey = to_gregorian (group_int (mi, 4 + shift), &ecal);
        int em = group_int (mi, 5 + shift);
        if (em == 0)
          em = m;
        if (ey == 0)
          ey = em < m ? y + 1 : y; /* 12 月 28 日至 1 月 3 日 */
        char *end = iso (ey, em, ed);
        if (end != NULL && strcmp (end, start) >= 0)
          json_object_set_string_member (o, "end", end);
        g_free (end);
      }
      json_object_set_string_member (o, "calendar", calendar);
    }
    g_free (start);
  }
  g_match_info_free (mi);
  g_free (s);
  return o;
}
