/*
 * test_polb_mutations.c — every bundled policy (every .pol in policies/), compiled and saved
 * as .polb, then damaged one byte at a time, at every offset: XORed with every value
 * 1..255 in the fixed fields (magic, version, size) and the checksum; elsewhere with a
 * one-bit mask (bit at % 8), 0xff, and a value that walks through all 255 non-zero values
 * along the file.  pol_load must refuse each damaged file with exactly the message of the
 * field the byte belongs to — the magic, the version, the size, or the checksum, which
 * covers every other byte — and return no program.  The checksum the loader reports as
 * computed is compared with an independent XXH3 for the first mask of every offset and
 * checked to be 16 hex digits for the others.  The figures are printed (files, bytes,
 * mutations, seconds).
 *
 * Run from the repository root (tests/run.sh does).
 */
#include <glob.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <xxhash.h>

#include "diag.h"
#include "pol.h"
#include "program.h"

enum { CHECKSUM_BYTES = 8 };

static uint32_t le32(const unsigned char *b) {
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t le64(const unsigned char *b) { return le32(b) | (uint64_t)le32(b + 4) << 32; }

/* The exact message pol_load gives for b (n bytes) after the byte at `at` was changed.
 * Unless `exact`, the checksum it computes is not recomputed here: the message then holds
 * 16 '?' in its place, which `matches` takes for any 16 hex digits. */
static void expected(const unsigned char *b, size_t n, size_t at, bool exact, char *buf,
                     size_t bufsz) {
  int k = snprintf(buf, bufsz, "not a valid .polb file: ");
  buf += k;
  bufsz -= (size_t)k;
  if (at < 4)
    snprintf(buf, bufsz, "offset 0: not a .polb file: expected the magic \"%s\"", PRG_MAGIC);
  else if (at < 8)
    snprintf(buf, bufsz, "offset 4: version %u is not supported (expected %d)",
             (unsigned)le32(b + 4), PRG_VERSION);
  else if (at < 12)
    snprintf(buf, bufsz,
             "offset 8: size: the file says it has %u bytes, but it has %zu — it is truncated "
             "or extended",
             (unsigned)le32(b + 8), n);
  else if (exact)
    snprintf(buf, bufsz,
             "offset %zu: checksum mismatch: stored 0x%016llx, computed 0x%016llx — the file "
             "is damaged",
             n - CHECKSUM_BYTES, (unsigned long long)le64(b + n - CHECKSUM_BYTES),
             (unsigned long long)XXH3_64bits(b, n - CHECKSUM_BYTES));
  else
    snprintf(buf, bufsz,
             "offset %zu: checksum mismatch: stored 0x%016llx, computed 0x???????????????? — "
             "the file is damaged",
             n - CHECKSUM_BYTES, (unsigned long long)le64(b + n - CHECKSUM_BYTES));
}

/* got equals want, where each '?' of want stands for one lower-case hex digit. */
static bool matches(const char *got, const char *want) {
  for (; *want; got++, want++) {
    if (*want == '?' ? !((*got >= '0' && *got <= '9') || (*got >= 'a' && *got <= 'f'))
                     : *got != *want)
      return false;
  }
  return *got == '\0';
}

typedef struct {
  unsigned long files, bytes, mutations, rejected;
} figures;

static void mutate_all(const char *path, figures *f) {
  pol_program *p = NULL;
  pol_diags *d = NULL;
  if (pol_open(path, &p, &d) != POL_OK) {
    char *text = pol_diags_render(d, POL_FMT_TEXT);
    fail_msg("%s does not compile:\n%s", path, text ? text : "");
  }
  pol_diags_free(d);
  unsigned char *b;
  size_t n;
  assert_int_equal(pol_save(p, &b, &n), POL_OK);
  pol_program_free(p);

  /* the undamaged file loads */
  assert_int_equal(pol_load(path, b, n, &p, NULL), POL_OK);
  pol_program_free(p);

  char want[512];
  unsigned char masks[255];
  for (size_t at = 0; at < n; at++) {
    size_t nmasks;
    if (at < 12 || at >= n - CHECKSUM_BYTES) {
      for (nmasks = 0; nmasks < 255; nmasks++) masks[nmasks] = (unsigned char)(nmasks + 1);
    } else {
      masks[0] = (unsigned char)(1u << (at % 8));
      masks[1] = 0xff;
      masks[2] = (unsigned char)(1 + at % 255);
      nmasks = masks[2] == masks[0] || masks[2] == masks[1] ? 2 : 3;
    }
    for (size_t m = 0; m < nmasks; m++) {
      b[at] ^= masks[m];
      pol_program *q = (pol_program *)&q; /* must be overwritten with NULL */
      pol_status st = pol_load(path, b, n, &q, &d);
      f->mutations++;
      if (st != POL_EINPUT || q != NULL) {
        if (st == POL_OK) pol_program_free(q);
        fail_msg("%s: byte %zu ^ 0x%02x: pol_load returned %d, expected POL_EINPUT", path, at,
                 masks[m], (int)st);
      }
      /* the computed checksum exactly for the first mask of each offset (the loader
       * computes it for every one; recomputing it here too would double the time) */
      expected(b, n, at, m == 0, want, sizeof want);
      if (d->n != 1 || !matches(d->items[0].msg, want))
        fail_msg("%s: byte %zu ^ 0x%02x:\n  got:      %s\n  expected: %s", path, at, masks[m],
                 d->n ? d->items[0].msg : "(no message)", want);
      f->rejected++;
      pol_diags_free(d);
      b[at] ^= masks[m];
    }
  }
  f->files++;
  f->bytes += n;
  free(b);
}

static void test_every_single_byte_mutation(void **state) {
  (void)state;
  glob_t g;
  assert_int_equal(glob("policies/*.pol", 0, NULL, &g), 0);
  assert_true(g.gl_pathc >= 5);
  figures f = {0, 0, 0, 0};
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (size_t i = 0; i < g.gl_pathc; i++) mutate_all(g.gl_pathv[i], &f);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  globfree(&g);
  assert_int_equal(f.rejected, f.mutations);
  printf("polb mutations: %lu files, %lu bytes, %lu single-byte mutations, %lu rejected with "
         "the message of their field, %.2f s\n",
         f.files, f.bytes, f.mutations, f.rejected,
         (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_every_single_byte_mutation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
