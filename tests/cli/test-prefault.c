/* dn_cli_prefault_heap: after it, the heap a conversion of that size uses is
 * already present, so touching it costs (almost) no page faults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "dn-cli.h"

static long
minor_faults (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_minflt;
}

/* Small blocks, as a document tree allocates, until @bytes are touched. */
static long
faults_touching (gsize bytes)
{
  GPtrArray *blocks = g_ptr_array_new_with_free_func (g_free);
  long before = minor_faults ();
  for (gsize done = 0; done < bytes; done += 96)
    g_ptr_array_add (blocks, g_malloc0 (80));
  long faults = minor_faults () - before;
  g_ptr_array_unref (blocks);
  return faults;
}

#ifdef __SANITIZE_ADDRESS__
static void
test_prefaulted_heap_does_not_fault (void **state)
{
  /* ASan's allocator quarantines freed blocks: nothing is done. */
  assert_false (dn_cli_prefault_heap (4096));
}

static void
test_estimate_is_capped (void **state)
{
  assert_false (dn_cli_prefault_heap (G_MAXUINT32));
}
#else
static void
test_prefaulted_heap_does_not_fault (void **state)
{
  const guint64 input = 256 * 1024;
  gsize expected = DN_HEAP_BASE + input * DN_HEAP_PER_INPUT_BYTE;  /* 2.5 MiB */
  /* Linux 5.14 or later with glibc, as on every machine docnorm is built
   * and tested on; elsewhere the speed-up is simply absent. */
  assert_true (dn_cli_prefault_heap (input));
  /* Three quarters of the estimate: without the prefault that is ~480
   * faults of 4 KiB pages. */
  long faults = faults_touching (expected * 3 / 4);
  assert_true (faults < 40);
}

static void
test_estimate_is_capped (void **state)
{
  /* A huge input asks for no more than the cap, and the call still works. */
  long before = minor_faults ();
  assert_true (dn_cli_prefault_heap (G_MAXUINT32));
  long faults = minor_faults () - before;
  assert_true (faults <= DN_HEAP_PREFAULT_MAX / 4096 + 64);
  /* ...and that block stayed on the heap: touching most of it is free. */
  assert_true (faults_touching (DN_HEAP_PREFAULT_MAX * 3 / 4) < 40);
}
#endif

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_prefaulted_heap_does_not_fault),
    cmocka_unit_test (test_estimate_is_capped),
  };
  return cmocka_run_group_tests_name ("prefault", tests, NULL, NULL);
}
