/*
 * fuzz_polb.c — .polb bytes.  Input: a file as pol_load would read it.
 *
 * pol_load must reject it with an error or accept it; nothing it accepts may crash the
 * evaluator, the example runner, check, disasm or schema (the verifier's promise), and an
 * accepted program round-trips (saving it again gives bytes that load to the same bytes).
 * Quotes use residents and dates drawn from the input's tail, with the answer
 * invariants of fuzz_quote.
 *
 * .polb v4 ends in a checksum (XXH3) that would reject almost every mutated input before
 * the reader and verifier see it: the input is loaded once as it is (any status but a
 * crash), then re-sealed with polb_seal (length field and checksum rewritten) and run
 * through everything above.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "vmint.h"

#define MAX_INPUT (1 << 20)

static void render_all(const pol_diags *d) {
  static const pol_format fmts[] = {POL_FMT_TEXT, POL_FMT_JSON, POL_FMT_SARIF};
  for (size_t i = 0; i < 3; i++) {
    char *s = pol_diags_render(d, fmts[i]);
    FUZZ_ASSERT(s != NULL, "pol_diags_render");
    free(s);
  }
}

static int sealed_input(const uint8_t *data, size_t size) {
  pol_program *p = NULL;
  pol_diags *d = NULL;
  pol_status st = pol_load("fuzz.polb", data, size, &p, &d);
  FUZZ_ASSERT(st == POL_OK || st == POL_EINPUT, "pol_load status");
  FUZZ_ASSERT(d != NULL, "pol_load gives diagnostics");
  render_all(d);
  if (st != POL_OK) {
    FUZZ_ASSERT(p == NULL && pol_diags_count(d, 1) > 0, "an error, no program");
    pol_diags_free(d);
    return 0;
  }
  pol_diags_free(d);
  FUZZ_ASSERT(p != NULL, "a program");

  pol_program *q = fuzz_round_trip(p);
  pol_eval *e1 = pol_eval_new(p), *e2 = pol_eval_new(q);
  if (!e1 || !e2) { /* host functions (`extern`) need pol_eval_open and a host: not here */
    pol_eval *probe = NULL;
    int externs = pol_eval_open(p, NULL, &probe) == POL_EINPUT;
    pol_eval_free(probe);
    FUZZ_ASSERT(externs, "pol_eval_new");
    pol_eval_free(e1);
    pol_eval_free(e2);
    pol_program_free(q);
    pol_program_free(p);
    return 0;
  }
  /* residents from the last 64 bytes: a mutation there changes the query, not the file */
  size_t tail = size > 64 ? size - 64 : 0;
  int empty = 0;
  fuzz_bytes b = {data, size, tail};
  for (int i = 0; i < 3; i++) {
    int32_t date = fuzz_date(p, &b);
    char *json = fuzz_resident(p, &b, 0);
    char *a1 = fuzz_quote(e1, json, date, NULL, 0, &empty);
    char *a2 = fuzz_quote(e2, json, date, NULL, 0, &empty);
    FUZZ_ASSERT(strcmp(a1, a2) == 0, a1);
    free(a1);
    free(a2);
    free(json);
  }
  pol_eval_free(e1);
  pol_eval_free(e2);

  char *report = NULL;
  pol_status t = pol_test(p, &report);
  FUZZ_ASSERT(t == POL_OK || t == POL_NEGATIVE || t == POL_EINPUT || t == POL_ERUNTIME,
              report);
  free(report);
  char *s = pol_disasm(p);
  FUZZ_ASSERT(s != NULL, "pol_disasm");
  free(s);
  for (int f = 0; f < 2; f++) {
    s = pol_schema(p, f ? POL_FMT_JSON : POL_FMT_TEXT);
    FUZZ_ASSERT(s != NULL, "pol_schema");
    free(s);
  }
  /* check costs a hundred times a load: it runs on one input in four (by a hash of the
   * input, so a replayed input does the same), the rest fuzz the loader faster */
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 16777619u;
  if (h % 4 != 0 && !getenv("FUZZ_CHECK_ALL")) {
    pol_program_free(q);
    pol_program_free(p);
    return 0;
  }
  pol_diags *c = NULL;
  pol_status cs = pol_check(p, NULL, 0, (int)(size & 1), &c);
  FUZZ_ASSERT(cs == POL_OK || cs == POL_NEGATIVE || cs == POL_EINPUT, "pol_check status");
  /* an accepted payment that buys nothing is an error check must find */
  FUZZ_ASSERT(!empty || cs != POL_OK, "check reports a payable date whose benefits start after they end");
  if (c) render_all(c);
  pol_diags_free(c);
  pol_program_free(q);
  pol_program_free(p);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > MAX_INPUT) return 0;
  pol_program *p = NULL;
  pol_diags *d = NULL;
  pol_status st = pol_load("fuzz.polb", data, size, &p, &d);
  FUZZ_ASSERT(st == POL_OK || st == POL_EINPUT, "pol_load status (unsealed)");
  pol_program_free(p);
  pol_diags_free(d);
  uint8_t *b = malloc(size ? size : 1);
  if (!b) return 0;
  if (size) memcpy(b, data, size);
  polb_seal(b, size);
  int r = sealed_input(b, size);
  free(b);
  return r;
}
