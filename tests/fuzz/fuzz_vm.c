/*
 * fuzz_vm.c — VM invariants on the bundled policies.
 *
 * Input: bytes that drive a generator: byte 0 picks the policy, then for each of a few
 * queries a valid resident (every attribute of its type, inside its range, identities any
 * subset) and a payment date near the policy's periods, and now and then an add-on tier
 * bought.  For each query:
 *   - the answer invariants of fuzz_quote (individual + funding == worth, parts >= 0,
 *     benefit start <= end when payable, a category exactly when payable, JSON agrees);
 *   - the compiled program and its reloaded .polb give the same answer, byte for byte;
 *   - a context that answered other queries before gives the same answer as a fresh one;
 *   - a valid resident is never refused as bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "fuzz.h"
#include "money.h"

#define QUERIES 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 4096) return 0;
  const fuzz_policy *pols;
  size_t npols = fuzz_policies(&pols);
  fuzz_bytes b = {data, size, 0};
  const fuzz_policy *pol = &pols[fuzz_u8(&b) % npols];
  const pol_program *p = pol->compiled;

  int empty = 0; /* a payable answer that buys nothing: allowed where check reports it */
  pol_eval *used = pol_eval_new(p), *from_polb = pol_eval_new(pol->loaded);
  FUZZ_ASSERT(used && from_polb, "pol_eval_new");
  for (int i = 0; i < QUERIES && b.at < b.n; i++) {
    int32_t date = fuzz_date(p, &b);
    char *json = fuzz_resident(p, &b, 0);
    /* an add-on tier of the policy, bought now and then */
    char spec[256];
    const char *addons[1] = {spec};
    size_t naddons = 0;
    uint8_t buy = fuzz_u8(&b);
    if (p->naddons && buy >= 0x80) {
      const prg_addon *a = &p->addons[buy % p->naddons];
      if (a->tier_count) {
        char y[MONEY_MAX_TEXT];
        money_format(p->tiers[a->tier_first + fuzz_u8(&b) % a->tier_count].amount, y);
        snprintf(spec, sizeof spec, "%s=%s", prg_str(p, a->key), y);
        naddons = 1;
      }
    }
    pol_eval *fresh = pol_eval_new(p);
    FUZZ_ASSERT(fresh, "pol_eval_new");
    char *a1 = fuzz_quote(fresh, json, date, addons, naddons, pol->clean ? NULL : &empty);
    char *a2 = fuzz_quote(used, json, date, addons, naddons, pol->clean ? NULL : &empty);
    char *a3 = fuzz_quote(from_polb, json, date, addons, naddons, pol->clean ? NULL : &empty);
    FUZZ_ASSERT(strncmp(a1, "resident:", 9) != 0 && strncmp(a1, "addon ", 6) != 0, a1);
    FUZZ_ASSERT(strcmp(a1, a2) == 0, a2);
    FUZZ_ASSERT(strcmp(a1, a3) == 0, a3);
    free(a1);
    free(a2);
    free(a3);
    free(json);
    pol_eval_free(fresh);
  }
  pol_eval_free(used);
  pol_eval_free(from_polb);
  return 0;
}
