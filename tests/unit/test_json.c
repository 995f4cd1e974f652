/*
 * test_json.c — the resident JSON, add-on specs, answers, schema (api/json.c) and the
 * quote (api/quote.c) over small programs assembled by hand, so that these tests do not
 * depend on the compiler.  Every message is pinned exactly.
 */
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
#include "opcodes.h"
#include "plan.h"
#include "pol.h"
#include "program.h"

/* ---- building a program by hand ----------------------------------------------------- */

#define CAP 64
#define STR_CAP 4096
#define CODE_CAP 256

typedef struct {
  pol_program p;
} fixture;

static prg_strref S(pol_program *p, const char *s) {
  size_t n = strlen(s) + 1;
  assert_true(p->nstrings + n <= STR_CAP);
  memcpy(p->strings + p->nstrings, s, n);
  p->nstrings += (uint32_t)n;
  return p->nstrings - (uint32_t)n;
}

static int32_t D(const char *s) {
  int32_t d = 0;
  assert_int_equal(pol_date_parse(s, &d), POL_OK);
  return d;
}

static uint32_t K(pol_program *p, int64_t v) {
  p->consts[p->nconsts] = v;
  return p->nconsts++;
}

/* A section of n instructions. */
static prg_section code(pol_program *p, int n, ...) {
  prg_section s = {p->ncode, p->ncode};
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++)
    p->code[p->ncode++] = va_arg(ap, uint32_t);
  va_end(ap);
  s.end = p->ncode;
  return s;
}

static prg_section constant(pol_program *p, int64_t v) {
  return code(p, 2, INSN(OP_CONST, 0, K(p, v)), INSN(OP_RET, 0, 0));
}

static void alloc_tables(pol_program *p) {
  p->strings = calloc(STR_CAP, 1);
  p->consts = calloc(CAP, sizeof *p->consts);
  p->code = calloc(CODE_CAP, sizeof *p->code);
  p->attrs = calloc(CAP, sizeof *p->attrs);
  p->enum_values = calloc(CAP, sizeof *p->enum_values);
  p->identities = calloc(CAP, sizeof *p->identities);
  p->sources = calloc(CAP, sizeof *p->sources);
  p->lets = calloc(CAP, sizeof *p->lets);
  p->categories = calloc(CAP, sizeof *p->categories);
  p->parts = calloc(CAP, sizeof *p->parts);
  p->choose = calloc(CAP, sizeof *p->choose);
  p->windows = calloc(CAP, sizeof *p->windows);
  p->rules = calloc(CAP, sizeof *p->rules);
  p->effects = calloc(CAP, sizeof *p->effects);
  p->addons = calloc(CAP, sizeof *p->addons);
  p->tiers = calloc(CAP, sizeof *p->tiers);
  assert_non_null(p->strings);
  assert_non_null(p->tiers);
  /* code[0]: padding, so that no present section starts at 0 */
  p->code[p->ncode++] = INSN(OP_RET, 0, 0);
  S(p, "");
}

static void free_tables(pol_program *p) {
  free(p->strings);
  free(p->consts);
  free(p->code);
  free(p->attrs);
  free(p->enum_values);
  free(p->identities);
  free(p->sources);
  free(p->lets);
  free(p->categories);
  free(p->parts);
  free(p->choose);
  free(p->windows);
  free(p->rules);
  free(p->effects);
  free(p->addons);
  free(p->tiers);
  plan_free(atomic_load(&p->plan)); /* built by the first pol_eval_new */
}

enum { A_BIRTH, A_IDENTITIES, A_GRADE, A_HUKOU, A_REGISTERED, A_SUBSIDY_REG, A_TIER, NATTRS };
enum {
  SL_BIRTH = SLOT__FIXED,
  SL_GRADE,
  SL_HUKOU,
  SL_REGISTERED,
  SL_SUBSIDY_REG,
  SL_TIER,
  SL_BIRTH_YEAR,
  NSLOTS
};
enum { ID_EXTREME, ID_SUBSISTENCE };
enum { SRC_MEDICAL, SRC_LOCAL };

static void attr(pol_program *p, const char *key, const char *label, prg_type type,
                 prg_presence presence, uint32_t slot, int64_t lo, int64_t hi, int64_t dflt) {
  prg_attr *a = &p->attrs[p->nattrs++];
  a->key = S(p, key);
  a->label = S(p, label);
  a->type = (uint8_t)type;
  a->presence = (uint8_t)presence;
  a->slot = slot;
  a->lo = lo;
  a->hi = hi;
  a->dflt = dflt;
}

static void name(pol_program *p, prg_name *n, uint32_t *count, const char *key, const char *label) {
  n[*count].key = S(p, key);
  n[*count].label = S(p, label);
  (*count)++;
}

static void tier(pol_program *p, const char *key, const char *label, int64_t fen) {
  prg_tier *t = &p->tiers[p->ntiers++];
  t->key = key ? S(p, key) : PRG_NONE;
  t->label = label ? S(p, label) : PRG_NONE;
  t->amount = fen;
}

/* The schema of the prelude, cut down: the attributes, two identities, two sources. */
static void schema(pol_program *p) {
  p->id = S(p, "testville-2026");
  p->year = 2026;
  p->nslots = NSLOTS;
  attr(p, "birth_date", "出生日期", TY_DATE, PRESENCE_REQUIRED, SL_BIRTH, 0, 0, 0);
  attr(p, "identities", "身份", TY_INT, PRESENCE_DEFAULT, SLOT_IDENTITIES, 0, 0, 0);
  p->attrs[A_IDENTITIES].is_identities = 1;
  attr(p, "disability_grade", "残疾等级（0 = 无）", TY_INT, PRESENCE_DEFAULT, SL_GRADE, 0, 4, 0);
  attr(p, "local_hukou", "本地户籍", TY_BOOL, PRESENCE_DEFAULT, SL_HUKOU, 0, 1, 0);
  attr(p, "registered_on", "参保登记日期", TY_DATE, PRESENCE_QUERY_DATE, SL_REGISTERED, 0, 0, 0);
  attr(p, "subsidy_registered_on", "资助登记日期", TY_DATE, PRESENCE_OPTIONAL, SL_SUBSIDY_REG, 0, 0,
       0);
  attr(p, "tier", "缴费档次", TY_ENUM, PRESENCE_DEFAULT, SL_TIER, 0, 1, 0);
  p->attrs[A_TIER].enum_first = 0;
  p->attrs[A_TIER].enum_count = 2;
  p->enum_values[0] = S(p, "low");
  p->enum_values[1] = S(p, "低档");
  p->enum_values[2] = S(p, "high");
  p->enum_values[3] = S(p, "高档");
  p->nenum_values = 4;
  name(p, p->identities, &p->nidentities, "extreme_poverty", "特困人员");
  name(p, p->identities, &p->nidentities, "subsistence_allowance", "低保对象");
  name(p, p->sources, &p->nsources, "medical_assistance", "医疗救助资助");
  name(p, p->sources, &p->nsources, "local_finance", "县财政资助");

  prg_addon *a = &p->addons[p->naddons++];
  a->key = S(p, "accident");
  a->label = S(p, "意外伤害保险");
  a->tier_first = p->ntiers;
  a->tier_count = 3;
  a->paid_by = PRG_NONE;
  tier(p, NULL, NULL, 2000);
  tier(p, NULL, NULL, 3000);
  tier(p, NULL, NULL, 5000);
  a = &p->addons[p->naddons++];
  a->key = S(p, "jinkangbao");
  a->label = S(p, "晋康保");
  a->tier_first = p->ntiers;
  a->tier_count = 2;
  a->paid_by = PRG_NONE;
  tier(p, "basic", "基础版", 8800);
  tier(p, "premium", "尊享版", 12800);
}

static void category(pol_program *p, const char *key, const char *label, const char *cite,
                     prg_section when, prg_section worth) {
  prg_category *c = &p->categories[p->ncategories++];
  c->key = S(p, key);
  c->label = S(p, label);
  c->cite = S(p, cite);
  c->when = when;
  c->otherwise = when.start == 0 && when.end == 0;
  c->worth = worth;
  c->part_first = p->nparts;
  c->rest_part = PRG_NONE;
}

/* A part of the last category; rest when value is absent. */
static void part(pol_program *p, uint32_t source, prg_section value) {
  prg_category *c = &p->categories[p->ncategories - 1];
  if (value.start == 0 && value.end == 0)
    c->rest_part = c->part_count;
  p->parts[p->nparts].source = source;
  p->parts[p->nparts].value = value;
  p->nparts++;
  c->part_count++;
}

static void effect(pol_program *p, prg_effect_kind kind, prg_section value, const char *reason) {
  prg_effect *e = &p->effects[p->neffects++];
  e->kind = (uint8_t)kind;
  e->value = value;
  e->reason = reason ? S(p, reason) : PRG_NONE;
}

static const prg_section NO = {0, 0};

/*
 * The quote program:
 *   let birth_year = year(birth_date)
 *   category low_income  when subsistence_allowance: medical 320, individual rest
 *   category disabled    when disability_grade >= 1: local 320, individual 80
 *   category extreme     when extreme_poverty:       medical 400, individual rest
 *   category broken      when local_hukou:           individual 1, local 2 (worth 400)
 *   category negative    when tier == high:          local 500, individual rest
 *   category ordinary    otherwise:                  individual rest
 *   choose lowest individual then first
 *   window main  2025-10-17..2025-12-31 days 1..25 { start 2026-01-01 }
 *   window late  2026-01-01..2026-12-31 { start paid_on; wait 3 months }
 *   rule late_surcharge when paid_on in late and not subsidized { surcharge 700 }
 *   rule newborn when birth_year == 2026 { free }
 *   rule extreme_any_day when extreme_poverty { payable }
 *   addon accident tiers 20, 30, 50 paid by local_finance when subsidized
 *   addon jinkangbao tiers basic 88, premium 128
 */
static void quote_program(pol_program *p) {
  schema(p);
  p->lets[0].key = S(p, "birth_year");
  p->lets[0].slot = SL_BIRTH_YEAR;
  p->lets[0].value =
      code(p, 3, INSN(OP_LOAD, 0, SL_BIRTH), INSN(OP_YEAR, 0, 0), INSN(OP_RET, 0, 0));
  p->nlets = 1;

  prg_section standard = constant(p, 40000);
  category(p, "low_income", "低保", "二、2",
           code(p, 2, INSN(OP_IDENT, ID_SUBSISTENCE, 0), INSN(OP_RET, 0, 0)), standard);
  part(p, SRC_MEDICAL, constant(p, 32000));
  part(p, PRG_NONE, NO);
  category(p, "disabled", "重度残疾", "",
           code(p, 4, INSN(OP_LOAD, 0, SL_GRADE), INSN(OP_CONST, 0, K(p, 1)), INSN(OP_GE, 0, 0),
                INSN(OP_RET, 0, 0)),
           standard);
  part(p, SRC_LOCAL, constant(p, 32000));
  part(p, PRG_NONE, constant(p, 8000));
  category(p, "extreme", "特困", "二、1",
           code(p, 2, INSN(OP_IDENT, ID_EXTREME, 0), INSN(OP_RET, 0, 0)), standard);
  part(p, PRG_NONE, NO);
  part(p, SRC_MEDICAL, standard);
  category(p, "broken", "", "", code(p, 2, INSN(OP_LOAD, 0, SL_HUKOU), INSN(OP_RET, 0, 0)),
           standard);
  part(p, PRG_NONE, constant(p, 100));
  part(p, SRC_LOCAL, constant(p, 200));
  category(p, "negative", "", "",
           code(p, 4, INSN(OP_LOAD, 0, SL_TIER), INSN(OP_CONST, 0, K(p, 1)), INSN(OP_EQ, 0, 0),
                INSN(OP_RET, 0, 0)),
           standard);
  part(p, SRC_LOCAL, constant(p, 50000));
  part(p, PRG_NONE, NO);
  category(p, "ordinary", "普通居民", "二、2", NO, standard);
  part(p, PRG_NONE, NO);

  p->choose[0] = (prg_choose_key){KEY_LOWEST_INDIVIDUAL, PRG_NONE};
  p->choose[1] = (prg_choose_key){KEY_FIRST, PRG_NONE};
  p->nchoose = 2;

  prg_window *w = &p->windows[p->nwindows++];
  w->key = S(p, "main");
  w->label = S(p, "集中缴费期");
  w->cite = S(p, "二、3");
  w->lo = D("2025-10-17");
  w->hi = D("2025-12-31");
  w->dlo = 1;
  w->dhi = 25;
  w->eff_first = p->neffects;
  w->eff_count = 1;
  effect(p, EFF_START, constant(p, D("2026-01-01")), NULL);
  w = &p->windows[p->nwindows++];
  w->key = S(p, "late");
  w->label = S(p, "错过集中缴费期");
  w->cite = S(p, "");
  w->lo = D("2026-01-01");
  w->hi = D("2026-12-31");
  w->dlo = 1;
  w->dhi = 31;
  w->eff_first = p->neffects;
  w->eff_count = 2;
  effect(p, EFF_START, code(p, 2, INSN(OP_LOAD, 0, SLOT_PAID_ON), INSN(OP_RET, 0, 0)), NULL);
  effect(p, EFF_WAIT_MONTHS, constant(p, 3), NULL);

  prg_rule *r = &p->rules[p->nrules++];
  r->key = S(p, "late_surcharge");
  r->label = S(p, "补缴财政补助");
  r->cite = S(p, "温馨提示");
  /* paid_on in late and not subsidized: ANDJ skips LOAD, NOT when false */
  r->when = code(p, 6, INSN(OP_LOAD, 0, SLOT_PAID_ON), INSN(OP_INWIN, 0, 1), INSN(OP_ANDJ, 0, 2),
                 INSN(OP_LOAD, 0, SLOT_SUBSIDIZED), INSN(OP_NOT, 0, 0), INSN(OP_RET, 0, 0));
  r->eff_first = p->neffects;
  r->eff_count = 1;
  effect(p, EFF_SURCHARGE, constant(p, 70000), NULL);
  r = &p->rules[p->nrules++];
  r->key = S(p, "newborn");
  r->label = S(p, "新生儿");
  r->cite = S(p, "");
  r->when = code(p, 4, INSN(OP_LOAD, 0, SL_BIRTH_YEAR), INSN(OP_CONST, 0, K(p, 2026)),
                 INSN(OP_EQ, 0, 0), INSN(OP_RET, 0, 0));
  r->eff_first = p->neffects;
  r->eff_count = 1;
  effect(p, EFF_FREE, NO, NULL);
  r = &p->rules[p->nrules++];
  r->key = S(p, "extreme_any_day");
  r->label = S(p, "");
  r->cite = S(p, "");
  r->when = code(p, 2, INSN(OP_IDENT, ID_EXTREME, 0), INSN(OP_RET, 0, 0));
  r->eff_first = p->neffects;
  r->eff_count = 1;
  effect(p, EFF_PAYABLE, NO, NULL);

  p->addons[0].paid_by = SRC_LOCAL;
  p->addons[0].paid_when = code(p, 2, INSN(OP_LOAD, 0, SLOT_SUBSIDIZED), INSN(OP_RET, 0, 0));
}

static int setup_schema(void **state) {
  fixture *f = calloc(1, sizeof *f);
  alloc_tables(&f->p);
  schema(&f->p);
  *state = f;
  return 0;
}

static int setup_quote(void **state) {
  fixture *f = calloc(1, sizeof *f);
  alloc_tables(&f->p);
  quote_program(&f->p);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  free_tables(&f->p);
  free(f);
  return 0;
}

/* ---- the resident ------------------------------------------------------------------- */

static void expect_error(const pol_program *p, const char *json, const char *message) {
  pol_eval *ev = pol_eval_new(p);
  assert_non_null(ev);
  assert_int_equal(pol_resident_json(ev, json, D("2025-11-10")), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev), message);
  assert_int_equal(pol_quote(ev, D("2025-11-10")), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev), "no resident");
  pol_eval_free(ev);
}

static void test_resident_errors(void **state) {
  const pol_program *p = &((fixture *)*state)->p;
  expect_error(p, "{\"birth_date\": \"1980-05-01\", \"foo\": 1}",
               "resident: unknown key \"foo\"; this policy accepts: birth_date, identities, "
               "disability_grade, local_hukou, registered_on, subsidy_registered_on, tier");
  expect_error(p, "{\"birth_date\": \"1980-05-01\", \"disability_grade\": 7}",
               "resident: \"disability_grade\": expected an integer 0..4, got 7");
  expect_error(p, "{\"birth_date\": \"1980-05-01\", \"disability_grade\": 2.0}",
               "resident: \"disability_grade\": expected an integer 0..4, got 2.0");
  expect_error(p, "{\"birth_date\": \"1980-05-01\", \"local_hukou\": \"yes\"}",
               "resident: \"local_hukou\": expected true or false, got \"yes\"");
  expect_error(p, "{\"birth_date\": \"2026-02-30\"}",
               "resident: \"birth_date\": expected a date \"YYYY-MM-DD\", got \"2026-02-30\" "
               "(no such day)");
  expect_error(p, "{\"birth_date\": \"2026-2-3\"}",
               "resident: \"birth_date\": expected a date \"YYYY-MM-DD\", got \"2026-2-3\"");
  expect_error(p, "{\"birth_date\": 20260203}",
               "resident: \"birth_date\": expected a date \"YYYY-MM-DD\", got 20260203");
  expect_error(p, "{\"birth_date\": \"1980-05-01\", \"identities\": 3}",
               "resident: \"identities\": expected an array of identity keys, got 3");
  expect_error(p,
               "{\"birth_date\": \"1980-05-01\", \"identities\": [\"extreme_poverty\", \"foo\"]}",
               "resident: \"identities\"[1]: unknown identity \"foo\"; known: extreme_poverty, "
               "subsistence_allowance");
  expect_error(p,
               "{\"birth_date\": \"1980-05-01\", \"identities\": [\"subsistence_allowance\", "
               "\"extreme_poverty\", \"subsistence_allowance\"]}",
               "resident: \"identities\"[2]: \"subsistence_allowance\" listed twice");
  expect_error(p, "{\"birth_date\": \"1980-05-01\", \"tier\": \"mid\"}",
               "resident: \"tier\": expected one of low, high, got \"mid\"");
  expect_error(p, "{\"identities\": []}", "resident: missing required key \"birth_date\"");
  expect_error(p, "{\"birth_date\": }",
               "resident: not valid JSON: unexpected token near '}' (line 1, column 16)");
  expect_error(p, "{\"birth_date\": \"1980-05-01\", \"birth_date\": \"1980-05-02\"}",
               "resident: not valid JSON: duplicate object key near '\"birth_date\"' "
               "(line 1, column 41)");
  expect_error(p, "[\"birth_date\"]", "resident: expected a JSON object");
  expect_error(p, "3", "resident: expected a JSON object");
  expect_error(p, "{\"birth_date\": \"1980-05-01\", \"subsidy_registered_on\": false}",
               "resident: \"subsidy_registered_on\": expected a date \"YYYY-MM-DD\", got false");
  /* a long value is cut, on a character boundary */
  expect_error(
      p,
      "{\"birth_date\": \"1980-05-01\", \"local_hukou\": \"本地户籍本地户籍本地户籍本地户籍"
      "本地户籍本地户籍本地户籍\"}",
      "resident: \"local_hukou\": expected true or false, got \"本地户籍本地户籍本地户籍"
      "本地户籍本地户籍本地户籍本地...");
}

static void test_resident_values(void **state) {
  const pol_program *p = &((fixture *)*state)->p;
  pol_eval *ev = pol_eval_new(p);
  assert_non_null(ev);

  assert_int_equal(pol_resident_json(ev,
                                     "{\"birth_date\": \"1980-05-01\", \"local_hukou\": true, "
                                     "\"identities\": [\"subsistence_allowance\", "
                                     "\"extreme_poverty\"], \"tier\": \"high\"}",
                                     D("2025-11-10")),
                   POL_OK);
  assert_true(ev->has_resident);
  assert_int_equal(ev->resident[SL_BIRTH], D("1980-05-01"));
  assert_int_equal(ev->resident[SLOT_IDENTITIES], 3);
  assert_int_equal(ev->resident[SL_GRADE], 0);
  assert_int_equal(ev->resident[SL_HUKOU], 1);
  assert_int_equal(ev->resident[SL_REGISTERED], D("2025-11-10"));
  assert_true(ev->resident[SL_SUBSIDY_REG] == PRG_ABSENT);
  assert_int_equal(ev->resident[SL_TIER], 1);
  assert_false(ev->given[A_REGISTERED]);
  assert_true(ev->given[A_HUKOU]);

  assert_int_equal(pol_resident_json(ev,
                                     "{\"birth_date\": \"2000-02-29\", \"disability_grade\": 4, "
                                     "\"registered_on\": \"2024-09-10\", "
                                     "\"subsidy_registered_on\": \"2024-10-31\"}",
                                     D("2025-11-10")),
                   POL_OK);
  assert_int_equal(ev->resident[SL_BIRTH], D("2000-02-29"));
  assert_int_equal(ev->resident[SLOT_IDENTITIES], 0);
  assert_int_equal(ev->resident[SL_GRADE], 4);
  assert_int_equal(ev->resident[SL_HUKOU], 0);
  assert_int_equal(ev->resident[SL_REGISTERED], D("2024-09-10"));
  assert_int_equal(ev->resident[SL_SUBSIDY_REG], D("2024-10-31"));
  assert_int_equal(ev->resident[SL_TIER], 0);
  assert_true(ev->given[A_REGISTERED]);

  /* null leaves an optional attribute absent */
  assert_int_equal(pol_resident_json(ev,
                                     "{\"birth_date\": \"2000-02-29\", "
                                     "\"subsidy_registered_on\": null}",
                                     D("2025-11-10")),
                   POL_OK);
  assert_true(ev->resident[SL_SUBSIDY_REG] == PRG_ABSENT);

  /* a failed resident is no resident */
  assert_int_equal(pol_resident_json(ev, "{}", D("2025-11-10")), POL_EINPUT);
  assert_false(ev->has_resident);
  pol_eval_free(ev);
}

static void test_dates(void **state) {
  (void)state;
  int32_t d = 0;
  assert_int_equal(pol_date_parse("2024-02-29", &d), POL_OK);
  assert_int_equal(d, 19782);
  assert_int_equal(pol_date_parse("2025-02-29", &d), POL_EINPUT);
  assert_int_equal(pol_date_parse("2025-2-1", &d), POL_EINPUT);
  assert_int_equal(pol_date_parse("2025-02-01x", &d), POL_EINPUT);
}

/* ---- add-ons ------------------------------------------------------------------------ */

static void test_buy_addon(void **state) {
  pol_program *p = &((fixture *)*state)->p;
  pol_eval *ev = pol_eval_new(p);
  assert_non_null(ev);
  assert_int_equal(pol_buy_addon(ev, "accident=30"), POL_OK);
  assert_int_equal(ev->bought[0], 3000);
  assert_int_equal(pol_buy_addon(ev, "jinkangbao=128.00"), POL_OK);
  assert_int_equal(ev->bought[1], 12800);
  assert_int_equal(pol_buy_addon(ev, "accident=25"), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev),
                      "add-on \"accident\": 25 yuan is not one of its tiers (20, 30, 50)");
  assert_int_equal(pol_buy_addon(ev, "jinkangbao=88.5"), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev),
                      "add-on \"jinkangbao\": 88.5 yuan is not one of its tiers (88, 128)");
  assert_int_equal(pol_buy_addon(ev, "x=20"), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev),
                      "add-on \"x\": unknown; this policy offers: accident, jinkangbao");
  assert_int_equal(pol_buy_addon(ev, "accid=20"), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev),
                      "add-on \"accid\": unknown; this policy offers: accident, jinkangbao");
  assert_int_equal(pol_buy_addon(ev, "accident"), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev), "add-on: expected NAME=AMOUNT, got \"accident\"");
  assert_int_equal(pol_buy_addon(ev, "accident=abc"), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev), "add-on: expected NAME=AMOUNT, got \"accident=abc\"");
  assert_int_equal(pol_buy_addon(ev, "=20"), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev), "add-on: expected NAME=AMOUNT, got \"=20\"");
  /* a new resident clears what was bought */
  assert_int_equal(pol_resident_json(ev, "{\"birth_date\": \"1980-05-01\"}", D("2025-11-10")),
                   POL_OK);
  assert_int_equal(ev->bought[0], -1);
  assert_int_equal(ev->bought[1], -1);
  pol_eval_free(ev);

  uint32_t naddons = p->naddons;
  p->naddons = 0;
  ev = pol_eval_new(p);
  assert_non_null(ev);
  assert_int_equal(pol_buy_addon(ev, "x=20"), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev), "add-on \"x\": unknown; this policy offers none");
  pol_eval_free(ev);
  p->naddons = naddons;
}

/* ---- answers ------------------------------------------------------------------------ */

static void test_answer_json(void **state) {
  pol_program *p = &((fixture *)*state)->p;
  category(p, "subsistence_allowance", "低保人员", "二、2", constant(p, 1), NO);
  category(p, "disabled", "残疾人", "", constant(p, 1), NO);
  p->choose[0] = (prg_choose_key){KEY_LOWEST_SOURCE, SRC_LOCAL};
  p->choose[1] = (prg_choose_key){KEY_LAST, PRG_NONE};
  p->nchoose = 2;
  pol_eval *ev = pol_eval_new(p);
  assert_non_null(ev);
  assert_null(pol_answer_json(ev, POL_ANSWER_QUOTE));

  /* filled by hand: only the answer fields are read */
  ev->has_answer = true;
  ev->date = D("2025-11-10");
  ev->payable = true;
  ev->window = PRG_NONE;
  ev->category = 0;
  ev->matched[0] = 1;
  ev->matched[1] = 1;
  ev->matched_known = true;
  ev->individual = 8050;
  ev->funding[SRC_MEDICAL] = 93950;
  ev->funding[SRC_LOCAL] = 0;
  ev->worth = 102000;
  ev->start = D("2026-01-01");
  ev->end = D("2026-12-31");
  ev->slots[SLOT_SUBSIDIZED] = 1;
  ev->addon_amount[0] = 2000;
  ev->addon_payer[0] = SRC_LOCAL;
  ev->addon_amount[1] = 12800;
  ev->addon_payer[1] = PRG_NONE;
  char *s = pol_answer_json(ev, POL_ANSWER_QUOTE);
  assert_non_null(s);
  assert_string_equal(s,
                      "{\n"
                      "  \"policy\": \"testville-2026\",\n"
                      "  \"benefit_year\": 2026,\n"
                      "  \"date\": \"2025-11-10\",\n"
                      "  \"payable\": true,\n"
                      "  \"reason\": null,\n"
                      "  \"category\": \"subsistence_allowance\",\n"
                      "  \"label\": \"低保人员\",\n"
                      "  \"individual\": 80.5,\n"
                      "  \"funding\": {\n"
                      "    \"medical_assistance\": 939.5\n"
                      "  },\n"
                      "  \"addons\": [\n"
                      "    {\n"
                      "      \"addon\": \"accident\",\n"
                      "      \"label\": \"意外伤害保险\",\n"
                      "      \"tier\": null,\n"
                      "      \"amount\": 20,\n"
                      "      \"paid_by\": \"local_finance\"\n"
                      "    },\n"
                      "    {\n"
                      "      \"addon\": \"jinkangbao\",\n"
                      "      \"label\": \"晋康保\",\n"
                      "      \"tier\": \"premium\",\n"
                      "      \"amount\": 128,\n"
                      "      \"paid_by\": \"individual\"\n"
                      "    }\n"
                      "  ],\n"
                      "  \"benefit_start\": \"2026-01-01\",\n"
                      "  \"benefit_end\": \"2026-12-31\",\n"
                      "  \"waiting_months\": 0,\n"
                      "  \"waiting\": false,\n"
                      "  \"matched\": [\n"
                      "    \"subsistence_allowance\",\n"
                      "    \"disabled\"\n"
                      "  ],\n"
                      "  \"why\": [\n"
                      "    \"category subsistence_allowance (低保人员) [二、2]: chosen by lowest "
                      "local_finance, then last among subsistence_allowance, disabled\",\n"
                      "    \"no payment window contains 2025-11-10\"\n"
                      "  ],\n"
                      "  \"worth\": 1020,\n"
                      "  \"waiting_days\": 0,\n"
                      "  \"window\": null,\n"
                      "  \"subsidized\": true\n"
                      "}\n");
  free(s);

  ev->payable = false;
  ev->rsn_kind = RSN_TEXT; /* a rule's `not payable "…"` */
  ev->rsn_arg = S(p, "2026-03-05 is after the last payment date 2026-02-25");
  ev->category = 1;
  ev->matched[0] = 0;
  ev->individual = 5;
  ev->funding[SRC_MEDICAL] = 0;
  ev->funding[SRC_LOCAL] = 8000;
  ev->worth = 8005;
  ev->wait_months = 3;
  ev->addon_amount[0] = -1;
  ev->addon_amount[1] = -1;
  s = pol_answer_json(ev, POL_ANSWER_QUOTE);
  assert_non_null(s);
  assert_non_null(strstr(s, "  \"reason\": \"2026-03-05 is after the last payment date "
                            "2026-02-25\",\n"));
  assert_non_null(strstr(s, "  \"individual\": 0.05,\n"
                            "  \"funding\": {\n"
                            "    \"local_finance\": 80\n"
                            "  },\n"
                            "  \"addons\": [],\n"));
  assert_non_null(strstr(s, "\"category disabled (残疾人): the only category that applies\""));
  assert_non_null(strstr(s, "  \"worth\": 80.05,\n"));
  free(s);

  s = pol_answer_json(ev, POL_ANSWER_ELIGIBLE);
  assert_non_null(s);
  assert_string_equal(s, "{\n"
                         "  \"policy\": \"testville-2026\",\n"
                         "  \"benefit_year\": 2026,\n"
                         "  \"date\": \"2025-11-10\",\n"
                         "  \"payable\": false,\n"
                         "  \"reason\": \"2026-03-05 is after the last payment date 2026-02-25\",\n"
                         "  \"subsidized\": true,\n"
                         "  \"matched\": [\n"
                         "    \"disabled\"\n"
                         "  ],\n"
                         "  \"category\": \"disabled\",\n"
                         "  \"label\": \"残疾人\",\n"
                         "  \"benefit_start\": \"2026-01-01\",\n"
                         "  \"benefit_end\": \"2026-12-31\",\n"
                         "  \"waiting_months\": 3,\n"
                         "  \"waiting_days\": 0,\n"
                         "  \"waiting\": true\n"
                         "}\n");
  free(s);
  pol_eval_free(ev);
}

/* Strings of the policy never reach the output with a control character, so a label
 * that looks like a money marker stays a string. */
static void test_answer_marker_is_not_forgeable(void **state) {
  pol_program *p = &((fixture *)*state)->p;
  category(p, "odd",
           "\x01"
           "80",
           "", constant(p, 1), NO);
  pol_eval *ev = pol_eval_new(p);
  assert_non_null(ev);
  ev->has_answer = true;
  ev->date = D("2025-11-10");
  ev->payable = true;
  ev->category = 0;
  ev->matched[0] = 1;
  ev->matched_known = true;
  ev->start = D("2026-01-01");
  ev->end = D("2026-12-31");
  char *s = pol_answer_json(ev, POL_ANSWER_QUOTE);
  assert_non_null(s);
  assert_non_null(strstr(s, "  \"label\": \"?80\",\n"));
  assert_non_null(strstr(s, "  \"individual\": 0,\n  \"funding\": {},\n"));
  free(s);
  pol_eval_free(ev);
}

static void test_schema(void **state) {
  const pol_program *p = &((fixture *)*state)->p;
  char *s = pol_schema(p, POL_FMT_TEXT);
  assert_non_null(s);
  assert_string_equal(
      s, "key                    type                    default           label\n"
         "birth_date             date                    required          出生日期\n"
         "identities             array of identity keys  []                身份\n"
         "disability_grade       int 0..4                0                 残疾等级（0 = 无）\n"
         "local_hukou            bool                    false             本地户籍\n"
         "registered_on          date                    the payment date  参保登记日期\n"
         "subsidy_registered_on  date                    absent            资助登记日期\n"
         "tier                   one of low|high         low               缴费档次\n"
         "\n"
         "identities:\n"
         "  extreme_poverty        特困人员\n"
         "  subsistence_allowance  低保对象\n"
         "\n"
         "funding sources:\n"
         "  medical_assistance  医疗救助资助\n"
         "  local_finance       县财政资助\n");
  free(s);

  s = pol_schema(p, POL_FMT_JSON);
  assert_non_null(s);
  assert_string_equal(s, "{\n"
                         "  \"policy\": \"testville-2026\",\n"
                         "  \"attributes\": [\n"
                         "    {\n"
                         "      \"key\": \"birth_date\",\n"
                         "      \"type\": \"date\",\n"
                         "      \"default\": null,\n"
                         "      \"required\": true,\n"
                         "      \"label\": \"出生日期\"\n"
                         "    },\n"
                         "    {\n"
                         "      \"key\": \"identities\",\n"
                         "      \"type\": \"identities\",\n"
                         "      \"default\": [],\n"
                         "      \"label\": \"身份\"\n"
                         "    },\n"
                         "    {\n"
                         "      \"key\": \"disability_grade\",\n"
                         "      \"type\": \"int\",\n"
                         "      \"min\": 0,\n"
                         "      \"max\": 4,\n"
                         "      \"default\": 0,\n"
                         "      \"label\": \"残疾等级（0 = 无）\"\n"
                         "    },\n"
                         "    {\n"
                         "      \"key\": \"local_hukou\",\n"
                         "      \"type\": \"bool\",\n"
                         "      \"default\": false,\n"
                         "      \"label\": \"本地户籍\"\n"
                         "    },\n"
                         "    {\n"
                         "      \"key\": \"registered_on\",\n"
                         "      \"type\": \"date\",\n"
                         "      \"default\": null,\n"
                         "      \"default_is_payment_date\": true,\n"
                         "      \"label\": \"参保登记日期\"\n"
                         "    },\n"
                         "    {\n"
                         "      \"key\": \"subsidy_registered_on\",\n"
                         "      \"type\": \"date\",\n"
                         "      \"default\": null,\n"
                         "      \"optional\": true,\n"
                         "      \"label\": \"资助登记日期\"\n"
                         "    },\n"
                         "    {\n"
                         "      \"key\": \"tier\",\n"
                         "      \"type\": \"enum\",\n"
                         "      \"values\": [\n"
                         "        {\n"
                         "          \"key\": \"low\",\n"
                         "          \"label\": \"低档\"\n"
                         "        },\n"
                         "        {\n"
                         "          \"key\": \"high\",\n"
                         "          \"label\": \"高档\"\n"
                         "        }\n"
                         "      ],\n"
                         "      \"default\": \"low\",\n"
                         "      \"label\": \"缴费档次\"\n"
                         "    }\n"
                         "  ],\n"
                         "  \"identities\": [\n"
                         "    {\n"
                         "      \"key\": \"extreme_poverty\",\n"
                         "      \"label\": \"特困人员\"\n"
                         "    },\n"
                         "    {\n"
                         "      \"key\": \"subsistence_allowance\",\n"
                         "      \"label\": \"低保对象\"\n"
                         "    }\n"
                         "  ],\n"
                         "  \"funding_sources\": [\n"
                         "    {\n"
                         "      \"key\": \"medical_assistance\",\n"
                         "      \"label\": \"医疗救助资助\"\n"
                         "    },\n"
                         "    {\n"
                         "      \"key\": \"local_finance\",\n"
                         "      \"label\": \"县财政资助\"\n"
                         "    }\n"
                         "  ]\n"
                         "}\n");
  free(s);
  assert_string_equal(pol_program_id(p), "testville-2026");
}

/* ---- the quote ---------------------------------------------------------------------- */

/* Sets the resident, buys add-ons (NULL-terminated) and quotes; asserts success. */
static pol_eval *quote(const pol_program *p, const char *resident, const char *date, ...) {
  pol_eval *ev = pol_eval_new(p);
  assert_non_null(ev);
  assert_int_equal(pol_resident_json(ev, resident, D(date)), POL_OK);
  va_list ap;
  va_start(ap, date);
  for (const char *a; (a = va_arg(ap, const char *)) != NULL;)
    assert_int_equal(pol_buy_addon(ev, a), POL_OK);
  va_end(ap);
  pol_status st = pol_quote(ev, D(date));
  if (st != POL_OK)
    fail_msg("pol_quote: %s", pol_eval_error(ev));
  return ev;
}

static void test_quote_choose_lowest_individual_then_first(void **state) {
  const pol_program *p = &((fixture *)*state)->p;
  /* low_income and disabled both leave 80 to the individual: the first wins */
  pol_eval *ev = quote(p,
                       "{\"birth_date\": \"1980-05-01\", \"disability_grade\": 2, "
                       "\"identities\": [\"subsistence_allowance\"]}",
                       "2025-11-10", "jinkangbao=88", (const char *)NULL);
  char *s = pol_answer_json(ev, POL_ANSWER_QUOTE);
  assert_non_null(s);
  assert_string_equal(s,
                      "{\n"
                      "  \"policy\": \"testville-2026\",\n"
                      "  \"benefit_year\": 2026,\n"
                      "  \"date\": \"2025-11-10\",\n"
                      "  \"payable\": true,\n"
                      "  \"reason\": null,\n"
                      "  \"category\": \"low_income\",\n"
                      "  \"label\": \"低保\",\n"
                      "  \"individual\": 80,\n"
                      "  \"funding\": {\n"
                      "    \"medical_assistance\": 320\n"
                      "  },\n"
                      "  \"addons\": [\n"
                      "    {\n"
                      "      \"addon\": \"accident\",\n"
                      "      \"label\": \"意外伤害保险\",\n"
                      "      \"tier\": null,\n"
                      "      \"amount\": 20,\n"
                      "      \"paid_by\": \"local_finance\"\n"
                      "    },\n"
                      "    {\n"
                      "      \"addon\": \"jinkangbao\",\n"
                      "      \"label\": \"晋康保\",\n"
                      "      \"tier\": \"basic\",\n"
                      "      \"amount\": 88,\n"
                      "      \"paid_by\": \"individual\"\n"
                      "    }\n"
                      "  ],\n"
                      "  \"benefit_start\": \"2026-01-01\",\n"
                      "  \"benefit_end\": \"2026-12-31\",\n"
                      "  \"waiting_months\": 0,\n"
                      "  \"waiting\": false,\n"
                      "  \"matched\": [\n"
                      "    \"low_income\",\n"
                      "    \"disabled\"\n"
                      "  ],\n"
                      "  \"why\": [\n"
                      "    \"category low_income (低保) [二、2]: chosen by lowest individual, then "
                      "first among low_income, disabled; tied with disabled on the amounts: file "
                      "order decided\",\n"
                      "    \"window main (集中缴费期) [二、3]: benefits from 2026-01-01\"\n"
                      "  ],\n"
                      "  \"worth\": 400,\n"
                      "  \"waiting_days\": 0,\n"
                      "  \"window\": \"main\",\n"
                      "  \"subsidized\": true\n"
                      "}\n");
  free(s);
  pol_eval_free(ev);

  /* extreme leaves 0 to the individual: lowest individual beats file order */
  ev = quote(p,
             "{\"birth_date\": \"1980-05-01\", "
             "\"identities\": [\"subsistence_allowance\", \"extreme_poverty\"]}",
             "2025-11-10", (const char *)NULL);
  assert_int_equal(ev->category, 2);
  assert_int_equal(ev->individual, 0);
  assert_int_equal(ev->funding[SRC_MEDICAL], 40000);
  assert_int_equal(ev->matched[0], 1);
  assert_int_equal(ev->matched[2], 1);
  assert_int_equal(ev->matched[5], 0);
  pol_eval_free(ev);

  /* nobody else: the otherwise category, not subsidized, no add-on without buying */
  ev = quote(p, "{\"birth_date\": \"1980-05-01\"}", "2025-11-10", (const char *)NULL);
  assert_int_equal(ev->category, 5);
  assert_int_equal(ev->matched[5], 1);
  assert_int_equal(ev->individual, 40000);
  assert_int_equal(ev->worth, 40000);
  assert_int_equal(ev->slots[SLOT_SUBSIDIZED], 0);
  assert_int_equal(ev->addon_amount[0], -1);
  assert_int_equal(ev->addon_amount[1], -1);
  assert_true(pol_answer_payable(ev));
  pol_eval_free(ev);

  /* bought by the individual when the county does not pay it */
  ev =
      quote(p, "{\"birth_date\": \"1980-05-01\"}", "2025-11-10", "accident=50", (const char *)NULL);
  assert_int_equal(ev->addon_amount[0], 5000);
  assert_int_equal(ev->addon_payer[0], PRG_NONE);
  pol_eval_free(ev);
}

static void test_quote_windows(void **state) {
  const pol_program *p = &((fixture *)*state)->p;
  const char *low = "{\"birth_date\": \"1980-05-01\", \"identities\": [\"subsistence_allowance\"]}";
  pol_eval *ev = quote(p, low, "2025-11-26", (const char *)NULL);
  assert_false(pol_answer_payable(ev));
  assert_string_equal(pol_answer_reason(ev), "payments are accepted on days 1\u201325 of each month");
  assert_int_equal(ev->individual, 8000); /* amounts are still those that would apply */
  char *s = pol_answer_json(ev, POL_ANSWER_ELIGIBLE);
  assert_non_null(
      strstr(s, "  \"reason\": \"payments are accepted on days 1–25 of each month\",\n"));
  free(s);
  pol_eval_free(ev);

  ev = quote(p, low, "2025-11-25", (const char *)NULL);
  assert_true(pol_answer_payable(ev));
  assert_string_equal(pol_answer_reason(ev), "");
  pol_eval_free(ev);

  ev = quote(p, low, "2025-09-01", (const char *)NULL);
  assert_false(ev->payable);
  assert_int_equal(ev->window, PRG_NONE);
  assert_string_equal(pol_answer_reason(ev), "2025-09-01 is before the collection period opens on 2025-10-17");
  s = pol_answer_json(ev, POL_ANSWER_QUOTE);
  assert_non_null(strstr(s, "\"no payment window contains 2025-09-01\""));
  free(s);
  pol_eval_free(ev);

  ev = quote(p, low, "2027-01-05", (const char *)NULL);
  assert_string_equal(pol_answer_reason(ev), "2027-01-05 is after the last payment date 2026-12-31");
  pol_eval_free(ev);

  /* a rule's `payable` accepts the date the day filter refuses */
  ev = quote(p, "{\"birth_date\": \"1980-05-01\", \"identities\": [\"extreme_poverty\"]}",
             "2025-11-26", (const char *)NULL);
  assert_true(pol_answer_payable(ev));
  assert_string_equal(pol_answer_reason(ev), "");
  assert_int_equal(ev->applied[2], 1);
  pol_eval_free(ev);
}

static void test_quote_rules(void **state) {
  const pol_program *p = &((fixture *)*state)->p;
  /* late and not subsidized: surcharge, start on the payment date plus 3 months */
  pol_eval *ev = quote(p, "{\"birth_date\": \"1980-05-01\"}", "2026-02-10", (const char *)NULL);
  assert_int_equal(ev->individual, 110000);
  assert_int_equal(ev->worth, 110000);
  assert_int_equal(ev->wait_months, 3);
  assert_int_equal(ev->start, D("2026-05-10"));
  assert_int_equal(ev->end, D("2026-12-31"));
  assert_int_equal(ev->applied[0], 1);
  assert_int_equal(ev->applied[1], 0);
  char *s = pol_answer_json(ev, POL_ANSWER_QUOTE);
  assert_non_null(strstr(s, "  \"individual\": 1100,\n  \"funding\": {},\n"));
  assert_non_null(strstr(s, "    \"window late (错过集中缴费期): benefits from 2026-02-10, "
                            "waits 3 months\",\n"
                            "    \"rule late_surcharge (补缴财政补助) [温馨提示]: surcharge 700 yuan\"\n"));
  assert_non_null(strstr(s, "  \"benefit_start\": \"2026-05-10\",\n"));
  free(s);
  pol_eval_free(ev);

  /* subsidized: no surcharge */
  ev = quote(p, "{\"birth_date\": \"1980-05-01\", \"identities\": [\"subsistence_allowance\"]}",
             "2026-02-10", (const char *)NULL);
  assert_int_equal(ev->individual, 8000);
  assert_int_equal(ev->applied[0], 0);
  pol_eval_free(ev);

  /* a newborn: free beats the surcharge */
  ev = quote(p, "{\"birth_date\": \"2026-01-05\"}", "2026-02-10", (const char *)NULL);
  assert_int_equal(ev->applied[0], 1);
  assert_int_equal(ev->applied[1], 1);
  assert_int_equal(ev->individual, 0);
  assert_int_equal(ev->worth, 0);
  assert_int_equal(ev->funding[SRC_MEDICAL], 0);
  s = pol_answer_json(ev, POL_ANSWER_QUOTE);
  assert_non_null(strstr(s, "  \"individual\": 0,\n  \"funding\": {},\n"));
  free(s);
  pol_eval_free(ev);

  /* registered_on defaults to the payment date of the quote */
  ev = quote(p, "{\"birth_date\": \"1980-05-01\"}", "2025-11-10", (const char *)NULL);
  assert_int_equal(pol_quote(ev, D("2025-12-01")), POL_OK);
  assert_int_equal(ev->slots[SL_REGISTERED], D("2025-12-01"));
  assert_int_equal(ev->slots[SL_BIRTH_YEAR], 1980);
  pol_eval_free(ev);
}

static void test_quote_errors(void **state) {
  const pol_program *p = &((fixture *)*state)->p;
  pol_eval *ev = pol_eval_new(p);
  assert_non_null(ev);
  assert_int_equal(pol_quote(ev, D("2025-11-10")), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev), "no resident");
  assert_null(pol_answer_json(ev, POL_ANSWER_QUOTE));

  assert_int_equal(pol_resident_json(ev, "{\"birth_date\": \"1980-05-01\", \"local_hukou\": true}",
                                     D("2025-11-10")),
                   POL_OK);
  assert_int_equal(pol_quote(ev, D("2025-11-10")), POL_ERUNTIME);
  assert_string_equal(pol_eval_error(ev),
                      "category broken: parts add up to 3 yuan, not its worth 400 yuan");
  assert_null(pol_answer_json(ev, POL_ANSWER_QUOTE));
  assert_false(pol_answer_payable(ev));

  assert_int_equal(pol_resident_json(ev, "{\"birth_date\": \"1980-05-01\", \"tier\": \"high\"}",
                                     D("2025-11-10")),
                   POL_OK);
  assert_int_equal(pol_quote(ev, D("2025-11-10")), POL_ERUNTIME);
  assert_string_equal(pol_eval_error(ev),
                      "category negative: part individual is negative (-100 yuan)");
  pol_eval_free(ev);
}

/* Without an otherwise category, nobody may match. */
static void test_quote_no_category(void **state) {
  pol_program *p = &((fixture *)*state)->p;
  p->ncategories--; /* drop `ordinary` */
  pol_eval *ev =
      quote(p, "{\"birth_date\": \"1980-05-01\"}", "2025-11-10", "accident=20", (const char *)NULL);
  assert_int_equal(ev->category, PRG_NONE);
  assert_false(ev->payable);
  assert_string_equal(pol_answer_reason(ev), "no category of the policy applies to this resident");
  assert_int_equal(ev->individual, 0);
  assert_int_equal(ev->worth, 0);
  assert_int_equal(ev->addon_amount[0], -1);
  char *s = pol_answer_json(ev, POL_ANSWER_QUOTE);
  assert_non_null(strstr(s, "  \"category\": null,\n  \"label\": null,\n  \"individual\": 0,\n"));
  assert_non_null(strstr(s, "  \"matched\": [],\n"));
  free(s);
  pol_eval_free(ev);
  p->ncategories++;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_resident_errors, setup_schema, teardown),
      cmocka_unit_test_setup_teardown(test_resident_values, setup_schema, teardown),
      cmocka_unit_test(test_dates),
      cmocka_unit_test_setup_teardown(test_buy_addon, setup_schema, teardown),
      cmocka_unit_test_setup_teardown(test_answer_json, setup_schema, teardown),
      cmocka_unit_test_setup_teardown(test_answer_marker_is_not_forgeable, setup_schema, teardown),
      cmocka_unit_test_setup_teardown(test_schema, setup_schema, teardown),
      cmocka_unit_test_setup_teardown(test_quote_choose_lowest_individual_then_first, setup_quote,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_quote_windows, setup_quote, teardown),
      cmocka_unit_test_setup_teardown(test_quote_rules, setup_quote, teardown),
      cmocka_unit_test_setup_teardown(test_quote_errors, setup_quote, teardown),
      cmocka_unit_test_setup_teardown(test_quote_no_category, setup_quote, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
