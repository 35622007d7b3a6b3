#include "dn-error.h"

#include <gio/gio.h>

G_DEFINE_QUARK (dn-error-quark, dn_error)

const char *
dn_error_code_name (int code)
{
  switch ((DnErrorCode) code) {
  case DN_ERROR_FAILED: return "failed";
  case DN_ERROR_IO: return "io";
  case DN_ERROR_UNKNOWN_FORMAT: return "unknown_format";
  case DN_ERROR_UNSUPPORTED: return "unsupported";
  case DN_ERROR_CORRUPT: return "corrupt";
  case DN_ERROR_ENCRYPTED: return "encrypted";
  case DN_ERROR_LIMIT: return "limit";
  case DN_ERROR_TIMEOUT: return "timeout";
  case DN_ERROR_ENCODING: return "encoding";
  case DN_ERROR_PLUGIN: return "plugin";
  case DN_ERROR_NO_TEXT: return "no_text";
  }
  return "failed";
}

DnExitStatus
dn_error_exit_status (const GError *error)
{
  if (error == NULL)
    return DN_EXIT_OK;
  if (error->domain == G_FILE_ERROR || error->domain == G_IO_ERROR)
    return DN_EXIT_IO;
  if (error->domain != DN_ERROR)
    return DN_EXIT_FAILED;
  switch ((DnErrorCode) error->code) {
  case DN_ERROR_IO: return DN_EXIT_IO;
  case DN_ERROR_UNKNOWN_FORMAT:
  case DN_ERROR_UNSUPPORTED: return DN_EXIT_FORMAT;
  case DN_ERROR_ENCRYPTED: return DN_EXIT_ENCRYPTED;
  default: return DN_EXIT_FAILED;
  }
}
