/*
 * test_vm.c — the interpreter, one opcode at a time, on hand-assembled programs.
 *
 * Each program is one `let` section over a calloc'd pol_program; vmt_run verifies it with
 * vfy_program first (so every program here is also a positive verifier test), then runs
 * it with vm_run over a hand-made pol_eval.  Build this file with and without
 * -DPOL_VM_SWITCH on vm.c to cover both dispatch paths.
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
#include "program.h"
#include "vmint.h"

#define NSLOTS 7 /* 4 fixed, attributes A and B, the let */
#define SLOT_A SLOT__FIXED       /* 4 */
#define SLOT_B (SLOT__FIXED + 1) /* 5 */

#define I(op) INSN(OP_##op, 0, 0)
#define IA(op, a) INSN(OP_##op, a, 0)
#define IB(op, b) INSN(OP_##op, 0, b)
#define K(b) INSN(OP_CONST, 0, b)
#define RET INSN(OP_RET, 0, 0)

#define KS(...) ((const int64_t[]){__VA_ARGS__}), (uint32_t)(sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t))
#define NOKS NULL, 0
#define CODE(...) ((const uint32_t[]){__VA_ARGS__}), (uint32_t)(sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t))

static int32_t D(int y, int m, int d) { return cal_from_ymd(y, m, d); }

typedef struct {
  pol_program *p;
  int64_t slots[NSLOTS];
  char err[EVAL_MSG];
  int64_t out;
} vmt;

static void *dup(const void *src, size_t n) {
  if (n == 0) return NULL;
  void *d = malloc(n);
  assert_non_null(d);
  memcpy(d, src, n);
  return d;
}

/* A program with no strings, no collection period and one let whose value is `code`. */
static void vmt_init(vmt *t, const int64_t *k, uint32_t nk, const uint32_t *code, uint32_t nc) {
  memset(t, 0, sizeof *t);
  pol_program *p = calloc(1, sizeof *p);
  assert_non_null(p);
  p->id = p->title = p->issuer = p->document = p->file = PRG_NONE;
  p->coll_label = p->coll_cite = p->choose_cite = PRG_NONE;
  p->year = 2026;
  p->coll_lo = 1;
  p->coll_hi = 0; /* none */
  p->coll_dlo = 1;
  p->coll_dhi = 31;
  p->consts = dup(k, nk * sizeof *k);
  p->nconsts = nk;
  p->code = dup(code, nc * sizeof *code);
  p->ncode = nc;
  p->nslots = NSLOTS;
  p->attrs = calloc(2, sizeof *p->attrs);
  assert_non_null(p->attrs);
  p->nattrs = 2;
  for (uint32_t i = 0; i < 2; i++)
    p->attrs[i] = (prg_attr){PRG_NONE, PRG_NONE, TY_DATE, PRESENCE_OPTIONAL, SLOT_A + i,
                             0, 0, PRG_ABSENT, 0, 0, 0};
  p->lets = calloc(1, sizeof *p->lets);
  assert_non_null(p->lets);
  p->nlets = 1;
  p->lets[0] = (prg_let){PRG_NONE, SLOT_B + 1, {0, nc}, PRG_NONE};
  t->p = p;
}

static void vmt_identities(vmt *t, uint32_t n) {
  t->p->identities = calloc(n, sizeof *t->p->identities);
  assert_non_null(t->p->identities);
  for (uint32_t i = 0; i < n; i++) t->p->identities[i] = (prg_name){PRG_NONE, PRG_NONE};
  t->p->nidentities = n;
}

static void vmt_window(vmt *t, int32_t lo, int32_t hi, uint8_t dlo, uint8_t dhi) {
  pol_program *p = t->p;
  p->windows = realloc(p->windows, (p->nwindows + 1) * sizeof *p->windows);
  assert_non_null(p->windows);
  p->windows[p->nwindows++] = (prg_window){PRG_NONE, PRG_NONE, PRG_NONE, lo, hi, dlo, dhi, 0, 0, 0};
}

/* Verify, then run the let section on a hand-made evaluation context. */
static pol_status vmt_run(vmt *t) {
  char verr[256];
  if (!vfy_program(t->p, verr, sizeof verr)) fail_msg("verifier: %s", verr);
  pol_eval *ev = calloc(1, sizeof *ev);
  assert_non_null(ev);
  ev->p = t->p;
  ev->slots = t->slots;
  t->out = -12345;
  pol_status st = vm_run(ev, t->p->lets[0].value, &t->out);
  memcpy(t->err, ev->error, sizeof t->err);
  free(ev);
  return st;
}

static void vmt_free(vmt *t) { prg_free(t->p); }

static int64_t eval_ok(const int64_t *k, uint32_t nk, const uint32_t *code, uint32_t nc) {
  vmt t;
  vmt_init(&t, k, nk, code, nc);
  pol_status st = vmt_run(&t);
  if (st != POL_OK) fail_msg("vm_run: %d: %s", (int)st, t.err);
  vmt_free(&t);
  return t.out;
}

static void eval_err(const int64_t *k, uint32_t nk, const uint32_t *code, uint32_t nc,
                     const char *msg) {
  vmt t;
  vmt_init(&t, k, nk, code, nc);
  assert_int_equal(vmt_run(&t), POL_ERUNTIME);
  assert_string_equal(t.err, msg);
  vmt_free(&t);
}

/* y op x with two constants */
static int64_t binop(uint32_t op, int64_t y, int64_t x) {
  return eval_ok(KS(y, x), CODE(K(0), K(1), INSN(op, 0, 0), RET));
}

/* ---- one test per opcode ----------------------------------------------------------- */

static void test_const(void **state) {
  (void)state;
  assert_int_equal(eval_ok(KS(7, -40000), CODE(K(1), RET)), -40000);
  assert_int_equal(eval_ok(KS(INT64_MAX), CODE(K(0), RET)), INT64_MAX);
}

static void test_load(void **state) {
  (void)state;
  vmt t;
  vmt_init(&t, NOKS, CODE(IB(LOAD, SLOT_A), RET));
  t.slots[SLOT_A] = 123456789012LL;
  assert_int_equal(vmt_run(&t), POL_OK);
  assert_int_equal(t.out, 123456789012LL);
  vmt_free(&t);
}

static void test_ident(void **state) {
  (void)state;
  for (uint32_t bit = 0; bit < 4; bit++) {
    vmt t;
    vmt_init(&t, NOKS, CODE(IA(IDENT, bit), RET));
    vmt_identities(&t, 4);
    t.slots[SLOT_IDENTITIES] = 0x5; /* identities 0 and 2 */
    assert_int_equal(vmt_run(&t), POL_OK);
    assert_int_equal(t.out, bit == 0 || bit == 2);
    vmt_free(&t);
  }
  /* bit 63 of a full mask */
  vmt t;
  vmt_init(&t, NOKS, CODE(IA(IDENT, 63), RET));
  vmt_identities(&t, 64);
  t.slots[SLOT_IDENTITIES] = INT64_MIN;
  assert_int_equal(vmt_run(&t), POL_OK);
  assert_int_equal(t.out, 1);
  vmt_free(&t);
}

static void test_present(void **state) {
  (void)state;
  vmt t;
  vmt_init(&t, NOKS, CODE(IB(PRESENT, SLOT_A), IB(PRESENT, SLOT_B), I(SUB), RET));
  t.slots[SLOT_A] = D(2025, 3, 1);
  t.slots[SLOT_B] = PRG_ABSENT;
  assert_int_equal(vmt_run(&t), POL_OK);
  assert_int_equal(t.out, 1 - 0);
  vmt_free(&t);
}

static void test_add(void **state) {
  (void)state;
  assert_int_equal(binop(OP_ADD, 32000, 8000), 40000);
  assert_int_equal(binop(OP_ADD, -5, 3), -2);
  assert_int_equal(binop(OP_ADD, INT64_MAX - 1, 1), INT64_MAX);
  eval_err(KS(INT64_MAX, 1), CODE(K(0), K(1), I(ADD), RET), "integer overflow at pc 2 (ADD)");
  eval_err(KS(INT64_MIN + 1, -2), CODE(K(0), K(1), I(ADD), RET),
           "integer overflow at pc 2 (ADD)");
}

static void test_sub(void **state) {
  (void)state;
  assert_int_equal(binop(OP_SUB, 40000, 32000), 8000); /* y - x, not x - y */
  assert_int_equal(binop(OP_SUB, 1, 3), -2);
  eval_err(KS(INT64_MIN, 1), CODE(K(0), K(1), I(SUB), RET), "integer overflow at pc 2 (SUB)");
  eval_err(KS(0, INT64_MIN), CODE(K(0), K(1), I(SUB), RET), "integer overflow at pc 2 (SUB)");
}

static void test_mul(void **state) {
  (void)state;
  assert_int_equal(binop(OP_MUL, 12, 8000), 96000);
  assert_int_equal(binop(OP_MUL, -3, 7), -21);
  assert_int_equal(binop(OP_MUL, 0, INT64_MIN), 0);
  eval_err(KS(INT64_MAX / 2 + 1, 2), CODE(K(0), K(1), I(MUL), RET),
           "integer overflow at pc 2 (MUL)");
  eval_err(KS(INT64_MIN, -1), CODE(K(0), K(1), I(MUL), RET), "integer overflow at pc 2 (MUL)");
}

static void test_neg(void **state) {
  (void)state;
  assert_int_equal(eval_ok(KS(8000), CODE(K(0), I(NEG), RET)), -8000);
  assert_int_equal(eval_ok(KS(INT64_MAX), CODE(K(0), I(NEG), RET)), -INT64_MAX);
  eval_err(KS(INT64_MIN), CODE(K(0), I(NEG), RET), "integer overflow at pc 1 (NEG)");
}

static void test_min(void **state) {
  (void)state;
  assert_int_equal(binop(OP_MIN, 3, 9), 3);
  assert_int_equal(binop(OP_MIN, 9, 3), 3);
  assert_int_equal(binop(OP_MIN, INT64_MIN, INT64_MAX), INT64_MIN);
}

static void test_max(void **state) {
  (void)state;
  assert_int_equal(binop(OP_MAX, 3, 9), 9);
  assert_int_equal(binop(OP_MAX, 9, 3), 9);
  assert_int_equal(binop(OP_MAX, -1, -2), -1);
}

static void test_ratio(void **state) {
  (void)state;
  /* 50% of 80.05 yuan = 40.025 yuan = 4002.5 fen; y is the ratio, x the money */
  const int64_t want[4] = {4003, 4002, 4002, 4003}; /* half_up, half_even, down, up */
  for (uint32_t mode = 0; mode < 4; mode++)
    assert_int_equal(eval_ok(KS(500000, 8005), CODE(K(0), K(1), IA(RATIO, mode), RET)),
                     want[mode]);
  /* 33.33% of 400 yuan = 13332 fen exactly */
  assert_int_equal(eval_ok(KS(333300, 40000), CODE(K(0), K(1), IA(RATIO, 0), RET)), 13332);
  eval_err(KS(2000000, INT64_MAX), CODE(K(0), K(1), IA(RATIO, 0), RET),
           "overflow applying ratio 2000000 to 9223372036854775807 fen at pc 2 (RATIO)");
}

static void test_eq(void **state) {
  (void)state;
  assert_int_equal(binop(OP_EQ, 5, 5), 1);
  assert_int_equal(binop(OP_EQ, 5, 6), 0);
}

static void test_ne(void **state) {
  (void)state;
  assert_int_equal(binop(OP_NE, 5, 5), 0);
  assert_int_equal(binop(OP_NE, 5, 6), 1);
}

static void test_lt(void **state) {
  (void)state;
  assert_int_equal(binop(OP_LT, 1, 2), 1);
  assert_int_equal(binop(OP_LT, 2, 1), 0);
  assert_int_equal(binop(OP_LT, 2, 2), 0);
}

static void test_le(void **state) {
  (void)state;
  assert_int_equal(binop(OP_LE, 1, 2), 1);
  assert_int_equal(binop(OP_LE, 2, 1), 0);
  assert_int_equal(binop(OP_LE, 2, 2), 1);
}

static void test_gt(void **state) {
  (void)state;
  assert_int_equal(binop(OP_GT, 1, 2), 0);
  assert_int_equal(binop(OP_GT, 2, 1), 1);
  assert_int_equal(binop(OP_GT, 2, 2), 0);
}

static void test_ge(void **state) {
  (void)state;
  assert_int_equal(binop(OP_GE, 1, 2), 0);
  assert_int_equal(binop(OP_GE, 2, 1), 1);
  assert_int_equal(binop(OP_GE, 2, 2), 1);
  assert_int_equal(binop(OP_GE, INT64_MIN, INT64_MAX), 0);
}

static void test_not(void **state) {
  (void)state;
  assert_int_equal(eval_ok(KS(0), CODE(K(0), I(NOT), RET)), 1);
  assert_int_equal(eval_ok(KS(1), CODE(K(0), I(NOT), RET)), 0);
  assert_int_equal(eval_ok(KS(-7), CODE(K(0), I(NOT), RET)), 0);
}

static int64_t inrange(int64_t lo, int64_t hi, int64_t x) {
  return eval_ok(KS(lo, hi, x), CODE(K(2), INSN(OP_INRANGE, 0, 1), RET));
}

static void test_inrange(void **state) {
  (void)state;
  assert_int_equal(inrange(10, 20, 10), 1);
  assert_int_equal(inrange(10, 20, 20), 1);
  assert_int_equal(inrange(10, 20, 15), 1);
  assert_int_equal(inrange(10, 20, 9), 0);
  assert_int_equal(inrange(10, 20, 21), 0);
  /* an absent optional date is in no range, not even one starting at INT64_MIN */
  assert_int_equal(inrange(INT64_MIN, INT64_MAX, PRG_ABSENT), 0);
  vmt t;
  vmt_init(&t, KS(D(2025, 1, 1), D(2025, 12, 31)),
           CODE(IB(LOAD, SLOT_A), INSN(OP_INRANGE, 0, 1), RET));
  t.slots[SLOT_A] = PRG_ABSENT;
  assert_int_equal(vmt_run(&t), POL_OK);
  assert_int_equal(t.out, 0);
  t.slots[SLOT_A] = D(2025, 6, 1);
  assert_int_equal(vmt_run(&t), POL_OK);
  assert_int_equal(t.out, 1);
  vmt_free(&t);
}

static int64_t inset(int64_t mask, int64_t x) {
  return eval_ok(KS(mask, x), CODE(K(1), IB(INSET, 0), RET));
}

static void test_inset(void **state) {
  (void)state;
  assert_int_equal(inset(0x6, 1), 1);
  assert_int_equal(inset(0x6, 2), 1);
  assert_int_equal(inset(0x6, 0), 0);
  assert_int_equal(inset(0x6, 3), 0);
  assert_int_equal(inset(INT64_MIN, 63), 1);
  assert_int_equal(inset(-1, 64), 0);
  assert_int_equal(inset(-1, -1), 0);
  assert_int_equal(inset(-1, INT64_MIN), 0);
}

static int64_t inwin(int64_t x) {
  vmt t;
  vmt_init(&t, NOKS, CODE(IB(LOAD, SLOT_A), IB(INWIN, 1), RET));
  vmt_window(&t, D(2025, 1, 1), D(2025, 1, 31), 1, 31);   /* W0: not used */
  vmt_window(&t, D(2025, 10, 17), D(2025, 12, 31), 1, 25); /* W1: main, days 1..25 */
  t.slots[SLOT_A] = x;
  assert_int_equal(vmt_run(&t), POL_OK);
  vmt_free(&t);
  return t.out;
}

static void test_inwin(void **state) {
  (void)state;
  assert_int_equal(inwin(D(2025, 10, 17)), 1);
  assert_int_equal(inwin(D(2025, 11, 25)), 1);
  assert_int_equal(inwin(D(2025, 11, 26)), 0); /* day filter */
  assert_int_equal(inwin(D(2025, 12, 1)), 1);
  assert_int_equal(inwin(D(2025, 12, 31)), 0); /* in range, day 31 filtered */
  assert_int_equal(inwin(D(2025, 10, 16)), 0);
  assert_int_equal(inwin(D(2026, 1, 1)), 0);
  assert_int_equal(inwin(PRG_ABSENT), 0);
  assert_int_equal(inwin(INT64_MAX), 0);
}

static void test_vm_in_window(void **state) {
  (void)state;
  prg_window w = {PRG_NONE, PRG_NONE, PRG_NONE, D(2026, 1, 1), D(2026, 2, 25), 1, 25, 0, 0, 0};
  assert_true(vm_in_window(&w, D(2026, 1, 1)));
  assert_true(vm_in_window(&w, D(2026, 2, 25)));
  assert_false(vm_in_window(&w, D(2026, 1, 26)));
  assert_false(vm_in_window(&w, D(2025, 12, 31)));
  prg_window all = {PRG_NONE, PRG_NONE, PRG_NONE, D(2026, 2, 26), D(2026, 12, 31), 1, 31, 0, 0, 0};
  assert_true(vm_in_window(&all, D(2026, 3, 31)));
  assert_false(vm_in_window(&all, D(2027, 1, 1)));
}

static int64_t incoll(bool has, int64_t x) {
  vmt t;
  vmt_init(&t, NOKS, CODE(IB(LOAD, SLOT_A), I(INCOLL), RET));
  if (has) {
    t.p->coll_lo = D(2025, 10, 17);
    t.p->coll_hi = D(2026, 2, 25);
    t.p->coll_dlo = 1;
    t.p->coll_dhi = 25;
  }
  t.slots[SLOT_A] = x;
  assert_int_equal(vmt_run(&t), POL_OK);
  vmt_free(&t);
  return t.out;
}

static void test_incoll(void **state) {
  (void)state;
  assert_int_equal(incoll(true, D(2025, 10, 17)), 1);
  assert_int_equal(incoll(true, D(2026, 2, 25)), 1);
  assert_int_equal(incoll(true, D(2026, 1, 26)), 0);
  assert_int_equal(incoll(true, D(2026, 2, 26)), 0);
  assert_int_equal(incoll(true, PRG_ABSENT), 0);
  assert_int_equal(incoll(false, D(2025, 11, 1)), 0); /* no collection period */
}

static int64_t age(int32_t birth, int32_t on) {
  return eval_ok(KS(birth, on), CODE(K(0), K(1), I(AGE), RET));
}

static void test_age(void **state) {
  (void)state;
  assert_int_equal(age(D(1980, 5, 1), D(2025, 4, 30)), 44);
  assert_int_equal(age(D(1980, 5, 1), D(2025, 5, 1)), 45);
  /* born on a leap day: a year older on 1 March in non-leap years */
  assert_int_equal(age(D(2004, 2, 29), D(2025, 2, 28)), 20);
  assert_int_equal(age(D(2004, 2, 29), D(2025, 3, 1)), 21);
  assert_int_equal(age(D(2004, 2, 29), D(2028, 2, 28)), 23);
  assert_int_equal(age(D(2004, 2, 29), D(2028, 2, 29)), 24);
  assert_int_equal(age(D(2025, 11, 10), D(2025, 11, 10)), 0);
  eval_err(KS(PRG_ABSENT, D(2025, 1, 1)), CODE(K(0), K(1), I(AGE), RET),
           "age from day -9223372036854775808 to day 20089: date outside the calendar at pc 2 "
           "(AGE)");
}

static void test_year(void **state) {
  (void)state;
  assert_int_equal(eval_ok(KS(D(2025, 10, 17)), CODE(K(0), I(YEAR), RET)), 2025);
  assert_int_equal(eval_ok(KS(D(1, 1, 1)), CODE(K(0), I(YEAR), RET)), 1);
  eval_err(KS(CAL_MAX_DAY + 1), CODE(K(0), I(YEAR), RET),
           "day 2932897 is outside the calendar at pc 1 (YEAR)");
}

static void test_month(void **state) {
  (void)state;
  assert_int_equal(eval_ok(KS(D(2025, 10, 17)), CODE(K(0), I(MONTH), RET)), 10);
  assert_int_equal(eval_ok(KS(D(2024, 2, 29)), CODE(K(0), I(MONTH), RET)), 2);
}

static void test_day(void **state) {
  (void)state;
  assert_int_equal(eval_ok(KS(D(2025, 10, 17)), CODE(K(0), I(DAY), RET)), 17);
  assert_int_equal(eval_ok(KS(D(2024, 2, 29)), CODE(K(0), I(DAY), RET)), 29);
}

static void test_eom(void **state) {
  (void)state;
  assert_int_equal(eval_ok(KS(D(2024, 2, 3)), CODE(K(0), I(EOM), RET)), D(2024, 2, 29));
  assert_int_equal(eval_ok(KS(D(2025, 2, 28)), CODE(K(0), I(EOM), RET)), D(2025, 2, 28));
  assert_int_equal(eval_ok(KS(D(2025, 12, 1)), CODE(K(0), I(EOM), RET)), D(2025, 12, 31));
}

static void test_mkdate(void **state) {
  (void)state;
  assert_int_equal(eval_ok(KS(2024, 2, 29), CODE(K(0), K(1), K(2), I(MKDATE), RET)),
                   D(2024, 2, 29));
  assert_int_equal(eval_ok(KS(2026, 1, 1), CODE(K(0), K(1), K(2), I(MKDATE), RET)),
                   D(2026, 1, 1));
  eval_err(KS(2025, 2, 30), CODE(K(0), K(1), K(2), I(MKDATE), RET),
           "invalid date 2025-02-30 at pc 3 (MKDATE)");
  eval_err(KS(2025, 13, 1), CODE(K(0), K(1), K(2), I(MKDATE), RET),
           "invalid date 2025-13-01 at pc 3 (MKDATE)");
  eval_err(KS(10000, 1, 1), CODE(K(0), K(1), K(2), I(MKDATE), RET),
           "invalid date 10000-01-01 at pc 3 (MKDATE)");
  eval_err(KS(4294969321LL, 1, 1), CODE(K(0), K(1), K(2), I(MKDATE), RET), /* 2025 + 2^32 */
           "invalid date 4294969321-01-01 at pc 3 (MKDATE)");
}

static void test_adddays(void **state) {
  (void)state;
  assert_int_equal(eval_ok(KS(D(2025, 12, 31), 1), CODE(K(0), K(1), I(ADDDAYS), RET)),
                   D(2026, 1, 1));
  assert_int_equal(eval_ok(KS(D(2024, 3, 1), -1), CODE(K(0), K(1), I(ADDDAYS), RET)),
                   D(2024, 2, 29));
  eval_err(KS(D(9999, 12, 30), 5), CODE(K(0), K(1), I(ADDDAYS), RET),
           "date 9999-12-30 + 5 days is outside 0001-01-01..9999-12-31 at pc 2 (ADDDAYS)");
  eval_err(KS(D(2025, 1, 1), INT64_MAX), CODE(K(0), K(1), I(ADDDAYS), RET),
           "date 2025-01-01 + 9223372036854775807 days is outside 0001-01-01..9999-12-31 at "
           "pc 2 (ADDDAYS)");
}

static void test_addmons(void **state) {
  (void)state;
  assert_int_equal(eval_ok(KS(D(2025, 11, 30), 3), CODE(K(0), K(1), I(ADDMONS), RET)),
                   D(2026, 2, 28));
  assert_int_equal(eval_ok(KS(D(2026, 1, 1), 3), CODE(K(0), K(1), I(ADDMONS), RET)),
                   D(2026, 4, 1));
  assert_int_equal(eval_ok(KS(D(2024, 3, 31), -1), CODE(K(0), K(1), I(ADDMONS), RET)),
                   D(2024, 2, 29));
  eval_err(KS(D(9999, 11, 1), 2), CODE(K(0), K(1), I(ADDMONS), RET),
           "date 9999-11-01 + 2 months is outside 0001-01-01..9999-12-31 at pc 2 (ADDMONS)");
}

static void test_jmp(void **state) {
  (void)state;
  /* if K[0] then 42 else -INT64_MIN: the JMP skips the overflowing else branch */
  assert_int_equal(eval_ok(KS(1, 42, INT64_MIN),
                           CODE(K(0), IB(JMPF, 2), K(1), IB(JMP, 2), K(2), I(NEG), RET)),
                   42);
  assert_int_equal(eval_ok(KS(7), CODE(K(0), IB(JMP, 0), RET)), 7);
}

/* if K[0] then 10 else 20:  CONST; JMPF +2; CONST 10; JMP +1; CONST 20; RET */
static int64_t if_then_else(int64_t c) {
  return eval_ok(KS(c, 10, 20), CODE(K(0), IB(JMPF, 2), K(1), IB(JMP, 1), K(2), RET));
}

static void test_jmpf(void **state) {
  (void)state;
  assert_int_equal(if_then_else(1), 10);
  assert_int_equal(if_then_else(0), 20);
  assert_int_equal(if_then_else(-3), 10);
}

/* K[0] and (K[1] + 1 == 0): the right operand overflows when K[1] is INT64_MAX */
static pol_status and_or(uint32_t op, int64_t left, int64_t right, int64_t *out, char *err) {
  vmt t;
  vmt_init(&t, KS(left, right, 1, 0),
           CODE(K(0), INSN(op, 0, 5), K(1), K(2), I(ADD), K(3), I(EQ), RET));
  pol_status st = vmt_run(&t);
  *out = t.out;
  strcpy(err, t.err);
  vmt_free(&t);
  return st;
}

static void test_andj(void **state) {
  (void)state;
  int64_t out;
  char err[EVAL_MSG];
  /* false and <overflow>: short-circuits, the left value stays */
  assert_int_equal(and_or(OP_ANDJ, 0, INT64_MAX, &out, err), POL_OK);
  assert_int_equal(out, 0);
  /* true and ...: the right operand is the result */
  assert_int_equal(and_or(OP_ANDJ, 1, -1, &out, err), POL_OK);
  assert_int_equal(out, 1);
  assert_int_equal(and_or(OP_ANDJ, 1, 5, &out, err), POL_OK);
  assert_int_equal(out, 0);
  /* true and <overflow>: evaluated */
  assert_int_equal(and_or(OP_ANDJ, 1, INT64_MAX, &out, err), POL_ERUNTIME);
  assert_string_equal(err, "integer overflow at pc 4 (ADD)");
}

static void test_orj(void **state) {
  (void)state;
  int64_t out;
  char err[EVAL_MSG];
  /* true or <overflow>: short-circuits */
  assert_int_equal(and_or(OP_ORJ, 1, INT64_MAX, &out, err), POL_OK);
  assert_int_equal(out, 1);
  assert_int_equal(and_or(OP_ORJ, 0, -1, &out, err), POL_OK);
  assert_int_equal(out, 1);
  assert_int_equal(and_or(OP_ORJ, 0, 5, &out, err), POL_OK);
  assert_int_equal(out, 0);
  assert_int_equal(and_or(OP_ORJ, 0, INT64_MAX, &out, err), POL_ERUNTIME);
  assert_string_equal(err, "integer overflow at pc 4 (ADD)");
}

static void test_ret(void **state) {
  (void)state;
  /* RET ends the section: the code after it (another section) is not run */
  vmt t;
  vmt_init(&t, KS(1, 2), CODE(K(0), RET, K(1), RET));
  t.p->lets[0].value = (prg_section){0, 2};
  assert_int_equal(vmt_run(&t), POL_OK);
  assert_int_equal(t.out, 1);
  t.p->lets[0].value = (prg_section){2, 4};
  assert_int_equal(vmt_run(&t), POL_OK);
  assert_int_equal(t.out, 2);
  vmt_free(&t);
}

/* ---- beyond single opcodes --------------------------------------------------------- */

static void test_deep_stack(void **state) {
  (void)state;
  /* PRG_STACK_MAX values, then add them all: 1 + 2 + ... + 32 */
  uint32_t code[2 * PRG_STACK_MAX + 1];
  int64_t k[PRG_STACK_MAX];
  uint32_t n = 0;
  for (uint32_t i = 0; i < PRG_STACK_MAX; i++) {
    k[i] = i + 1;
    code[n++] = K(i);
  }
  for (uint32_t i = 1; i < PRG_STACK_MAX; i++) code[n++] = I(ADD);
  code[n++] = RET;
  assert_int_equal(eval_ok(k, PRG_STACK_MAX, code, n), PRG_STACK_MAX * (PRG_STACK_MAX + 1) / 2);
}

static void test_expression(void **state) {
  (void)state;
  /* age(birth, paid_on) >= 60 or subsistence: a policy-shaped condition */
  vmt t;
  vmt_init(&t, KS(60),
           CODE(IB(LOAD, SLOT_A), IB(LOAD, SLOT_PAID_ON), I(AGE), K(0), I(GE), IB(ORJ, 1),
                IA(IDENT, 0), RET));
  vmt_identities(&t, 1);
  t.slots[SLOT_A] = D(1966, 1, 1);
  t.slots[SLOT_PAID_ON] = D(2025, 11, 10);
  assert_int_equal(vmt_run(&t), POL_OK);
  assert_int_equal(t.out, 0); /* 59, no identity */
  t.slots[SLOT_IDENTITIES] = 1;
  assert_int_equal(vmt_run(&t), POL_OK);
  assert_int_equal(t.out, 1);
  t.slots[SLOT_IDENTITIES] = 0;
  t.slots[SLOT_PAID_ON] = D(2026, 1, 1);
  assert_int_equal(vmt_run(&t), POL_OK);
  assert_int_equal(t.out, 1); /* 60 */
  vmt_free(&t);
}

static void test_absent_section(void **state) {
  (void)state;
  vmt t;
  vmt_init(&t, NOKS, CODE(RET));
  pol_eval ev;
  memset(&ev, 0, sizeof ev);
  ev.p = t.p;
  ev.slots = t.slots;
  int64_t out = 99;
  assert_int_equal(vm_run(&ev, (prg_section){0, 0}, &out), POL_ERUNTIME);
  assert_string_equal(ev.error, "no code for this section at pc 0 (RET)");
  assert_int_equal(out, 99);
  vmt_free(&t);
}

static void test_opinfo(void **state) {
  (void)state;
  /* the table is the X-macro: names and stack effects line up with the enum */
  assert_int_equal(OP__COUNT, 37);
  assert_int_equal(vm_ops[OP_ANSWER].kind, OPK_ANSWER);
  assert_int_equal(vm_ops[OP_ANSWER].pushes, 1);
  assert_string_equal(vm_ops[OP_CONST].name, "CONST");
  assert_string_equal(vm_ops[OP_RET].name, "RET");
  assert_int_equal(vm_ops[OP_MKDATE].pops, 3);
  assert_int_equal(vm_ops[OP_ANDJ].kind, OPK_JUMP);
  assert_int_equal(vm_ops[OP_INRANGE].kind, OPK_CONST2);
}

/* docs/BYTECODE.md lists every opcode with the X-macro's number, kind and stack effect. */
static void test_doc_table(void **state) {
  (void)state;
  static const char *const kinds[] = {"NONE", "K", "SLOT", "BIT", "JUMP", "WINDOW", "MODE",
                                      "CONST2", "EXTERN", "ANSWER"};
  FILE *f = fopen("docs/BYTECODE.md", "r");
  if (f == NULL) {
    skip(); /* not run from the repository root */
    return;
  }
  static char doc[65536];
  size_t n = fread(doc, 1, sizeof doc - 1, f);
  fclose(f);
  doc[n] = '\0';
  for (int op = 0; op < OP__COUNT; op++) {
    char row[128];
    snprintf(row, sizeof row, "\n| %d | `%s` | %s | %u | %u |", op, vm_ops[op].name,
             kinds[vm_ops[op].kind], vm_ops[op].pops, vm_ops[op].pushes);
    if (strstr(doc, row) == NULL) fail_msg("docs/BYTECODE.md lacks the row \"%s\"", row + 1);
  }
}

static void test_disasm(void **state) {
  (void)state;
  vmt t;
  vmt_init(&t, KS(60, -5, 500000),
           CODE(IB(LOAD, SLOT_PAID_ON), IB(INWIN, 0), IB(JMPF, 3), IA(IDENT, 0), IB(ORJ, 1),
                INSN(OP_INRANGE, 0, 1), IA(RATIO, 1), I(RET)));
  vmt_identities(&t, 1);
  vmt_window(&t, D(2025, 10, 17), D(2025, 12, 31), 1, 25);
  /* name things so the comments have something to show */
  static const char pool[] = "\0pingshun-2026\0age_paid\0orphan\0main";
  pol_program *p = t.p;
  p->strings = dup(pool, sizeof pool);
  p->nstrings = sizeof pool;
  p->id = 1;
  p->lets[0].key = 15;
  p->identities[0].key = 24;
  p->windows[0].key = 31;
  char *s = pol_disasm(p);
  assert_non_null(s);
  assert_string_equal(s,
                      "; policy pingshun-2026: 8 instructions, 3 constants, 7 slots\n"
                      "\n"
                      "let age_paid value:  ; section 0, pc 0000..0008\n"
                      "  0000  LOAD      S0    ; paid_on\n"
                      "  0001  INWIN     W0    ; main\n"
                      "  0002  JMPF      +3    ; -> 0006\n"
                      "  0003  IDENT     0     ; orphan\n"
                      "  0004  ORJ       +1    ; -> 0006\n"
                      "  0005  INRANGE   K0 K1 ; 60 .. -5\n"
                      "  0006  RATIO     1     ; half_even\n"
                      "  0007  RET\n");
  free(s);
  vmt_free(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_const),       cmocka_unit_test(test_load),
    cmocka_unit_test(test_ident),       cmocka_unit_test(test_present),
    cmocka_unit_test(test_add),         cmocka_unit_test(test_sub),
    cmocka_unit_test(test_mul),         cmocka_unit_test(test_neg),
    cmocka_unit_test(test_min),         cmocka_unit_test(test_max),
    cmocka_unit_test(test_ratio),       cmocka_unit_test(test_eq),
    cmocka_unit_test(test_ne),          cmocka_unit_test(test_lt),
    cmocka_unit_test(test_le),          cmocka_unit_test(test_gt),
    cmocka_unit_test(test_ge),          cmocka_unit_test(test_not),
    cmocka_unit_test(test_inrange),     cmocka_unit_test(test_inset),
    cmocka_unit_test(test_inwin),       cmocka_unit_test(test_vm_in_window),
    cmocka_unit_test(test_incoll),      cmocka_unit_test(test_age),
    cmocka_unit_test(test_year),        cmocka_unit_test(test_month),
    cmocka_unit_test(test_day),         cmocka_unit_test(test_eom),
    cmocka_unit_test(test_mkdate),      cmocka_unit_test(test_adddays),
    cmocka_unit_test(test_addmons),     cmocka_unit_test(test_jmp),
    cmocka_unit_test(test_jmpf),        cmocka_unit_test(test_andj),
    cmocka_unit_test(test_orj),         cmocka_unit_test(test_ret),
    cmocka_unit_test(test_deep_stack),  cmocka_unit_test(test_expression),
    cmocka_unit_test(test_absent_section), cmocka_unit_test(test_opinfo),
    cmocka_unit_test(test_disasm),      cmocka_unit_test(test_doc_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
