/* The image reader: PNG, JPEG and TIFF (every page of a multi-page TIFF),
 * read through OCR.
 *
 * An image has no text of its own, so each page is decoded with leptonica,
 * recognised through the pipeline's OCR context (core's dn-ocr.h) and laid
 * out by the PDF reader's page layout (dn-pdf-layout.h, linked as a static
 * library): a scanned report gives the same blocks as an image file as it
 * does as a scanned PDF. Without an OCR engine, or with --ocr never, an
 * image cannot be read and the error says so.
 *
 * Dimensions are read from the header before anything is decoded; a page
 * over DN_OCR_MAX_PIXELS is refused (DN_ERROR_LIMIT). leptonica's messages
 * are silenced, and so are those libpng and libtiff print on damaged input
 * (straight to stderr: leptonica installs no handlers), by pointing file
 * descriptor 2 at /dev/null while they run — one read at a time per
 * process, as the batch runner's one child per file gives. Failures become
 * one DN_ERROR each. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <leptonica/allheaders.h>

#include "docnorm.h"
#include "dn-pdf-layout.h"

#define IMAGE_READER_VERSION "1.0.0"
/* Pages read from one TIFF at most, whatever --limit max_pages says. */
#define IMAGE_MAX_PAGES 2000

static int
image_probe (const guint8 *head, gsize len, guint64 total, const char *file_name)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  if (len >= 8 && memcmp (head, png, 8) == 0)
    return 90;
  if (len >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
    return 90;
  if (len >= 4 && (memcmp (head, "II*\0", 4) == 0 || memcmp (head, "MM\0*", 4) == 0))
    return 90;
  return 0;
}

typedef struct {
  int format;
  int n_pages;
} ImageInfo;

/* Reads the header(s): format, page count, and that every page fits. */
static gboolean
image_inspect (const guint8 *data, gsize len, guint32 max_pages, ImageInfo *info, DnDocument *doc,
               GError **error)
{
  int format = IFF_UNKNOWN, w = 0, h = 0, bps = 0, spp = 0, cmap = 0, res = 0;
  if (pixReadHeaderMem (data, len, &format, &w, &h, &bps, &spp, &cmap) != 0) {
    g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "damaged image: its header cannot be read");
    return FALSE;
  }
  info->format = format;
  info->n_pages = 1;
  if (L_FORMAT_IS_TIFF (format)) {
    int n = 1;
    while (n < IMAGE_MAX_PAGES && readHeaderMemTiff (data, len, n, &w, &h, &bps, &spp, &res, &cmap, &format) == 0)
      n++;
    info->n_pages = n;
  }
  if (max_pages > 0 && (guint32) info->n_pages > max_pages) {
    dn_document_add_warning (doc, "PAGE_LIMIT", 0, "read the first %u of %d pages", max_pages, info->n_pages);
    info->n_pages = (int) max_pages;
  }
  return TRUE;
}

static gboolean
check_size (int w, int h, int page, GError **error)
{
  if (w <= 0 || h <= 0 || (guint64) w * (guint64) h > DN_OCR_MAX_PIXELS) {
    g_set_error (error, DN_ERROR, DN_ERROR_LIMIT,
                 "image page %d is %d × %d pixels: over the limit of %u pixels a page", page, w, h,
                 DN_OCR_MAX_PIXELS);
    return FALSE;
  }
  return TRUE;
}

/* Decodes page @index (0-based) into 8-bit grey in byte order. */
static PIX *
decode_page (const guint8 *data, gsize len, const ImageInfo *info, int index, GError **error)
{
  int w = 0, h = 0, bps = 0, spp = 0, cmap = 0, res = 0, format = 0;
  gboolean head_ok = L_FORMAT_IS_TIFF (info->format)
                         ? readHeaderMemTiff (data, len, index, &w, &h, &bps, &spp, &res, &cmap, &format) == 0
                         : pixReadHeaderMem (data, len, &format, &w, &h, &bps, &spp, &cmap) == 0;
  if (!head_ok) {
    g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "damaged image: page %d cannot be read", index + 1);
    return NULL;
  }
  if (!check_size (w, h, index + 1, error))
    return NULL;
  PIX *pix = L_FORMAT_IS_TIFF (info->format) ? pixReadMemTiff (data, len, index) : pixReadMem (data, len);
  if (pix == NULL) {
    g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "damaged image: page %d cannot be decoded", index + 1);
    return NULL;
  }
  PIX *gray = pixConvertTo8 (pix, 0);
  int xres = pixGetXRes (pix);
  pixDestroy (&pix);
  /* leptonica keeps a row's pixels in 32-bit words, most significant byte
   * first; the engine wants plain bytes. */
  PIX *bytes = gray != NULL ? pixEndianByteSwapNew (gray) : NULL;
  pixDestroy (&gray);
  if (bytes == NULL) {
    g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "damaged image: page %d cannot be converted", index + 1);
    return NULL;
  }
  pixSetXRes (bytes, xres);
  return bytes;
}

/* Points stderr at /dev/null; returns the saved descriptor, or -1. */
static int
stderr_mute (void)
{
  int saved = dup (STDERR_FILENO);
  int null = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  if (saved >= 0 && null >= 0)
    dup2 (null, STDERR_FILENO);
  if (null >= 0)
    close (null);
  return saved;
}

static void
stderr_restore (int saved)
{
  if (saved < 0)
    return;
  dup2 (saved, STDERR_FILENO);
  close (saved);
}

static gboolean
image_read (GBytes *data, const DnReadOptions *options, DnDocument *doc, GError **error)
{
  DnOcr *ocr = dn_read_options_get_ocr (options);
  const char *why = NULL;
  if (ocr == NULL) {
    g_set_error (error, DN_ERROR, DN_ERROR_UNSUPPORTED, "an image is read through OCR, which --ocr never turns off");
    return FALSE;
  }
  if (!dn_ocr_is_available (ocr, &why)) {
    g_set_error (error, DN_ERROR, DN_ERROR_UNSUPPORTED, "%s", why);
    return FALSE;
  }
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  l_int32 old_severity = setMsgSeverity (L_SEVERITY_NONE);
  ImageInfo info;
  int saved = stderr_mute ();
  gboolean ok = image_inspect (bytes, len, options->limits.max_pages, &info, doc, error);
  stderr_restore (saved);
  if (ok)
    dn_document_set_pages (doc, info.n_pages);
  DnNode *root = dn_document_get_root (doc);
  guint64 nodes = 0;
  for (int p = 0; ok && p < info.n_pages; p++) {
    saved = stderr_mute ();
    PIX *pix = decode_page (bytes, len, &info, p, error);
    stderr_restore (saved);
    if (pix == NULL) {
      ok = FALSE;
      break;
    }
    int w = pixGetWidth (pix), h = pixGetHeight (pix);
    int xres = pixGetXRes (pix);
    /* Without a stated resolution (or an absurd one) a page is taken as a
     * 300-dpi scan: sizes in points then match a scanned A4 page. */
    guint dpi = xres >= 50 && xres <= 2400 ? (guint) xres : DN_OCR_DEFAULT_DPI;
    GArray *ocr_glyphs = g_array_new (FALSE, FALSE, sizeof (DnOcrGlyph));
    ok = dn_ocr_recognise (ocr, doc, p + 1, (const guint8 *) pixGetData (pix), w, h, pixGetWpl (pix) * 4, dpi,
                           ocr_glyphs, error);
    pixDestroy (&pix);
    if (ok) {
      GArray *glyphs = dn_pdf_glyphs_from_ocr (ocr_glyphs, dpi);
      DnPdfPageResult res;
      dn_pdf_layout_page ((const DnPdfGlyph *) glyphs->data, glyphs->len, NULL, 0, w * 72.0 / dpi,
                          h * 72.0 / dpi, p + 1, root, &res);
      dn_pdf_ocr_mark_blocks (&res, ocr_glyphs);
      nodes += res.n_nodes;
      dn_pdf_page_result_clear (&res);
      g_array_unref (glyphs);
      if (options->limits.max_nodes > 0 && nodes > options->limits.max_nodes) {
        g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "more than %u nodes", options->limits.max_nodes);
        ok = FALSE;
      }
    }
    g_array_unref (ocr_glyphs);
  }
  setMsgSeverity (old_severity);
  if (ok) {
    /* The pipeline recorded the reader's first media type; the header
     * says which of the three this is. */
    const char *media = info.format == IFF_PNG ? "image/png" : info.format == IFF_JFIF_JPEG ? "image/jpeg"
                      : L_FORMAT_IS_TIFF (info.format) ? "image/tiff" : NULL;
    DnSourceInfo src;
    dn_document_get_source (doc, &src);
    if (media != NULL && g_strcmp0 (src.media_type, media) != 0) {
      g_autofree char *file_name = g_strdup (src.file_name), *format = g_strdup (src.format);
      g_autofree char *sha = g_strdup (src.sha256), *rname = g_strdup (src.reader_name);
      g_autofree char *rversion = g_strdup (src.reader_version);
      dn_document_set_source (doc, file_name, format, media, src.bytes, sha, rname, rversion);
    }
  }
  return ok;
}

static const char *const image_media_types[] = { "image/png", "image/jpeg", "image/tiff", NULL };
static const char *const image_extensions[] = { "png", "jpg", "jpeg", "tif", "tiff", NULL };

static const DnReaderVTable image_reader = {
  .struct_size = sizeof (DnReaderVTable),
  .probe = image_probe,
  .read = image_read,
};

static const DnPluginDesc image_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "image",
  .description = "Images through OCR: PNG, JPEG, TIFF (multi-page)",
  .version = IMAGE_READER_VERSION,
  .license = "MIT",
  .media_types = image_media_types,
  .extensions = image_extensions,
  .reader = &image_reader,
};

DN_PLUGIN_REGISTER (image, image_desc)
