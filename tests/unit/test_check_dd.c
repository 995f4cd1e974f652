/*
 * test_check_dd.c — `polc check`'s decision diagrams (analysis/compdd.c) against its
 * enumeration.
 *
 * Every policy of policies/, examples/patterns/ and tests/check/ is checked twice: as
 * usual (groups of categories enumerated point by point where they are small enough) and
 * with POL_CHECK_DIAGRAMS (every group through its diagrams), and once more with
 * POL_CHECK_LIFTED (every category's diagram built from its lifted condition, as for a
 * category too large to tabulate).  All must give the same
 * status and the same findings: severity, rule, location, second party.  The messages
 * may differ only in figures read off the witness (a diagram's witness is the most
 * ordinary one, the enumeration's the first met), so a finding's message is compared
 * up to its first digit.  POL_DD_FILES="a.pol b.pol" compares those files instead.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "pol.h"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
    free(s);
    s = NULL;
  }
  fclose(f);
  if (s) s[n] = 0, *len = (size_t)n;
  return s;
}

/* The message up to its first digit (figures come from the witness). */
static size_t stem(const char *m) {
  size_t k = 0;
  while (m[k] && (m[k] < '0' || m[k] > '9')) k++;
  return k;
}

/* Findings in a canonical order: location, rule, message stem, second party (the order
 * among findings at one declaration follows the order points are met in). */
static int by_finding(const void *a, const void *b) {
  const diag *x = *(const diag *const *)a, *y = *(const diag *const *)b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  int r = strcmp(x->rule, y->rule);
  if (r) return r;
  size_t kx = stem(x->msg), ky = stem(y->msg);
  r = strncmp(x->msg, y->msg, kx < ky ? kx : ky);
  if (r) return r;
  if (kx != ky) return kx < ky ? -1 : 1;
  return (x->rel_start > y->rel_start) - (x->rel_start < y->rel_start);
}

static const diag **sorted(const pol_diags *d) {
  const diag **v = malloc((d->n ? d->n : 1) * sizeof *v);
  assert_non_null(v);
  for (uint32_t i = 0; i < d->n; i++) v[i] = &d->items[i];
  qsort(v, d->n, sizeof *v, by_finding);
  return v;
}

/* Returns 1 when the two analyses of path agree (lifted: POL_CHECK_LIFTED, every
 * category's diagram from its lifted condition instead of its table). */
static int compare_as(const char *path, int lifted) {
  size_t len = 0;
  char *src = slurp(path, &len);
  assert_non_null(src);
  pol_program *p = NULL;
  pol_diags *d = NULL;
  if (pol_compile(path, src, len, &p, &d) != POL_OK) { /* tests/check: some do not compile */
    pol_diags_free(d);
    free(src);
    return 1;
  }
  pol_diags_free(d);
  pol_diags *a = NULL, *b = NULL;
  pol_status sa = pol_check(p, src, len, POL_CHECK_NOTES, &a);
  pol_status sb = pol_check(p, src, len, POL_CHECK_NOTES | POL_CHECK_DIAGRAMS | lifted, &b);
  int ok = sa == sb && a->n == b->n && !a->incomplete == !b->incomplete;
  const diag **va = sorted(a), **vb = sorted(b);
  for (uint32_t i = 0; ok && i < a->n; i++) {
    const diag *x = va[i], *y = vb[i];
    size_t k = stem(x->msg);
    ok = x->sev == y->sev && strcmp(x->rule, y->rule) == 0 && x->start == y->start &&
         x->has_related == y->has_related && (!x->has_related || x->rel_start == y->rel_start) &&
         k == stem(y->msg) && strncmp(x->msg, y->msg, k) == 0;
  }
  if (!ok) {
    char *ta = pol_diags_render(a, POL_FMT_TEXT), *tb = pol_diags_render(b, POL_FMT_TEXT);
    fprintf(stderr, "%s: enumerated (status %d)\n%s\nby diagrams (status %d)\n%s\n", path, sa, ta, sb, tb);
    free(ta);
    free(tb);
  }
  free(va);
  free(vb);
  pol_diags_free(a);
  pol_diags_free(b);
  pol_program_free(p);
  free(src);
  return ok;
}

static int compare(const char *path) { return compare_as(path, 0) && compare_as(path, POL_CHECK_LIFTED); }

static void each_policy(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *e;
  int failed = 0;
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name);
    if (n < 5 || strcmp(e->d_name + n - 4, ".pol") != 0) continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    failed += !compare(path);
  }
  closedir(d);
  assert_int_equal(failed, 0);
}

static void test_bundled_policies(void **state) {
  (void)state;
  each_policy("policies");
}

static void test_pattern_policies(void **state) {
  (void)state;
  each_policy("examples/patterns");
}

static void test_check_policies(void **state) {
  (void)state;
  each_policy("tests/check");
}

/* pol_check's status and pol_diags_not_covered on a partial, an exact large and an exact
 * clean analysis. */
static pol_status check_file(const char *path, const char **not_covered, pol_diags **d) {
  size_t len = 0;
  char *src = slurp(path, &len);
  assert_non_null(src);
  pol_program *p = NULL;
  *d = NULL;
  assert_int_equal(pol_compile(path, src, len, &p, d), POL_OK);
  pol_status st = pol_check(p, src, len, 0, d);
  *not_covered = pol_diags_not_covered(*d);
  pol_program_free(p);
  free(src);
  return st;
}

static void test_partial_is_negative(void **state) {
  (void)state;
  const char *nc;
  pol_diags *d;
  assert_int_equal(check_file("tests/check/coverage-identities.pol", &nc, &d), POL_NEGATIVE);
  assert_non_null(nc);
  assert_non_null(strstr(nc, "`needy`"));
  assert_int_equal(pol_diags_count(d, 1), 0); /* negative for the partial analysis alone */
  pol_diags_free(d);
  assert_int_equal(check_file("tests/check/coverage-chained-40.pol", &nc, &d), POL_NEGATIVE);
  assert_null(nc);
  assert_int_equal(pol_diags_count(d, 1), 1); /* `four`'s amounts */
  pol_diags_free(d);
  assert_int_equal(check_file("tests/check/coverage-identities-let.pol", &nc, &d), POL_OK);
  assert_null(nc);
  pol_diags_free(d);
}

static void test_given_files(void **state) {
  (void)state;
  char *list = strdup(getenv("POL_DD_FILES"));
  assert_non_null(list);
  int failed = 0;
  for (char *f = strtok(list, " "); f; f = strtok(NULL, " ")) failed += !compare(f);
  free(list);
  assert_int_equal(failed, 0);
}

int main(void) {
  if (getenv("POL_DD_FILES")) {
    const struct CMUnitTest given[] = {cmocka_unit_test(test_given_files)};
    return cmocka_run_group_tests(given, NULL, NULL);
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bundled_policies),
      cmocka_unit_test(test_pattern_policies),
      cmocka_unit_test(test_check_policies),
      cmocka_unit_test(test_partial_is_negative),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
