/*
 * test_compile.c — whole policies compiled from inline source with pol_compile and
 * queried with pol_resident_json / pol_quote / pol_answer_json: type errors give exact
 * messages; small policies give exact amounts, dates and choices.
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

#include "diag.h"
#include "pol.h"

#define HEAD "policy { title \"t\" year 2026 }\nconst standard = 400 yuan\n"
#define WINDOWS                                                                          \
  "window main \"main\" 2025-10-17 .. 2025-12-31 days 1..25 { start 2026-01-01 }\n"     \
  "window late \"late\" 2026-01-01 .. 2026-12-31 { start paid_on }\n"

static pol_program *compile_ok(const char *src) {
  pol_program *p = NULL;
  pol_diags *d = NULL;
  pol_status st = pol_compile("t.pol", src, strlen(src), &p, &d);
  if (st != POL_OK) {
    char *text = pol_diags_render(d, POL_FMT_TEXT);
    fail_msg("does not compile:\n%s", text ? text : "?");
  }
  assert_non_null(p);
  pol_diags_free(d);
  return p;
}

/* Compile a policy that must fail; return the message of its first error (malloc'd),
 * and check that error is located in t.pol. */
static char *first_error_n(const char *src, size_t len, int *nerrors) {
  pol_program *p = NULL;
  pol_diags *d = NULL;
  pol_status st = pol_compile("t.pol", src, len, &p, &d);
  assert_int_equal(st, POL_EINPUT);
  assert_null(p);
  assert_non_null(d);
  char *msg = NULL;
  for (uint32_t i = 0; i < d->n && !msg; i++)
    if (d->items[i].sev == DIAG_ERROR) {
      assert_string_equal(d->sources[d->items[i].src].path, "t.pol");
      msg = strdup(d->items[i].msg);
    }
  assert_non_null(msg);
  if (nerrors) *nerrors = (int)pol_diags_count(d, 1);
  pol_diags_free(d);
  return msg;
}

static char *first_error(const char *src, int *nerrors) {
  return first_error_n(src, strlen(src), nerrors);
}

static void error_is_n(const char *src, size_t len, const char *want);

static void error_is(const char *src, const char *want) { error_is_n(src, strlen(src), want); }

static void error_is_n(const char *src, size_t len, const char *want) {
  int n = 0;
  char *msg = first_error_n(src, len, &n);
  if (strcmp(msg, want) != 0) fail_msg("got error '%s', expected '%s'", msg, want);
  free(msg);
}

typedef struct {
  pol_program *p;
  pol_eval *ev;
  json_t *ans;
} query;

/* Quote `resident` on `date` (with up to two add-ons); the answer stays in q->ans. */
static void quote(query *q, pol_program *p, const char *resident, const char *date,
                  const char *addon) {
  memset(q, 0, sizeof *q);
  q->p = p;
  q->ev = pol_eval_new(p);
  assert_non_null(q->ev);
  int32_t day;
  assert_int_equal(pol_date_parse(date, &day), POL_OK);
  if (pol_resident_json(q->ev, resident, day) != POL_OK)
    fail_msg("resident %s: %s", resident, pol_eval_error(q->ev));
  if (addon && pol_buy_addon(q->ev, addon) != POL_OK)
    fail_msg("addon %s: %s", addon, pol_eval_error(q->ev));
  if (pol_quote(q->ev, day) != POL_OK) fail_msg("quote: %s", pol_eval_error(q->ev));
  char *s = pol_answer_json(q->ev, POL_ANSWER_QUOTE);
  assert_non_null(s);
  json_error_t err;
  q->ans = json_loads(s, 0, &err);
  if (!q->ans) fail_msg("answer is not JSON: %s\n%s", err.text, s);
  free(s);
}

static void unquote(query *q) {
  json_decref(q->ans);
  pol_eval_free(q->ev);
}

/* A money value of the answer in fen (exact: the JSON holds at most two decimals). */
static long long fen_of(json_t *v) {
  if (!v) return -1;
  assert_true(json_is_number(v));
  double x = json_number_value(v) * 100.0;
  return (long long)(x < 0 ? x - 0.5 : x + 0.5);
}
static long long fen(query *q, const char *key) { return fen_of(json_object_get(q->ans, key)); }
static long long funding(query *q, const char *source) {
  json_t *f = json_object_get(q->ans, "funding");
  assert_true(json_is_object(f));
  json_t *v = json_object_get(f, source);
  return v ? fen_of(v) : 0;
}
static size_t nfunding(query *q) { return json_object_size(json_object_get(q->ans, "funding")); }
static const char *str(query *q, const char *key) {
  json_t *v = json_object_get(q->ans, key);
  if (!json_is_string(v)) fail_msg("'%s' is not a string", key);
  return json_string_value(v);
}
static int payable(query *q) {
  json_t *v = json_object_get(q->ans, "payable");
  assert_true(json_is_boolean(v));
  return json_is_true(v);
}
static long long num(query *q, const char *key) {
  json_t *v = json_object_get(q->ans, key);
  if (!json_is_integer(v)) fail_msg("'%s' is not an integer", key);
  return json_integer_value(v);
}

/* ---- type errors ------------------------------------------------------------------- */

static void test_type_errors(void **state) {
  (void)state;
  error_is(HEAD "category o \"o\" { when otherwise individual 300 yuan + 100 }",
           "cannot add money and int; write '100 yuan'");
  error_is(HEAD "category o \"o\" { when otherwise individual 400 yuan }\n"
                "rule r \"r\" when paid_on < standard { wait 3 months }",
           "cannot compare date with money");
  error_is(HEAD "category o \"o\" { when otherwise individual if local_hukou then 400 yuan else 400 }",
           "the branches of 'if' differ: money and int; write '400 yuan'");
  error_is(HEAD "category o \"o\" { when disability_grade individual 400 yuan }",
           "the condition of a category must be bool, but this is int");
  error_is(HEAD "category o \"o\" { when otherwise individual 400 yuan }\n"
                "rule r \"r\" when local_hukou { start 3 }",
           "'start' must be date, but this is int");
  error_is(HEAD "category o \"o\" { when otherwise individual 400 yuan }\n"
                "rule r \"r\" when local_hukou and 1 { wait 3 months }",
           "'and': expected bool, found int");
  error_is(HEAD "let x \"x\" = age(birth_date, 2026)\n"
                "category o \"o\" { when x > 3 individual 400 yuan }",
           "argument 2 of age(): expected date, found int");
  error_is(HEAD "category o \"o\" { when otherwise individual 2 yuan * 3 yuan }",
           "cannot multiply money by money (use 'P of M' for a share of money)");
  error_is("policy { title \"t\" year 2026 rounding half_up }\nconst standard = 400 yuan\n"
           "category o \"o\" { when otherwise individual 50% of 3 }",
           "'P of M' takes a percentage and money, not ratio and int; write '3 yuan'");
  error_is(HEAD "category o \"o\" { when otherwise individual 400 yuan }\n"
                "rule r \"r\" when exited_scheme_on > paid_on { wait 3 months }",
           "'exited_scheme_on' is optional and may be absent: use it where "
           "present(exited_scheme_on) guards it ('present(exited_scheme_on) and …', 'if "
           "present(exited_scheme_on) then … else …', a rule 'when present(exited_scheme_on) "
           "…') or test it with 'exited_scheme_on in …'");
  /* the guard covers the right of `and`, not of `or`, and not code after the rule */
  error_is(HEAD "category o \"o\" { when otherwise individual 400 yuan }\n"
                "rule r \"r\" when present(exited_scheme_on) or exited_scheme_on < paid_on "
                "{ wait 3 months }",
           "'exited_scheme_on' is optional and may be absent: use it where "
           "present(exited_scheme_on) guards it ('present(exited_scheme_on) and …', 'if "
           "present(exited_scheme_on) then … else …', a rule 'when present(exited_scheme_on) "
           "…') or test it with 'exited_scheme_on in …'");
  error_is(HEAD "category o \"o\" { when otherwise individual 400 yuan }\n"
                "rule r \"r\" when min(paid_on, standard) > paid_on { wait 3 months }",
           "min() compares two int, money or date values of one type");
}

static void test_error_is_located(void **state) {
  (void)state;
  const char *src = HEAD "category o \"o\" {\n  when otherwise\n  individual 400\n}\n";
  pol_program *p = NULL;
  pol_diags *d = NULL;
  assert_int_equal(pol_compile("dir/t.pol", src, strlen(src), &p, &d), POL_EINPUT);
  char *text = pol_diags_render(d, POL_FMT_TEXT);
  assert_non_null(text);
  const char *want = "dir/t.pol:5:14: error: a part must be money, but this is int; write '400 yuan'\n"
                     "  individual 400\n"
                     "             ^~~\n";
  if (strncmp(text, want, strlen(want)) != 0) fail_msg("got:\n%s", text);
  free(text);
  pol_diags_free(d);
}

/* ---- amounts ------------------------------------------------------------------------- */

#define SMALL                                                                            \
  HEAD                                                                                   \
  "category ordinary \"普通\" { when otherwise individual 400 yuan }\n"                  \
  "category poor \"低保\" { when subsistence_allowance\n"                                 \
  "  medical_assistance 320 yuan individual 80 yuan }\n"                                 \
  "category odd \"零头\" { when disability_grade == 3 worth 400.5 yuan\n"                 \
  "  local_finance 300.49 yuan individual rest }\n"                                      \
  "choose lowest individual then first\n" WINDOWS

static void test_small_policy_amounts(void **state) {
  (void)state;
  pol_program *p = compile_ok(SMALL);
  query q;
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"identities\":[\"subsistence_allowance\"]}",
        "2025-11-10", NULL);
  assert_string_equal(str(&q, "policy"), "t");
  assert_int_equal(num(&q, "benefit_year"), 2026);
  assert_true(payable(&q));
  assert_string_equal(str(&q, "category"), "poor");
  assert_string_equal(str(&q, "label"), "低保");
  assert_int_equal(fen(&q, "individual"), 8000);
  assert_int_equal(funding(&q, "medical_assistance"), 32000);
  assert_int_equal(nfunding(&q), 1);
  assert_string_equal(str(&q, "benefit_start"), "2026-01-01");
  assert_string_equal(str(&q, "benefit_end"), "2026-12-31");
  unquote(&q);

  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2025-11-10", NULL);
  assert_string_equal(str(&q, "category"), "ordinary");
  assert_int_equal(fen(&q, "individual"), 40000);
  assert_int_equal(nfunding(&q), 0); /* only non-zero sources are listed */
  unquote(&q);

  /* rest = 400.50 - 300.49 = 100.01, exact to the fen */
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"disability_grade\":3}", "2025-11-10", NULL);
  assert_string_equal(str(&q, "category"), "odd");
  assert_int_equal(fen(&q, "individual"), 10001);
  assert_int_equal(funding(&q, "local_finance"), 30049);
  unquote(&q);
  pol_program_free(p);
}

/* matched lists every category that holds, in file order */
static void test_matched_in_file_order(void **state) {
  (void)state;
  pol_program *p = compile_ok(SMALL);
  query q;
  quote(&q, p,
        "{\"birth_date\":\"1980-05-01\",\"disability_grade\":3,\"identities\":[\"subsistence_allowance\"]}",
        "2025-11-10", NULL);
  json_t *m = json_object_get(q.ans, "matched");
  assert_int_equal(json_array_size(m), 2);
  assert_string_equal(json_string_value(json_array_get(m, 0)), "poor");
  assert_string_equal(json_string_value(json_array_get(m, 1)), "odd");
  assert_string_equal(str(&q, "category"), "poor"); /* 80 < 100.01 */
  unquote(&q);
  pol_program_free(p);
}

/* ---- choose ------------------------------------------------------------------------------ */

/* a: 200 individual, MA 200; b: 100, LF 300; c: 100, MA 100 + LF 200.  All three hold. */
static const char *choose_with(const char *choose) {
  static char buf[2048];
  snprintf(buf, sizeof buf,
           HEAD
           "category a \"A\" { when student individual 200 yuan medical_assistance 200 yuan }\n"
           "category b \"B\" { when veteran_priority individual 100 yuan local_finance 300 yuan }\n"
           "category c \"C\" { when local_hukou individual 100 yuan\n"
           "  medical_assistance 100 yuan local_finance 200 yuan }\n"
           "choose %s\n" WINDOWS,
           choose);
  return buf;
}

static void chosen_is(const char *choose, const char *want) {
  pol_program *p = compile_ok(choose_with(choose));
  query q;
  quote(&q, p,
        "{\"birth_date\":\"1980-05-01\",\"local_hukou\":true,"
        "\"identities\":[\"student\",\"veteran_priority\"]}",
        "2025-11-10", NULL);
  if (strcmp(str(&q, "category"), want) != 0)
    fail_msg("choose %s: chose %s, expected %s", choose, str(&q, "category"), want);
  assert_int_equal(json_array_size(json_object_get(q.ans, "matched")), 3);
  unquote(&q);
  pol_program_free(p);
}

static void test_choose_keys(void **state) {
  (void)state;
  chosen_is("first", "a");
  chosen_is("last", "c");
  chosen_is("lowest individual then first", "b");
  chosen_is("lowest individual then last", "c");
  chosen_is("highest individual then last", "a");
  chosen_is("highest funding then first", "b");
  chosen_is("highest funding then last", "c");
  chosen_is("lowest funding then last", "a");
  chosen_is("highest medical_assistance then first", "a");
  chosen_is("lowest medical_assistance then last", "b");
  chosen_is("highest local_finance then first", "b");
  chosen_is("lowest individual then highest medical_assistance then first", "c");
}

/* ---- windows, rules, effects ----------------------------------------------------------------- */

static void test_window_days_filter(void **state) {
  (void)state;
  pol_program *p = compile_ok(SMALL);
  query q;
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2025-11-25", NULL);
  assert_true(payable(&q));
  assert_int_equal(pol_answer_payable(q.ev), 1);
  unquote(&q);
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2025-11-26", NULL);
  assert_false(payable(&q));
  assert_int_equal(pol_answer_payable(q.ev), 0);
  assert_true(json_is_string(json_object_get(q.ans, "reason")));
  /* the amounts are still those that would apply */
  assert_int_equal(fen(&q, "individual"), 40000);
  unquote(&q);
  /* before every window */
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2025-10-16", NULL);
  assert_false(payable(&q));
  unquote(&q);
  /* the late window has no days filter: the 28th is fine */
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2026-03-28", NULL);
  assert_true(payable(&q));
  assert_string_equal(str(&q, "benefit_start"), "2026-03-28");
  unquote(&q);
  pol_program_free(p);
}

#define RULES                                                                            \
  HEAD                                                                                   \
  "category ordinary \"普通\" { when otherwise individual 400 yuan }\n"                  \
  "category poor \"低保\" { when subsistence_allowance\n"                                 \
  "  medical_assistance 320 yuan individual 80 yuan }\n"                                 \
  "choose first\n" WINDOWS

static void test_rules_override_in_order(void **state) {
  (void)state;
  pol_program *p = compile_ok(RULES
                              "rule r1 \"r1\" when paid_on in late { start 2026-05-01 }\n"
                              "rule r2 \"r2\" when local_hukou { start 2026-06-01 }\n");
  query q;
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2026-03-10", NULL);
  assert_string_equal(str(&q, "benefit_start"), "2026-05-01");
  unquote(&q);
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"local_hukou\":true}", "2026-03-10", NULL);
  assert_string_equal(str(&q, "benefit_start"), "2026-06-01"); /* the later rule wins */
  json_t *why = json_object_get(q.ans, "why");
  int r1 = 0, r2 = 0;
  for (size_t i = 0; i < json_array_size(why); i++) {
    const char *w = json_string_value(json_array_get(why, i));
    if (strstr(w, "rule r1")) r1 = 1;
    if (strstr(w, "rule r2")) r2 = 1;
  }
  assert_true(r1 && r2);
  unquote(&q);
  /* a window's effect is overridden by a rule */
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"local_hukou\":true}", "2025-11-10", NULL);
  assert_string_equal(str(&q, "benefit_start"), "2026-06-01");
  unquote(&q);
  pol_program_free(p);

  /* order reversed: now r1 (in late) is the later one */
  p = compile_ok(RULES "rule r2 \"r2\" when local_hukou { start 2026-06-01 }\n"
                       "rule r1 \"r1\" when paid_on in late { start 2026-05-01 }\n");
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"local_hukou\":true}", "2026-03-10", NULL);
  assert_string_equal(str(&q, "benefit_start"), "2026-05-01");
  unquote(&q);
  pol_program_free(p);
}

static void test_payable_and_not_payable(void **state) {
  (void)state;
  pol_program *p = compile_ok(RULES
                              "rule early \"early\" when paid_on < 2025-10-17 and student { payable }\n"
                              "rule veto \"veto\" when veteran_priority { not payable \"不予办理\" }\n");
  query q;
  quote(&q, p, "{\"birth_date\":\"2000-05-01\",\"identities\":[\"student\"]}", "2025-09-10", NULL);
  assert_true(payable(&q));
  unquote(&q);
  quote(&q, p, "{\"birth_date\":\"2000-05-01\",\"identities\":[\"veteran_priority\"]}",
        "2025-11-10", NULL);
  assert_false(payable(&q));
  assert_string_equal(str(&q, "reason"), "不予办理");
  unquote(&q);
  pol_program_free(p);
}

static void test_surcharge(void **state) {
  (void)state;
  pol_program *p = compile_ok(RULES "const fiscal = 700 yuan\n"
                                    "rule late_pay \"late\" when paid_on in late and not subsidized {\n"
                                    "  surcharge fiscal }\n");
  query q;
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2026-03-10", NULL);
  assert_int_equal(fen(&q, "individual"), 110000);
  assert_int_equal(nfunding(&q), 0);
  unquote(&q);
  /* subsidized: no surcharge */
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"identities\":[\"subsistence_allowance\"]}",
        "2026-03-10", NULL);
  assert_int_equal(fen(&q, "individual"), 8000);
  assert_int_equal(funding(&q, "medical_assistance"), 32000);
  unquote(&q);
  /* in time: no surcharge */
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2025-11-10", NULL);
  assert_int_equal(fen(&q, "individual"), 40000);
  unquote(&q);
  pol_program_free(p);
}

static void test_free_effect(void **state) {
  (void)state;
  pol_program *p = compile_ok(RULES "rule newborn \"newborn\" when year(birth_date) == benefit_year {\n"
                                    "  free start birth_date }\n");
  query q;
  quote(&q, p, "{\"birth_date\":\"2026-02-03\",\"identities\":[\"subsistence_allowance\"]}",
        "2026-03-10", NULL);
  assert_string_equal(str(&q, "category"), "poor");
  assert_int_equal(fen(&q, "individual"), 0);
  assert_int_equal(nfunding(&q), 0); /* every part is 0, funding too */
  assert_string_equal(str(&q, "benefit_start"), "2026-02-03");
  unquote(&q);
  quote(&q, p, "{\"birth_date\":\"2025-02-03\"}", "2026-03-10", NULL);
  assert_int_equal(fen(&q, "individual"), 40000);
  unquote(&q);
  pol_program_free(p);
}

static void test_wait_months_and_days(void **state) {
  (void)state;
  pol_program *p = compile_ok(RULES
                              "rule wm \"wm\" when paid_on in late and not local_hukou { wait (2 + lapsed_years) months }\n"
                              "rule wd \"wd\" when paid_on in late and local_hukou { wait 90 days }\n");
  query q;
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"lapsed_years\":1}", "2026-03-10", NULL);
  assert_int_equal(num(&q, "waiting_months"), 3);
  assert_string_equal(str(&q, "benefit_start"), "2026-06-10");
  unquote(&q);
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"lapsed_years\":3}", "2026-03-10", NULL);
  assert_int_equal(num(&q, "waiting_months"), 5);
  assert_string_equal(str(&q, "benefit_start"), "2026-08-10");
  unquote(&q);
  /* month arithmetic clamps to the end of a shorter month: 11-30 + 3 months = 02-28 */
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"lapsed_years\":1}", "2026-11-30", NULL);
  assert_string_equal(str(&q, "benefit_start"), "2027-02-28");
  unquote(&q);
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"local_hukou\":true}", "2026-03-10", NULL);
  assert_int_equal(num(&q, "waiting_months"), 0);
  assert_int_equal(num(&q, "waiting_days"), 90);
  assert_string_equal(str(&q, "benefit_start"), "2026-06-08");
  unquote(&q);
  pol_program_free(p);
}

/* ---- P of M rounding --------------------------------------------------------------------------- */

static void rounding_gives(const char *mode, long long individual, long long rest) {
  char src[1024];
  snprintf(src, sizeof src,
           "policy { title \"t\" year 2026 rounding %s }\nconst standard = 80.01 yuan\n"
           "category o \"o\" { when otherwise individual 50%% of standard medical_assistance rest }\n"
           WINDOWS,
           mode);
  pol_program *p = compile_ok(src);
  query q;
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2025-11-10", NULL);
  if (fen(&q, "individual") != individual)
    fail_msg("rounding %s: 50%% of 80.01 = %lld fen, expected %lld", mode, fen(&q, "individual"),
             individual);
  assert_int_equal(funding(&q, "medical_assistance"), rest);
  unquote(&q);
  pol_program_free(p);
}

static void test_of_rounding(void **state) {
  (void)state;
  /* 50% of 80.01 yuan = 40.005 yuan: the half fen is where the modes differ */
  rounding_gives("half_up", 4001, 4000);
  rounding_gives("down", 4000, 4001);
  rounding_gives("up", 4001, 4000);
  rounding_gives("half_even", 4000, 4001);
}

static void test_of_rounding_fraction_percent(void **state) {
  (void)state;
  /* 33.33% of 100 yuan = 33.33 exactly; 33.335% of 100 yuan = 33.335 → half_up 33.34 */
  const char *src = "policy { title \"t\" year 2026 rounding half_up }\nconst standard = 100 yuan\n"
                    "category o \"o\" { when otherwise individual 33.335% of standard subsidy rest }\n"
                    WINDOWS;
  pol_program *p = compile_ok(src);
  query q;
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2025-11-10", NULL);
  assert_int_equal(fen(&q, "individual"), 3334);
  assert_int_equal(funding(&q, "subsidy"), 6666);
  unquote(&q);
  pol_program_free(p);
}

/* ---- optional attributes ---------------------------------------------------------------------- */

static void test_optional_present_and_in(void **state) {
  (void)state;
  pol_program *p = compile_ok(RULES
                              "rule exit_given \"exit\" when present(exited_scheme_on) { start 2026-07-01 }\n"
                              "rule exit_recent \"recent\" when exited_scheme_on in 2026-01-01 .. 2026-03-31 {\n"
                              "  start 2026-08-01 }\n");
  query q;
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2026-04-10", NULL);
  assert_string_equal(str(&q, "benefit_start"), "2026-04-10"); /* absent: neither rule */
  unquote(&q);
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"exited_scheme_on\":\"2025-06-01\"}", "2026-04-10", NULL);
  assert_string_equal(str(&q, "benefit_start"), "2026-07-01"); /* present, not in range */
  unquote(&q);
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"exited_scheme_on\":\"2026-03-31\"}", "2026-04-10", NULL);
  assert_string_equal(str(&q, "benefit_start"), "2026-08-01"); /* both; the later wins */
  unquote(&q);
  pol_program_free(p);
}

/* Optional dates as values where present() guards them (#19 B1): the right of `and`,
 * the right of `not present(x) or`, the `then` of `if present(x)`, a rule's effects. */
static void test_optional_guarded_values(void **state) {
  (void)state;
  pol_program *p = compile_ok(
      RULES
      "let since \"断保次日\" = if present(exited_scheme_on) then exited_scheme_on + 1 days "
      "else paid_on\n"
      "rule lapse \"断保满3个月\" when present(exited_scheme_on) and since + 3 months < paid_on "
      "{ wait 3 months }\n"
      "rule cont \"接续\" when not (not present(exited_scheme_on) or exited_scheme_on >= paid_on)"
      " { start max(exited_scheme_on + 1 days, 2026-01-01) }\n");
  query q;
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2026-04-10", NULL);
  assert_string_equal(str(&q, "benefit_start"), "2026-04-10"); /* absent: no rule */
  unquote(&q);
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"exited_scheme_on\":\"2026-03-15\"}",
        "2026-04-10", NULL);
  assert_string_equal(str(&q, "benefit_start"), "2026-03-16"); /* cont only */
  unquote(&q);
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"exited_scheme_on\":\"2025-12-15\"}",
        "2026-04-10", NULL);
  assert_string_equal(str(&q, "benefit_start"), "2026-04-01"); /* lapse + cont: 01-01 + 3 */
  unquote(&q);
  pol_program_free(p);
}

/* ---- add-ons ------------------------------------------------------------------------------ */

/* A compulsory add-on (#19 B2): in every payment, its parts counted in individual,
 * funding and worth; a source pays all or part of it for some residents. */
static void test_addon_required(void **state) {
  (void)state;
  pol_program *p = compile_ok(RULES "addon care \"长护\" { tiers 20 yuan, 30 yuan required\n"
                                    "  paid by local_finance (if category in { poor } then 5 yuan "
                                    "else 20 yuan) when subsidized or local_hukou }\n");
  pol_handle care = pol_find(p, POL_ADDON, "care"), lf = pol_find(p, POL_SOURCE, "local_finance");
  assert_int_equal(pol_addon_required(p, care), 1);
  query q;
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2025-11-10", NULL);
  assert_int_equal(fen(&q, "individual"), 42000); /* 400 + the add-on, unbought */
  assert_int_equal(fen(&q, "worth"), 42000);
  json_t *a = json_array_get(json_object_get(q.ans, "addons"), 0);
  assert_int_equal(fen_of(json_object_get(a, "amount")), 2000);
  assert_string_equal(json_string_value(json_object_get(a, "paid_by")), "individual");
  assert_true(json_is_true(json_object_get(a, "required")));
  assert_int_equal(fen_of(json_object_get(a, "individual")), 2000);
  assert_int_equal(json_object_size(json_object_get(a, "funding")), 0);
  pol_handle payer;
  assert_int_equal(pol_answer_addon(q.ev, care, &payer), 2000);
  assert_int_equal(pol_answer_addon_individual(q.ev, care), 2000);
  unquote(&q);
  /* the county pays all of it for a local resident, who also chose the 30-yuan tier:
   * 20 of 30 by the when's amount (not poor), the resident 10 */
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"local_hukou\":true}", "2025-11-10", "care=30");
  assert_int_equal(fen(&q, "individual"), 41000);
  assert_int_equal(fen(&q, "worth"), 43000);
  assert_int_equal(fen_of(json_object_get(json_object_get(q.ans, "funding"), "local_finance")), 2000);
  assert_false(json_is_true(json_object_get(q.ans, "subsidized"))); /* the category's funding */
  assert_int_equal(pol_answer_addon(q.ev, care, &payer), 3000);
  assert_int_equal(payer.bits, lf.bits);
  assert_int_equal(pol_answer_addon_individual(q.ev, care), 1000);
  unquote(&q);
  /* 低保: the county pays 5 of the 20, the resident 80 + 15 */
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"identities\":[\"subsistence_allowance\"]}",
        "2025-11-10", NULL);
  assert_int_equal(fen(&q, "individual"), 9500);
  assert_int_equal(fen_of(json_object_get(json_object_get(q.ans, "funding"), "local_finance")), 500);
  assert_int_equal(fen(&q, "worth"), 42000);
  a = json_array_get(json_object_get(q.ans, "addons"), 0);
  assert_int_equal(fen_of(json_object_get(json_object_get(a, "funding"), "local_finance")), 500);
  unquote(&q);
  pol_program_free(p);
  /* a voluntary add-on is not required; a null handle neither */
  p = compile_ok(RULES "addon acc \"意外\" { tiers 20 yuan }\n");
  assert_int_equal(pol_addon_required(p, pol_find(p, POL_ADDON, "acc")), 0);
  assert_int_equal(pol_addon_required(p, (pol_handle){0}), 0);
  pol_program_free(p);
}

/* Values the notice does not state (#19 B3): null in the answer, named under `unstated`,
 * "none" through the typed API, and the interpreter answers (no plan). */
static void test_unstated(void **state) {
  (void)state;
  pol_program *p = compile_ok(
      HEAD "category poor \"低保\" cite \"二\" { when subsistence_allowance\n"
           "  medical_assistance unstated \"按规定予以资助\" individual rest }\n"
           "category o \"o\" { when otherwise individual 400 yuan }\n"
           "choose lowest individual then first\n"
           "window main \"m\" 2025-10-01 .. 2025-12-31 { start 2026-01-01 }\n"
           "window open \"o\" unstated \"另行通知\" cite \"三\" { start paid_on }\n"
           "rule late \"逾期\" when paid_on > 2026-06-30 { wait unstated \"等待期另行规定\" }\n"
           "rule unborn \"未出生\" when paid_on < birth_date { not payable \"未出生\" }\n");
  pol_handle ma = pol_find(p, POL_SOURCE, "medical_assistance");
  query q;
  /* a stated window, an unstated fund: its part and the rest are null, worth is known */
  quote(&q, p, "{\"birth_date\":\"1960-01-01\",\"identities\":[\"subsistence_allowance\"]}",
        "2025-11-10", NULL);
  assert_true(json_is_null(json_object_get(q.ans, "individual")));
  assert_true(json_is_null(json_object_get(json_object_get(q.ans, "funding"), "medical_assistance")));
  assert_int_equal(fen(&q, "worth"), 40000);
  assert_true(json_is_true(json_object_get(q.ans, "payable")));
  assert_true(json_is_true(json_object_get(q.ans, "subsidized"))); /* an unstated fund pays */
  json_t *u = json_object_get(q.ans, "unstated");
  assert_int_equal(json_array_size(u), 2);
  assert_string_equal(json_string_value(json_object_get(json_array_get(u, 0), "value")), "individual");
  assert_string_equal(json_string_value(json_object_get(json_array_get(u, 1), "value")),
                      "funding.medical_assistance");
  assert_string_equal(json_string_value(json_object_get(json_array_get(u, 1), "sentence")),
                      "按规定予以资助");
  assert_string_equal(json_string_value(json_object_get(json_array_get(u, 1), "cite")), "二");
  assert_int_equal(pol_answer_individual(q.ev), 0);
  assert_int_equal(pol_answer_funding(q.ev, ma), 0);
  assert_int_equal(pol_answer_worth(q.ev), 40000);
  assert_string_equal(pol_answer_unstated(q.ev, POL_VALUE_FUNDING, ma), "按规定予以资助");
  assert_string_equal(pol_answer_unstated_cite(q.ev, POL_VALUE_INDIVIDUAL, (pol_handle){0}), "二");
  assert_null(pol_answer_unstated(q.ev, POL_VALUE_WORTH, (pol_handle){0}));
  assert_null(pol_answer_unstated(q.ev, POL_VALUE_PAYABLE, (pol_handle){0}));
  unquote(&q);
  /* the unstated window: payable null with the sentence as the reason; an ordinary
   * resident's amounts are stated, and there is no `unstated` entry for them */
  quote(&q, p, "{\"birth_date\":\"1960-01-01\"}", "2026-03-01", NULL);
  assert_true(json_is_null(json_object_get(q.ans, "payable")));
  assert_string_equal(json_string_value(json_object_get(q.ans, "reason")),
                      "the notice does not state when payments are accepted: "
                      "\u201c另行通知\u201d [三]");
  assert_int_equal(fen(&q, "individual"), 40000);
  assert_int_equal(pol_answer_payable(q.ev), 0);
  assert_string_equal(pol_answer_unstated(q.ev, POL_VALUE_PAYABLE, (pol_handle){0}), "另行通知");
  assert_int_equal(json_array_size(json_object_get(q.ans, "unstated")), 1);
  assert_string_equal(str(&q, "benefit_start"), "2026-03-01");
  unquote(&q);
  /* a rule's `not payable` decides it: stated again */
  quote(&q, p, "{\"birth_date\":\"2026-05-01\"}", "2026-03-01", NULL);
  assert_true(json_is_false(json_object_get(q.ans, "payable")));
  assert_null(json_object_get(q.ans, "unstated"));
  unquote(&q);
  /* an unstated wait: the wait and the benefit start are null, the end is not */
  quote(&q, p, "{\"birth_date\":\"1960-01-01\"}", "2026-08-01", NULL);
  assert_true(json_is_null(json_object_get(q.ans, "benefit_start")));
  assert_true(json_is_null(json_object_get(q.ans, "waiting")));
  assert_true(json_is_null(json_object_get(q.ans, "waiting_months")));
  assert_true(json_is_null(json_object_get(q.ans, "waiting_days")));
  assert_string_equal(str(&q, "benefit_end"), "2026-12-31");
  assert_int_equal(pol_answer_start(q.ev), INT32_MIN);
  assert_string_equal(pol_answer_unstated(q.ev, POL_VALUE_WAIT, (pol_handle){0}), "等待期另行规定");
  unquote(&q);
  /* outside the unstated window's 2025-01-01 .. 2026-12-31: refused as after the last */
  quote(&q, p, "{\"birth_date\":\"1960-01-01\"}", "2027-01-02", NULL);
  assert_true(json_is_false(json_object_get(q.ans, "payable")));
  unquote(&q);
  pol_program_free(p);
}

/* Periods (#19 B4): another benefit year bought with the same payment, or instead of the
 * policy's; `periods` and the typed accessors give each year's split and dates, the
 * answer's amounts are the payment's. */
static void test_periods(void **state) {
  (void)state;
  pol_program *p = compile_ok(
      RULES "attribute also_2025 \"补缴2025\" : bool = false\n"
            "attribute next_year \"改缴2027\" : bool = false\n"
            "period arrears \"补缴2025年度\" year 2025 cite \"二\" when also_2025 {\n"
            "  worth 380 yuan medical_assistance (if subsidized then 100 yuan else 0 yuan)\n"
            "  individual rest start paid_on }\n"
            "period later \"改缴2027年度\" year 2027 instead when next_year {\n"
            "  worth 420 yuan individual rest }\n");
  pol_handle ma = pol_find(p, POL_SOURCE, "medical_assistance");
  query q;
  /* without a period: the policy's own year alone */
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2025-11-10", NULL);
  json_t *pr = json_object_get(q.ans, "periods");
  assert_int_equal(json_array_size(pr), 1);
  assert_true(json_is_null(json_object_get(json_array_get(pr, 0), "period")));
  assert_int_equal(json_integer_value(json_object_get(json_array_get(pr, 0), "year")), 2026);
  assert_int_equal(pol_answer_period_count(q.ev), 1);
  unquote(&q);
  /* 低保 also paying 2025: the payment is 80 + 280 by the resident, 320 + 100 by the fund */
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"identities\":[\"subsistence_allowance\"],"
               "\"also_2025\":true}", "2025-11-10", NULL);
  assert_int_equal(fen(&q, "individual"), 36000);
  assert_int_equal(fen_of(json_object_get(json_object_get(q.ans, "funding"), "medical_assistance")), 42000);
  assert_int_equal(fen(&q, "worth"), 78000);
  assert_string_equal(str(&q, "benefit_start"), "2026-01-01"); /* the policy's own year's */
  pr = json_object_get(q.ans, "periods");
  assert_int_equal(json_array_size(pr), 2);
  json_t *a = json_array_get(pr, 1);
  assert_string_equal(json_string_value(json_object_get(a, "period")), "arrears");
  assert_int_equal(fen_of(json_object_get(a, "individual")), 28000);
  assert_int_equal(fen_of(json_object_get(json_object_get(a, "funding"), "medical_assistance")), 10000);
  assert_string_equal(json_string_value(json_object_get(a, "start")), "2025-11-10");
  assert_string_equal(json_string_value(json_object_get(a, "end")), "2025-12-31");
  pol_benefit_period bp;
  assert_int_equal(pol_answer_period_count(q.ev), 2);
  assert_int_equal(pol_answer_period(q.ev, 0, &bp), 1);
  assert_null(bp.key);
  assert_int_equal(bp.individual, 8000);
  assert_int_equal(pol_answer_period_funding(q.ev, 0, ma), 32000);
  assert_int_equal(pol_answer_period(q.ev, 1, &bp), 1);
  assert_string_equal(bp.key, "arrears");
  assert_int_equal(bp.year, 2025);
  assert_int_equal(bp.worth, 38000);
  assert_int_equal(pol_answer_period_funding(q.ev, 1, ma), 10000);
  assert_int_equal(pol_answer_period(q.ev, 2, &bp), 0);
  assert_string_equal(json_string_value(json_array_get(json_object_get(q.ans, "why"), 2)),
                      "period arrears (补缴2025年度) [二]: also buys 2025, individual 280 yuan, "
                      "benefits 2025-11-10 .. 2025-12-31");
  unquote(&q);
  /* instead: 2027 replaces 2026; the answer's dates are 2027's, its amounts 2027's only */
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"next_year\":true}", "2026-03-01", NULL);
  assert_int_equal(fen(&q, "individual"), 42000);
  assert_string_equal(str(&q, "benefit_start"), "2027-01-01");
  assert_string_equal(str(&q, "benefit_end"), "2027-12-31");
  pr = json_object_get(q.ans, "periods");
  assert_int_equal(json_array_size(pr), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(pr, 0), "period")), "later");
  unquote(&q);
  pol_program_free(p);
  /* a policy without periods has no `periods` key and no period */
  p = compile_ok(RULES);
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2025-11-10", NULL);
  assert_null(json_object_get(q.ans, "periods"));
  assert_int_equal(pol_answer_period_count(q.ev), 0);
  unquote(&q);
  pol_program_free(p);
}

static void test_addon_paid_by(void **state) {
  (void)state;
  pol_program *p = compile_ok(RULES "addon accident \"意外\" { tiers 20 yuan, 30 yuan\n"
                                    "  paid by local_finance when subsidized }\n");
  query q;
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2025-11-10", "accident=30");
  json_t *a = json_object_get(q.ans, "addons");
  assert_int_equal(json_array_size(a), 1);
  assert_int_equal(fen_of(json_object_get(json_array_get(a, 0), "amount")), 3000);
  assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "paid_by")),
                      "individual");
  assert_int_equal(fen(&q, "individual"), 40000); /* the add-on is not in the contribution */
  unquote(&q);
  quote(&q, p, "{\"birth_date\":\"1980-05-01\"}", "2025-11-10", NULL);
  assert_int_equal(json_array_size(json_object_get(q.ans, "addons")), 0);
  unquote(&q);
  quote(&q, p, "{\"birth_date\":\"1980-05-01\",\"identities\":[\"subsistence_allowance\"]}",
        "2025-11-10", NULL);
  a = json_object_get(q.ans, "addons");
  assert_int_equal(json_array_size(a), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "paid_by")),
                      "local_finance");
  unquote(&q);

  pol_eval *ev = pol_eval_new(p);
  int32_t day;
  assert_int_equal(pol_date_parse("2025-11-10", &day), POL_OK);
  assert_int_equal(pol_resident_json(ev, "{\"birth_date\":\"1980-05-01\"}", day), POL_OK);
  assert_int_equal(pol_buy_addon(ev, "accident=25"), POL_EINPUT);
  assert_non_null(strstr(pol_eval_error(ev), "accident"));
  pol_eval_free(ev);
  pol_program_free(p);
}

/* #16: declaring an enum attribute after enough names that the symbol table grows wrote
 * through a pointer into the freed table, and the attribute could silently become a
 * bool.  Hundreds of constants before it (a growth of every table involved): its values
 * must still be accepted by name. */
static void test_enum_after_many_names(void **state) {
  (void)state;
  size_t cap = 64 * 1024, n = 0;
  char *src = malloc(cap);
  assert_non_null(src);
  n += (size_t)snprintf(src + n, cap - n, HEAD);
  for (int i = 0; i < 300; i++)
    n += (size_t)snprintf(src + n, cap - n, "# note %d\nconst c%d \"c\" = %d yuan\n", i, i, i);
  n += (size_t)snprintf(src + n, cap - n,
                        "attribute tier \"档次\" : one of { low \"低档\", high \"高档\" } = low\n"
                        "category ordinary \"普通\" { when tier == high individual 400 yuan }\n"
                        "choose lowest individual then first\n" WINDOWS);
  pol_program *p = NULL;
  pol_diags *d = NULL;
  assert_int_equal(pol_compile("t.pol", src, n, &p, &d), POL_OK);
  pol_diags_free(d);
  pol_eval *ev = pol_eval_new(p);
  assert_non_null(ev);
  int32_t day;
  assert_int_equal(pol_date_parse("2025-11-10", &day), POL_OK);
  assert_int_equal(pol_resident_json(ev, "{\"birth_date\":\"1980-05-01\",\"tier\":\"high\"}", day),
                   POL_OK);
  assert_int_equal(pol_quote(ev, day), POL_OK);
  assert_true(pol_answer_payable(ev));
  pol_eval_free(ev);
  pol_program_free(p);
  free(src);
}

/* ---- generated inputs: limits of #16 -------------------------------------------------- */

/* A growable source text. */
typedef struct {
  char *s;
  size_t n;
  FILE *f;
} gen;

static void gen_open(gen *g) {
  g->s = NULL;
  g->n = 0;
  g->f = open_memstream(&g->s, &g->n);
  assert_non_null(g->f);
}

static const char *gen_close(gen *g) {
  assert_int_equal(fclose(g->f), 0);
  return g->s;
}

#define TAIL "category ordinary \"普通\" { when otherwise individual rest }\n"

/* 100,000 terms of a flat sum overflowed the stack in code generation. */
static void test_flat_chain_limit(void **state) {
  (void)state;
  gen g;
  gen_open(&g);
  fputs(HEAD "const x = 1", g.f);
  for (int i = 1; i < 100000; i++) fputs("+1", g.f);
  fputs("\n" TAIL, g.f);
  error_is(gen_close(&g), "expression nested deeper than 256 levels");
  free(g.s);
}

/* 100,000 brackets exhausted the parser's stack: "memory exhausted". */
static void test_bracket_limit(void **state) {
  (void)state;
  gen g;
  gen_open(&g);
  fputs(HEAD "const x = ", g.f);
  for (int i = 0; i < 100000; i++) fputc('(', g.f);
  fputs("1", g.f);
  for (int i = 0; i < 100000; i++) fputc(')', g.f);
  fputs("\n" TAIL, g.f);
  error_is(gen_close(&g), "expression nested deeper than 256 levels");
  free(g.s);
}

/* Each constant defined through the next: expanding c1 recursed 40,000 deep. */
static void test_constant_chain_limit(void **state) {
  (void)state;
  gen g;
  gen_open(&g);
  fputs(HEAD, g.f);
  for (int i = 1; i < 40000; i++) fprintf(g.f, "const c%d = c%d + 1 yuan\n", i, i + 1);
  fputs("const c40000 = 1 yuan\n"
        "category ordinary \"普通\" { when otherwise worth c1 individual rest }\n", g.f);
  int n = 0;
  char *msg = first_error(gen_close(&g), &n);
  assert_string_equal(msg, "expression nested deeper than 256 levels (counting the constants it names)");
  assert_int_equal(n, 1);
  free(msg);
  free(g.s);
}

/* Constants defined through doubled constants: the code doubled with each. */
static void test_constant_expansion_limit(void **state) {
  (void)state;
  gen g;
  gen_open(&g);
  fputs(HEAD, g.f);
  for (int i = 1; i < 60; i++) fprintf(g.f, "const c%d = c%d + c%d\n", i, i + 1, i + 1);
  fputs("const c60 = 1 yuan\n"
        "category ordinary \"普通\" { when otherwise worth c1 individual rest }\n", g.f);
  error_is(gen_close(&g), "the policy compiles to more than 1048576 instructions (each use of a "
                          "constant expands its expression)");
  free(g.s);
}

/* 80,000 distinct values: the 65,537th constant's index was truncated to 16 bits and
 * loaded another constant, silently (`l70000 == 1070000` compared 1004464). */
static void test_too_many_constants(void **state) {
  (void)state;
  gen g;
  gen_open(&g);
  fputs(HEAD, g.f);
  for (int i = 1; i <= 40000; i++) fprintf(g.f, "let l%d = %d + %d\n", i, i, i + 1000000);
  fputs("category ordinary \"普通\" { when l40000 == 1080000 individual rest }\n", g.f);
  error_is(gen_close(&g), "too many distinct constant values in one policy: at most 65536");
  free(g.s);
}

static void test_declaration_limit(void **state) {
  (void)state;
  gen g;
  gen_open(&g);
  fputs(HEAD, g.f);
  for (int i = 1; i <= 50000; i++) fprintf(g.f, "const c%d = 1\n", i);
  fputs(TAIL, g.f);
  error_is(gen_close(&g), "more than 50000 declarations in one file");
  free(g.s);
}

static void test_source_limit(void **state) {
  (void)state;
  size_t n = (8u << 20) + 1;
  char *src = malloc(n);
  assert_non_null(src);
  memset(src, ' ', n);
  error_is_n(src, n, "the source is 8388609 bytes, more than the 8388608 allowed");
  free(src);
}

/* A leading byte-order mark (as Windows editors write) is skipped. */
static void test_byte_order_mark(void **state) {
  (void)state;
  pol_program_free(compile_ok("\xef\xbb\xbf" HEAD TAIL));
}

/* The largest amount is accepted; one fen more is too large. */
static void test_amount_limit(void **state) {
  (void)state;
  pol_program_free(compile_ok(HEAD "let most = 92233720368547758.07 yuan\n"
                              "category ordinary \"普通\" { when most > 0 yuan individual rest }\n"));
  error_is(HEAD "let most = 92233720368547758.08 yuan\n"
           "category ordinary \"普通\" { when most > 0 yuan individual rest }\n",
           "'92233720368547758.08 yuan' is too large: an amount is at most 92233720368547758.07 yuan");
}

/* The answer of a .polb round trip is the answer of the source. */
static void test_save_load_same_answer(void **state) {
  (void)state;
  pol_program *p = compile_ok(SMALL);
  unsigned char *bytes = NULL;
  size_t len = 0;
  assert_int_equal(pol_save(p, &bytes, &len), POL_OK);
  pol_program *p2 = NULL;
  pol_diags *d = NULL;
  assert_int_equal(pol_load("t.polb", bytes, len, &p2, &d), POL_OK);
  pol_diags_free(d);
  const char *r = "{\"birth_date\":\"1980-05-01\",\"disability_grade\":3}";
  query a, b;
  quote(&a, p, r, "2025-11-10", NULL);
  quote(&b, p2, r, "2025-11-10", NULL);
  assert_true(json_equal(a.ans, b.ans));
  unquote(&a);
  unquote(&b);
  pol_program_free(p2);
  /* a truncated file is refused */
  assert_int_equal(pol_load("t.polb", bytes, len / 2, &p2, &d), POL_EINPUT);
  assert_null(p2);
  pol_diags_free(d);
  free(bytes);
  pol_program_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_type_errors),
      cmocka_unit_test(test_enum_after_many_names),
      cmocka_unit_test(test_error_is_located),
      cmocka_unit_test(test_small_policy_amounts),
      cmocka_unit_test(test_matched_in_file_order),
      cmocka_unit_test(test_choose_keys),
      cmocka_unit_test(test_window_days_filter),
      cmocka_unit_test(test_rules_override_in_order),
      cmocka_unit_test(test_payable_and_not_payable),
      cmocka_unit_test(test_surcharge),
      cmocka_unit_test(test_free_effect),
      cmocka_unit_test(test_wait_months_and_days),
      cmocka_unit_test(test_of_rounding),
      cmocka_unit_test(test_of_rounding_fraction_percent),
      cmocka_unit_test(test_optional_present_and_in),
      cmocka_unit_test(test_optional_guarded_values),
      cmocka_unit_test(test_addon_paid_by),
      cmocka_unit_test(test_addon_required),
      cmocka_unit_test(test_unstated),
      cmocka_unit_test(test_periods),
      cmocka_unit_test(test_save_load_same_answer),
      cmocka_unit_test(test_flat_chain_limit),
      cmocka_unit_test(test_bracket_limit),
      cmocka_unit_test(test_constant_chain_limit),
      cmocka_unit_test(test_constant_expansion_limit),
      cmocka_unit_test(test_too_many_constants),
      cmocka_unit_test(test_declaration_limit),
      cmocka_unit_test(test_source_limit),
      cmocka_unit_test(test_byte_order_mark),
      cmocka_unit_test(test_amount_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
