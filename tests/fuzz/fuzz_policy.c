/*
 * fuzz_policy.c — policy text.  Input: the bytes of a .pol.
 *
 * pol_compile must either fail with at least one error (and no program) or succeed; the
 * diagnostics render in every format.  A compiled program must survive the .polb round
 * trip (load verifies it; saving again gives the same bytes) and the reloaded program
 * must answer exactly as the original: the inline examples, and quotes of residents and
 * dates drawn from the text's hash.  pol_check runs on it, findings rendered in every
 * format, and must give the same status on the reloaded program (a .polb has no source,
 * so only the status is compared).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Long texts mostly test the scanner's speed; the interesting structure fits in 64 KiB. */
#define MAX_INPUT 65536

static void render_all(const pol_diags *d) {
  static const pol_format fmts[] = {POL_FMT_TEXT, POL_FMT_JSON, POL_FMT_SARIF};
  for (size_t i = 0; i < 3; i++) {
    char *s = pol_diags_render(d, fmts[i]);
    FUZZ_ASSERT(s != NULL, "pol_diags_render");
    free(s);
  }
}

static uint64_t hash(const uint8_t *data, size_t size) {
  uint64_t h = 1469598103934665603u;
  for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 1099511628211u;
  return h;
}

/* p and q answer alike: the same examples report, the same quotes. */
static void same_answers(const pol_program *p, const pol_program *q, const uint8_t *data,
                         size_t size, int *empty) {
  char *r1 = NULL, *r2 = NULL;
  pol_status t1 = pol_test(p, &r1), t2 = pol_test(q, &r2);
  FUZZ_ASSERT(t1 == t2, r1);
  FUZZ_ASSERT((r1 == NULL) == (r2 == NULL) && (!r1 || strcmp(r1, r2) == 0), r2);
  free(r1);
  free(r2);

  pol_eval *e1 = pol_eval_new(p), *e2 = pol_eval_new(q);
  if (!e1 || !e2) { /* host functions (`extern`) need pol_eval_open and a host: not here */
    pol_eval *probe = NULL;
    int externs = pol_eval_open(p, NULL, &probe) == POL_EINPUT;
    pol_eval_free(probe);
    FUZZ_ASSERT(externs, "pol_eval_new");
    pol_eval_free(e1);
    pol_eval_free(e2);
    return;
  }
  uint64_t seed[4] = {hash(data, size), 0x9e3779b97f4a7c15u, 0, 0};
  seed[2] = seed[0] * 31 + 7;
  seed[3] = seed[0] ^ 0xdeadbeefcafef00du;
  for (int i = 0; i < 4; i++) {
    fuzz_bytes b = {(const uint8_t *)seed, sizeof seed, 0};
    b.at = (size_t)i; /* four residents from one seed, shifted */
    int32_t date = fuzz_date(p, &b);
    fuzz_bytes rb = {data, size, (size_t)(seed[0] % (size + 1))};
    char *json = fuzz_resident(p, &rb, 0);
    char *a1 = fuzz_quote(e1, json, date, NULL, 0, empty);
    char *a2 = fuzz_quote(e2, json, date, NULL, 0, empty);
    FUZZ_ASSERT(strcmp(a1, a2) == 0, a1);
    free(a1);
    free(a2);
    free(json);
  }
  pol_eval_free(e1);
  pol_eval_free(e2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > MAX_INPUT) return 0;
  pol_program *p = NULL;
  pol_diags *d = NULL;
  pol_status st = pol_compile("fuzz.pol", (const char *)data, size, &p, &d);
  FUZZ_ASSERT(st == POL_OK || st == POL_EINPUT, "pol_compile status");
  FUZZ_ASSERT(d != NULL, "pol_compile gives diagnostics");
  render_all(d);
  if (st != POL_OK) {
    FUZZ_ASSERT(p == NULL, "no program on error");
    FUZZ_ASSERT(pol_diags_count(d, 1) > 0, "an error is reported");
    pol_diags_free(d);
    return 0;
  }
  FUZZ_ASSERT(p != NULL && pol_diags_count(d, 1) == 0, "a program, no errors");
  pol_diags_free(d);

  pol_program *q = fuzz_round_trip(p);
  int empty = 0;
  same_answers(p, q, data, size, &empty);

  char *s = pol_disasm(p);
  FUZZ_ASSERT(s != NULL, "pol_disasm");
  free(s);
  for (int f = 0; f < 2; f++) {
    s = pol_schema(p, f ? POL_FMT_JSON : POL_FMT_TEXT);
    FUZZ_ASSERT(s != NULL, "pol_schema");
    free(s);
  }

  /* check costs a hundred times a compile: it runs on one input in four (chosen by the
   * input's hash, so a replayed input does the same), the rest fuzz the compiler faster */
  if (hash(data, size) % 4 != 0 && !getenv("FUZZ_CHECK_ALL")) {
    pol_program_free(q);
    pol_program_free(p);
    return 0;
  }
  int verbose = (int)(size & 1);
  pol_diags *c1 = NULL, *c2 = NULL;
  pol_status s1 = pol_check(p, (const char *)data, size, verbose, &c1);
  pol_status s2 = pol_check(q, NULL, 0, verbose, &c2);
  FUZZ_ASSERT(s1 == POL_OK || s1 == POL_NEGATIVE || s1 == POL_EINPUT, "pol_check status");
  char *t1 = c1 ? pol_diags_render(c1, POL_FMT_TEXT) : NULL;
  FUZZ_ASSERT(s1 == s2, t1);
  /* an accepted payment that buys nothing is an error check must find */
  FUZZ_ASSERT(!empty || s1 != POL_OK, "check reports a payable date whose benefits start after they end");
  free(t1);
  if (c1) render_all(c1);
  if (c2) render_all(c2);
  pol_diags_free(c1);
  pol_diags_free(c2);

  pol_program_free(q);
  pol_program_free(p);
  return 0;
}
