/* Replays inputs through a fuzz harness without libFuzzer: each argument is
 * a file or a folder of files (read in sorted order). Used by `meson test`
 * to run the crash regressions and the seed corpora in the ordinary and the
 * sanitizer builds. Prints one line per input so a crash names its file. */
#include <stdio.h>
#include <string.h>

#include "dn-fuzz.h"

static int
replay_file (const char *path)
{
  char *data = NULL;
  gsize len = 0;
  GError *error = NULL;
  if (!g_file_get_contents (path, &data, &len, &error)) {
    fprintf (stderr, "replay: %s\n", error->message);
    g_error_free (error);
    return 1;
  }
  printf ("replay %s (%" G_GSIZE_FORMAT " bytes)\n", path, len);
  fflush (stdout);
  /* An exact-size copy, as libFuzzer passes it: g_file_get_contents adds a
   * NUL that would hide a read one byte past the end from ASan. */
  guint8 *exact = g_memdup2 (data, len);
  g_free (data);
  LLVMFuzzerTestOneInput (exact, len);
  g_free (exact);
  return 0;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
replay_dir (const char *dir_path, guint *count)
{
  GError *error = NULL;
  GDir *dir = g_dir_open (dir_path, 0, &error);
  if (dir == NULL) {
    fprintf (stderr, "replay: %s\n", error->message);
    g_error_free (error);
    return 1;
  }
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_build_filename (dir_path, name, NULL));
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_names);
  int status = 0;
  for (guint i = 0; i < names->len; i++) {
    const char *path = g_ptr_array_index (names, i);
    if (g_file_test (path, G_FILE_TEST_IS_DIR))
      status |= replay_dir (path, count);
    else {
      status |= replay_file (path);
      (*count)++;
    }
  }
  g_ptr_array_unref (names);
  return status;
}

int
main (int argc, char **argv)
{
  LLVMFuzzerInitialize (&argc, &argv);
  int status = 0;
  guint count = 0;
  for (int i = 1; i < argc; i++) {
    if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
      status |= replay_dir (argv[i], &count);
    else if (g_file_test (argv[i], G_FILE_TEST_EXISTS)) {
      status |= replay_file (argv[i]);
      count++;
    }
    /* A folder that does not exist yet (no regressions for a harness) is
     * fine; an explicit empty run is not. */
  }
  printf ("replayed %u input(s)\n", count);
  if (count == 0) {
    fprintf (stderr, "replay: no inputs found\n");
    return 1;
  }
  return status;
}
