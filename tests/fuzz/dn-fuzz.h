/* dn-fuzz.h — shared pieces of the libFuzzer harnesses.
 *
 * Every harness defines LLVMFuzzerTestOneInput(). Built with -Dfuzzing=true
 * (clang) it links libFuzzer; in the ordinary build the same source is
 * linked with replay-main.c, which feeds it files (the seed corpora and the
 * crash regressions under tests/bad/regressions/), so every input that once
 * crashed a harness is replayed by `meson test`.
 *
 * A harness aborts (so libFuzzer records a crash) when a contract is broken:
 * a reader fails without a DN_ERROR GError, a writer emits output its own
 * format's parser rejects, a tree has broken links or invalid UTF-8, GLib
 * logs a critical or a warning. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "docnorm.h"

G_BEGIN_DECLS

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

/* Aborts with @what on standard error: a harness-detected bug. */
G_NORETURN void dn_fuzz_fail (const char *what, ...) G_GNUC_PRINTF (1, 2);

/* Default read options with smaller limits, so one input cannot make the
 * fuzzer spend seconds on legitimate work (the limits are what is tested,
 * not their size). */
void dn_fuzz_read_options (DnReadOptions *options);

/* Checks @error after a failed call: set, in DN_ERROR, a known code, a
 * non-empty valid UTF-8 message. Frees it. */
void dn_fuzz_check_error (GError *error, const char *who);

/* Checks the tree under @doc's root: parent / sibling links consistent,
 * texts valid UTF-8 of their stated length, spans inside their text,
 * warnings valid UTF-8. */
void dn_fuzz_check_document (DnDocument *doc);

/* Builds the record with and without hints; a failure must be a DN_ERROR
 * (depth limit). */
void dn_fuzz_check_record (const DnDocument *doc);

/* Runs @reader on @data as the pipeline would: probe (score in 0..100),
 * read, check the tree, build the record, analyse, check again. */
void dn_fuzz_run_reader (const DnPluginDesc *reader, const uint8_t *data, size_t size);

/* A document built from the fuzz bytes, read as a little program of
 * operations (append a child, go up, set text, hints, attributes, spans,
 * warnings, metadata, a chain of @deep_chain nested nodes …). Respects
 * the node API's documented preconditions, so anything that breaks is a bug
 * in what consumes the tree. Never NULL. */
DnDocument *dn_fuzz_build_document (const uint8_t *data, size_t size, guint deep_chain);

/* How deep the builder's deepest chains go: far beyond any reader (XML and
 * HTML nesting is bounded by DnLimits.max_xml_depth, 256 by default), so
 * nothing that consumes a tree may recurse on it or walk every node's
 * ancestors. */
#define DN_FUZZ_DEEP 100000

G_END_DECLS
