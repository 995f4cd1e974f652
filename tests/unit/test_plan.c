/*
 * test_plan.c — the quote's decision structure (api/plan.c) against the interpreter.
 *
 * Every policy of policies/, examples/patterns/ and tests/check/ is compiled; the five
 * bundled policies must have a plan.  For random residents (every attribute drawn from
 * its type, identities mostly few) and payment dates around the benefit year, the
 * planned quote and the interpreter's (ev->slow) must give the same status, the same
 * error and the same answer JSON, byte for byte (category, amounts, window, reason, dates,
 * waits, add-ons, matched, why).
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

#include "calendar.h"
#include "eval.h"
#include "plan.h"

#define RESIDENTS 1000

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static int64_t pick(int64_t lo, int64_t hi) {
  return lo + (int64_t)(next() % (uint64_t)(hi - lo + 1));
}

/* A date near the benefit year, sometimes near a constant-like edge. */
static int32_t some_date(int year, int spread_years) {
  int32_t base = cal_from_ymd(year, 1, 1);
  return (int32_t)pick(base - 365 * spread_years, base + 365 * 2);
}

static void random_resident(pol_eval *ev, const pol_program *p) {
  pol_resident_clear(ev);
  for (uint32_t i = 0; i < p->nattrs; i++) {
    const prg_attr *a = &p->attrs[i];
    pol_handle h = pol_handle_at(p, POL_ATTRIBUTE, i);
    if (a->is_identities) {
      uint32_t n = (uint32_t)pick(0, 3);
      for (uint32_t k = 0; k < n && p->nidentities; k++)
        pol_set(ev, pol_handle_at(p, POL_IDENTITY, (uint32_t)pick(0, p->nidentities - 1)), 1);
      continue;
    }
    if (a->presence != PRESENCE_REQUIRED && pick(0, 2) == 0)
      continue; /* default, absent, or the payment date */
    switch (a->type) {
    case TY_BOOL: pol_set(ev, h, pick(0, 1)); break;
    case TY_INT:
    case TY_ENUM: pol_set(ev, h, pick(a->lo, a->hi < a->lo + 60 ? a->hi : a->lo + 60)); break;
    case TY_DATE: pol_set(ev, h, some_date(p->year, pick(0, 3) == 0 ? 90 : 5)); break;
    case TY_MONEY: pol_set(ev, h, pick(0, 100000)); break;
    default: break;
    }
  }
}

static void copy_resident(pol_eval *to, const pol_eval *from) {
  const pol_program *p = from->p;
  memcpy(to->resident, from->resident, eval_slot_count(p) * sizeof *to->resident);
  memcpy(to->given, from->given, p->nattrs);
  memcpy(to->bought, from->bought, p->naddons * sizeof *to->bought);
  to->missing = from->missing;
  to->has_resident = from->has_resident;
}

/* Quotes RESIDENTS residents with both paths; returns how many took the plan. */
static uint32_t compare_paths(const char *path, const pol_program *p, uint32_t *refused) {
  pol_eval *fast = pol_eval_new(p), *slow = pol_eval_new(p);
  assert_non_null(fast);
  assert_non_null(slow);
  slow->slow = true;
  uint32_t planned = 0;
  for (uint32_t r = 0; r < RESIDENTS; r++) {
    random_resident(fast, p);
    for (uint32_t a = 0; a < p->naddons; a++)
      if (p->addons[a].tier_count && pick(0, 3) == 0)
        pol_buy(fast, pol_handle_at(p, POL_ADDON, a),
                p->tiers[p->addons[a].tier_first + (uint32_t)pick(0, p->addons[a].tier_count - 1)].amount);
    copy_resident(slow, fast);
    int32_t date = some_date(p->year, 1);
    pol_status a = pol_quote(fast, date), b = pol_quote(slow, date);
    if (a != b || (a != POL_OK && strcmp(fast->error, slow->error) != 0)) {
      char d[11];
      cal_format(date, d);
      fail_msg("%s, resident %u on %s: plan %d (%s), interpreter %d (%s)", path, r, d, a,
               fast->error, b, slow->error);
    }
    if (a == POL_EINPUT && strstr(fast->error, "contradicts assumption"))
      (*refused)++; /* lapsed years beyond the years since birth, ...: no quote to plan */
    if (a != POL_OK)
      continue;
    plan_cell cell;
    if (fast->plan && plan_decide(fast->plan, fast, &cell))
      planned++;
    char *x = pol_answer_json(fast, POL_ANSWER_QUOTE), *y = pol_answer_json(slow, POL_ANSWER_QUOTE);
    assert_non_null(x);
    assert_non_null(y);
    if (strcmp(x, y) != 0)
      fail_msg("%s, resident %u: the plan answers\n%s\nthe interpreter\n%s", path, r, x, y);
    free(x);
    free(y);
  }
  pol_eval_free(fast);
  pol_eval_free(slow);
  return planned;
}

static void each_policy(const char *dir, bool must_plan) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name);
    if (n < 5 || strcmp(e->d_name + n - 4, ".pol") != 0)
      continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    pol_program *p = NULL;
    pol_diags *diags = NULL;
    pol_status st = pol_open(path, &p, &diags);
    pol_diags_free(diags);
    if (st != POL_OK)
      continue; /* tests/check holds policies that do not compile on purpose */
    if (p->nexterns > 0) { /* host functions: no plan, and a context needs the host */
      assert_null(plan_of(p));
      pol_program_free(p);
      continue;
    }
    if (must_plan && plan_of(p) == NULL)
      fail_msg("%s has no plan", path);
    uint32_t refused = 0, planned = compare_paths(path, p, &refused);
    /* residents outside the prelude's assumptions are refused before any plan */
    if (must_plan && (refused > RESIDENTS * 3 / 4 || planned < (RESIDENTS - refused) / 2))
      fail_msg("%s: only %u of %u quotes took the plan (%u residents refused by assumptions)", path,
               planned, RESIDENTS - refused, refused);
    pol_program_free(p);
  }
  closedir(d);
}

static void test_bundled_policies(void **state) {
  (void)state;
  each_policy("policies", true);
}

static void test_pattern_policies(void **state) {
  (void)state;
  each_policy("examples/patterns", false);
}

static void test_check_policies(void **state) {
  (void)state;
  each_policy("tests/check", false);
}

/* POL_PLAN_FILES="a.pol b.pol": compare the paths on those files instead (differential
 * fuzzing of the plan against the interpreter; see docs/RELIABILITY.md). */
static void test_given_files(void **state) {
  (void)state;
  char *list = strdup(getenv("POL_PLAN_FILES"));
  assert_non_null(list);
  for (char *f = strtok(list, " "); f; f = strtok(NULL, " ")) {
    pol_program *p = NULL;
    pol_diags *diags = NULL;
    pol_status st = pol_open(f, &p, &diags);
    pol_diags_free(diags);
    if (st == POL_OK && p->nexterns > 0) { /* host functions: no plan (see each_policy) */
      pol_program_free(p);
    } else if (st == POL_OK) {
      uint32_t refused = 0;
      compare_paths(f, p, &refused);
      pol_program_free(p);
    }
  }
  free(list);
}

int main(void) {
  if (getenv("POL_PLAN_FILES")) {
    const struct CMUnitTest given[] = {cmocka_unit_test(test_given_files)};
    return cmocka_run_group_tests(given, NULL, NULL);
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bundled_policies),
      cmocka_unit_test(test_pattern_policies),
      cmocka_unit_test(test_check_policies),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
