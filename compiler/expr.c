/*
 * expr.c — type checking and code generation of expressions, in one walk.
 *
 * Invariants of the code emitted here (the verifier re-checks them on load):
 *  - every jump is forward and lands inside the section being emitted;
 *  - an expression leaves exactly one value on the stack;
 *  - a name of an optional attribute is loaded only under `present(x)` or `x in …`,
 *    where the absent marker (PRG_ABSENT) compares false, or as a value where code runs
 *    only when it is present (c->guard: the right of `present(x) and …`, the `then` of
 *    `if present(x) …`, the effects of a rule `when present(x) …`), so that PRG_ABSENT
 *    never reaches arithmetic or a comparison.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cg.h"
#include "money.h"
#include "opcodes.h"

static const ty T_ERR = {TY_ERR, 0};
static const ty T_BOOL = {TY_BOOL, 0}, T_INT = {TY_INT, 0}, T_MONEY = {TY_MONEY, 0},
                T_DATE = {TY_DATE, 0}, T_RATIO = {TY_RATIO, 0};

/* Appends an instruction and returns its index.  Operands that do not fit their fields
 * (a: 8 bits, b: 16 bits) and code beyond CG_MAX_CODE are errors at the expression being
 * generated, never a truncated operand. */
static uint32_t emit(cg *c, pol_opcode op, uint32_t a, uint32_t b) {
  if (a > 0xff || b > 0xffff) {
    if (!c->operand_full) {
      const char *what = op == OP_LOAD || op == OP_PRESENT ? "attributes and lets"
                         : op == OP_INWIN                  ? "windows"
                                                           : "distinct constant values";
      cg_error(c, c->at, "too many %s in one policy: at most %u", what, a > 0xff ? 256u : 65536u);
    }
    c->operand_full = true;
    a = b = 0;
  }
  if (c->p.ncode >= CG_MAX_CODE) {
    if (!c->code_full)
      cg_error(c, c->at, "the policy compiles to more than %u instructions (each use of a "
                         "constant expands its expression)", CG_MAX_CODE);
    c->code_full = true;
    return c->p.ncode - 1;
  }
  uint32_t *w = CG_PUSH(c, c->p.code, c->p.ncode, c->cap_code);
  if (w) *w = INSN(op, a, b);
  return c->p.ncode - 1;
}

/* Enters one level of expression (or constant expansion) at e: false when that would
 * exceed AST_MAX_DEPTH, reported at the first such e only (a chain of constants is one
 * mistake, however often it is expanded).  Every true is paired with leave. */
static bool enter(cg *c, ast_node *e, bool quiet) {
  if (c->depth >= AST_MAX_DEPTH) {
    if (!quiet && !c->too_deep)
      cg_error(c, e->loc, "expression nested deeper than %d levels (counting the constants "
                          "it names)", AST_MAX_DEPTH);
    c->too_deep = c->too_deep || !quiet;
    return false;
  }
  c->depth++;
  return true;
}
static void leave(cg *c) { c->depth--; }

/* Point the jump at `at` to the next instruction to be emitted. */
static void patch(cg *c, uint32_t at, ast_loc loc) {
  uint32_t off = c->p.ncode - at - 1;
  if (off > 0xffff) {
    cg_error(c, loc, "expression too large: a jump spans more than 65535 instructions");
    off = 0;
  }
  if (at < c->p.ncode) c->p.code[at] = (c->p.code[at] & 0xffffu) | (off << 16);
}

/* "; write 'N yuan'" when `e`, found to be an int where money is wanted, is a bare number
 * (perhaps negated), or a constant bound to one, "" otherwise.  Written into buf (n bytes),
 * which is returned. */
static const char *yuan_hint(cg *c, const ast_node *e, prg_type got, prg_type want, char *buf,
                             size_t n) {
  buf[0] = 0;
  for (int hops = 0; hops < 8 && e->kind == A_NAME && e->name; hops++) {
    sym *s = sym_find(c, e->name);
    if (!s || s->kind != SYM_CONST) break;
    e = s->decl->a;
  }
  bool neg = e->kind == A_NEG;
  if (neg) e = e->a;
  if (got == TY_INT && want == TY_MONEY && e->kind == A_INT && e->str)
    snprintf(buf, n, "; write '%s%s yuan'", neg ? "-" : "", e->str);
  return buf;
}
#define YUAN_HINT_SIZE (AST_MAX_NAME + 32)

static bool same(ty a, ty b) { return a.t == b.t && (a.t != TY_ENUM || a.en == b.en); }

static void expect_ty(cg *c, ast_node *e, ty got, prg_type want, const char *what) {
  if (got.t != want && got.t != TY_ERR) {
    ty w = {want, 0};
    char hint[YUAN_HINT_SIZE];
    cg_error(c, e->loc, "%s: expected %s, found %s%s", what, ty_name(c, w), ty_name(c, got),
             yuan_hint(c, e, got.t, want, hint, sizeof hint));
  }
}

/* ---- literals ------------------------------------------------------------------------ */

/* The number of decimals of a number's text (the scanner gives DIGIT+ ('.' DIGIT+)?). */
static size_t decimals(const char *s) {
  const char *dot = strchr(s, '.');
  return dot ? strlen(dot + 1) : 0;
}

static bool parse_int(cg *c, ast_node *e, int64_t *v, bool report) {
  const char *s = e->str;
  int64_t x = 0;
  if (decimals(s)) {
    if (report)
      cg_error(c, e->loc, "'%s' has decimals, which an integer has not: money is written "
                          "'%s yuan', a percentage '%s%%'", s, s, s);
    return false;
  }
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || x > (INT64_MAX - (*s - '0')) / 10) {
      if (report)
        cg_error(c, e->loc, "'%s' is too large: an integer is at most %lld", e->str,
               (long long)INT64_MAX);
      return false;
    }
    x = x * 10 + (*s - '0');
  }
  *v = x;
  return true;
}

static bool parse_date(cg *c, ast_node *e, int64_t *v, bool report) {
  int32_t d;
  if (!cal_parse(e->str, strlen(e->str), &d)) {
    if (report)
      cg_error(c, e->loc, "no such date %s", e->str);
    return false;
  }
  *v = d;
  return true;
}

/* The value of a literal node; ty out.  A malformed one is reported when `report`. */
static bool literal(cg *c, ast_node *e, ty *t, int64_t *v, bool report) {
  switch (e->kind) {
  case A_INT:
    *t = T_INT;
    return parse_int(c, e, v, report);
  case A_NUMBER_UNIT:
    *t = T_MONEY;
    if (!money_parse(e->str, strlen(e->str), v)) {
      if (!report) return false;
      char max[MONEY_MAX_TEXT];
      money_format(INT64_MAX, max);
      if (decimals(e->str) > 2)
        cg_error(c, e->loc, "'%s yuan' has %zu decimals: an amount has at most two (fen)", e->str,
                 decimals(e->str));
      else
        cg_error(c, e->loc, "'%s yuan' is too large: an amount is at most %s yuan", e->str, max);
      return false;
    }
    return true;
  case A_RATIO:
    *t = T_RATIO;
    if (!ratio_parse(e->str, strlen(e->str), v)) {
      if (!report) return false;
      if (decimals(e->str) > 4)
        cg_error(c, e->loc, "'%s%%' has %zu decimals: a percentage has at most four", e->str,
                 decimals(e->str));
      else
        cg_error(c, e->loc, "'%s%%' is too large: a percentage is at most 100000%%", e->str);
      return false;
    }
    return true;
  case A_DATE:
    *t = T_DATE;
    return parse_date(c, e, v, report);
  case A_BOOL:
    *t = T_BOOL;
    *v = e->ival;
    return true;
  default:
    return false;
  }
}

static bool literal_of(cg *c, ast_node *e, ty want, int64_t *out);

bool gen_literal(cg *c, ast_node *e, ty want, int64_t *out) {
  if (!enter(c, e, false)) return false;
  bool ok = literal_of(c, e, want, out);
  leave(c);
  return ok;
}

static bool literal_of(cg *c, ast_node *e, ty want, int64_t *out) {
  ty t;
  if (e->kind == A_NEG) {
    if (!gen_literal(c, e->a, want, out)) return false;
    *out = -*out;
    return true;
  }
  if (e->kind == A_DURATION) {
    prg_type dt = e->op ? TY_MONTHS : TY_DAYS;
    if (want.t != dt) {
      cg_error(c, e->loc, "expected %s, found %s", ty_name(c, want),
               ty_name(c, (ty){dt, 0}));
      return false;
    }
    return gen_literal(c, e->a, T_INT, out);
  }
  if (e->kind == A_NAME && e->name) {
    sym *s = sym_find(c, e->name);
    if (s && s->kind == SYM_ENUMVAL && want.t == TY_ENUM) {
      if (s->type.en != want.en) {
        cg_error(c, e->loc, "'%s' is not a value of %s", e->name, ty_name(c, want));
        return false;
      }
      *out = s->index;
      return true;
    }
    if (s && s->kind == SYM_CONST && !s->busy) {
      s->used = true;
      s->busy = true;
      bool ok = gen_literal(c, s->decl->a, want, out);
      s->busy = false;
      return ok;
    }
    cg_error(c, e->loc, "expected a literal %s here, found '%s'", ty_name(c, want), e->name);
    return false;
  }
  if (!literal(c, e, &t, out, true)) {
    if (e->kind != A_INT && e->kind != A_NUMBER_UNIT && e->kind != A_RATIO &&
        e->kind != A_DATE && e->kind != A_BOOL)
      cg_error(c, e->loc, "expected a literal %s here", ty_name(c, want));
    return false;
  }
  if (!same(t, want)) {
    char hint[YUAN_HINT_SIZE];
    cg_error(c, e->loc, "expected %s, found %s%s", ty_name(c, want), ty_name(c, t),
             yuan_hint(c, e, t.t, want.t, hint, sizeof hint));
    return false;
  }
  return true;
}

static bool const_operand_of(cg *c, ast_node *e, ty *t, int64_t *v);

/* A compile-time constant operand (a literal, or a constant bound to one), silently. */
bool gen_constant(cg *c, ast_node *e, ty *t, int64_t *v) {
  if (!enter(c, e, true)) return false;
  bool ok = const_operand_of(c, e, t, v);
  leave(c);
  return ok;
}

static bool const_operand_of(cg *c, ast_node *e, ty *t, int64_t *v) {
  if (e->kind == A_NAME && e->name) {
    sym *s = sym_find(c, e->name);
    if (s && s->kind == SYM_CONST && !s->busy) {
      s->busy = true;
      bool ok = gen_constant(c, s->decl->a, t, v);
      s->busy = false;
      if (ok) s->used = true;
      return ok;
    }
    return false;
  }
  if (e->kind == A_NEG) {
    if (!gen_constant(c, e->a, t, v)) return false;
    *v = -*v;
    return t->t == TY_INT || t->t == TY_MONEY;
  }
  switch (e->kind) {
  case A_INT: case A_NUMBER_UNIT: case A_RATIO: case A_DATE: case A_BOOL:
    return literal(c, e, t, v, false);
  default:
    return false;
  }
}

/* ---- names ----------------------------------------------------------------------------- */

static sym *optional_attr(cg *c, ast_node *e) {
  if (e->kind != A_NAME || !e->name) return NULL;
  sym *s = sym_find(c, e->name);
  return s && s->kind == SYM_ATTR && s->optional ? s : NULL;
}

static bool guarded(const cg *c, const sym *s) {
  for (uint32_t i = 0; i < c->nguard; i++)
    if (c->guard[i] == s->index) return true;
  return false;
}

static void assume_present(cg *c, sym *s) {
  if (s && !guarded(c, s) && c->nguard < CG_MAX_GUARDS) c->guard[c->nguard++] = s->index;
}

/* What `e` evaluating to `holds` proves present: `present(x)` and `x in …` true (an
 * absent x is in no range or window), both operands of a true `and`, both of a false
 * `or`, and through `not`.  Nothing else is assumed (an `if`, a let or a constant that
 * tests presence proves nothing here: the writer guards where the value is used). */
void gen_assume(cg *c, ast_node *e, bool holds) {
  if (!e) return;
  switch (e->kind) {
  case A_CALL:
    if (holds && e->name && strcmp(e->name, "present") == 0 && e->list && !e->list->next) {
      sym *h = sym_find(c, e->name);
      if (!h || h->kind != SYM_EXTERN) assume_present(c, optional_attr(c, e->list));
    }
    break;
  case A_IN_RANGE:
  case A_IN_NAME:
    if (holds) assume_present(c, optional_attr(c, e->a));
    break;
  case A_NOT:
    gen_assume(c, e->a, !holds);
    break;
  case A_BINARY:
    if ((e->op == OPR_AND && holds) || (e->op == OPR_OR && !holds)) {
      gen_assume(c, e->a, holds);
      gen_assume(c, e->b, holds);
    }
    break;
  default:
    break;
  }
}

static ty gen_name(cg *c, ast_node *e) {
  sym *s = sym_find(c, e->name);
  if (!s) {
    char hint[SYM_HINT_SIZE];
    if (sym_find_category(c, e->name))
      cg_error(c, e->loc, "'%s' is a category: a rule tests the chosen one with 'category in { "
                          "%s }'; a category's condition names identities and attributes",
               e->name, e->name);
    else
      cg_error(c, e->loc, "unknown name '%s'%s", e->name,
               sym_suggest(c, e->name, SYM_VALUES, NULL, hint, sizeof hint));
    return T_ERR;
  }
  s->used = true;
  switch (s->kind) {
  case SYM_CONST: {
    if ((s->typed && s->type.t == TY_ERR) || c->code_full) { /* already reported */
      emit(c, OP_CONST, 0, cg_const(c, 0));
      return T_ERR;
    }
    if (s->busy) {
      cg_error(c, e->loc, "constant '%s' is defined in terms of itself", e->name);
      s->typed = true;
      s->type = T_ERR;
      emit(c, OP_CONST, 0, cg_const(c, 0));
      return T_ERR;
    }
    /* a constant's mistakes are reported at its first expansion only: then it is T_ERR */
    uint32_t errors = c->diags->nerrors;
    s->busy = true;
    ty t = gen_expr(c, s->decl->a);
    s->busy = false;
    s->type = c->diags->nerrors == errors ? t : T_ERR;
    s->typed = true;
    return s->type;
  }
  case SYM_LET:
    if (c->in_assume) {
      cg_error(c, e->loc, "an assumption reads the resident's attributes, 'paid_on' and "
                          "'benefit_year' only, not the let '%s' (write its expression instead)", e->name);
      return T_ERR;
    }
    if (s->index >= c->let_limit) {
      cg_error(c, e->loc, "let '%s' is used before its definition", e->name);
      return T_ERR;
    }
    emit(c, OP_LOAD, 0, c->p.lets[s->index].slot);
    return s->type;
  case SYM_ATTR: {
    const prg_attr *a = &c->p.attrs[s->index];
    if (a->is_identities) {
      cg_error(c, e->loc, "'identities' is a set; name an identity instead (e.g. 'student')");
      return T_ERR;
    }
    if (s->optional && !guarded(c, s)) {
      cg_error(c, e->loc,
               "'%s' is optional and may be absent: use it where present(%s) guards it "
               "('present(%s) and …', 'if present(%s) then … else …', a rule 'when "
               "present(%s) …') or test it with '%s in …'",
               e->name, e->name, e->name, e->name, e->name, e->name);
      return T_ERR;
    }
    emit(c, OP_LOAD, 0, a->slot);
    return s->type;
  }
  case SYM_IDENTITY:
    emit(c, OP_IDENT, s->index, 0);
    return T_ERR;
  case SYM_PAID_ON:
    emit(c, OP_LOAD, 0, SLOT_PAID_ON);
    return T_DATE;
  case SYM_BENEFIT_YEAR:
    emit(c, OP_CONST, 0, cg_const(c, c->p.year));
    return T_INT;
  case SYM_SUBSIDIZED:
    if (!c->in_rule) {
      cg_error(c, e->loc, "'subsidized' is known only in rules, after a category is chosen");
      return T_ERR;
    }
    emit(c, OP_LOAD, 0, SLOT_SUBSIDIZED);
    return T_ERR;
  case SYM_CHOSEN:
    if (!c->in_rule) {
      cg_error(c, e->loc, "'category' is known only in rules, after a category is chosen");
      return T_ERR;
    }
    emit(c, OP_LOAD, 0, SLOT_CATEGORY);
    return (ty){TY_CATEGORY, 0};
  case SYM_ANSWER:
    /* the answer's dates, known once every other rule has applied: only a rule's `when`
     * reads them, and that rule then runs after the others (decls.c rule) */
    if (!c->in_rule_when) {
      cg_error(c, e->loc,
               "'%s' is the answer's, known only after the rules that set 'start', 'wait' and "
               "'end': only a rule's 'when' may read it",
               e->name);
      return T_ERR;
    }
    if (!c->read_answer) c->read_answer = s->name;
    emit(c, OP_ANSWER, s->index, 0);
    return s->index < 2 ? T_DATE : T_INT;
  case SYM_ENUMVAL:
    emit(c, OP_CONST, 0, cg_const(c, s->index));
    return s->type;
  default:
    cg_error(c, e->loc, "'%s' is a %s, not a value%s", e->name, sym_kind_name(s->kind),
             s->kind == SYM_WINDOW || s->kind == SYM_COLLECTION ? " (use 'date in NAME')" : "");
    return T_ERR;
  }
}

/* ---- operators --------------------------------------------------------------------------- */

/* The right operand runs only when the left one is true (`and`) or false (`or`): what
 * that proves present guards it. */
static ty gen_logic(cg *c, ast_node *e) {
  expect_ty(c, e->a, gen_expr(c, e->a), TY_BOOL, e->op == OPR_AND ? "'and'" : "'or'");
  uint32_t j = emit(c, e->op == OPR_AND ? OP_ANDJ : OP_ORJ, 0, 0);
  uint32_t n = c->nguard;
  gen_assume(c, e->a, e->op == OPR_AND);
  expect_ty(c, e->b, gen_expr(c, e->b), TY_BOOL, e->op == OPR_AND ? "'and'" : "'or'");
  c->nguard = n;
  patch(c, j, e->loc);
  return T_BOOL;
}

static const char *op_text(int op) {
  static const char *const t[] = {"or", "and", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*"};
  return t[op];
}

static ty gen_binary(cg *c, ast_node *e) {
  if (e->op == OPR_AND || e->op == OPR_OR) return gen_logic(c, e);
  ty a = gen_expr(c, e->a);
  ty b = gen_expr(c, e->b);
  if (a.t == TY_ERR || b.t == TY_ERR) {
    emit(c, OP_ADD, 0, 0); /* keeps the stack shape; the program is never run */
    return T_ERR;
  }
  switch (e->op) {
  case OPR_EQ: case OPR_NE: case OPR_LT: case OPR_LE: case OPR_GT: case OPR_GE: {
    static const pol_opcode cmp[] = {[OPR_EQ] = OP_EQ, [OPR_NE] = OP_NE, [OPR_LT] = OP_LT,
                                     [OPR_LE] = OP_LE, [OPR_GT] = OP_GT, [OPR_GE] = OP_GE};
    if (!same(a, b)) {
      char hint[YUAN_HINT_SIZE];
      cg_error(c, e->loc, "cannot compare %s with %s%s", ty_name(c, a), ty_name(c, b),
               a.t == TY_MONEY ? yuan_hint(c, e->b, b.t, a.t, hint, sizeof hint)
                               : yuan_hint(c, e->a, a.t, b.t, hint, sizeof hint));
    } else if (e->op != OPR_EQ && e->op != OPR_NE &&
               !(a.t == TY_INT || a.t == TY_MONEY || a.t == TY_DATE || a.t == TY_RATIO)) {
      cg_error(c, e->loc, "'%s' orders int, money and dates, not %s", op_text(e->op),
               ty_name(c, a));
    } else if (a.t == TY_CATEGORY) {
      cg_error(c, e->loc, "compare the chosen category with 'category in { … }'");
    }
    emit(c, cmp[e->op], 0, 0);
    return T_BOOL;
  }
  case OPR_ADD:
  case OPR_SUB:
    if (a.t == TY_DATE && (b.t == TY_DAYS || b.t == TY_MONTHS)) {
      if (e->op == OPR_SUB) emit(c, OP_NEG, 0, 0);
      emit(c, b.t == TY_DAYS ? OP_ADDDAYS : OP_ADDMONS, 0, 0);
      return T_DATE;
    }
    if (a.t == TY_DATE && b.t == TY_DATE && e->op == OPR_SUB) {
      emit(c, OP_SUB, 0, 0);
      return (ty){TY_DAYS, 0};
    }
    if (same(a, b) && (a.t == TY_INT || a.t == TY_MONEY || a.t == TY_DAYS || a.t == TY_MONTHS)) {
      emit(c, e->op == OPR_ADD ? OP_ADD : OP_SUB, 0, 0);
      return a;
    }
    char hint[YUAN_HINT_SIZE];
    cg_error(c, e->loc, "cannot %s %s and %s%s", e->op == OPR_ADD ? "add" : "subtract",
             ty_name(c, a), ty_name(c, b),
             a.t == TY_MONEY ? yuan_hint(c, e->b, b.t, a.t, hint, sizeof hint)
                             : yuan_hint(c, e->a, a.t, b.t, hint, sizeof hint));
    return a;
  case OPR_MUL:
    emit(c, OP_MUL, 0, 0);
    if (a.t == TY_INT && b.t == TY_INT) return T_INT;
    if ((a.t == TY_INT && b.t == TY_MONEY) || (a.t == TY_MONEY && b.t == TY_INT)) return T_MONEY;
    cg_error(c, e->loc, "cannot multiply %s by %s (use 'P of M' for a share of money)",
             ty_name(c, a), ty_name(c, b));
    return T_INT;
  }
  return T_BOOL;
}

/* The tested value of `x in …`: an optional attribute may be loaded here, because an
 * absent one holds PRG_ABSENT (INT64_MIN), which no range of real dates contains:
 * INRANGE and `lo <= x` are both false for it. */
static ty gen_tested(cg *c, ast_node *x) {
  sym *opt = optional_attr(c, x);
  if (!opt) return gen_expr(c, x);
  opt->used = true;
  emit(c, OP_LOAD, 0, c->p.attrs[opt->index].slot);
  return opt->type;
}

/* x in lo .. hi: one INRANGE when both bounds are constants, else lo <= x and x <= hi. */
static ty gen_in_range(cg *c, ast_node *e) {
  ty tl, th;
  int64_t lo, hi;
  if (!(gen_constant(c, e->b, &tl, &lo) && gen_constant(c, e->c, &th, &hi))) {
    /* x is pure, so evaluating it twice is safe */
    ty tb = gen_expr(c, e->b);
    ty tx = gen_tested(c, e->a);
    emit(c, OP_LE, 0, 0);
    uint32_t j = emit(c, OP_ANDJ, 0, 0);
    c->quiet++; /* x again: its mistakes are reported once, above */
    gen_tested(c, e->a);
    c->quiet--;
    ty te = gen_expr(c, e->c);
    emit(c, OP_LE, 0, 0);
    patch(c, j, e->loc);
    if (tx.t == TY_ERR || tb.t == TY_ERR || te.t == TY_ERR)
      return T_BOOL;
    if (!same(tx, tb) || !same(tx, te))
      cg_error(c, e->loc, "range bounds (%s .. %s) do not match the value (%s)", ty_name(c, tb),
               ty_name(c, te), ty_name(c, tx));
    else if (!(tx.t == TY_INT || tx.t == TY_MONEY || tx.t == TY_DATE))
      cg_error(c, e->loc, "ranges hold int, money or dates, not %s", ty_name(c, tx));
    return T_BOOL;
  }
  ty tx = gen_tested(c, e->a);
  if (tx.t == TY_ERR) {
  } else if (!same(tx, tl) || !same(tx, th)) {
    cg_error(c, e->loc, "range bounds (%s .. %s) do not match the value (%s)", ty_name(c, tl),
             ty_name(c, th), ty_name(c, tx));
  } else if (!(tx.t == TY_INT || tx.t == TY_MONEY || tx.t == TY_DATE)) {
    cg_error(c, e->loc, "ranges hold int, money or dates, not %s", ty_name(c, tx));
  } else if (lo > hi) {
    cg_error(c, e->loc, "empty range: %s is after %s", e->b->str ? e->b->str : "the start",
             e->c->str ? e->c->str : "the end");
  }
  uint32_t klo = cg_const(c, lo);
  if (klo > 255) cg_error(c, e->loc, "too many constants: a range bound must be among the first 256");
  emit(c, OP_INRANGE, klo, cg_const(c, hi));
  return T_BOOL;
}

static ty gen_in_name(cg *c, ast_node *e) {
  ast_node *n = e->b;
  sym *s = n->kind == A_NAME && n->name ? sym_find(c, n->name) : NULL;
  if (n->kind == A_NAME && n->name && !s) {
    char hint[SYM_HINT_SIZE];
    cg_error(c, n->loc, "no window named '%s' is declared%s", n->name,
             sym_suggest(c, n->name, (1u << SYM_WINDOW) | (1u << SYM_COLLECTION), NULL, hint,
                         sizeof hint));
    return T_BOOL;
  }
  if (s && s->kind != SYM_WINDOW && s->kind != SYM_COLLECTION) {
    s->used = true; /* named, though wrongly: one message, not "never used" besides */
    const char *kn = sym_kind_name(s->kind);
    cg_error(c, n->loc, "'%s' is %s %s, not a window: 'in' needs a window name, a range "
                        "'a .. b' or a set '{ … }'", n->name, strchr("aeiou", kn[0]) ? "an" : "a", kn);
    return T_BOOL;
  }
  if (!s) {
    cg_error(c, n->loc, "'in' needs a range 'a .. b', a set '{ … }', or a window name");
    return T_BOOL;
  }
  s->used = true;
  ty tx = gen_tested(c, e->a);
  expect_ty(c, e->a, tx, TY_DATE, "the value tested against a window");
  if (s->kind == SYM_WINDOW) emit(c, OP_INWIN, 0, s->index);
  else emit(c, OP_INCOLL, 0, 0);
  return T_BOOL;
}

static ty gen_in_set(cg *c, ast_node *e) {
  ty tx = gen_expr(c, e->a);
  if (tx.t != TY_CATEGORY && tx.t != TY_ENUM) {
    if (tx.t != TY_ERR)
      cg_error(c, e->a->loc, "'in { … }' tests enum values or the chosen category, not %s%s",
               ty_name(c, tx), tx.t == TY_INT ? "; for a range write 'x in 1 .. 2'" : "");
    emit(c, OP_INSET, 0, cg_const(c, 0));
    return T_ERR;
  }
  uint64_t mask = 0;
  for (ast_node *n = e->b->list; n; n = n->next) {
    sym *s = tx.t == TY_CATEGORY ? sym_find_category(c, n->name) : sym_find(c, n->name);
    int64_t bit = -1;
    if (tx.t == TY_CATEGORY && s && s->kind == SYM_CATEGORY) bit = s->index;
    else if (tx.t == TY_ENUM && s && s->kind == SYM_ENUMVAL && s->type.en == tx.en) bit = s->index;
    if (bit < 0) {
      char hint[SYM_HINT_SIZE];
      cg_error(c, n->loc, "'%s' is not a %s%s%s", n->name,
               tx.t == TY_CATEGORY ? "category" : "value of ", tx.t == TY_CATEGORY ? "" : ty_name(c, tx),
               sym_suggest(c, n->name, 1u << (tx.t == TY_CATEGORY ? SYM_CATEGORY : SYM_ENUMVAL),
                           NULL, hint, sizeof hint));
      continue;
    }
    if (bit > 63) {
      cg_error(c, n->loc, "sets hold the first 64 categories or values only");
      continue;
    }
    s->used = true;
    mask |= (uint64_t)1 << bit;
  }
  emit(c, OP_INSET, 0, cg_const(c, (int64_t)mask));
  return T_BOOL;
}

/* ---- calls --------------------------------------------------------------------------------- */

typedef struct {
  const char *name;
  int nargs;
  prg_type args[3]; /* TY_CATEGORY here means "int, money or date, all alike" */
  prg_type ret;
  pol_opcode op;
} builtin;

static const builtin builtins[] = {
    {"age", 2, {TY_DATE, TY_DATE}, TY_INT, OP_AGE},
    {"year", 1, {TY_DATE}, TY_INT, OP_YEAR},
    {"month", 1, {TY_DATE}, TY_INT, OP_MONTH},
    {"day", 1, {TY_DATE}, TY_INT, OP_DAY},
    {"end_of_month", 1, {TY_DATE}, TY_DATE, OP_EOM},
    {"date", 3, {TY_INT, TY_INT, TY_INT}, TY_DATE, OP_MKDATE},
    {"min", 2, {TY_CATEGORY, TY_CATEGORY}, TY_CATEGORY, OP_MIN},
    {"max", 2, {TY_CATEGORY, TY_CATEGORY}, TY_CATEGORY, OP_MAX},
};

/* A call of a host function: arity and argument types from its `extern` signature. */
static ty gen_extern_call(cg *c, ast_node *e, sym *s, int n) {
  const prg_extern *x = &c->p.externs[s->index];
  s->used = true;
  if ((uint32_t)n != x->arg_count)
    cg_error(c, e->loc, "%s() takes %u argument%s, not %d", e->name, (unsigned)x->arg_count,
             x->arg_count == 1 ? "" : "s", n);
  uint32_t k = 0;
  for (ast_node *a = e->list; a; a = a->next, k++) {
    ty t = gen_expr(c, a);
    if (k >= x->arg_count) continue;
    prg_ext_type want = c->p.ext_args[x->arg_first + k];
    ty w = {(prg_type)want.type, want.en};
    if (t.t != TY_ERR && !same(t, w))
      cg_error(c, a->loc, "argument %u of %s(): expected %s, found %s", (unsigned)k + 1,
               e->name, ty_name(c, w), ty_name(c, t));
  }
  /* a wrong arity leaves the stack unbalanced: the program is never run */
  emit(c, OP_CALL, 0, s->index);
  return (ty){(prg_type)x->result.type, x->result.en};
}

static ty gen_call(cg *c, ast_node *e) {
  int n = 0;
  for (ast_node *a = e->list; a; a = a->next) n++;
  sym *host = sym_find(c, e->name);
  if (host && host->kind == SYM_EXTERN) return gen_extern_call(c, e, host, n);
  if (strcmp(e->name, "present") == 0) {
    sym *opt = n == 1 ? optional_attr(c, e->list) : NULL;
    if (!opt) {
      cg_error(c, e->loc, "present() takes one optional attribute");
      return T_BOOL;
    }
    opt->used = true;
    emit(c, OP_PRESENT, 0, c->p.attrs[opt->index].slot);
    return T_BOOL;
  }
  for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
    const builtin *b = &builtins[i];
    if (strcmp(b->name, e->name) != 0) continue;
    if (n != b->nargs) {
      cg_error(c, e->loc, "%s() takes %d argument%s, not %d", b->name, b->nargs,
               b->nargs == 1 ? "" : "s", n);
      return (ty){b->ret == TY_CATEGORY ? TY_INT : b->ret, 0};
    }
    ty first = {TY_BOOL, 0};
    int k = 0;
    for (ast_node *a = e->list; a; a = a->next, k++) {
      ty t = gen_expr(c, a);
      if (t.t == TY_ERR) {
        first = t;
      } else if (b->args[k] == TY_CATEGORY) {
        if (k == 0) first = t;
        if (!(t.t == TY_INT || t.t == TY_MONEY || t.t == TY_DATE) ||
            (k > 0 && first.t != TY_ERR && !same(t, first)))
          cg_error(c, a->loc, "%s() compares two int, money or date values of one type", b->name);
      } else if (t.t != b->args[k]) {
        cg_error(c, a->loc, "argument %d of %s(): expected %s, found %s", k + 1, b->name,
                 ty_name(c, (ty){b->args[k], 0}), ty_name(c, t));
      }
    }
    emit(c, b->op, 0, 0);
    return b->ret == TY_CATEGORY ? first : (ty){b->ret, 0};
  }
  cg_error(c, e->loc, "unknown function '%s' (known: age, year, month, day, end_of_month, date, "
                      "min, max, present)", e->name);
  for (ast_node *a = e->list; a; a = a->next) gen_expr(c, a);
  return T_INT;
}

/* ---- the walk -------------------------------------------------------------------------------- */

static ty gen_node(cg *c, ast_node *e);

ty gen_expr(cg *c, ast_node *e) {
  if (!e) return T_BOOL;
  if (!enter(c, e, false)) {
    emit(c, OP_CONST, 0, cg_const(c, 0)); /* keeps the stack shape; never run */
    return T_ERR;
  }
  ast_loc outer = c->at;
  c->at = e->loc;
  ty t = gen_node(c, e);
  c->at = outer;
  leave(c);
  return t;
}

static ty gen_node(cg *c, ast_node *e) {
  ty t;
  int64_t v;
  switch (e->kind) {
  case A_INT: case A_NUMBER_UNIT: case A_RATIO: case A_DATE: case A_BOOL:
    if (!literal(c, e, &t, &v, true)) v = 0;
    emit(c, OP_CONST, 0, cg_const(c, v));
    return t;
  case A_NAME:
    return gen_name(c, e);
  case A_NOT:
    expect_ty(c, e->a, gen_expr(c, e->a), TY_BOOL, "'not'");
    emit(c, OP_NOT, 0, 0);
    return T_BOOL;
  case A_NEG:
    t = gen_expr(c, e->a);
    if (t.t != TY_INT && t.t != TY_MONEY && t.t != TY_ERR) cg_error(c, e->loc, "cannot negate %s", ty_name(c, t));
    emit(c, OP_NEG, 0, 0);
    return t;
  case A_BINARY:
    return gen_binary(c, e);
  case A_IN_RANGE:
    return gen_in_range(c, e);
  case A_IN_NAME:
    return gen_in_name(c, e);
  case A_IN_SET:
    return gen_in_set(c, e);
  case A_IF: {
    expect_ty(c, e->a, gen_expr(c, e->a), TY_BOOL, "the condition of 'if'");
    uint32_t jf = emit(c, OP_JMPF, 0, 0);
    uint32_t n = c->nguard;
    gen_assume(c, e->a, true);
    ty a = gen_expr(c, e->b);
    c->nguard = n;
    uint32_t j = emit(c, OP_JMP, 0, 0);
    patch(c, jf, e->loc);
    gen_assume(c, e->a, false);
    ty b = gen_expr(c, e->c);
    c->nguard = n;
    patch(c, j, e->loc);
    if (a.t == TY_ERR || b.t == TY_ERR) return T_ERR;
    if (!same(a, b))
    {
      char hint[YUAN_HINT_SIZE];
      cg_error(c, e->loc, "the branches of 'if' differ: %s and %s%s", ty_name(c, a), ty_name(c, b),
               a.t == TY_MONEY ? yuan_hint(c, e->c, b.t, a.t, hint, sizeof hint)
                               : yuan_hint(c, e->b, a.t, b.t, hint, sizeof hint));
    }
    return a;
  }
  case A_DURATION:
    expect_ty(c, e->a, gen_expr(c, e->a), TY_INT, e->op ? "a number of months" : "a number of days");
    return (ty){e->op ? TY_MONTHS : TY_DAYS, 0};
  case A_OF: {
    ty r = gen_expr(c, e->a);
    ty m = gen_expr(c, e->b);
    if ((r.t != TY_RATIO || m.t != TY_MONEY) && r.t != TY_ERR && m.t != TY_ERR)
    {
      char hint[YUAN_HINT_SIZE];
      cg_error(c, e->loc, "'P of M' takes a percentage and money, not %s and %s%s", ty_name(c, r),
               ty_name(c, m), yuan_hint(c, e->b, m.t, TY_MONEY, hint, sizeof hint));
    }
    if (c->p.rounding == 0xff)
      cg_error(c, e->loc, "'of' rounds to the fen: declare 'rounding half_up' (or half_even, "
                          "down, up) in the policy header");
    emit(c, OP_RATIO, c->p.rounding == 0xff ? 0 : c->p.rounding, 0);
    return T_MONEY;
  }
  case A_CALL:
    return gen_call(c, e);
  case A_UNSTATED:
    /* the positions that take it (decls.c stated_or) never generate it */
    cg_error(c, e->loc, "'unstated' stands for a whole value the notice does not state: a "
                        "category's worth or part, the value of start, end, wait or "
                        "surcharge, or a window's dates, written where that value goes; nothing can be computed from it");
    emit(c, OP_CONST, 0, cg_const(c, 0));
    return T_ERR;
  default:
    cg_error(c, e->loc, "not an expression");
    return T_BOOL;
  }
}

prg_section gen_section_infer(cg *c, ast_node *e, ty *out) {
  prg_section s = {c->p.ncode, 0};
  *out = gen_expr(c, e);
  emit(c, OP_RET, 0, 0);
  s.end = c->p.ncode;
  return s;
}

prg_section gen_value_section(cg *c, int64_t v) {
  prg_section s = {c->p.ncode, 0};
  emit(c, OP_CONST, 0, cg_const(c, v));
  emit(c, OP_RET, 0, 0);
  s.end = c->p.ncode;
  return s;
}

prg_section gen_section(cg *c, ast_node *e, prg_type want, const char *what) {
  prg_section s = {c->p.ncode, 0};
  ty t = gen_expr(c, e);
  if (t.t != want && t.t != TY_ERR) {
    char hint[YUAN_HINT_SIZE];
    cg_error(c, e->loc, "%s must be %s, but this is %s%s", what, ty_name(c, (ty){want, 0}),
             ty_name(c, t), yuan_hint(c, e, t.t, want, hint, sizeof hint));
  }
  emit(c, OP_RET, 0, 0);
  s.end = c->p.ncode;
  return s;
}

