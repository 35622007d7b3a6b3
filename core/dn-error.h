/* dn-error.h — the DN_ERROR GError domain and the CLI exit codes.
 *
 * Every failure that leaves libdocnorm or a plugin is a GError in DN_ERROR
 * with one of the codes below; plugins translate their library's errors at
 * their border (poppler's "encrypted" becomes DN_ERROR_ENCRYPTED, and so on).
 * The codes are stable: programs (and the batch manifest) act on them. */
#pragma once
#include <glib.h>

G_BEGIN_DECLS

#define DN_ERROR (dn_error_quark ())

typedef enum {
  DN_ERROR_FAILED = 1,         /* internal error, none of the below */
  DN_ERROR_IO,                 /* cannot read input or write output */
  DN_ERROR_UNKNOWN_FORMAT,     /* no reader claims the bytes, or no such writer */
  DN_ERROR_UNSUPPORTED,        /* recognised but not supported (legacy .doc) */
  DN_ERROR_CORRUPT,            /* the file is damaged or not what it claims */
  DN_ERROR_ENCRYPTED,          /* a password is needed, or the one given is wrong */
  DN_ERROR_LIMIT,              /* a size, depth or count limit was hit */
  DN_ERROR_TIMEOUT,            /* the conversion took longer than allowed */
  DN_ERROR_ENCODING,           /* text in an encoding that cannot be decoded */
  DN_ERROR_PLUGIN,             /* a plugin could not be loaded or misbehaved */
  DN_ERROR_NO_TEXT,            /* nothing to read at all (e.g. a scan) */
} DnErrorCode;

/* CLI exit statuses, documented in README.md. */
typedef enum {
  DN_EXIT_OK = 0,
  DN_EXIT_FAILED = 1,          /* conversion failed (corrupt, limit, encoding, …) */
  DN_EXIT_USAGE = 2,
  DN_EXIT_IO = 3,              /* input missing / unreadable, output unwritable */
  DN_EXIT_FORMAT = 4,          /* unknown or unsupported format */
  DN_EXIT_ENCRYPTED = 5,       /* password required or wrong */
  DN_EXIT_REVIEW = 6,          /* converted, with a warning at or above --fail-on */
} DnExitStatus;

GQuark dn_error_quark (void);

/* Stable lower-case name of a code ("corrupt", "encrypted", …), for manifests
 * and records. Returns a static string; never NULL. */
const char *dn_error_code_name (int code);

/* Exit status the CLI uses for @error (any domain). */
DnExitStatus dn_error_exit_status (const GError *error);

G_END_DECLS
