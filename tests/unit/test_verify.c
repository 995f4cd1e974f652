/*
 * test_verify.c — the bytecode verifier: one well-formed program, then one defect at a
 * time, each with the exact message the verifier must give.
 *
 * The base program's sections, in verifier order:
 *   0  let age_paid: value                    pc  0..4    LOAD S4; LOAD S0; AGE; RET
 *   1  category subsistence_allowance: when   pc  4..6    IDENT 0; RET
 *   2  category subsistence_allowance: worth  pc  6..8    CONST K2; RET
 *   3  category subsistence_allowance: part medical_assistance   pc 8..10
 *   4  category subsistence_allowance: part individual           pc 10..12
 *      category ordinary: when                (otherwise: absent)
 *   5  category ordinary: worth               pc  6..8    (shared code)
 *      category ordinary: part individual     (rest: absent)
 *   6  window main: effect start              pc 12..14
 *   7  rule late_surcharge: when              pc 14..21   (ANDJ short circuit)
 *   8  rule late_surcharge: effect surcharge  pc 21..23
 *      rule late_surcharge: effect not_payable (no value)
 *   9  addon accident: paid_when              pc 23..25
 * Defects in code are placed in a fresh let section appended at pc 25.
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
#include "opcodes.h"
#include "program.h"
#include "vmint.h"

#define I(op) INSN(OP_##op, 0, 0)
#define IA(op, a) INSN(OP_##op, a, 0)
#define IB(op, b) INSN(OP_##op, 0, b)
#define K(b) INSN(OP_CONST, 0, b)
#define RET INSN(OP_RET, 0, 0)
#define CODE(...) ((const uint32_t[]){__VA_ARGS__}), (uint32_t)(sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t))

static int32_t D(int y, int m, int d) { return cal_from_ymd(y, m, d); }

static prg_strref intern(pol_program *p, const char *s) {
  size_t n = strlen(s) + 1;
  p->strings = realloc(p->strings, p->nstrings + n);
  assert_non_null(p->strings);
  memcpy(p->strings + p->nstrings, s, n);
  prg_strref r = p->nstrings;
  p->nstrings += (uint32_t)n;
  return r;
}

#define TABLE(p, field, count, n)                                                        \
  do {                                                                                   \
    (p)->field = calloc((n), sizeof *(p)->field);                                        \
    assert_non_null((p)->field);                                                         \
    (p)->count = (n);                                                                    \
  } while (0)

static pol_program *base(void) {
  static const uint32_t code[] = {
    /* 0 let age_paid */ IB(LOAD, 4), IB(LOAD, SLOT_PAID_ON), I(AGE), RET,
    /* 4 when */ IA(IDENT, 0), RET,
    /* 6 worth */ K(2), RET,
    /* 8 part */ K(1), RET,
    /* 10 part */ K(0), RET,
    /* 12 start */ IB(LOAD, SLOT_PAID_ON), RET,
    /* 14 rule when: paid_on in main == false and not subsidized */
    IB(LOAD, SLOT_PAID_ON), IB(INWIN, 0), I(NOT), IB(ANDJ, 2), IB(LOAD, SLOT_SUBSIDIZED),
    I(NOT), RET,
    /* 21 surcharge */ K(0), RET,
    /* 23 paid_when */ IB(LOAD, SLOT_SUBSIDIZED), RET,
  };
  static const int64_t consts[] = {8000, 32000, 40000, 18};
  pol_program *p = calloc(1, sizeof *p);
  assert_non_null(p);
  intern(p, "");
  p->id = intern(p, "pingshun-2026");
  p->title = intern(p, "关于认真做好2026年度全县城乡居民基本医疗保险征缴工作的通知");
  p->issuer = intern(p, "平顺县医疗保障局");
  p->document = PRG_NONE;
  p->file = intern(p, "pingshun-2026.pol");
  p->year = 2026;
  p->rounding = ROUND_HALF_UP;
  p->coll_lo = D(2025, 10, 17);
  p->coll_hi = D(2026, 2, 25);
  p->coll_dlo = 1;
  p->coll_dhi = 25;
  p->coll_label = intern(p, "集中征缴期");
  p->coll_cite = intern(p, "二、3");
  p->choose_cite = PRG_NONE;

  TABLE(p, consts, nconsts, 4);
  memcpy(p->consts, consts, sizeof consts);
  TABLE(p, code, ncode, sizeof code / sizeof code[0]);
  memcpy(p->code, code, sizeof code);
  p->nslots = SLOT__FIXED + 2;

  TABLE(p, attrs, nattrs, 2);
  p->attrs[0] = (prg_attr){intern(p, "birth_date"), intern(p, "出生日期"), TY_DATE,
                           PRESENCE_REQUIRED, 4, 0, 0, 0, 0, 0, 0};
  p->attrs[1] = (prg_attr){intern(p, "identities"), PRG_NONE, TY_INT, PRESENCE_DEFAULT,
                           SLOT_IDENTITIES, 0, 0, 0, 0, 0, 1};
  TABLE(p, enum_values, nenum_values, 2);
  p->enum_values[0] = intern(p, "low");
  p->enum_values[1] = intern(p, "低档");
  TABLE(p, identities, nidentities, 2);
  p->identities[0] = (prg_name){intern(p, "subsistence_allowance"), intern(p, "低保人员")};
  p->identities[1] = (prg_name){intern(p, "orphan"), PRG_NONE};
  TABLE(p, sources, nsources, 1);
  p->sources[0] = (prg_name){intern(p, "medical_assistance"), intern(p, "医疗救助")};
  TABLE(p, lets, nlets, 1);
  p->lets[0] = (prg_let){intern(p, "age_paid"), 5, {0, 4}, intern(p, "缴费时年龄")};

  TABLE(p, categories, ncategories, 2);
  p->categories[0] = (prg_category){intern(p, "subsistence_allowance"), intern(p, "低保人员"),
                                    intern(p, "二、2"), 0, {4, 6}, {6, 8}, 0, 2, PRG_NONE, 12, 0};
  p->categories[1] = (prg_category){intern(p, "ordinary"), PRG_NONE, PRG_NONE, 1, {0, 0},
                                    {6, 8}, 2, 1, 0, 20, 0};
  TABLE(p, parts, nparts, 3);
  p->parts[0] = (prg_part){0, {8, 10}};
  p->parts[1] = (prg_part){PRG_NONE, {10, 12}};
  p->parts[2] = (prg_part){PRG_NONE, {0, 0}};
  TABLE(p, choose, nchoose, 2);
  p->choose[0] = (prg_choose_key){KEY_HIGHEST_SOURCE, 0};
  p->choose[1] = (prg_choose_key){KEY_FIRST, PRG_NONE};

  TABLE(p, windows, nwindows, 1);
  p->windows[0] = (prg_window){intern(p, "main"), PRG_NONE, intern(p, "二、3"),
                               D(2025, 10, 17), D(2025, 12, 31), 1, 25, 0, 1, 0};
  TABLE(p, effects, neffects, 3);
  p->effects[0] = (prg_effect){EFF_START, {12, 14}, PRG_NONE, {0, 0}};
  p->effects[1] = (prg_effect){EFF_SURCHARGE, {21, 23}, PRG_NONE, {0, 0}};
  p->effects[2] = (prg_effect){EFF_NOT_PAYABLE, {0, 0}, intern(p, "逾期"), {0, 0}};
  TABLE(p, rules, nrules, 1);
  p->rules[0] = (prg_rule){intern(p, "late_surcharge"), PRG_NONE, PRG_NONE, {14, 21}, 1, 2, 0, 0, 0, 0};

  TABLE(p, addons, naddons, 1);
  p->addons[0] = (prg_addon){intern(p, "accident"), PRG_NONE, PRG_NONE, 0, 1, 0, {23, 25}, 0, 0, {0, 0}};
  TABLE(p, tiers, ntiers, 1);
  p->tiers[0] = (prg_tier){intern(p, "basic"), PRG_NONE, 2000};

  TABLE(p, examples, nexamples, 1);
  p->examples[0] = (prg_example){intern(p, "低保人员个人缴费80元"), 40, D(2025, 11, 10),
                                 0, 1, 0, 1, 0, 2};
  TABLE(p, givens, ngivens, 1);
  p->givens[0] = (prg_given){0, D(1980, 5, 1)};
  TABLE(p, buys, nbuys, 1);
  p->buys[0] = (prg_buy){0, 2000};
  TABLE(p, expects, nexpects, 2);
  p->expects[0] = (prg_expect){EXP_CATEGORY, 0, 0};
  p->expects[1] = (prg_expect){EXP_FUNDING, 0, 32000};
  return p;
}

/* Append code as a new section and make it the value of let age_paid. */
static void let_code(pol_program *p, const uint32_t *code, uint32_t n) {
  p->code = realloc(p->code, (p->ncode + n) * sizeof *p->code);
  assert_non_null(p->code);
  memcpy(p->code + p->ncode, code, n * sizeof *code);
  p->lets[0].value = (prg_section){p->ncode, p->ncode + n};
  p->ncode += n;
}

/* The verifier rejects p with exactly msg; p is freed. */
static void rejects(pol_program *p, const char *msg) {
  char err[512];
  memset(err, 'x', sizeof err);
  bool ok = vfy_program(p, err, sizeof err);
  prg_free(p);
  if (ok) fail_msg("accepted; expected: %s", msg);
  assert_string_equal(err, msg);
}

#define LET "section 0 (let age_paid: value)"

/* ---- the well-formed program -------------------------------------------------------- */

static void test_base_ok(void **state) {
  (void)state;
  pol_program *p = base();
  char err[256] = "";
  bool ok = vfy_program(p, err, sizeof err);
  if (!ok) fail_msg("%s", err);
  assert_string_equal(err, "");
  prg_free(p);
}

typedef struct {
  char names[16][80];
  uint32_t n, absent;
} names;

static bool collect(void *ud, const vfy_section *s) {
  names *ns = ud;
  if (s->number == PRG_NONE) {
    ns->absent++;
    return true;
  }
  assert_int_equal(s->number, ns->n);
  vfy_section_name(s, ns->names[ns->n++], sizeof ns->names[0]);
  return true;
}

static void test_section_names(void **state) {
  (void)state;
  pol_program *p = base();
  names ns;
  memset(&ns, 0, sizeof ns);
  assert_true(vfy_each_section(p, collect, &ns));
  assert_int_equal(ns.n, 10);
  assert_int_equal(ns.absent, 4); /* 3, and the add-on's paid_amount (#19 B2) */
  assert_string_equal(ns.names[1], "section 1 (category subsistence_allowance: when)");
  assert_string_equal(ns.names[3],
                      "section 3 (category subsistence_allowance: part medical_assistance)");
  assert_string_equal(ns.names[4], "section 4 (category subsistence_allowance: part individual)");
  assert_string_equal(ns.names[5], "section 5 (category ordinary: worth)");
  assert_string_equal(ns.names[6], "section 6 (window main: effect start)");
  assert_string_equal(ns.names[8], "section 8 (rule late_surcharge: effect surcharge)");
  assert_string_equal(ns.names[9], "section 9 (addon accident: paid_when)");
  prg_free(p);
}

/* ---- code ---------------------------------------------------------------------------- */

static void test_bad_opcode(void **state) {
  (void)state;
  pol_program *p = base();
  p->code[1] = 200; /* op 200, A 0, B 0 */
  rejects(p, LET ", pc 1: unknown opcode 200 (there are 37)");
  p = base();
  p->code[5] = OP__COUNT; /* the first opcode past the table, in category when */
  rejects(p, "section 1 (category subsistence_allowance: when), pc 5: unknown opcode 37 "
             "(there are 37)");
}

static void test_const_out_of_range(void **state) {
  (void)state;
  pol_program *p = base();
  p->code[6] = K(4);
  rejects(p, "section 2 (category subsistence_allowance: worth), pc 6 (CONST): constant 4 out "
             "of range (4 constants)");
  p = base();
  let_code(p, CODE(IB(LOAD, 4), INSN(OP_INRANGE, 3, 9), RET));
  rejects(p, LET ", pc 26 (INRANGE): constant 9 out of range (4 constants)");
  p = base();
  let_code(p, CODE(IB(LOAD, 4), INSN(OP_INSET, 0, 70), RET));
  rejects(p, LET ", pc 26 (INSET): constant 70 out of range (4 constants)");
}

static void test_overlong_jump(void **state) {
  (void)state;
  pol_program *p = base();
  p->code[17] = IB(ANDJ, 22); /* rule when: section 14..21 */
  rejects(p, "section 7 (rule late_surcharge: when), pc 17 (ANDJ): jump target 40 beyond "
             "section end 21");
}

static void test_jump_to_section_end(void **state) {
  (void)state;
  pol_program *p = base();
  let_code(p, CODE(K(0), IB(JMPF, 1), K(1), RET));
  p->code[26] = IB(JMPF, 2); /* target 29 == end */
  rejects(p, LET ", pc 26 (JMPF): jump target 29 is the section end; the section must end in "
             "RET");
}

static void test_backward_jump(void **state) {
  (void)state;
  /* Jumps are forward by encoding; an assembler that stored -1 in B produces 0xffff,
   * which is far past the end. */
  pol_program *p = base();
  let_code(p, CODE(K(0), IB(JMPF, 0xffffu), K(1), RET));
  rejects(p, LET ", pc 26 (JMPF): jump target 65562 beyond section end 29");
}

static void test_stack_underflow(void **state) {
  (void)state;
  pol_program *p = base();
  let_code(p, CODE(K(0), I(ADD), RET));
  rejects(p, LET ", pc 26 (ADD): stack underflow: pops 2, depth is 1");
  p = base();
  let_code(p, CODE(K(0), K(1), I(MKDATE), RET));
  rejects(p, LET ", pc 27 (MKDATE): stack underflow: pops 3, depth is 2");
  p = base();
  let_code(p, CODE(IB(JMP, 0), RET));
  rejects(p, LET ", pc 26 (RET): stack underflow: pops 1, depth is 0");
}

static void test_stack_overflow(void **state) {
  (void)state;
  uint32_t code[PRG_STACK_MAX + 1 + PRG_STACK_MAX + 1];
  uint32_t n = 0;
  for (int i = 0; i <= PRG_STACK_MAX; i++) code[n++] = K(0);
  for (int i = 0; i < PRG_STACK_MAX; i++) code[n++] = I(ADD);
  code[n++] = RET;
  pol_program *p = base();
  let_code(p, code, n);
  rejects(p, LET ", pc 57 (CONST): stack overflow: depth 33 exceeds 32");

  /* exactly PRG_STACK_MAX is fine: 32 CONST, 31 ADD, RET */
  n = 0;
  for (int i = 0; i < PRG_STACK_MAX; i++) code[n++] = K(0);
  for (int i = 1; i < PRG_STACK_MAX; i++) code[n++] = I(ADD);
  code[n++] = RET;
  p = base();
  let_code(p, code, n);
  char err[256];
  bool ok = vfy_program(p, err, sizeof err);
  prg_free(p);
  if (!ok) fail_msg("%s", err);
}

static void test_missing_ret(void **state) {
  (void)state;
  pol_program *p = base();
  let_code(p, CODE(K(0), K(1), I(ADD)));
  rejects(p, LET ", pc 27 (ADD): falls off the end of the section without RET");
  /* a conditional jump as the last instruction falls through past the end too */
  p = base();
  let_code(p, CODE(K(0), K(1), IB(ORJ, 0)));
  rejects(p, LET ", pc 27 (ORJ): jump target 28 is the section end; the section must end in "
             "RET");
}

static void test_depth_mismatch(void **state) {
  (void)state;
  /* if c then (1 2) else (1): the branches leave 2 and 1 values at the merge */
  pol_program *p = base();
  let_code(p, CODE(K(0), IB(JMPF, 3), K(1), K(2), IB(JMP, 1), K(1), RET));
  rejects(p, LET ", pc 30 (CONST): falls through to pc 31 with stack depth 1, but another "
             "path reaches it with depth 2");
}

static void test_depth_mismatch_jump(void **state) {
  (void)state;
  /* ANDJ taken keeps x (depth 2 at target), fall-through pops it */
  pol_program *p = base();
  let_code(p, CODE(K(0), K(1), IB(ANDJ, 1), I(NOT), I(ADD), RET));
  /* pc 25 K, 26 K, 27 ANDJ -> 29 with depth 2; 28 NOT at depth 1 falls to 29 with 1 */
  rejects(p, LET ", pc 28 (NOT): falls through to pc 29 with stack depth 1, but another path "
             "reaches it with depth 2");
  p = base();
  let_code(p, CODE(K(0), IB(JMPF, 2), K(1), IB(JMP, 2), K(1), K(2), I(ADD), RET));
  /* 26 JMPF -> 29 (depth 0); 28 JMP -> 31 with depth 1; 29 K, 30 K fall to 31 with 2 */
  rejects(p, LET ", pc 30 (CONST): falls through to pc 31 with stack depth 2, but another "
             "path reaches it with depth 1");
}

static void test_ret_depth(void **state) {
  (void)state;
  pol_program *p = base();
  let_code(p, CODE(K(0), K(1), RET));
  rejects(p, LET ", pc 27 (RET): returns with stack depth 2, must be 1");
}

static void test_unreachable(void **state) {
  (void)state;
  pol_program *p = base();
  let_code(p, CODE(K(0), RET, K(1), RET));
  rejects(p, LET ", pc 27 (CONST): unreachable instruction");
}

static void test_bad_slot(void **state) {
  (void)state;
  pol_program *p = base();
  let_code(p, CODE(IB(LOAD, 6), RET));
  rejects(p, LET ", pc 25 (LOAD): slot 6 out of range (6 slots)");
  p = base();
  let_code(p, CODE(IB(PRESENT, 0xffffu), RET));
  rejects(p, LET ", pc 25 (PRESENT): slot 65535 out of range (6 slots)");
}

static void test_bad_identity_bit(void **state) {
  (void)state;
  pol_program *p = base();
  p->code[4] = IA(IDENT, 2);
  rejects(p, "section 1 (category subsistence_allowance: when), pc 4 (IDENT): identity bit 2 "
             "out of range (2 identities)");
}

static void test_bad_window(void **state) {
  (void)state;
  pol_program *p = base();
  p->code[15] = IB(INWIN, 1);
  rejects(p, "section 7 (rule late_surcharge: when), pc 15 (INWIN): window 1 out of range "
             "(1 windows)");
}

static void test_bad_unlisted(void **state) {
  (void)state;
  pol_program *p = base();
  TABLE(p, unlisted, nunlisted, 1);
  p->unlisted[0] = (uint32_t)p->nidentities;
  char msg[120];
  snprintf(msg, sizeof msg, "unlisted[0]: identity %u out of range (%u identities)",
           (unsigned)p->nidentities, (unsigned)p->nidentities);
  rejects(p, msg);
}

static void test_bad_restate(void **state) {
  (void)state;
  pol_program *p = base();
  TABLE(p, restates, nrestates, 1);
  p->restates[0] = (prg_restate){1, 100, 200, 1, 25, PRG_NONE, PRG_NONE, PRG_NONE, 0};
  rejects(p, "restates[0]: window 1 out of range (1 windows)");
  p = base();
  TABLE(p, restates, nrestates, 1);
  p->restates[0] = (prg_restate){0, D(2025, 12, 25), D(2025, 10, 17), 1, 25, PRG_NONE, PRG_NONE, PRG_NONE, 0};
  rejects(p, "restates[0]: period ends (2025-10-17) before it starts (2025-12-25)");
  p = base();
  TABLE(p, restates, nrestates, 1);
  p->restates[0] = (prg_restate){PRG_NONE, 100, 200, 26, 25, PRG_NONE, PRG_NONE, PRG_NONE, 0};
  p->coll_lo = 1;
  p->coll_hi = 0;
  rejects(p, "restates[0]: restates the collection period, which the program does not have");
}

static void test_bad_mode(void **state) {
  (void)state;
  pol_program *p = base();
  let_code(p, CODE(K(0), K(1), IA(RATIO, 4), RET));
  rejects(p, LET ", pc 27 (RATIO): rounding mode 4 out of range (0..3)");
}

static void test_unused_operand(void **state) {
  (void)state;
  pol_program *p = base();
  let_code(p, CODE(K(0), K(1), IA(ADD, 1), RET));
  rejects(p, LET ", pc 27 (ADD): unused operand A is 1, must be 0");
  p = base();
  let_code(p, CODE(INSN(OP_CONST, 3, 0), RET));
  rejects(p, LET ", pc 25 (CONST): unused operand A is 3, must be 0");
  p = base();
  let_code(p, CODE(INSN(OP_IDENT, 0, 1), RET));
  rejects(p, LET ", pc 25 (IDENT): unused operand B is 1, must be 0");
}

/* ---- sections ----------------------------------------------------------------------- */

static void test_section_outside_code(void **state) {
  (void)state;
  pol_program *p = base();
  p->lets[0].value = (prg_section){20, 40};
  rejects(p, LET ": code range 20..40 outside the 25 instructions");
  p = base();
  p->rules[0].when = (prg_section){14, 0xffffffffu};
  rejects(p, "section 7 (rule late_surcharge: when): code range 14..4294967295 outside the 25 "
             "instructions");
}

static void test_section_empty(void **state) {
  (void)state;
  pol_program *p = base();
  p->categories[0].worth = (prg_section){6, 6};
  rejects(p, "section 2 (category subsistence_allowance: worth): empty code range 6..6");
  p = base();
  p->categories[0].worth = (prg_section){8, 6};
  rejects(p, "section 2 (category subsistence_allowance: worth): empty code range 8..6");
}

static void test_section_missing(void **state) {
  (void)state;
  pol_program *p = base();
  p->rules[0].when = (prg_section){0, 0};
  rejects(p, "rule late_surcharge: when: missing (no code)");
  p = base();
  p->categories[1].otherwise = 0;
  rejects(p, "category ordinary: when: missing (no code)");
  p = base();
  p->effects[1].value = (prg_section){0, 0};
  rejects(p, "rule late_surcharge: effect surcharge: missing (no code)");
  p = base();
  p->effects[1].kind = EFF_WAIT_MONTHS_AS_DAYS; /* `wait … counted as …` needs both sections */
  rejects(p, "rule late_surcharge: effect wait_months_as_days counted as: missing (no code)");
  p = base();
  p->categories[1].rest_part = PRG_NONE;
  rejects(p, "category ordinary: part individual: missing (no code)");
}

/* ---- tables ------------------------------------------------------------------------- */

static void test_string_offset(void **state) {
  (void)state;
  pol_program *p = base();
  uint32_t n = p->nstrings;
  p->categories[1].label = n;
  char msg[200];
  snprintf(msg, sizeof msg,
           "categories[1].label: string offset %u outside the %u-byte string pool", n, n);
  rejects(p, msg);
  p = base();
  p->title = 100000;
  snprintf(msg, sizeof msg, "header.title: string offset 100000 outside the %u-byte string pool",
           n);
  rejects(p, msg);
  p = base();
  p->enum_values[1] = n + 7;
  snprintf(msg, sizeof msg, "enum_values[1]: string offset %u outside the %u-byte string pool",
           n + 7, n);
  rejects(p, msg);
  p = base();
  p->effects[2].reason = n;
  snprintf(msg, sizeof msg, "effects[2].reason: string offset %u outside the %u-byte string pool",
           n, n);
  rejects(p, msg);
}

static void test_string_pool_nul(void **state) {
  (void)state;
  pol_program *p = base();
  p->strings[p->nstrings - 1] = 'x';
  char msg[100];
  snprintf(msg, sizeof msg, "strings: the %u-byte string pool does not end in NUL", p->nstrings);
  rejects(p, msg);
}

static void test_part_range(void **state) {
  (void)state;
  pol_program *p = base();
  p->categories[0].part_count = 5;
  rejects(p, "categories[0] (subsistence_allowance): parts 0+5 outside the 3 parts");
  p = base();
  p->categories[1].part_first = 0xffffffffu; /* first + count wraps in 32 bits */
  rejects(p, "categories[1] (ordinary): parts 4294967295+1 outside the 3 parts");
  p = base();
  p->categories[1].rest_part = 1;
  rejects(p, "categories[1] (ordinary): rest part 1 out of range (1 parts)");
}

static void test_other_ranges(void **state) {
  (void)state;
  pol_program *p = base();
  p->windows[0].eff_count = 4;
  rejects(p, "windows[0] (main): effects 0+4 outside the 3 effects");
  p = base();
  p->rules[0].eff_first = 2;
  rejects(p, "rules[0] (late_surcharge): effects 2+2 outside the 3 effects");
  p = base();
  p->addons[0].tier_count = 2;
  rejects(p, "addons[0] (accident): tiers 0+2 outside the 1 tiers");
  p = base();
  p->examples[0].expect_count = 3;
  rejects(p, "examples[0] (低保人员个人缴费80元): expects 0+3 outside the 2 expects");
  p = base();
  p->examples[0].given_first = 1;
  rejects(p, "examples[0] (低保人员个人缴费80元): givens 1+1 outside the 1 givens");
  p = base();
  p->examples[0].buy_count = 9;
  rejects(p, "examples[0] (低保人员个人缴费80元): buys 0+9 outside the 1 buys");
  p = base();
  p->attrs[0].type = TY_ENUM;
  p->attrs[0].enum_first = 1;
  p->attrs[0].enum_count = 1;
  rejects(p, "attrs[0] (birth_date): enum values 1+1 outside the 1 values");
}

static void test_indices(void **state) {
  (void)state;
  pol_program *p = base();
  p->attrs[0].slot = 6;
  rejects(p, "attrs[0] (birth_date): slot 6 out of range (6 slots)");
  p = base();
  p->attrs[1].slot = 4;
  rejects(p, "attrs[1] (identities): the identities attribute must use slot 1, not 4");
  p = base();
  p->lets[0].slot = 99;
  rejects(p, "lets[0] (age_paid): slot 99 out of range (6 slots)");
  p = base();
  p->parts[0].source = 1;
  rejects(p, "parts[0]: source 1 out of range (1 sources)");
  p = base();
  p->choose[0].source = 3;
  rejects(p, "choose[0]: source 3 out of range (1 sources)");
  p = base();
  p->choose[1].kind = 8;
  rejects(p, "choose[1]: kind 8 out of range");
  p = base();
  p->addons[0].paid_by = 1;
  rejects(p, "addons[0] (accident): paid by source 1 out of range (1 sources)");
  p = base();
  p->addons[0].required = 2;
  rejects(p, "addons[0] (accident): required 2 is not 0 or 1");
  p = base();
  p->addons[0].tier_count = 0;
  p->addons[0].required = 1;
  rejects(p, "addons[0] (accident): required, but has no tier");
  p = base();
  p->addons[0].required = 1;
  p->addons[0].paid_by = PRG_NONE;
  p->addons[0].paid_amount = (prg_section){23, 25};
  rejects(p, "addons[0] (accident): a paid amount without a payer");
  p = base();
  p->addons[0].paid_amount = (prg_section){23, 25}; /* paid by source 0 */
  rejects(p, "addons[0] (accident): a paid amount without 'required'");
  /* unstated values (#19 B3): kind, index, a value to stand in for, once each */
  static const struct { prg_unstated u; const char *msg; } bad_unstated[] = {
      {{UNST_WINDOW + 1, 0, PRG_NONE, PRG_NONE, 0}, "unstated[0]: kind 4 out of range"},
      {{UNST_PART, 9, PRG_NONE, PRG_NONE, 0}, "unstated[0]: part 9 out of range (3)"},
      {{UNST_PART, 2, PRG_NONE, PRG_NONE, 0}, "unstated[0]: the part it marks has no value"},
      {{UNST_EFFECT, 2, PRG_NONE, PRG_NONE, 0}, "unstated[0]: the effect it marks has no value"},
  };
  for (size_t k = 0; k < sizeof bad_unstated / sizeof *bad_unstated; k++) {
    p = base();
    TABLE(p, unstated, nunstated, 1);
    p->unstated[0] = bad_unstated[k].u;
    rejects(p, bad_unstated[k].msg);
  }
  p = base(); /* part 1, no longer category 0's, belongs to no category */
  p->categories[0].part_count = 1;
  TABLE(p, unstated, nunstated, 1);
  p->unstated[0] = (prg_unstated){UNST_PART, 1, PRG_NONE, PRG_NONE, 0};
  rejects(p, "unstated[0]: part 1 is not a category's");
  p = base();
  TABLE(p, unstated, nunstated, 2);
  p->unstated[0] = (prg_unstated){UNST_WORTH, 0, PRG_NONE, PRG_NONE, 0};
  p->unstated[1] = p->unstated[0];
  rejects(p, "unstated[1]: worth 0 is marked twice");
  /* periods (#19 B4): another year within range, parts and rest in range, flag 0/1 */
  static const struct { prg_period pd; const char *msg; } bad_periods[] = {
      {{PRG_NONE, PRG_NONE, PRG_NONE, 2026, 0, {0, 2}, {10, 12}, {0, 2}, {0, 2}, 0, 1, PRG_NONE, 0},
       "periods[0] (): year 2026 is the benefit year or outside 2016..2036"},
      {{PRG_NONE, PRG_NONE, PRG_NONE, 2040, 0, {0, 2}, {10, 12}, {0, 2}, {0, 2}, 0, 1, PRG_NONE, 0},
       "periods[0] (): year 2040 is the benefit year or outside 2016..2036"},
      {{PRG_NONE, PRG_NONE, PRG_NONE, 2025, 0, {0, 2}, {10, 12}, {0, 2}, {0, 2}, 2, 2, PRG_NONE, 0},
       "periods[0] (): parts 2+2 outside the 3 parts"},
      {{PRG_NONE, PRG_NONE, PRG_NONE, 2025, 0, {0, 2}, {10, 12}, {0, 2}, {0, 2}, 0, 1, 1, 0},
       "periods[0] (): rest part 1 out of range (1 parts)"},
      {{PRG_NONE, PRG_NONE, PRG_NONE, 2025, 2, {0, 2}, {10, 12}, {0, 2}, {0, 2}, 0, 1, PRG_NONE, 0},
       "periods[0] (): instead flag 2 is not 0 or 1"},
  };
  for (size_t k = 0; k < sizeof bad_periods / sizeof *bad_periods; k++) {
    p = base();
    TABLE(p, periods, nperiods, 1);
    p->periods[0] = bad_periods[k].pd;
    rejects(p, bad_periods[k].msg);
  }
  p = base();
  p->givens[0].attr = 2;
  rejects(p, "givens[0]: attribute 2 out of range (2 attributes)");
  p = base();
  p->buys[0].addon = 1;
  rejects(p, "buys[0]: add-on 1 out of range (1 add-ons)");
  p = base();
  p->expects[1].arg = 1;
  rejects(p, "expects[1]: source 1 out of range (1 sources)");
  p = base();
  p->expects[0].arg = 2;
  rejects(p, "expects[0]: category 2 out of range (2 categories)");
  p = base();
  p->expects[0] = (prg_expect){EXP_MATCHED, 5, 0};
  rejects(p, "expects[0]: category 5 out of range (2 categories)");
  p = base();
  p->expects[0] = (prg_expect){EXP_ADDON, 1, 2000};
  rejects(p, "expects[0]: add-on 1 out of range (1 add-ons)");
  p = base();
  p->attrs[0].type = TY_ENUM;
  p->attrs[0].enum_count = 1;
  p->givens[0].value = 1;
  rejects(p, "givens[0]: value 1 of birth_date outside its 1 enum values");
  p = base();
  p->effects[0].kind = 10;
  rejects(p, "effects[0]: kind 10 out of range");
}

/* ---- values (issue #16: fields the evaluator and `polc check` read) ------------------- */

static void test_year(void **state) {
  (void)state;
  static const int32_t bad[] = {INT32_MIN, -2026, 0, 1, 1899, 9999, 10000, INT32_MAX};
  char msg[120];
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    pol_program *p = base();
    p->year = bad[i];
    snprintf(msg, sizeof msg, "header: benefit year %d out of range (1900..9998)", (int)bad[i]);
    rejects(p, msg);
  }
  /* the ends of the range: periods then reach outside the calendar's years, and are cut
   * to 0001-01-01 .. 9999-12-31 */
  pol_program *p = base();
  p->year = 9998;
  p->coll_lo = 1;
  p->coll_hi = 0;
  p->windows[0].lo = D(9999, 12, 1);
  p->windows[0].hi = D(9999, 12, 31);
  p->examples[0].paid_on = D(9999, 12, 31);
  char err[256];
  if (!vfy_program(p, err, sizeof err)) fail_msg("%s", err);
  prg_free(p);
  p = base();
  p->year = 1900;
  p->windows[0].lo = D(1890, 1, 1);
  p->windows[0].hi = D(1890, 1, 1);
  rejects(p, "header: collection: period 2025-10-17 .. 2026-02-25 reaches outside 1890-01-01 .. "
             "1910-12-31, within 10 years of the benefit year 1900");
}

static void test_periods(void **state) {
  (void)state;
  const char *outside = "reaches outside 2016-01-01 .. 2036-12-31, within 10 years of the "
                        "benefit year 2026";
  char msg[256];
  pol_program *p = base();
  p->coll_lo = INT32_MIN;
  snprintf(msg, sizeof msg, "header: collection: period day -2147483648 .. 2026-02-25 %s", outside);
  rejects(p, msg);
  p = base();
  p->coll_hi = INT32_MAX; /* check walked to coll_hi + 1 */
  snprintf(msg, sizeof msg, "header: collection: period 2025-10-17 .. day 2147483647 %s", outside);
  rejects(p, msg);
  p = base();
  p->coll_lo = D(2026, 2, 25);
  p->coll_hi = D(2025, 10, 17);
  rejects(p, "header: collection: period ends (2025-10-17) before it starts (2026-02-25)");
  p = base();
  p->coll_lo = 1;
  p->coll_hi = 0;
  p->coll_dlo = 0;
  rejects(p, "header: collection: day-of-month filter 0..25 is not within 1..31");
  p = base();
  p->windows[0].lo = D(1, 1, 1);
  p->windows[0].hi = D(9999, 12, 31); /* a day-by-day walk of 3.6 million days */
  snprintf(msg, sizeof msg, "windows[0] (main): period 0001-01-01 .. 9999-12-31 %s", outside);
  rejects(p, msg);
  p = base();
  p->windows[0].hi = D(2037, 1, 1);
  snprintf(msg, sizeof msg, "windows[0] (main): period 2025-10-17 .. 2037-01-01 %s", outside);
  rejects(p, msg);
  p = base();
  p->windows[0].lo = D(2015, 12, 31);
  snprintf(msg, sizeof msg, "windows[0] (main): period 2015-12-31 .. 2025-12-31 %s", outside);
  rejects(p, msg);
  p = base();
  p->windows[0].lo = D(2026, 1, 1);
  rejects(p, "windows[0] (main): period ends (2025-12-31) before it starts (2026-01-01)");
  p = base();
  TABLE(p, restates, nrestates, 1);
  p->restates[0] = (prg_restate){PRG_NONE, D(2025, 10, 17), INT32_MAX, 1, 25, PRG_NONE,
                                 PRG_NONE, PRG_NONE, 0};
  snprintf(msg, sizeof msg, "restates[0]: period 2025-10-17 .. day 2147483647 %s", outside);
  rejects(p, msg);
  /* the edges are inside */
  p = base();
  p->windows[0].lo = D(2016, 1, 1);
  p->windows[0].hi = D(2036, 12, 31);
  char err[256];
  if (!vfy_program(p, err, sizeof err)) fail_msg("%s", err);
  prg_free(p);
}

static void test_attr_values(void **state) {
  (void)state;
  pol_program *p = base();
  p->attrs[0].type = TY_RATIO;
  rejects(p, "attrs[0] (birth_date): type 4 is not an attribute type (bool, int, money, date or "
             "enum)");
  p = base();
  p->attrs[0].slot = SLOT_CATEGORY;
  rejects(p, "attrs[0] (birth_date): slot 2 is a fixed slot (attributes use 4 and above)");
  p = base();
  p->attrs[0].slot = 5; /* the let's */
  rejects(p, "lets[0] (age_paid): slot 5 is used twice");
  p = base();
  p->lets[0].slot = SLOT_PAID_ON;
  rejects(p, "lets[0] (age_paid): slot 0 is a fixed slot (lets use 4 and above)");
  p = base();
  p->attrs[0].lo = 1;
  rejects(p, "attrs[0] (birth_date): range 1..0 is not 0..0 (unused)");
  p = base();
  p->attrs[0].type = TY_INT;
  p->attrs[0].lo = 5;
  p->attrs[0].hi = 4;
  rejects(p, "attrs[0] (birth_date): range 5..4 is not lo <= hi, at most 2^63 - 1 apart");
  p = base();
  p->attrs[0].type = TY_INT;
  p->attrs[0].lo = INT64_MIN; /* check computed hi - lo */
  p->attrs[0].hi = 0;
  p->givens[0].value = 0;
  rejects(p, "attrs[0] (birth_date): range -9223372036854775808..0 is not lo <= hi, at most "
             "2^63 - 1 apart");
  p = base();
  p->attrs[0].type = TY_ENUM;
  p->attrs[0].hi = INT64_MAX; /* check walked lo..hi */
  p->attrs[0].enum_count = 1;
  rejects(p, "attrs[0] (birth_date): range 0..9223372036854775807 of an enum of 1 values is not "
             "0..0");
  p = base();
  p->attrs[0].type = TY_ENUM;
  rejects(p, "attrs[0] (birth_date): an enum with no values");
  p = base();
  p->attrs[0].enum_count = 1;
  rejects(p, "attrs[0] (birth_date): enum values 0+1 on an attribute that is not an enum");
  p = base();
  p->attrs[0].type = TY_BOOL;
  p->attrs[0].presence = PRESENCE_OPTIONAL;
  rejects(p, "attrs[0] (birth_date): presence 2 is for date attributes only");
  p = base();
  p->attrs[0].presence = PRESENCE_DEFAULT;
  p->attrs[0].dflt = CAL_MAX_DAY + 1;
  rejects(p, "attrs[0] (birth_date): default day 2932897 is not a value of its type");
  p = base();
  p->attrs[0].type = TY_BOOL;
  p->attrs[0].presence = PRESENCE_DEFAULT;
  p->attrs[0].dflt = 2;
  rejects(p, "attrs[0] (birth_date): default 2 is not a value of its type");
  p = base();
  p->attrs[0].type = TY_INT;
  p->attrs[0].hi = 4;
  p->attrs[0].presence = PRESENCE_DEFAULT;
  p->attrs[0].dflt = 5;
  p->givens[0].value = 0;
  rejects(p, "attrs[0] (birth_date): default 5 is not a value of its type");
  p = base();
  p->attrs[0].presence = PRESENCE_OPTIONAL;
  rejects(p, "attrs[0] (birth_date): an optional attribute's default 0 is not absent");
  p = base();
  p->attrs[0].dflt = 7;
  rejects(p, "attrs[0] (birth_date): default 7 of an attribute without a default is not 0");
  p = base();
  p->attrs[1].is_identities = 2;
  rejects(p, "attrs[1] (identities): identities flag 2 is not 0 or 1");
  p = base();
  p->attrs[1].type = TY_DATE;
  rejects(p, "attrs[1] (identities): the identities attribute must be an int with a default, "
             "range 0..0 and no enum values");
  p = base();
  p->attrs[1].dflt = 4; /* bit 2 of 2 identities */
  rejects(p, "attrs[1] (identities): default identities 0x4 outside the 2 identities");
}

static void test_example_values(void **state) {
  (void)state;
  pol_program *p = base();
  p->examples[0].paid_on = CAL_MIN_DAY - 1;
  rejects(p, "examples[0] (低保人员个人缴费80元): payment date -719163 is not a date");
  p = base();
  p->givens[0].value = INT64_MIN;
  rejects(p, "givens[0]: value day -9223372036854775808 of birth_date is not a date");
  p = base();
  p->givens[0].value = PRG_ABSENT; /* absent is for optional attributes */
  rejects(p, "givens[0]: value day -9223372036854775808 of birth_date is not a date");
  p = base();
  p->attrs[0].presence = PRESENCE_OPTIONAL;
  p->attrs[0].dflt = PRG_ABSENT;
  p->givens[0].value = PRG_ABSENT;
  char err[256];
  if (!vfy_program(p, err, sizeof err)) fail_msg("%s", err);
  prg_free(p);
  p = base();
  p->givens[0].attr = 1;
  p->givens[0].value = 8;
  rejects(p, "givens[0]: identities 0x8 outside the 2 identities");
  p = base();
  p->attrs[0].type = TY_BOOL;
  p->givens[0].value = 2;
  rejects(p, "givens[0]: value 2 of birth_date is not a bool");
  p = base();
  p->attrs[0].type = TY_INT;
  p->attrs[0].hi = 4;
  p->givens[0].value = 5;
  rejects(p, "givens[0]: value 5 of birth_date outside 0..4");
  p = base();
  p->buys[0].amount = -1;
  rejects(p, "buys[0]: amount -1 fen is negative");
  p = base();
  p->tiers[0].amount = INT64_MIN;
  rejects(p, "tiers[0] (basic): amount -9223372036854775808 fen is negative");
  p = base();
  p->expects[0] = (prg_expect){EXP_PAYABLE, 0, 2};
  rejects(p, "expects[0]: value 2 is not a bool");
  p = base();
  p->expects[0] = (prg_expect){EXP_START, 0, (int64_t)CAL_MAX_DAY + 1};
  rejects(p, "expects[0]: value day 2932897 is not a date");
  p = base();
  p->expects[0] = (prg_expect){EXP_INDIVIDUAL, 3, 8000};
  rejects(p, "expects[0]: unused argument 3 is not 0");
  p = base();
  p->expects[0] = (prg_expect){EXP_CATEGORY, 0, 1};
  rejects(p, "expects[0]: unused value 1 is not 0");
  p = base();
  p->expects[0] = (prg_expect){EXP_ADDON, 0, -1};
  rejects(p, "expects[0]: add-on amount -1 is negative");
  p = base();
  p->expects[0] = (prg_expect){EXP_ADDON, PRG_NONE, 5};
  rejects(p, "expects[0]: add-on amount 5 is not 0 in the list's opening entry");
}

/* OP_ANSWER (the answer's dates) only in the `when` of a rule marked after, which may
 * only refuse; its figure in range. */
static void test_answer(void **state) {
  (void)state;
  pol_program *p = base();
  p->code[12] = IA(ANSWER, 0); /* the window's start reads benefit_start */
  rejects(p, "section 6 (window main: effect start), pc 12 (ANSWER): only the `when` of a rule "
             "that runs after the others (after 1) reads the answer's dates");
  p = base();
  p->code[18] = IA(ANSWER, 2); /* the rule's when: not subsidized -> not waiting_months */
  rejects(p, "section 7 (rule late_surcharge: when), pc 18 (ANSWER): only the `when` of a rule "
             "that runs after the others (after 1) reads the answer's dates");
  p = base();
  p->rules[0].after = 2;
  rejects(p, "rules[0] (late_surcharge): after 2 is not 0 or 1");
  p = base();
  p->rules[0].after = 1; /* its effects: surcharge, not payable */
  rejects(p, "rules[0] (late_surcharge): a rule that runs after the others has a surcharge "
             "effect; it may only be not_payable");
  p = base();
  p->rules[0].after = 1;
  p->rules[0].eff_first = 2;
  p->rules[0].eff_count = 1;
  p->code[18] = IA(ANSWER, 4);
  rejects(p, "section 7 (rule late_surcharge: when), pc 18 (ANSWER): answer figure 4 out of "
             "range (0..3)");
  p = base();
  p->rules[0].after = 1;
  p->rules[0].eff_first = 2;
  p->rules[0].eff_count = 1;
  p->code[18] = IA(ANSWER, 3);
  char err[256] = "";
  bool ok = vfy_program(p, err, sizeof err);
  prg_free(p);
  if (!ok) fail_msg("rejected: %s", err);
}

/* `overrides`: in range, and only of rules before the overriding one (no cycle). */
static void test_overrides(void **state) {
  (void)state;
  pol_program *p = base();
  p->rules[0].ovr_first = 0;
  p->rules[0].ovr_count = 1;
  rejects(p, "rules[0] (late_surcharge): overrides 0+1 outside the 0 overrides");
  p = base();
  TABLE(p, overrides, noverrides, 1);
  p->overrides[0] = 0; /* itself */
  p->rules[0].ovr_count = 1;
  rejects(p, "rules[0] (late_surcharge): overrides rule 0, which is not before it");
}

static void test_encodings(void **state) {
  (void)state;
  pol_program *p = base();
  p->effects[2].value = (prg_section){12, 14};
  rejects(p, "effects[2]: a not_payable effect has no value, but section 12..14 is given");
  p = base();
  p->effects[0].reason = 0;
  rejects(p, "effects[0]: a start effect has no reason, but string 0 is given");
  p = base();
  p->effects[0].counted = (prg_section){12, 14};
  rejects(p, "effects[0]: a start effect is not counted in another unit, but section 12..14 is given");
  p = base();
  p->choose[1].source = 0;
  rejects(p, "choose[1]: source 0 on a key that names no source");
  p = base();
  p->categories[1].when = (prg_section){4, 6};
  rejects(p, "categories[1] (ordinary): an otherwise category has a when section 4..6");
}

static void test_header(void **state) {
  (void)state;
  pol_program *p = base();
  p->nidentities = 65;
  rejects(p, "identities: 65 identities, more than 64");
  p = base();
  p->nslots = 3;
  rejects(p, "header: 3 slots, fewer than the 4 fixed slots");
  p = base();
  p->nslots = 0x7f800007; /* would make pol_eval_new allocate 17 GB */
  rejects(p, "header: 2139095047 slots, more than the 7 of 4 fixed slots, 2 attributes and 1 "
             "lets");
  p = base();
  p->rounding = 4;
  rejects(p, "header: rounding mode 4 out of range (0..3)");
  p = base();
  p->coll_dhi = 32;
  rejects(p, "header: collection: day-of-month filter 1..32 is not within 1..31");
  p = base();
  p->windows[0].dlo = 0;
  rejects(p, "windows[0] (main): day-of-month filter 0..25 is not within 1..31");
  p = base();
  p->nenum_values = 1;
  rejects(p, "enum_values: 1 entries, not key/label pairs");
  p = base();
  free(p->tiers);
  p->tiers = NULL;
  rejects(p, "tiers: 1 records but no table");
}

static void test_expect_headers(void **state) {
  (void)state;
  /* `matched { … }` and `addons { … }` open with an entry whose arg is PRG_NONE */
  pol_program *p = base();
  p->expects[0] = (prg_expect){EXP_MATCHED, PRG_NONE, 0};
  p->expects[1] = (prg_expect){EXP_ADDON, PRG_NONE, 0};
  char err[256];
  bool ok = vfy_program(p, err, sizeof err);
  prg_free(p);
  if (!ok) fail_msg("%s", err);
}

static void test_nidentities_64(void **state) {
  (void)state;
  /* 64 identities and bit 63 are fine */
  pol_program *p = base();
  p->identities = realloc(p->identities, 64 * sizeof *p->identities);
  assert_non_null(p->identities);
  for (uint32_t i = 2; i < 64; i++) p->identities[i] = (prg_name){PRG_NONE, PRG_NONE};
  p->nidentities = 64;
  p->code[4] = IA(IDENT, 63);
  char err[256];
  bool ok = vfy_program(p, err, sizeof err);
  if (!ok) fail_msg("%s", err);
  prg_free(p);
}

static void test_small_err_buffer(void **state) {
  (void)state;
  pol_program *p = base();
  p->code[1] = 200;
  char err[8];
  assert_false(vfy_program(p, err, sizeof err));
  assert_string_equal(err, "section");
  assert_false(vfy_program(p, NULL, 0));
  prg_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_base_ok),
    cmocka_unit_test(test_section_names),
    cmocka_unit_test(test_bad_opcode),
    cmocka_unit_test(test_const_out_of_range),
    cmocka_unit_test(test_overlong_jump),
    cmocka_unit_test(test_jump_to_section_end),
    cmocka_unit_test(test_backward_jump),
    cmocka_unit_test(test_stack_underflow),
    cmocka_unit_test(test_stack_overflow),
    cmocka_unit_test(test_missing_ret),
    cmocka_unit_test(test_depth_mismatch),
    cmocka_unit_test(test_depth_mismatch_jump),
    cmocka_unit_test(test_ret_depth),
    cmocka_unit_test(test_unreachable),
    cmocka_unit_test(test_bad_slot),
    cmocka_unit_test(test_bad_identity_bit),
    cmocka_unit_test(test_bad_window),
    cmocka_unit_test(test_bad_unlisted),
    cmocka_unit_test(test_bad_restate),
    cmocka_unit_test(test_bad_mode),
    cmocka_unit_test(test_unused_operand),
    cmocka_unit_test(test_section_outside_code),
    cmocka_unit_test(test_section_empty),
    cmocka_unit_test(test_section_missing),
    cmocka_unit_test(test_string_offset),
    cmocka_unit_test(test_string_pool_nul),
    cmocka_unit_test(test_part_range),
    cmocka_unit_test(test_other_ranges),
    cmocka_unit_test(test_indices),
    cmocka_unit_test(test_header),
    cmocka_unit_test(test_year),
    cmocka_unit_test(test_periods),
    cmocka_unit_test(test_attr_values),
    cmocka_unit_test(test_example_values),
    cmocka_unit_test(test_encodings),
    cmocka_unit_test(test_answer),
    cmocka_unit_test(test_overrides),
    cmocka_unit_test(test_expect_headers),
    cmocka_unit_test(test_nidentities_64),
    cmocka_unit_test(test_small_err_buffer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
