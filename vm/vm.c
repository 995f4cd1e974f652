/*
 * vm.c — the interpreter: one section of verified bytecode over an evaluation context.
 *
 * Loaded bytecode has passed vfy_program (verify.c) and compiled bytecode is correct by
 * construction, so the loop checks no operand, jump or stack bound: every operand is in
 * range, every jump lands inside its section, the stack stays within PRG_STACK_MAX and
 * every path ends in RET with one value.  What it does check is what only run-time values
 * decide: integer overflow, invalid or out-of-range dates, rounding overflow.
 *
 * Dispatch is a `switch` or GCC computed goto (labels as values), chosen at compile time:
 * -DPOL_VM_SWITCH forces the switch.  Both use VM_DISPATCH/VM_CASE/VM_NEXT, and the
 * jump table is expanded from POL_OPCODES, so a missing case is a compile error (an
 * undefined label) in the goto build.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>

#include "calendar.h"
#include "eval.h"
#include "money.h"
#include "opcodes.h"
#include "vmint.h"

const vm_opinfo vm_ops[OP__COUNT] = {
#define VM_OPINFO(name, kind, pops, pushes, doc) {#name, OPK_##kind, pops, pushes, doc},
  POL_OPCODES(VM_OPINFO)
#undef VM_OPINFO
};

#if defined(__GNUC__)
#define VM_COLD __attribute__((cold, noinline))
#define VM_PRINTF __attribute__((format(printf, 4, 5)))
#define ADD_OVF(a, b, r) __builtin_add_overflow(a, b, r)
#define SUB_OVF(a, b, r) __builtin_sub_overflow(a, b, r)
#define MUL_OVF(a, b, r) __builtin_mul_overflow(a, b, r)
#else
#define VM_COLD
#define VM_PRINTF
static bool add_ovf(int64_t a, int64_t b, int64_t *r) {
  if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b)) return true;
  *r = a + b;
  return false;
}
static bool sub_ovf(int64_t a, int64_t b, int64_t *r) {
  if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b)) return true;
  *r = a - b;
  return false;
}
static bool mul_ovf(int64_t a, int64_t b, int64_t *r) {
  if (a == 0 || b == 0) { *r = 0; return false; }
  if ((a == -1 && b == INT64_MIN) || (b == -1 && a == INT64_MIN)) return true;
  if (a > 0 ? (b > 0 ? a > INT64_MAX / b : b < INT64_MIN / a)
            : (b > 0 ? a < INT64_MIN / b : a < INT64_MAX / b))
    return true;
  *r = a * b;
  return false;
}
#define ADD_OVF(a, b, r) add_ovf(a, b, r)
#define SUB_OVF(a, b, r) sub_ovf(a, b, r)
#define MUL_OVF(a, b, r) mul_ovf(a, b, r)
#endif

#define DATE_OK(x) ((x) >= CAL_MIN_DAY && (x) <= CAL_MAX_DAY)

/* Sets ev->error to "<what> at pc N (OP)" and returns POL_ERUNTIME. */
static VM_COLD VM_PRINTF pol_status vm_fail(pol_eval *ev, uint32_t pc, uint32_t insn, const char *fmt,
                                  ...) {
  char what[EVAL_MSG - 32];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  uint32_t op = INSN_OP(insn);
  snprintf(ev->error, sizeof ev->error, "%s at pc %u (%s)", what, (unsigned)pc,
           op < OP__COUNT ? vm_ops[op].name : "?");
  return POL_ERUNTIME;
}

/* "2025-02-30" for a day number in the calendar, the raw number otherwise. */
static void fmt_day(int64_t day, char buf[24]) {
  if (DATE_OK(day))
    cal_format((int32_t)day, buf);
  else
    snprintf(buf, 24, "day %lld", (long long)day);
}

static VM_COLD pol_status vm_date_range(pol_eval *ev, uint32_t pc, uint32_t insn, int64_t day,
                                        int64_t n, const char *unit) {
  char d[24];
  fmt_day(day, d);
  return vm_fail(ev, pc, insn, "date %s + %lld %s is outside 0001-01-01..9999-12-31", d,
                 (long long)n, unit);
}

/* Range lo..hi and day-of-month filter dlo..dhi (1..31: none).  x is an int64 so that an
 * absent date (PRG_ABSENT) or any value outside int32 is simply outside. */
static inline bool in_span(int32_t lo, int32_t hi, uint8_t dlo, uint8_t dhi, int64_t x) {
  if (x < lo || x > hi) return false;
  if (dlo <= 1 && dhi >= 31) return true;
  if (!DATE_OK(x)) return false;
  int y, m, d;
  cal_to_ymd((int32_t)x, &y, &m, &d);
  return d >= dlo && d <= dhi;
}

bool vm_in_window(const prg_window *w, int32_t day) {
  return in_span(w->lo, w->hi, w->dlo, w->dhi, day);
}

#if defined(POL_VM_SWITCH) || !defined(__GNUC__)
#define VM_DISPATCH(op) switch (op)
#define VM_CASE(name) case OP_##name:
#define VM_NEXT() break
#define VM_DEFAULT()                                                                    \
  default:                                                                              \
    assert(!"unverified opcode");                                                       \
    return vm_fail(ev, pc - 1, insn, "unknown opcode %u", (unsigned)INSN_OP(insn))
#else
#define VM_DISPATCH(op) goto *vm_jumptab[op];
#define VM_CASE(name) L_##name:
#define VM_NEXT()                                                                       \
  do {                                                                                  \
    insn = code[pc++];                                                                  \
    goto *vm_jumptab[INSN_OP(insn)];                                                    \
  } while (0)
#define VM_DEFAULT()
#endif

pol_status vm_run(pol_eval *ev, prg_section s, int64_t *out) {
  if (s.start >= s.end) /* an absent section: the caller should not run it */
    return vm_fail(ev, s.start, OP_RET, "no code for this section");
  assert(s.end <= ev->p->ncode);
  return vm_exec(ev, ev->p->code, s.start, out);
}

pol_status vm_exec(pol_eval *ev, const uint32_t *code, uint32_t start, int64_t *out) {
  const pol_program *p = ev->p;
  const int64_t *k = p->consts;
  const int64_t *slots = ev->slots;
  int64_t stack[PRG_STACK_MAX];
  int64_t *sp = stack; /* next free cell; x = sp[-1], y = sp[-2] */
  uint32_t pc = start;
  uint32_t insn;

#if !(defined(POL_VM_SWITCH) || !defined(__GNUC__))
  static const void *const vm_jumptab[OP__COUNT] = {
#define VM_LABEL(name, kind, pops, pushes, doc) &&L_##name,
    POL_OPCODES(VM_LABEL)
#undef VM_LABEL
  };
#endif

#define X sp[-1]
#define Y sp[-2]
#define A INSN_A(insn)
#define B INSN_B(insn)
#define FAIL(...) return vm_fail(ev, pc - 1, insn, __VA_ARGS__)
/* pop x, then y op= x */
#define BINARY(expr)                                                                    \
  do {                                                                                  \
    int64_t x_ = *--sp;                                                                 \
    X = (expr);                                                                         \
    (void)x_;                                                                           \
  } while (0)

  for (;;) {
    insn = code[pc++];
    VM_DISPATCH(INSN_OP(insn)) {
      VM_CASE(CONST) { *sp++ = k[B]; VM_NEXT(); }
      VM_CASE(LOAD) { *sp++ = slots[B]; VM_NEXT(); }
      VM_CASE(IDENT) { *sp++ = (int64_t)(((uint64_t)slots[SLOT_IDENTITIES] >> A) & 1u); VM_NEXT(); }
      VM_CASE(PRESENT) { *sp++ = slots[B] != PRG_ABSENT; VM_NEXT(); }
      VM_CASE(ADD) {
        int64_t r;
        if (ADD_OVF(Y, X, &r)) FAIL("integer overflow");
        sp--;
        X = r;
        VM_NEXT();
      }
      VM_CASE(SUB) {
        int64_t r;
        if (SUB_OVF(Y, X, &r)) FAIL("integer overflow");
        sp--;
        X = r;
        VM_NEXT();
      }
      VM_CASE(MUL) {
        int64_t r;
        if (MUL_OVF(Y, X, &r)) FAIL("integer overflow");
        sp--;
        X = r;
        VM_NEXT();
      }
      VM_CASE(NEG) {
        if (X == INT64_MIN) FAIL("integer overflow");
        X = -X;
        VM_NEXT();
      }
      VM_CASE(MIN) { BINARY(X < x_ ? X : x_); VM_NEXT(); }
      VM_CASE(MAX) { BINARY(X > x_ ? X : x_); VM_NEXT(); }
      VM_CASE(RATIO) {
        int64_t r;
        if (!money_ratio(X, Y, (int)A, &r))
          FAIL("overflow applying ratio %lld to %lld fen", (long long)Y, (long long)X);
        sp--;
        X = r;
        VM_NEXT();
      }
      VM_CASE(EQ) { BINARY(X == x_); VM_NEXT(); }
      VM_CASE(NE) { BINARY(X != x_); VM_NEXT(); }
      VM_CASE(LT) { BINARY(X < x_); VM_NEXT(); }
      VM_CASE(LE) { BINARY(X <= x_); VM_NEXT(); }
      VM_CASE(GT) { BINARY(X > x_); VM_NEXT(); }
      VM_CASE(GE) { BINARY(X >= x_); VM_NEXT(); }
      VM_CASE(NOT) { X = !X; VM_NEXT(); }
      VM_CASE(INRANGE) {
        /* an absent optional date is in no range */
        X = X != PRG_ABSENT && k[A] <= X && X <= k[B];
        VM_NEXT();
      }
      VM_CASE(INSET) {
        uint64_t bit = (uint64_t)X;
        X = bit < 64 ? (int64_t)(((uint64_t)k[B] >> bit) & 1u) : 0;
        VM_NEXT();
      }
      VM_CASE(INWIN) {
        const prg_window *w = &p->windows[B];
        X = in_span(w->lo, w->hi, w->dlo, w->dhi, X);
        VM_NEXT();
      }
      VM_CASE(INCOLL) {
        /* coll_lo > coll_hi (no collection period) admits nothing */
        X = in_span(p->coll_lo, p->coll_hi, p->coll_dlo, p->coll_dhi, X);
        VM_NEXT();
      }
      VM_CASE(AGE) {
        int64_t on = *--sp;
        if (!DATE_OK(X) || !DATE_OK(on))
          FAIL("age from day %lld to day %lld: date outside the calendar", (long long)X,
               (long long)on);
        X = cal_age((int32_t)X, (int32_t)on);
        VM_NEXT();
      }
      VM_CASE(YEAR) {
        int y, m, d;
        if (!DATE_OK(X)) FAIL("day %lld is outside the calendar", (long long)X);
        cal_to_ymd((int32_t)X, &y, &m, &d);
        X = y;
        VM_NEXT();
      }
      VM_CASE(MONTH) {
        int y, m, d;
        if (!DATE_OK(X)) FAIL("day %lld is outside the calendar", (long long)X);
        cal_to_ymd((int32_t)X, &y, &m, &d);
        X = m;
        VM_NEXT();
      }
      VM_CASE(DAY) {
        int y, m, d;
        if (!DATE_OK(X)) FAIL("day %lld is outside the calendar", (long long)X);
        cal_to_ymd((int32_t)X, &y, &m, &d);
        X = d;
        VM_NEXT();
      }
      VM_CASE(EOM) {
        if (!DATE_OK(X)) FAIL("day %lld is outside the calendar", (long long)X);
        X = cal_end_of_month((int32_t)X);
        VM_NEXT();
      }
      VM_CASE(MKDATE) {
        int64_t d = sp[-1], m = sp[-2], y = sp[-3];
        sp -= 2;
        if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 ||
            !cal_valid((int)y, (int)m, (int)d))
          FAIL("invalid date %04lld-%02lld-%02lld", (long long)y, (long long)m, (long long)d);
        X = cal_from_ymd((int)y, (int)m, (int)d);
        VM_NEXT();
      }
      VM_CASE(ADDDAYS) {
        int64_t n = *--sp, r;
        if (!DATE_OK(X) || ADD_OVF(X, n, &r) || !DATE_OK(r))
          return vm_date_range(ev, pc - 1, insn, X, n, "days");
        X = r;
        VM_NEXT();
      }
      VM_CASE(ADDMONS) {
        int64_t n = *--sp;
        int32_t r;
        if (!DATE_OK(X) || !cal_add_months((int32_t)X, n, &r))
          return vm_date_range(ev, pc - 1, insn, X, n, "months");
        X = r;
        VM_NEXT();
      }
      VM_CASE(JMP) { pc += B; VM_NEXT(); }
      VM_CASE(JMPF) {
        if (!*--sp) pc += B;
        VM_NEXT();
      }
      VM_CASE(ANDJ) {
        if (!X)
          pc += B; /* x stays: the result of `and` */
        else
          sp--;
        VM_NEXT();
      }
      VM_CASE(ORJ) {
        if (X)
          pc += B;
        else
          sp--;
        VM_NEXT();
      }
      VM_CASE(CALL) {
        /* the verifier saw arg_count values on the stack; the last argument is on top */
        uint32_t n = p->externs[B].arg_count;
        sp -= n;
        char why[EVAL_MSG - 64];
        if (!eval_call(ev, B, sp, sp, why, sizeof why)) FAIL("%s", why);
        sp++;
        VM_NEXT();
      }
      VM_CASE(ANSWER) {
        /* the answer's dates, set by the quote before it runs the after rules (the
         * verifier allows ANSWER in their `when` only) */
        *sp++ = A == 0 ? ev->start : A == 1 ? ev->end : A == 2 ? ev->wait_months : ev->wait_days;
        VM_NEXT();
      }
      VM_CASE(RET) {
        assert(sp == stack + 1);
        *out = X;
        return POL_OK;
      }
      VM_DEFAULT();
    }
  }

#undef X
#undef Y
#undef A
#undef B
#undef FAIL
#undef BINARY
}
