/*
 * fuzz_resident.c — resident JSON and add-on specs against the bundled policies.
 *
 * Input: byte 0 picks the policy; then text whose first line is
 *   DATE [ADDON=AMOUNT]...      (DATE as --date takes it: "2025-11-10")
 * and the rest the resident JSON, as `polc quote --resident` would pass it.  A date that
 * does not parse is replaced by one near the policy's periods (drawn from the JSON's
 * first bytes), so the JSON is still exercised.  The resident is then quoted on the
 * compiled policy and on its reloaded .polb: the same outcome, and the answer
 * invariants of fuzz_quote.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_INPUT 65536
#define MAX_ADDONS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > MAX_INPUT) return 0;
  const fuzz_policy *pols;
  size_t npols = fuzz_policies(&pols);
  const fuzz_policy *pol = &pols[data[0] % npols];

  /* a NUL-terminated copy: the API takes C strings */
  char *text = malloc(size);
  FUZZ_ASSERT(text != NULL, "out of memory in the harness");
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';
  char *nl = strchr(text, '\n');
  char *json = nl ? nl + 1 : text + strlen(text);
  if (nl) *nl = '\0';

  const char *addons[MAX_ADDONS];
  size_t naddons = 0;
  char *save = NULL;
  char *word = strtok_r(text, " ", &save);
  int32_t date;
  fuzz_bytes b = {(const uint8_t *)json, strlen(json), 0};
  if (!word || pol_date_parse(word, &date) != POL_OK) date = fuzz_date(pol->compiled, &b);
  while ((word = strtok_r(NULL, " ", &save)) != NULL && naddons < MAX_ADDONS)
    addons[naddons++] = word;

  int empty = 0; /* a payable answer that buys nothing: allowed where check reports it */
  pol_eval *e1 = pol_eval_new(pol->compiled), *e2 = pol_eval_new(pol->loaded);
  FUZZ_ASSERT(e1 && e2, "pol_eval_new");
  char *a1 = fuzz_quote(e1, json, date, addons, naddons, pol->clean ? NULL : &empty);
  char *a2 = fuzz_quote(e2, json, date, addons, naddons, pol->clean ? NULL : &empty);
  FUZZ_ASSERT(strcmp(a1, a2) == 0, a1);
  /* the same query again on a used context gives the same answer */
  char *a3 = fuzz_quote(e1, json, date, addons, naddons, pol->clean ? NULL : &empty);
  FUZZ_ASSERT(strcmp(a1, a3) == 0, a3);
  free(a1);
  free(a2);
  free(a3);
  pol_eval_free(e1);
  pol_eval_free(e2);
  free(text);
  return 0;
}
