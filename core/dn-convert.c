#include "dn-convert.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <gio/gunixoutputstream.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/dn-analyse.h"

void
dn_convert_options_init (DnConvertOptions *options)
{
  memset (options, 0, sizeof *options);
  dn_read_options_init (&options->read);
  dn_write_options_init (&options->write);
  options->analyse = TRUE;
}

static GBytes *
load_stream (int fd, guint64 max_bytes, GError **error)
{
  GByteArray *buf = g_byte_array_new ();
  guint8 chunk[65536];
  for (;;) {
    ssize_t n = read (fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int e = errno;
      g_byte_array_unref (buf);
      g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot read: %s", g_strerror (e));
      return NULL;
    }
    if (n == 0)
      break;
    if (max_bytes > 0 && buf->len + (guint64) n > max_bytes) {
      g_byte_array_unref (buf);
      g_set_error (error, DN_ERROR, DN_ERROR_LIMIT,
                   "input larger than the %" G_GUINT64_FORMAT "-byte limit", max_bytes);
      return NULL;
    }
    g_byte_array_append (buf, chunk, (guint) n);
  }
  return g_byte_array_free_to_bytes (buf);
}

GBytes *
dn_input_load (const char *path, guint64 max_bytes, GError **error)
{
  if (strcmp (path, "-") == 0)
    return load_stream (STDIN_FILENO, max_bytes, error);

  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot open: %s", g_strerror (e));
    return NULL;
  }
  struct stat st;
  if (fstat (fd, &st) != 0 || S_ISDIR (st.st_mode)) {
    close (fd);
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "is a directory, not a file");
    return NULL;
  }
  if (S_ISREG (st.st_mode)) {
    if (max_bytes > 0 && (guint64) st.st_size > max_bytes) {
      close (fd);
      g_set_error (error, DN_ERROR, DN_ERROR_LIMIT,
                   "input of %" G_GINT64_FORMAT " bytes is over the %" G_GUINT64_FORMAT "-byte limit",
                   (gint64) st.st_size, max_bytes);
      return NULL;
    }
    /* Mapped, so a large PDF is not copied; the mapping lives as long as
     * the bytes do. */
    GMappedFile *map = st.st_size > 0 ? g_mapped_file_new_from_fd (fd, FALSE, NULL) : NULL;
    if (map != NULL) {
      close (fd);
      GBytes *bytes = g_mapped_file_get_bytes (map);
      g_mapped_file_unref (map);
      return bytes;
    }
  }
  GBytes *bytes = load_stream (fd, max_bytes, error);
  close (fd);
  return bytes;
}

static char *
base_name_or_dash (const char *file_name)
{
  if (file_name == NULL || strcmp (file_name, "-") == 0)
    return g_strdup ("-");
  return g_path_get_basename (file_name);
}

DnDocument *
dn_convert_bytes (DnRegistry *reg, GBytes *data, const char *file_name,
                  const DnConvertOptions *options, GError **error)
{
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  if (len == 0) {
    g_set_error (error, DN_ERROR, DN_ERROR_NO_TEXT, "file is empty");
    return NULL;
  }
  if (options->read.limits.max_input_bytes > 0 && len > options->read.limits.max_input_bytes) {
    g_set_error (error, DN_ERROR, DN_ERROR_LIMIT,
                 "input of %" G_GSIZE_FORMAT " bytes is over the %" G_GUINT64_FORMAT "-byte limit",
                 len, options->read.limits.max_input_bytes);
    return NULL;
  }

  char *base = base_name_or_dash (file_name);
  const DnPluginDesc *reader;
  if (options->reader_name != NULL) {
    reader = dn_registry_find_reader_by_name (reg, options->reader_name);
    if (reader == NULL) {
      g_set_error (error, DN_ERROR, DN_ERROR_UNKNOWN_FORMAT, "no reader named '%s' (see docnorm formats)",
                   options->reader_name);
      g_free (base);
      return NULL;
    }
  } else {
    reader = dn_registry_find_reader (reg, bytes, MIN (len, DN_PROBE_BYTES), len,
                                      file_name != NULL && strcmp (file_name, "-") != 0 ? base : NULL,
                                      NULL);
    if (reader == NULL) {
      g_set_error (error, DN_ERROR, DN_ERROR_UNKNOWN_FORMAT,
                   "unknown format: no reader recognises this file (see docnorm formats)");
      g_free (base);
      return NULL;
    }
  }

  DnDocument *doc = dn_document_new ();
  char *sha = options->sha256 != NULL ? g_strdup (options->sha256)
                                      : g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  const char *media = reader->media_types != NULL ? reader->media_types[0] : NULL;
  dn_document_set_source (doc, base, reader->name, media, (gint64) len, sha, reader->name,
                          reader->version);
  g_free (sha);

  DnReadOptions ropts = options->read;
  ropts.file_name = base;
  if (ropts.images_dir != NULL && g_mkdir_with_parents (ropts.images_dir, 0755) != 0) {
    int e = errno;
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot create image folder %s: %s",
                 ropts.images_dir, g_strerror (e));
    dn_document_free (doc);
    g_free (base);
    return NULL;
  }

  /* The engine itself loads only when a page needs it (dn-ocr.h). */
  DnOcr *ocr = options->ocr_mode != DN_OCR_NEVER
                   ? dn_ocr_new (reg, options->ocr_mode, options->ocr_lang, options->ocr_dpi)
                   : NULL;
  ropts.ocr = ocr;
  GError *local = NULL;
  gboolean ok = reader->reader->read (data, &ropts, doc, &local);
  dn_ocr_free (ocr);
  g_free (base);
  if (!ok) {
    if (local == NULL)
      g_set_error (&local, DN_ERROR, DN_ERROR_PLUGIN, "reader '%s' failed without saying why",
                   reader->name);
    g_propagate_error (error, local);
    dn_document_free (doc);
    return NULL;
  }
  g_clear_error (&local);

  if (options->analyse)
    dn_analyse_document (doc);
  return doc;
}

static gboolean
write_to_stream (const DnPluginDesc *writer, const DnDocument *doc, const DnWriteOptions *options,
                 GOutputStream *out, GError **error)
{
  GOutputStream *buffered = g_buffered_output_stream_new_sized (out, 1 << 16);
  g_filter_output_stream_set_close_base_stream (G_FILTER_OUTPUT_STREAM (buffered), FALSE);
  gboolean ok = writer->writer->write (doc, options, buffered, error);
  if (ok)
    ok = g_output_stream_flush (buffered, NULL, error);
  g_object_unref (buffered);
  return ok;
}

/* Writes into @fd and closes it; FALSE when writing or closing fails. */
static gboolean
write_to_fd (const DnPluginDesc *writer, const DnDocument *doc, const DnWriteOptions *options, int fd,
             GError **error)
{
  GOutputStream *out = g_unix_output_stream_new (fd, TRUE);
  gboolean ok = write_to_stream (writer, doc, options, out, error);
  if (!g_output_stream_close (out, NULL, ok ? error : NULL))
    ok = FALSE;
  g_object_unref (out);
  return ok;
}

/* Sets @error from the writer's or the stream's @local (taken): the
 * writer's own code, else DN_ERROR_IO, with @what written. */
static void
set_write_error (GError **error, GError *local, const char *what)
{
  g_set_error (error, DN_ERROR, local->domain == DN_ERROR ? local->code : DN_ERROR_IO, "cannot write %s: %s",
               what, local->message);
  g_error_free (local);
}

gboolean
dn_output_write (const DnPluginDesc *writer, const DnDocument *doc, const DnWriteOptions *options,
                 const char *path, GError **error)
{
  GError *local = NULL;
  if (strcmp (path, "-") == 0) {
    GOutputStream *out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
    gboolean ok = write_to_stream (writer, doc, options, out, &local);
    g_object_unref (out);
    if (!ok)
      set_write_error (error, local, "standard output");
    return ok;
  }

  /* A device or FIFO (/dev/null, a pipe) is written in place: renaming a
   * temporary file over it would replace the device with a regular file. */
  struct stat st;
  if (stat (path, &st) == 0 && !S_ISREG (st.st_mode)) {
    int dfd = open (path, O_WRONLY | O_CLOEXEC);
    if (dfd < 0) {
      int e = errno;
      g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot open output %s: %s", path, g_strerror (e));
      return FALSE;
    }
    gboolean dok = write_to_fd (writer, doc, options, dfd, &local);
    if (!dok)
      set_write_error (error, local, path);
    return dok;
  }

  char *dir = g_path_get_dirname (path);
  char *base = g_path_get_basename (path);
  char *tmp = g_strdup_printf ("%s/.%s.XXXXXX.tmp", dir, base);
  g_free (dir);
  g_free (base);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) {
    int e = errno;
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot create output %s: %s", path, g_strerror (e));
    g_free (tmp);
    return FALSE;
  }
  gboolean ok = write_to_fd (writer, doc, options, fd, &local);
  if (ok && rename (tmp, path) != 0) {
    int e = errno;
    g_set_error (&local, DN_ERROR, DN_ERROR_IO, "%s", g_strerror (e));
    ok = FALSE;
  }
  if (!ok) {
    unlink (tmp);
    set_write_error (error, local, path);
  }
  g_free (tmp);
  return ok;
}

GBytes *
dn_output_to_bytes (const DnPluginDesc *writer, const DnDocument *doc,
                    const DnWriteOptions *options, GError **error)
{
  GOutputStream *out = g_memory_output_stream_new_resizable ();
  gboolean ok = write_to_stream (writer, doc, options, out, error) &&
                g_output_stream_close (out, NULL, error);
  GBytes *bytes = ok ? g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out)) : NULL;
  g_object_unref (out);
  return bytes;
}
