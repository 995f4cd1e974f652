/*
 * test_api.c — the typed API of api/pol.h: handles, setting a resident value by value,
 * the answer's accessors, and every misuse (NULL, a handle of another program or of
 * another kind, a value out of range, accessors before a quote).  Answers through the
 * typed API must equal the JSON API's for the same resident.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "pol.h"

static pol_program *open_ok(const char *path) {
  pol_program *p = NULL;
  pol_diags *d = NULL;
  assert_int_equal(pol_open(path, &p, &d), POL_OK);
  pol_diags_free(d);
  return p;
}

static int32_t day(const char *s) {
  int32_t d;
  assert_int_equal(pol_date_parse(s, &d), POL_OK);
  return d;
}

static void test_handles(void **state) {
  (void)state;
  pol_program *p = open_ok("policies/pingshun-2026.pol");
  pol_handle sa = pol_find(p, POL_IDENTITY, "subsistence_allowance");
  assert_false(pol_handle_is_null(sa));
  assert_string_equal(pol_key(p, sa), "subsistence_allowance");
  assert_string_equal(pol_label(p, sa), "低保对象 / 低保人员 / 低保户");
  /* the same key is a category too: another kind, another handle */
  pol_handle cat = pol_find(p, POL_CATEGORY, "subsistence_allowance");
  assert_false(pol_handle_is_null(cat));
  assert_true(cat.bits != sa.bits);
  assert_string_equal(pol_label(p, cat), "低保人员");
  assert_true(pol_handle_is_null(pol_find(p, POL_IDENTITY, "no_such_identity")));
  assert_true(pol_handle_is_null(pol_find(NULL, POL_IDENTITY, "student")));
  assert_true(pol_handle_is_null(pol_find(p, POL_IDENTITY, NULL)));
  assert_true(pol_handle_is_null(pol_find(p, (pol_kind)99, "student")));
  /* every handle of a kind, in policy order, round-trips through its key */
  for (pol_kind k = POL_ATTRIBUTE; k <= POL_WINDOW; k++) {
    uint32_t n = pol_count(p, k);
    assert_true(n > 0 || k == POL_ADDON);
    for (uint32_t i = 0; i < n; i++) {
      pol_handle h = pol_handle_at(p, k, i);
      assert_int_equal(pol_find(p, k, pol_key(p, h)).bits, h.bits);
    }
    assert_true(pol_handle_is_null(pol_handle_at(p, k, n)));
  }
  assert_int_equal(pol_count(p, POL_CATEGORY), 10);
  assert_int_equal(pol_count(p, POL_WINDOW), 3);
  pol_handle birth = pol_find(p, POL_ATTRIBUTE, "birth_date");
  assert_int_equal(pol_attr_type(p, birth), POL_T_DATE);
  assert_int_equal(pol_attr_type(p, pol_find(p, POL_ATTRIBUTE, "identities")), POL_T_IDENTITIES);
  assert_int_equal(pol_attr_type(p, pol_find(p, POL_ATTRIBUTE, "disability_grade")), POL_T_INT);
  assert_int_equal(pol_attr_type(p, pol_find(p, POL_ATTRIBUTE, "local_hukou")), POL_T_BOOL);
  assert_int_equal(pol_attr_type(p, sa), 0); /* not an attribute */
  assert_null(pol_enum_key(p, birth, 0));
  /* a null handle names nothing */
  assert_string_equal(pol_key(p, (pol_handle){0}), "");
  assert_string_equal(pol_key(NULL, sa), "");
  assert_int_equal(pol_program_year(p), 2026);
  pol_program_free(p);
}

/* A handle of a program with other names is refused everywhere; one of the same policy
 * compiled again is accepted and means the same. */
static void test_foreign_handles(void **state) {
  (void)state;
  pol_program *ps = open_ok("policies/pingshun-2026.pol");
  pol_program *ps2 = open_ok("policies/pingshun-2026.pol");
  pol_program *cz = open_ok("policies/changzhi-2024.pol");
  pol_handle birth_cz = pol_find(cz, POL_ATTRIBUTE, "birth_date");
  pol_handle cat_cz = pol_find(cz, POL_CATEGORY, "ordinary");
  pol_eval *ev = pol_eval_new(ps);
  assert_non_null(ev);
  assert_int_equal(pol_resident_clear(ev), POL_OK);
  assert_int_equal(pol_set(ev, birth_cz, day("1980-01-01")), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev),
                      "pol_set: not an attribute or identity handle of policy pingshun-2026");
  assert_string_equal(pol_key(ps, cat_cz), "");
  assert_int_equal(pol_set(ev, pol_find(ps2, POL_ATTRIBUTE, "birth_date"), day("1980-01-01")),
                   POL_OK);
  assert_int_equal(pol_quote(ev, day("2025-11-10")), POL_OK);
  assert_int_equal(pol_answer_matched(ev, cat_cz), 0);
  assert_string_equal(pol_key(ps, pol_answer_category(ev)), "ordinary");
  assert_int_equal(pol_answer_category(ev).bits, pol_find(ps2, POL_CATEGORY, "ordinary").bits);
  pol_eval_free(ev);
  pol_program_free(ps);
  pol_program_free(ps2);
  pol_program_free(cz);
}

static void test_set_misuse(void **state) {
  (void)state;
  pol_program *p = open_ok("policies/pingshun-2026.pol");
  pol_eval *ev = pol_eval_new(p);
  pol_handle grade = pol_find(p, POL_ATTRIBUTE, "disability_grade");
  pol_handle sa = pol_find(p, POL_IDENTITY, "subsistence_allowance");
  assert_int_equal(pol_resident_clear(NULL), POL_EINPUT);
  assert_int_equal(pol_set(NULL, grade, 1), POL_EINPUT);
  assert_int_equal(pol_set(ev, grade, 5), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev), "\"disability_grade\": expected 0..4, got 5");
  assert_int_equal(pol_set(ev, sa, 2), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev),
                      "identity \"subsistence_allowance\": expected 0 or 1, got 2");
  assert_int_equal(pol_set(ev, pol_find(p, POL_ATTRIBUTE, "local_hukou"), -1), POL_EINPUT);
  assert_int_equal(pol_set(ev, pol_find(p, POL_ATTRIBUTE, "birth_date"), 99999999), POL_EINPUT);
  assert_int_equal(pol_set(ev, pol_find(p, POL_ATTRIBUTE, "identities"), 3), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev),
                      "\"identities\": set identities one by one through POL_IDENTITY handles");
  assert_int_equal(pol_set(ev, pol_find(p, POL_CATEGORY, "ordinary"), 1), POL_EINPUT);
  assert_int_equal(pol_unset(ev, grade), POL_EINPUT);
  assert_int_equal(pol_unset(ev, pol_find(p, POL_ATTRIBUTE, "exited_scheme_on")), POL_OK);
  assert_int_equal(pol_buy(ev, pol_find(p, POL_ADDON, "accident"), 2000), POL_EINPUT);
  /* birth_date is required: the quote says so, and nothing is answered */
  assert_int_equal(pol_quote(ev, day("2025-11-10")), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev), "resident: missing required key \"birth_date\"");
  assert_int_equal(pol_answer_payable(ev), 0);
  assert_true(pol_handle_is_null(pol_answer_category(ev)));
  assert_int_equal(pol_answer_start(ev), INT32_MIN);
  assert_int_equal(pol_answer_why_count(ev), 0);
  assert_string_equal(pol_answer_reason(ev), "");
  assert_int_equal(pol_answer_addon(ev, (pol_handle){0}, NULL), -1);
  /* accessors on NULL */
  assert_int_equal(pol_answer_individual(NULL), 0);
  assert_int_equal(pol_answer_end(NULL), INT32_MIN);
  char buf[11];
  assert_int_equal(pol_date_format(day("2026-02-25"), buf), POL_OK);
  assert_string_equal(buf, "2026-02-25");
  assert_int_equal(pol_date_format(INT32_MAX, buf), POL_EINPUT);
  pol_eval_free(ev);
  pol_program_free(p);
}

/* The typed answer of Pingshun's late 低保 payer and an ordinary late payer, field by field,
 * and equal to the JSON answer for the same resident. */
static void test_typed_equals_json(void **state) {
  (void)state;
  pol_program *p = open_ok("policies/pingshun-2026.pol");
  pol_eval *ev = pol_eval_new(p), *jv = pol_eval_new(p);
  pol_handle birth = pol_find(p, POL_ATTRIBUTE, "birth_date");
  pol_handle sa = pol_find(p, POL_IDENTITY, "subsistence_allowance");
  pol_handle medical = pol_find(p, POL_SOURCE, "medical_assistance");

  assert_int_equal(pol_resident_clear(ev), POL_OK);
  assert_int_equal(pol_set(ev, birth, day("1975-03-02")), POL_OK);
  assert_int_equal(pol_set(ev, sa, 1), POL_OK);
  assert_int_equal(pol_quote(ev, day("2025-11-10")), POL_OK);
  assert_int_equal(pol_answer_payable(ev), 1);
  assert_string_equal(pol_key(p, pol_answer_category(ev)), "subsistence_allowance");
  assert_int_equal(pol_answer_individual(ev), 8000);
  assert_int_equal(pol_answer_funding(ev, medical), 32000);
  assert_int_equal(pol_answer_worth(ev), 40000);
  assert_int_equal(pol_answer_subsidized(ev), 1);
  assert_int_equal(pol_answer_start(ev), day("2026-01-01"));
  assert_int_equal(pol_answer_end(ev), day("2026-12-31"));
  assert_string_equal(pol_key(p, pol_answer_window(ev)), "main");
  assert_int_equal(pol_answer_matched(ev, pol_find(p, POL_CATEGORY, "subsistence_allowance")), 1);
  assert_int_equal(pol_answer_matched(ev, pol_find(p, POL_CATEGORY, "ordinary")), 0);

  /* an ordinary resident paying late: the fiscal subsidy on top, and a wait */
  assert_int_equal(pol_resident_clear(ev), POL_OK);
  assert_int_equal(pol_set(ev, birth, day("1975-03-02")), POL_OK);
  assert_int_equal(pol_quote(ev, day("2026-03-10")), POL_OK);
  assert_int_equal(pol_answer_individual(ev), 110000);
  assert_int_equal(pol_answer_wait_months(ev), 3);
  assert_int_equal(pol_answer_waiting(ev), 1);
  assert_int_equal(pol_answer_start(ev), day("2026-06-10"));
  assert_int_equal(pol_answer_why_count(ev), 4);
  assert_string_equal(pol_answer_why(ev, 1),
                      "window late (超过集中缴费期补办参保缴费) [二、2 温馨提示]: benefits from 2026-03-10");
  assert_string_equal(pol_answer_why(ev, 3), "rule late_wait (超过集中缴费期补办参保：待遇等待期（3个月，"
                                             "每多断保1年加1个月）) [二、2 温馨提示]: waits 3 months");

  assert_int_equal(pol_resident_json(jv, "{\"birth_date\":\"1975-03-02\"}", day("2026-03-10")),
                   POL_OK);
  assert_int_equal(pol_quote(jv, day("2026-03-10")), POL_OK);
  char *a = pol_answer_json(ev, POL_ANSWER_QUOTE), *b = pol_answer_json(jv, POL_ANSWER_QUOTE);
  assert_non_null(a);
  assert_string_equal(a, b);
  json_t *j = json_loads(a, 0, NULL);
  json_t *why = json_object_get(j, "why");
  for (uint32_t i = 0; i < pol_answer_why_count(ev); i++)
    assert_string_equal(json_string_value(json_array_get(why, i)), pol_answer_why(ev, i));
  json_decref(j);
  free(a);
  free(b);

  /* a refused date: the reason, formatted when asked for */
  assert_int_equal(pol_quote(ev, day("2025-11-27")), POL_OK);
  assert_int_equal(pol_answer_payable(ev), 0);
  assert_string_equal(pol_answer_reason(ev), "payments are accepted on days 1\u201325 of each month");
  /* a refused answer has no benefit period: "none" through the accessors, null in JSON
   * (the keys kept), while the category and amounts are still those that would apply */
  assert_int_equal(pol_answer_start(ev), INT32_MIN);
  assert_int_equal(pol_answer_end(ev), INT32_MIN);
  assert_int_equal(pol_answer_individual(ev), 40000);
  char *r = pol_answer_json(ev, POL_ANSWER_QUOTE);
  assert_non_null(r);
  json_t *rj = json_loads(r, 0, NULL);
  assert_non_null(json_object_get(rj, "benefit_start"));
  assert_true(json_is_null(json_object_get(rj, "benefit_start")));
  assert_true(json_is_null(json_object_get(rj, "benefit_end")));
  json_decref(rj);
  free(r);
  r = pol_answer_json(ev, POL_ANSWER_ELIGIBLE);
  rj = json_loads(r, 0, NULL);
  assert_true(json_is_null(json_object_get(rj, "benefit_start")));
  assert_true(json_is_null(json_object_get(rj, "benefit_end")));
  json_decref(rj);
  free(r);
  pol_eval_free(ev);
  pol_eval_free(jv);
  pol_program_free(p);
}

/* `wait 3 months counted as 90 days`: both units through the typed accessors, the
 * benefit start counted in days, and the effect with its counted figure. */
static void test_wait_counted(void **state) {
  (void)state;
  pol_program *p = open_ok("examples/patterns/wait-counted-in-days.pol");
  pol_eval *ev = pol_eval_new(p);
  assert_int_equal(pol_resident_clear(ev), POL_OK);
  assert_int_equal(pol_set(ev, pol_find(p, POL_ATTRIBUTE, "birth_date"), day("1980-05-05")), POL_OK);
  assert_int_equal(pol_quote(ev, day("2026-01-31")), POL_OK);
  assert_int_equal(pol_answer_payable(ev), 1);
  assert_int_equal(pol_answer_wait_months(ev), 3);
  assert_int_equal(pol_answer_wait_days(ev), 90);
  assert_int_equal(pol_answer_waiting(ev), 1);
  assert_int_equal(pol_answer_start(ev), day("2026-05-01")); /* +90 days, not +3 months */
  pol_effect k;
  int64_t v, counted;
  uint32_t rule;
  assert_int_equal(pol_answer_effect_count(ev), 2);
  assert_int_equal(pol_answer_effect(ev, 1, &k, &v, &rule, NULL), POL_OK);
  assert_int_equal(k, POL_EFFECT_WAIT_MONTHS_AS_DAYS);
  assert_int_equal(v, 3);
  assert_int_equal(rule, POL_NO_RULE);
  assert_int_equal(pol_answer_effect_counted(ev, 1, &counted), POL_OK);
  assert_int_equal(counted, 90);
  assert_int_equal(pol_answer_effect_counted(ev, 0, &counted), POL_OK); /* start: none */
  assert_int_equal(counted, 0);
  assert_int_equal(pol_answer_effect_counted(ev, 2, &counted), POL_EINPUT);
  /* on time: no wait in either unit */
  assert_int_equal(pol_quote(ev, day("2025-11-10")), POL_OK);
  assert_int_equal(pol_answer_wait_months(ev), 0);
  assert_int_equal(pol_answer_wait_days(ev), 0);
  assert_int_equal(pol_answer_waiting(ev), 0);
  pol_eval_free(ev);
  pol_program_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wait_counted),
      cmocka_unit_test(test_handles),
      cmocka_unit_test(test_foreign_handles),
      cmocka_unit_test(test_set_misuse),
      cmocka_unit_test(test_typed_equals_json),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
