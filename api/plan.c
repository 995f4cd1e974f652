/*
 * plan.c — building and walking the quote's decision structure (see plan.h).
 *
 * Building, in order:
 *  1. lift (analysis/lift.c): every section is turned back into an expression tree, lets
 *     inlined, input-free subtrees folded on the VM;
 *  2. formulas: every boolean tree becomes and/or/not over atoms "feature in ranges";
 *     the chosen category and `subsidized` are functions of the category (truth tables);
 *  3. features get their cut points; a diagram variable per feature, domain = intervals;
 *  4. diagrams: categories chained in the static choose order (amounts are constants),
 *     windows in file order, then every rule and add-on, combined into cells.
 */
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "lift.h"
#include "mdd.h"
#include "opcodes.h"
#include "plan.h"
#include "vmint.h"

#define MAX_FEATURES 64 /* diagram variables */
#define MAX_CUTS 512    /* cut points of one feature (identity bytes have 255) */

#define MAX_NODES 200000u

/* ---- features and formulas ---------------------------------------------------------- */

/* F_IDBYTE: byte a of the identity mask, a variable of 256 values indexed directly, so
 * that up to eight identities are decided in one step. */
typedef enum { F_IDBYTE, F_SLOT, F_DAY, F_DIFF, F_AGE, F_CODE } fkind;

typedef struct {
  uint8_t kind;
  uint32_t a, b;      /* bit or slots; F_CODE: start in plan code */
  int64_t *cuts;      /* sorted, distinct: interval i is [cuts[i-1], cuts[i]) */
  uint32_t ncuts, cap;
} feature;

typedef struct { int64_t lo, hi; } range;

enum { FM_CONST, FM_ATOM, FM_CAT, FM_AND, FM_OR, FM_NOT };

typedef struct {
  uint8_t kind;
  bool value;            /* FM_CONST */
  uint32_t feat;         /* FM_ATOM */
  uint32_t rfirst, rcount; /* FM_ATOM: ranges; FM_CAT: truth table in cattab (ncat + 1) */
  int32_t l, r;          /* FM_AND/OR: both; FM_NOT: l */
} formula;

typedef struct {
  int32_t cat;   /* -1: none */
  int32_t win;   /* -1: none */
  uint8_t day_ok;
  uint64_t rules, addons;
} cell;

/* A diagram node as the walk reads it: its feature inlined, so one load per step. */
typedef struct {
  uint8_t kind;        /* fkind */
  uint32_t a, b;       /* the feature's operands */
  uint32_t ncuts;
  const int64_t *cuts; /* the feature's cuts (owned by feats) */
  uint32_t base;       /* children in kids[base ..] */
} walk_node;

/* An assumption the quote need not run (plan_assumed): when each of its triggers — the
 * attributes with a default or optional that it loads — holds its default (absent for an
 * optional), it holds whatever the other inputs are (`lapsed_years == 0 or …`,
 * `not present(exited_scheme_on) or …`), decided at build time on its lifted tree. */
#define PLAN_TRIGGERS 4
typedef struct {
  bool shortcut;
  uint32_t ntrig;
  uint32_t slot[PLAN_TRIGGERS];
  int64_t dflt[PLAN_TRIGGERS];
} plan_assume;

struct pol_plan {
  plan_assume *assume;   /* per assumption */
  walk_node *nodes;
  mdd_ref *kids;
  mdd_ref root;
  uint32_t nnodes;
  feature *feats;
  uint32_t nfeats;
  uint32_t *code;        /* bytecode features, each ending in RET */
  uint32_t ncode;
  cell *cells;
  uint32_t ncells;
  plan_effects *fx;      /* per cell */
  uint8_t *fx_ok;        /* per cell: fx may stand for the effects */
  eval_amounts *amounts; /* per category */
  int64_t *funding;      /* ncategories × nsources */
  uint8_t *effkind;      /* per effect: 0 run its section, 1 constant, 2 slot, 3 piece */
  int64_t *effval;
  uint32_t nsources;
  int64_t dom_lo;        /* dom[d - dom_lo]: day of month of d, for the days of the windows */
  uint32_t dom_n;
  uint8_t *dom;
  uint32_t *guard_slots; /* date slots that must lie guard_days inside the calendar */
  uint32_t nguard;
  int64_t guard_days;
};

typedef struct {
  const pol_program *p;
  pol_plan *pl;
  lift_ctx lx;           /* the lifted trees; its code becomes the plan's */
  formula *f;
  uint32_t nf, capf;
  range *ranges;
  uint32_t nranges, capr;
  uint8_t *cattab;
  uint32_t ncattab, capcat;
  uint32_t capfeat;
  bool fail;
  uint64_t subsidized;   /* bit c: category c has a funding part > 0 */
  mdd *m;
  uint32_t capcells;
  uint32_t *cell_table;  /* cell index + 1 by hash, 0 empty */
  uint32_t cell_table_cap;
  uint32_t next_op;
} builder;

#define GROW(b, arr, n, cap)                                                            \
  ((n) < (cap) || lift_grow(&(b)->fail, (void **)&(arr), &(cap), sizeof *(arr)))

/* ---- 2. formulas -------------------------------------------------------------------- */

static int32_t fm_new(builder *b, formula f) {
  if (b->fail || !GROW(b, b->f, b->nf, b->capf))
    return -1;
  b->f[b->nf] = f;
  return (int32_t)b->nf++;
}

static int32_t fm_const(builder *b, bool v) {
  return fm_new(b, (formula){.kind = FM_CONST, .value = v, .l = -1, .r = -1});
}

static int32_t fm_bin(builder *b, uint8_t kind, int32_t l, int32_t r) {
  if (l < 0 || r < 0)
    return -1;
  return fm_new(b, (formula){.kind = kind, .l = l, .r = r});
}

static int32_t fm_not(builder *b, int32_t l) {
  if (l < 0)
    return -1;
  return fm_new(b, (formula){.kind = FM_NOT, .l = l, .r = -1});
}

static uint32_t feat_of(builder *b, fkind kind, uint32_t a, uint32_t bb) {
  pol_plan *pl = b->pl;
  for (uint32_t i = 0; i < pl->nfeats; i++)
    if (pl->feats[i].kind == kind && pl->feats[i].a == a && pl->feats[i].b == bb && kind != F_CODE)
      return i;
  if (!GROW(b, pl->feats, pl->nfeats, b->capfeat))
    return 0;
  pl->feats[pl->nfeats] = (feature){(uint8_t)kind, a, bb, NULL, 0, 0};
  if (kind == F_IDBYTE) { /* every byte value its own interval: indexed directly */
    feature *f = &pl->feats[pl->nfeats];
    if (!(f->cuts = malloc(255 * sizeof *f->cuts))) {
      b->fail = true;
      return 0;
    }
    for (int64_t c = 1; c < 256; c++)
      f->cuts[c - 1] = c;
    f->ncuts = f->cap = 255;
  }
  return pl->nfeats++;
}

static void add_cut(builder *b, uint32_t fi, int64_t c) {
  feature *f = &b->pl->feats[fi];
  if (c == INT64_MIN || f->kind == F_IDBYTE)
    return; /* the first interval starts there anyway; bytes have every cut */
  for (uint32_t i = 0; i < f->ncuts; i++)
    if (f->cuts[i] == c)
      return;
  if (!GROW(b, f->cuts, f->ncuts, f->cap))
    return;
  f->cuts[f->ncuts++] = c;
}

/* An atom: feature fi lies in the union of rs[0..n). */
static int32_t fm_atom(builder *b, uint32_t fi, const range *rs, uint32_t n) {
  if (b->fail)
    return -1;
  uint32_t first = b->nranges;
  for (uint32_t i = 0; i < n; i++) {
    if (rs[i].lo > rs[i].hi)
      continue;
    if (!GROW(b, b->ranges, b->nranges, b->capr))
      return -1;
    b->ranges[b->nranges++] = rs[i];
    add_cut(b, fi, rs[i].lo);
    if (rs[i].hi != INT64_MAX)
      add_cut(b, fi, rs[i].hi + 1);
  }
  return fm_new(b, (formula){.kind = FM_ATOM, .feat = fi, .rfirst = first,
                             .rcount = b->nranges - first, .l = -1, .r = -1});
}

/* The ranges where `v cmp k` holds (op an opcode EQ..GE); *n of them. */
static void cmp_ranges(uint32_t op, int64_t k, range out[2], uint32_t *n) {
  *n = 1;
  switch (op) {
  case OP_EQ: out[0] = (range){k, k}; break;
  case OP_NE:
    out[0] = (range){INT64_MIN, k == INT64_MIN ? INT64_MIN : k - 1};
    if (k == INT64_MIN) out[0] = (range){1, 0};
    out[1] = (range){k == INT64_MAX ? 1 : k + 1, k == INT64_MAX ? 0 : INT64_MAX};
    *n = 2;
    break;
  case OP_LT: out[0] = k == INT64_MIN ? (range){1, 0} : (range){INT64_MIN, k - 1}; break;
  case OP_LE: out[0] = (range){INT64_MIN, k}; break;
  case OP_GT: out[0] = k == INT64_MAX ? (range){1, 0} : (range){k + 1, INT64_MAX}; break;
  default: out[0] = (range){k, INT64_MAX}; break; /* GE */
  }
}

static uint32_t mirror(uint32_t op) {
  switch (op) {
  case OP_LT: return OP_GT;
  case OP_LE: return OP_GE;
  case OP_GT: return OP_LT;
  case OP_GE: return OP_LE;
  default: return op;
  }
}

static bool is_cmp(uint32_t op) {
  return op == OP_EQ || op == OP_NE || op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE;
}

/* A date slot that is always a valid date: the payment date, or a date attribute that
 * is never absent. */
static bool sure_date_slot(const pol_program *p, int32_t n, const lx *t, uint32_t *slot) {
  if (n < 0 || lift_op(&t[n]) != OP_LOAD)
    return false;
  uint32_t s = INSN_B(t[n].insn);
  if (s == SLOT_PAID_ON) {
    *slot = s;
    return true;
  }
  for (uint32_t i = 0; i < p->nattrs; i++)
    if (!p->attrs[i].is_identities && p->attrs[i].slot == s && p->attrs[i].type == TY_DATE &&
        p->attrs[i].presence != PRESENCE_OPTIONAL) {
      *slot = s;
      return true;
    }
  return false;
}

static void guard(builder *b, uint32_t slot, int64_t days) {
  pol_plan *pl = b->pl;
  if (days < 0)
    days = -days;
  if (days > pl->guard_days)
    pl->guard_days = days;
  for (uint32_t i = 0; i < pl->nguard; i++)
    if (pl->guard_slots[i] == slot)
      return;
  uint32_t cap = pl->nguard;
  uint32_t *q = realloc(pl->guard_slots, (cap + 1) * sizeof *q);
  if (q == NULL) {
    b->fail = true;
    return;
  }
  pl->guard_slots = q;
  pl->guard_slots[pl->nguard++] = slot;
}

/* A feature for the int-valued tree n: a plain input, or bytecode. */
static uint32_t value_feature(builder *b, int32_t n) {
  const lx *x = &b->lx.t[n];
  if (lift_op(x) == OP_LOAD && lift_input_slot(b->p, INSN_B(x->insn)))
    return feat_of(b, F_SLOT, INSN_B(x->insn), 0);
  uint32_t s;
  if (lift_op(x) == OP_AGE && sure_date_slot(b->p, x->kid[0], b->lx.t, &s)) {
    uint32_t s2;
    if (sure_date_slot(b->p, x->kid[1], b->lx.t, &s2))
      return feat_of(b, F_AGE, s, s2);
  }
  int64_t start = lift_emit(&b->lx, n);
  if (start < 0) {
    b->fail = true;
    return 0;
  }
  return feat_of(b, F_CODE, (uint32_t)start, 0);
}

/* `date slot + k days` (k may be 0): the slot and k. */
static bool date_plus(builder *b, int32_t n, uint32_t *slot, int64_t *k) {
  const lx *x = &b->lx.t[n];
  if (sure_date_slot(b->p, n, b->lx.t, slot)) {
    *k = 0;
    return true;
  }
  if (lift_op(x) == OP_ADDDAYS && sure_date_slot(b->p, x->kid[0], b->lx.t, slot) &&
      b->lx.t[x->kid[1]].known && b->lx.t[x->kid[1]].val > -4000000 && b->lx.t[x->kid[1]].val < 4000000) {
    *k = b->lx.t[x->kid[1]].val;
    return true;
  }
  return false;
}

static int32_t formula_of(builder *b, int32_t n);

/* Tree n compared with constant k by op (n is the left operand). */
static int32_t compare_const(builder *b, int32_t n, uint32_t op, int64_t k) {
  range rs[2];
  uint32_t nr;
  const lx *x = &b->lx.t[n];
  uint32_t s;
  /* year(d) cmp k  <=>  d cmp' 1 January of k or k+1 (year is monotone; d a sure date) */
  if (lift_op(x) == OP_YEAR && sure_date_slot(b->p, x->kid[0], b->lx.t, &s) && k >= 1 && k <= 9998) {
    int64_t jan1 = cal_from_ymd((int)k, 1, 1), next = cal_from_ymd((int)k + 1, 1, 1);
    switch (op) {
    case OP_EQ: rs[0] = (range){jan1, next - 1}; nr = 1; break;
    case OP_NE: rs[0] = (range){INT64_MIN, jan1 - 1}; rs[1] = (range){next, INT64_MAX}; nr = 2; break;
    case OP_LT: rs[0] = (range){INT64_MIN, jan1 - 1}; nr = 1; break;
    case OP_LE: rs[0] = (range){INT64_MIN, next - 1}; nr = 1; break;
    case OP_GT: rs[0] = (range){next, INT64_MAX}; nr = 1; break;
    default: rs[0] = (range){jan1, INT64_MAX}; nr = 1; break;
    }
    return fm_atom(b, feat_of(b, F_SLOT, s, 0), rs, nr);
  }
  cmp_ranges(op, k, rs, &nr);
  return fm_atom(b, value_feature(b, n), rs, nr);
}

/* A truth table over the chosen category for tree n, which reads only `category` and
 * `subsidized`: evaluated on the VM for each category (and none). */
static int32_t category_formula(builder *b, int32_t n) {
  const pol_program *p = b->p;
  uint32_t first = b->ncattab;
  uint32_t mark = b->lx.ncode;
  int64_t start = lift_emit(&b->lx, n);
  if (start < 0)
    return -1;
  for (uint32_t t = 0; t <= p->ncategories; t++) { /* t: category + 1, 0 none */
    bool none = t == 0;
    uint32_t c = t - 1;
    b->lx.ev->slots[SLOT_CATEGORY] = none ? -1 : (int64_t)c;
    b->lx.ev->slots[SLOT_SUBSIDIZED] = !none && ((b->subsidized >> c) & 1);
    int64_t v;
    if (vm_exec(b->lx.ev, b->lx.code, (uint32_t)start, &v) != POL_OK ||
        !GROW(b, b->cattab, b->ncattab, b->capcat))
      return -1;
    b->cattab[b->ncattab++] = v != 0;
  }
  b->lx.ev->slots[SLOT_CATEGORY] = b->lx.ev->slots[SLOT_SUBSIDIZED] = 0;
  b->lx.ncode = mark;
  return fm_new(b, (formula){.kind = FM_CAT, .rfirst = first, .l = -1, .r = -1});
}

/* The formula of boolean tree n. */
static int32_t formula_of(builder *b, int32_t n) {
  if (n < 0 || b->fail)
    return -1;
  const pol_program *p = b->p;
  const lx *x = &b->lx.t[n];
  uint32_t op = lift_op(x);
  range rs[2];
  if (x->known)
    return fm_const(b, x->val != 0);
  if (x->deps == D_CAT)
    return category_formula(b, n);
  if (x->deps & D_CAT) {
    if (op == OP_ANDJ || op == OP_ORJ)
      return fm_bin(b, op == OP_ANDJ ? FM_AND : FM_OR, formula_of(b, x->kid[0]),
                    formula_of(b, x->kid[1]));
    if (op == OP_NOT)
      return fm_not(b, formula_of(b, x->kid[0]));
    if (op == LX_IF) {
      int32_t c = formula_of(b, x->kid[0]);
      return fm_bin(b, FM_OR, fm_bin(b, FM_AND, c, formula_of(b, x->kid[1])),
                    fm_bin(b, FM_AND, fm_not(b, c), formula_of(b, x->kid[2])));
    }
    return -1; /* the category mixed with inputs below a comparison */
  }
  switch (op) {
  case OP_ANDJ:
  case OP_ORJ:
    return fm_bin(b, op == OP_ANDJ ? FM_AND : FM_OR, formula_of(b, x->kid[0]),
                  formula_of(b, x->kid[1]));
  case OP_NOT: return fm_not(b, formula_of(b, x->kid[0]));
  case LX_IF: {
    int32_t c = formula_of(b, x->kid[0]);
    return fm_bin(b, FM_OR, fm_bin(b, FM_AND, c, formula_of(b, x->kid[1])),
                  fm_bin(b, FM_AND, fm_not(b, c), formula_of(b, x->kid[2])));
  }
  case OP_IDENT: {
    /* bit a % 8 of byte a / 8; an F_IDBYTE atom's one range names the bit */
    rs[0] = (range){INSN_A(x->insn) % 8, INSN_A(x->insn) % 8};
    return fm_atom(b, feat_of(b, F_IDBYTE, INSN_A(x->insn) / 8, 0), rs, 1);
  }
  case OP_PRESENT:
    rs[0] = (range){INT64_MIN + 1, INT64_MAX};
    return fm_atom(b, feat_of(b, F_SLOT, INSN_B(x->insn), 0), rs, 1);
  case OP_INRANGE: {
    int64_t lo = p->consts[INSN_A(x->insn)], hi = p->consts[INSN_B(x->insn)];
    rs[0] = (range){lo == INT64_MIN ? INT64_MIN + 1 : lo, hi}; /* absent is in no range */
    return fm_atom(b, value_feature(b, x->kid[0]), rs, 1);
  }
  case OP_INSET: {
    uint64_t mask = (uint64_t)p->consts[INSN_B(x->insn)];
    uint32_t fi = value_feature(b, x->kid[0]);
    int32_t acc = fm_const(b, false);
    for (int64_t v = 0; v < 64; v++) {
      if (!((mask >> v) & 1))
        continue;
      int64_t hi = v;
      while (hi + 1 < 64 && ((mask >> (hi + 1)) & 1))
        hi++;
      rs[0] = (range){v, hi};
      acc = fm_bin(b, FM_OR, acc, fm_atom(b, fi, rs, 1));
      v = hi;
    }
    return acc;
  }
  case OP_INWIN:
  case OP_INCOLL: {
    uint32_t s;
    int32_t lo = p->coll_lo, hi = p->coll_hi;
    uint8_t dlo = p->coll_dlo, dhi = p->coll_dhi;
    if (op == OP_INWIN) {
      const prg_window *w = &p->windows[INSN_B(x->insn)];
      lo = w->lo, hi = w->hi, dlo = w->dlo, dhi = w->dhi;
    }
    if (!(lift_op(&b->lx.t[x->kid[0]]) == OP_LOAD && lift_input_slot(p, s = INSN_B(b->lx.t[x->kid[0]].insn))))
      break;
    if (lo > hi)
      return fm_const(b, false);
    rs[0] = (range){lo, hi};
    int32_t in = fm_atom(b, feat_of(b, F_SLOT, s, 0), rs, 1);
    if (dlo <= 1 && dhi >= 31)
      return in;
    rs[0] = (range){dlo, dhi};
    return fm_bin(b, FM_AND, in, fm_atom(b, feat_of(b, F_DAY, s, 0), rs, 1));
  }
  case OP_LOAD:
    rs[0] = (range){INT64_MIN, -1};
    rs[1] = (range){1, INT64_MAX};
    return fm_atom(b, value_feature(b, n), rs, 2);
  default:
    break;
  }
  if (is_cmp(op)) {
    int32_t l = x->kid[0], r = x->kid[1];
    if (b->lx.t[r].known)
      return compare_const(b, l, op, b->lx.t[r].val);
    if (b->lx.t[l].known)
      return compare_const(b, r, mirror(op), b->lx.t[l].val);
    /* d1 + k1 cmp d2 + k2  <=>  d1 - d2 cmp k2 - k1, for sure dates inside the guard */
    uint32_t s1, s2;
    int64_t k1, k2;
    if (date_plus(b, l, &s1, &k1) && date_plus(b, r, &s2, &k2) && s1 != s2) {
      guard(b, s1, k1);
      guard(b, s2, k2);
      uint32_t nr;
      cmp_ranges(op, k2 - k1, rs, &nr);
      return fm_atom(b, feat_of(b, F_DIFF, s1, s2), rs, nr);
    }
  }
  /* anything else: its value, from bytecode, is non-zero */
  rs[0] = (range){INT64_MIN, -1};
  rs[1] = (range){1, INT64_MAX};
  return fm_atom(b, value_feature(b, n), rs, 2);
}

/* ---- 3. variables ------------------------------------------------------------------- */

static int cmp64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Variables are ordered identities first, then inputs by slot, then derived features:
 * var_of[f] is feature f's variable. */
static uint32_t rank(const feature *f) {
  switch (f->kind) {
  case F_IDBYTE: return 0;
  case F_SLOT: return f->a == SLOT_PAID_ON ? 2 : 1;
  case F_DAY: return 3;
  case F_DIFF:
  case F_AGE: return 4;
  default: return 5;
  }
}

static int32_t *order_features(builder *b) {
  pol_plan *pl = b->pl;
  /* reorder pl->feats in place by (rank, original index); formulas refer to features
     through the returned map old -> new */
  uint32_t n = pl->nfeats;
  int32_t *map = malloc((n ? n : 1) * sizeof *map);
  feature *sorted = malloc((n ? n : 1) * sizeof *sorted);
  if (map == NULL || sorted == NULL) {
    free(map);
    free(sorted);
    b->fail = true;
    return NULL;
  }
  uint32_t k = 0;
  for (uint32_t r = 0; r <= 5; r++)
    for (uint32_t i = 0; i < n; i++)
      if (rank(&pl->feats[i]) == r) {
        map[i] = (int32_t)k;
        sorted[k++] = pl->feats[i];
      }
  if (n > 0) /* pl->feats is NULL when there is no feature */
    memcpy(pl->feats, sorted, n * sizeof *sorted);
  free(sorted);
  for (uint32_t i = 0; i < n; i++)
    if (pl->feats[i].ncuts > 1)
      qsort(pl->feats[i].cuts, pl->feats[i].ncuts, sizeof(int64_t), cmp64);
  return map;
}

/* ---- 4. diagrams -------------------------------------------------------------------- */

static uint32_t t_cat(void *ud, uint32_t c, uint32_t b2) {
  (void)b2;
  return ((const uint8_t *)ud)[c]; /* c: category + 1, 0 none */
}

static mdd_ref diagram(builder *b, int32_t fm, const int32_t *map, mdd_ref cat);

static mdd_ref diagram(builder *b, int32_t fm, const int32_t *map, mdd_ref cat) {
  if (fm < 0 || b->fail)
    return MDD_FULL;
  const formula *f = &b->f[fm];
  switch (f->kind) {
  case FM_CONST: return MDD_TERM(f->value);
  case FM_AND: {
    mdd_ref l = diagram(b, f->l, map, cat);
    return mdd_and(b->m, l, diagram(b, f->r, map, cat));
  }
  case FM_OR: {
    mdd_ref l = diagram(b, f->l, map, cat);
    return mdd_or(b->m, l, diagram(b, f->r, map, cat));
  }
  case FM_NOT: return mdd_not(b->m, diagram(b, f->l, map, cat));
  case FM_CAT: /* the table is indexed like the category diagram's terminals */
    return mdd_apply(b->m, b->next_op++, t_cat, &b->cattab[f->rfirst], cat, MDD_TERM(0));
  default: break;
  }
  const feature *ft = &b->pl->feats[map[f->feat]];
  uint32_t dom = ft->ncuts + 1;
  bool in[dom];
  for (uint32_t i = 0; i < dom; i++) {
    int64_t v = i == 0 ? INT64_MIN : ft->cuts[i - 1];
    if (ft->kind == F_IDBYTE) { /* interval i is the byte value i */
      in[i] = (i >> b->ranges[f->rfirst].lo) & 1;
      continue;
    }
    in[i] = false;
    for (uint32_t r = 0; r < f->rcount && !in[i]; r++)
      in[i] = b->ranges[f->rfirst + r].lo <= v && v <= b->ranges[f->rfirst + r].hi;
  }
  return mdd_test(b->m, (uint32_t)map[f->feat], in, 1, 0);
}

/* Cells: hash-consed terminal values of the final diagram. */
static uint32_t cell_hash(const cell *c) {
  uint64_t h = (uint64_t)(uint32_t)c->cat * 0x9e3779b97f4a7c15ull;
  h ^= ((uint64_t)(uint32_t)c->win << 1 | c->day_ok) * 0xc2b2ae3d27d4eb4full;
  h ^= c->rules * 0x165667b19e3779f9ull;
  h ^= c->addons * 0x27d4eb2f165667c5ull;
  return (uint32_t)(h ^ h >> 29);
}

static bool same_cell(const cell *x, const cell *y) {
  return x->cat == y->cat && x->win == y->win && x->day_ok == y->day_ok &&
         x->rules == y->rules && x->addons == y->addons;
}

static bool cell_rehash(builder *b) {
  uint32_t cap = b->cell_table_cap ? b->cell_table_cap * 2 : 1024;
  uint32_t *t = calloc(cap, sizeof *t);
  if (t == NULL)
    return false;
  for (uint32_t i = 0; i < b->pl->ncells; i++) {
    uint32_t h = cell_hash(&b->pl->cells[i]) & (cap - 1);
    while (t[h])
      h = (h + 1) & (cap - 1);
    t[h] = i + 1;
  }
  free(b->cell_table);
  b->cell_table = t;
  b->cell_table_cap = cap;
  return true;
}

static uint32_t cell_id(builder *b, cell c) {
  pol_plan *pl = b->pl;
  if (b->fail)
    return 0;
  if ((pl->ncells + 1) * 2 > b->cell_table_cap && !cell_rehash(b)) {
    b->fail = true;
    return 0;
  }
  uint32_t h = cell_hash(&c) & (b->cell_table_cap - 1);
  for (; b->cell_table[h]; h = (h + 1) & (b->cell_table_cap - 1))
    if (same_cell(&pl->cells[b->cell_table[h] - 1], &c))
      return b->cell_table[h] - 1;
  if (!GROW(b, pl->cells, pl->ncells, b->capcells))
    return 0;
  pl->cells[pl->ncells] = c;
  b->cell_table[h] = pl->ncells + 1;
  return pl->ncells++;
}

typedef struct { builder *b; uint32_t what, i; } cell_op;
enum { SET_WIN, SET_RULE, SET_ADDON };

static uint32_t t_cell(void *ud, uint32_t cid, uint32_t v) {
  cell_op *o = ud;
  cell c = o->b->pl->cells[cid];
  switch (o->what) {
  case SET_WIN:
    c.win = v == 0 ? -1 : (int32_t)((v - 1) / 2);
    c.day_ok = v != 0 && ((v - 1) & 1);
    break;
  case SET_RULE:
    if (v) c.rules |= (uint64_t)1 << o->i;
    break;
  default:
    if (v) c.addons |= (uint64_t)1 << o->i;
    break;
  }
  return cell_id(o->b, c);
}

static uint32_t t_cellinit(void *ud, uint32_t c, uint32_t v) {
  (void)v;
  return cell_id(ud, (cell){(int32_t)c - 1, -1, 0, 0, 0});
}

/* Static choose order: categories sorted best first (their amounts are constants). */
static int better_static(const pol_program *p, const pol_plan *pl, uint32_t ci, uint32_t bi) {
  for (uint32_t k = 0; k < p->nchoose; k++) {
    const prg_choose_key *key = &p->choose[k];
    int64_t cv = 0, bv = 0;
    int dir = 1;
    switch (key->kind) {
    case KEY_LOWEST_INDIVIDUAL: dir = -1; /* fall through */
    case KEY_HIGHEST_INDIVIDUAL: cv = pl->amounts[ci].individual; bv = pl->amounts[bi].individual; break;
    case KEY_LOWEST_FUNDING: dir = -1; /* fall through */
    case KEY_HIGHEST_FUNDING: cv = pl->amounts[ci].funding; bv = pl->amounts[bi].funding; break;
    case KEY_LOWEST_SOURCE: dir = -1; /* fall through */
    case KEY_HIGHEST_SOURCE:
      if (key->source < p->nsources) {
        cv = pl->funding[(size_t)ci * p->nsources + key->source];
        bv = pl->funding[(size_t)bi * p->nsources + key->source];
      }
      break;
    case KEY_FIRST: return ci < bi ? 1 : -1;
    case KEY_LAST: return ci > bi ? 1 : -1;
    default: break;
    }
    int r = dir * ((cv > bv) - (cv < bv));
    if (r != 0)
      return r;
  }
  return ci < bi ? 1 : -1;
}

static bool static_amounts(builder *b) {
  const pol_program *p = b->p;
  pol_plan *pl = b->pl;
  pl->amounts = calloc(p->ncategories ? p->ncategories : 1, sizeof *pl->amounts);
  pl->funding = calloc((size_t)(p->ncategories ? p->ncategories : 1) * (p->nsources ? p->nsources : 1),
                       sizeof *pl->funding);
  if (!pl->amounts || !pl->funding)
    return false;
  for (uint32_t c = 0; c < p->ncategories; c++) {
    const prg_category *cat = &p->categories[c];
    int32_t w = lift_section(&b->lx, cat->worth);
    if (w < 0 || !b->lx.t[w].known)
      return false;
    for (uint32_t k = 0; k < cat->part_count; k++) {
      if (k == cat->rest_part)
        continue;
      int32_t v = lift_section(&b->lx, p->parts[cat->part_first + k].value);
      if (v < 0 || !b->lx.t[v].known)
        return false;
    }
    bool bad;
    if (eval_category(b->lx.ev, c, &pl->amounts[c], &pl->funding[(size_t)c * p->nsources], &bad) !=
            POL_OK ||
        bad)
      return false;
    for (uint32_t s = 0; s < p->nsources; s++)
      if (pl->funding[(size_t)c * p->nsources + s] > 0 && c < 64)
        b->subsidized |= (uint64_t)1 << c;
  }
  return p->ncategories <= 63;
}

static void effect_values(builder *b) {
  const pol_program *p = b->p;
  pol_plan *pl = b->pl;
  for (uint32_t i = 0; i < p->neffects; i++) {
    const prg_effect *e = &p->effects[i];
    if (!prg_effect_valued(e->kind))
      continue;
    int32_t n = lift_section(&b->lx, e->value);
    if (n < 0)
      continue;
    if (b->lx.t[n].known) {
      pl->effkind[i] = 1;
      pl->effval[i] = b->lx.t[n].val;
    } else if (lift_op(&b->lx.t[n]) == OP_LOAD && lift_input_slot(p, INSN_B(b->lx.t[n].insn))) {
      pl->effkind[i] = 2;
      pl->effval[i] = INSN_B(b->lx.t[n].insn);
    } else { /* its lifted tree as a piece: the lets inlined, none need computing */
      int64_t start = lift_emit(&b->lx, n);
      if (start >= 0) {
        pl->effkind[i] = 3;
        pl->effval[i] = start;
      }
    }
  }
}

/* May evaluating effect i fail at run time?  (It is bytecode, an optional date, or a
 * constant that is not a day where a day is needed.) */
static bool may_fail(builder *b, uint32_t i) {
  const pol_program *p = b->p;
  const prg_effect *e = &p->effects[i];
  if (!prg_effect_valued(e->kind))
    return false;
  if (e->kind == EFF_WAIT_MONTHS_AS_DAYS || e->kind == EFF_WAIT_DAYS_AS_MONTHS)
    return true; /* its `counted` section is always run as bytecode */
  int64_t v = b->pl->effval[i];
  switch (b->pl->effkind[i]) {
  case 1: return (e->kind == EFF_START || e->kind == EFF_END) && (v < CAL_MIN_DAY || v > CAL_MAX_DAY);
  case 2:
    for (uint32_t a = 0; a < p->nattrs; a++)
      if (!p->attrs[a].is_identities && p->attrs[a].slot == (uint32_t)v)
        return p->attrs[a].presence == PRESENCE_OPTIONAL;
    return false;
  default: return true;
  }
}

/* One effect of a cell's replay, in order (plan.h plan_effects); *ok false if an effect
 * replaced here could fail, so that the cell must replay them all. */
static void resolve_one(builder *b, uint32_t i, plan_effects *fx, bool *ok) {
  const prg_effect *e = &b->p->effects[i];
  uint32_t *slot = NULL;
  switch (e->kind) {
  case EFF_START: slot = &fx->start; break;
  case EFF_END: slot = &fx->end; break;
  case EFF_WAIT_MONTHS:
  case EFF_WAIT_DAYS:
  case EFF_WAIT_MONTHS_AS_DAYS:
  case EFF_WAIT_DAYS_AS_MONTHS: slot = &fx->wait; break;
  case EFF_SURCHARGE: slot = &fx->surcharge; break;
  case EFF_FREE: fx->free = true; return;
  case EFF_PAYABLE: fx->payable = 1; return;
  case EFF_NOT_PAYABLE: fx->payable = 2; fx->reason = e->reason; return;
  default: *ok = false; return;
  }
  if (*slot != PRG_NONE && may_fail(b, *slot))
    *ok = false;
  *slot = i;
}

static bool resolve_effects(builder *b) {
  const pol_program *p = b->p;
  pol_plan *pl = b->pl;
  pl->fx = calloc(pl->ncells ? pl->ncells : 1, sizeof *pl->fx);
  pl->fx_ok = calloc(pl->ncells ? pl->ncells : 1, 1);
  if (!pl->fx || !pl->fx_ok)
    return false;
  for (uint32_t c = 0; c < pl->ncells; c++) {
    const cell *cl = &pl->cells[c];
    plan_effects *fx = &pl->fx[c];
    bool ok = true;
    *fx = (plan_effects){PRG_NONE, PRG_NONE, PRG_NONE, PRG_NONE, false, 0, PRG_NONE};
    if (cl->win >= 0) {
      const prg_window *w = &p->windows[cl->win];
      for (uint32_t i = 0; i < w->eff_count; i++)
        resolve_one(b, w->eff_first + i, fx, &ok);
    }
    for (uint32_t r = 0; r < p->nrules; r++)
      if ((cl->rules >> r) & 1)
        for (uint32_t i = 0; i < p->rules[r].eff_count; i++)
          resolve_one(b, p->rules[r].eff_first + i, fx, &ok);
    pl->fx_ok[c] = ok;
  }
  return true;
}

/* The day of the month of every day from the first window's start to the last window's
 * end (at most DOM_MAX days): the walk's F_DAY without calendar arithmetic. */
#define DOM_MAX 4000
static bool day_table(builder *b) {
  const pol_program *p = b->p;
  pol_plan *pl = b->pl;
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (uint32_t w = 0; w < p->nwindows; w++)
    if (p->windows[w].lo <= p->windows[w].hi) {
      lo = p->windows[w].lo < lo ? p->windows[w].lo : lo;
      hi = p->windows[w].hi > hi ? p->windows[w].hi : hi;
    }
  if (lo > hi || hi - lo >= DOM_MAX || lo < CAL_MIN_DAY || hi > CAL_MAX_DAY)
    return true; /* no table: the calendar answers */
  pl->dom = malloc((size_t)(hi - lo + 1));
  if (pl->dom == NULL)
    return false;
  for (int64_t d = lo; d <= hi; d++) {
    int y, m, dd;
    cal_to_ymd((int32_t)d, &y, &m, &dd);
    pl->dom[d - lo] = (uint8_t)dd;
  }
  pl->dom_lo = lo;
  pl->dom_n = (uint32_t)(hi - lo + 1);
  return true;
}

static bool build(builder *b) {
  const pol_program *p = b->p;
  pol_plan *pl = b->pl;
  if (p->nrules > 64 || p->naddons > 64 || p->nwindows > 0x7ffffff)
    return false;
  if (!static_amounts(b))
    return false;
  effect_values(b);

  /* formulas of every deciding section */
  uint32_t nc = p->ncategories;
  int32_t *cat_f = malloc((nc + 1) * sizeof *cat_f);
  int32_t *rule_f = malloc((p->nrules + 1) * sizeof *rule_f);
  int32_t *addon_f = malloc((p->naddons + 1) * sizeof *addon_f);
  int32_t *win_in = malloc((p->nwindows + 1) * sizeof *win_in);
  int32_t *win_ok = malloc((p->nwindows + 1) * sizeof *win_ok);
  uint32_t *order = malloc((nc + 1) * sizeof *order);
  int32_t *map = NULL;
  bool ok = cat_f && rule_f && addon_f && win_in && win_ok && order;
  uint32_t otherwise = PRG_NONE;
  for (uint32_t c = 0; ok && c < nc; c++) {
    if (p->categories[c].otherwise) {
      if (otherwise == PRG_NONE)
        otherwise = c;
      cat_f[c] = fm_const(b, false);
      continue;
    }
    ok = (cat_f[c] = formula_of(b, lift_section(&b->lx, p->categories[c].when))) >= 0;
  }
  /* an after rule (it reads the answer's dates) is never in a cell: the quote runs its
   * `when` once the dates are known, on both paths (quote.c after_rules) */
  for (uint32_t r = 0; ok && r < p->nrules; r++)
    ok = (rule_f[r] = p->rules[r].after ? fm_const(b, false)
                      : p->rules[r].when.start >= p->rules[r].when.end
                          ? fm_const(b, true)
                          : formula_of(b, lift_section(&b->lx, p->rules[r].when))) >= 0;
  for (uint32_t a = 0; ok && a < p->naddons; a++) {
    const prg_addon *ad = &p->addons[a];
    if (ad->paid_by == PRG_NONE)
      addon_f[a] = fm_const(b, false);
    else if (ad->paid_when.start >= ad->paid_when.end)
      addon_f[a] = fm_const(b, true);
    else
      addon_f[a] = formula_of(b, lift_section(&b->lx, ad->paid_when));
    ok = addon_f[a] >= 0;
  }
  for (uint32_t w = 0; ok && w < p->nwindows; w++) {
    const prg_window *win = &p->windows[w];
    range r = {win->lo, win->hi};
    if (win->lo > win->hi) {
      win_in[w] = fm_const(b, false);
      win_ok[w] = fm_const(b, false);
      continue;
    }
    win_in[w] = fm_atom(b, feat_of(b, F_SLOT, SLOT_PAID_ON, 0), &r, 1);
    r = (range){win->dlo, win->dhi};
    win_ok[w] = win->dlo <= 1 && win->dhi >= 31
                    ? fm_const(b, true)
                    : fm_atom(b, feat_of(b, F_DAY, SLOT_PAID_ON, 0), &r, 1);
    ok = win_in[w] >= 0 && win_ok[w] >= 0;
  }
  ok = ok && !b->fail && (map = order_features(b)) != NULL;
  /* bounds on the builder's stack: one variable per recursion level of mdd.c, and
     arrays of one entry per interval in its frames */
  ok = ok && pl->nfeats <= MAX_FEATURES;
  for (uint32_t i = 0; ok && i < pl->nfeats; i++)
    ok = pl->feats[i].ncuts <= MAX_CUTS;

  if (ok) {
    uint32_t dom[pl->nfeats ? pl->nfeats : 1];
    for (uint32_t i = 0; i < pl->nfeats; i++)
      dom[i] = pl->feats[i].ncuts + 1;
    b->m = mdd_new(pl->nfeats, dom, MAX_NODES);
    ok = b->m != NULL;
  }
  mdd_ref root = MDD_FULL;
  if (ok) {
    /* the category: the best (static order) whose `when` holds, else `otherwise` */
    uint32_t k = 0;
    for (uint32_t c = 0; c < nc; c++)
      if (!p->categories[c].otherwise)
        order[k++] = c;
    for (uint32_t i = 1; i < k; i++) /* insertion sort, best first */
      for (uint32_t j = i; j > 0 && better_static(p, pl, order[j], order[j - 1]) > 0; j--) {
        uint32_t t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }
    mdd_ref cat = MDD_TERM(otherwise == PRG_NONE ? 0 : otherwise + 1);
    for (uint32_t i = k; i-- > 0;)
      cat = mdd_ite(b->m, diagram(b, cat_f[order[i]], map, MDD_FULL), MDD_TERM(order[i] + 1), cat);
    root = mdd_apply(b->m, b->next_op++, t_cellinit, b, cat, MDD_TERM(0));

    mdd_ref win = MDD_TERM(0);
    for (uint32_t w = p->nwindows; w-- > 0;) {
      mdd_ref okd = diagram(b, win_ok[w], map, cat);
      /* terminal 1 + 2w + ok */
      mdd_ref both = mdd_ite(b->m, okd, MDD_TERM(2 + 2 * w), MDD_TERM(1 + 2 * w));
      win = mdd_ite(b->m, diagram(b, win_in[w], map, cat), both, win);
    }
    cell_op o = {b, SET_WIN, 0};
    root = mdd_apply(b->m, b->next_op++, t_cell, &o, root, win);
    for (uint32_t r = 0; r < p->nrules; r++) {
      cell_op orl = {b, SET_RULE, r};
      root = mdd_apply(b->m, b->next_op++, t_cell, &orl, root, diagram(b, rule_f[r], map, cat));
    }
    for (uint32_t a = 0; a < p->naddons; a++) {
      cell_op oa = {b, SET_ADDON, a};
      root = mdd_apply(b->m, b->next_op++, t_cell, &oa, root, diagram(b, addon_f[a], map, cat));
    }
    ok = root != MDD_FULL && !b->fail;
  }
  if (ok) {
    pl->root = root;
    pl->nnodes = mdd_count(b->m);
    size_t nk = mdd_nchildren(b->m);
    pl->nodes = malloc((pl->nnodes ? pl->nnodes : 1) * sizeof *pl->nodes);
    pl->kids = malloc((nk ? nk : 1) * sizeof *pl->kids);
    ok = pl->nodes && pl->kids;
    for (uint32_t i = 0; ok && i < pl->nnodes; i++) {
      const mdd_node *n = &mdd_nodes(b->m)[i];
      const feature *f = &pl->feats[n->var];
      pl->nodes[i] = (walk_node){f->kind, f->a, f->b, f->ncuts, f->cuts, n->base};
    }
    if (ok && nk > 0) /* no child: both arrays may be NULL */
      memcpy(pl->kids, mdd_children(b->m), nk * sizeof *pl->kids);
  }
  /* a cell holds the rules that apply: those overridden by one that applies are dropped
   * (the cell table is not searched after this) */
  for (uint32_t c = 0; ok && p->noverrides > 0 && c < pl->ncells; c++)
    pl->cells[c].rules = eval_overrides_mask(p, pl->cells[c].rules);
  if (ok)
    ok = resolve_effects(b) && day_table(b);
  free(cat_f);
  free(rule_f);
  free(addon_f);
  free(win_in);
  free(win_ok);
  free(order);
  free(map);
  return ok;
}

/* The triggers of tree n (see plan_assume) into a; false: a slot that is no attribute,
 * or more than PLAN_TRIGGERS of them. */
static bool triggers(const builder *b, int32_t n, plan_assume *a) {
  const lx *x = &b->lx.t[n];
  uint32_t op = lift_op(x);
  if (x->known) return true;
  if (op == OP_LOAD || op == OP_PRESENT) {
    uint32_t s = INSN_B(x->insn);
    for (uint32_t i = 0; i < b->p->nattrs; i++) {
      const prg_attr *at = &b->p->attrs[i];
      if (at->slot != s) continue;
      if (at->presence != PRESENCE_DEFAULT && at->presence != PRESENCE_OPTIONAL) return true; /* not a trigger */
      for (uint32_t k = 0; k < a->ntrig; k++)
        if (a->slot[k] == s) return true;
      if (a->ntrig == PLAN_TRIGGERS) return false;
      a->slot[a->ntrig] = s;
      a->dflt[a->ntrig++] = at->presence == PRESENCE_OPTIONAL ? PRG_ABSENT : at->dflt;
      return true;
    }
    return true; /* the payment date, identities: not triggers */
  }
  for (int k = 0; k < 3; k++)
    if (x->kid[k] >= 0 && !triggers(b, x->kid[k], a)) return false;
  return true;
}

/* Does tree n read only the triggers of a (and constants)? */
static bool only_triggers(const builder *b, int32_t n, const plan_assume *a) {
  const lx *x = &b->lx.t[n];
  uint32_t op = lift_op(x);
  if (x->known) return true;
  if (op == OP_LOAD || op == OP_PRESENT) {
    for (uint32_t k = 0; k < a->ntrig; k++)
      if (a->slot[k] == INSN_B(x->insn)) return true;
    return false;
  }
  if (op == OP_IDENT || op == OP_CALL) return false;
  for (int k = 0; k < 3; k++)
    if (x->kid[k] >= 0 && !only_triggers(b, x->kid[k], a)) return false;
  return true;
}

/* Tree n with every trigger at its default: 1 true, 0 false, -1 unknown (depends on the
 * other inputs).  and/or/not are decided three-valued; a subtree reading only triggers
 * is run on the VM. */
static int at_defaults(builder *b, int32_t n, const plan_assume *a) {
  const lx *x = &b->lx.t[n];
  uint32_t op = lift_op(x);
  if (x->known) return x->val != 0;
  if (op == OP_NOT) {
    int v = at_defaults(b, x->kid[0], a);
    return v < 0 ? -1 : !v;
  }
  if (op == OP_ANDJ || op == OP_ORJ) {
    int l = at_defaults(b, x->kid[0], a), r = at_defaults(b, x->kid[1], a);
    int absorb = op == OP_ORJ; /* or: true decides; and: false decides */
    if (l == absorb || r == absorb) return absorb;
    return l < 0 || r < 0 ? -1 : !absorb;
  }
  if (!only_triggers(b, n, a)) return -1;
  uint32_t mark = b->lx.ncode;
  int64_t start = lift_emit(&b->lx, n), v = 0;
  if (start < 0) return -1;
  for (uint32_t k = 0; k < a->ntrig; k++) b->lx.ev->slots[a->slot[k]] = a->dflt[k];
  pol_status st = vm_exec(b->lx.ev, b->lx.code, (uint32_t)start, &v);
  b->lx.ncode = mark;
  return st == POL_OK ? v != 0 : -1;
}

/* The shortcuts of p's assumptions (plan_assume); false when out of memory. */
static bool assume_shortcuts(builder *b) {
  const pol_program *p = b->p;
  b->pl->assume = calloc(p->nassumes ? p->nassumes : 1, sizeof *b->pl->assume);
  if (!b->pl->assume) return false;
  for (uint32_t i = 0; i < p->nassumes; i++) {
    plan_assume *a = &b->pl->assume[i];
    int32_t t = lift_section(&b->lx, p->assumes[i].holds);
    a->shortcut = t >= 0 && triggers(b, t, a) && a->ntrig > 0 && at_defaults(b, t, a) == 1;
  }
  return true;
}

bool plan_assumed(const pol_plan *pl, uint32_t i, const int64_t *slots) {
  const plan_assume *a = &pl->assume[i];
  if (!a->shortcut) return false;
  for (uint32_t k = 0; k < a->ntrig; k++)
    if (slots[a->slot[k]] != a->dflt[k]) return false;
  return true;
}

pol_plan *plan_build(const pol_program *p) {
  /* host functions (`extern`) are opaque: never tabulated, the interpreter calls them
   * (lift_range could not lift CALL anyway: its pops are its extern's arity) */
  /* declined, so that the interpreter answers: host functions; values the notice does not
   * state (their null answers and the subsidized of an unstated fund are the
   * interpreter's alone); periods (#19 B4) */
  if (p == NULL || p->nexterns > 0 || p->nunstated > 0 || p->nperiods > 0)
    return NULL;
  builder b;
  memset(&b, 0, sizeof b);
  b.p = p;
  b.next_op = 16;
  b.pl = calloc(1, sizeof *b.pl);
  if (b.pl)
    b.pl->nsources = p->nsources;
  bool ok = lift_init(&b.lx, p) && b.pl;
  if (ok) {
    b.pl->effkind = calloc(p->neffects ? p->neffects : 1, 1);
    b.pl->effval = calloc(p->neffects ? p->neffects : 1, sizeof *b.pl->effval);
    ok = b.pl->effkind && b.pl->effval && assume_shortcuts(&b) && build(&b) && !b.lx.fail;
  }
  if (ok) { /* the pieces of bytecode the features run */
    b.pl->code = b.lx.code;
    b.pl->ncode = b.lx.ncode;
    b.lx.code = NULL;
  }
  mdd_free(b.m);
  lift_fini(&b.lx);
  free(b.f);
  free(b.ranges);
  free(b.cattab);
  free(b.cell_table);
  if (!ok) {
    plan_free(b.pl);
    return NULL;
  }
  return b.pl;
}

/* The marker of a program without a plan: an object never read or written. */
static pol_plan *plan_none(void) {
  static const char none;
  return (pol_plan *)(uintptr_t)&none;
}

const pol_plan *plan_of(const pol_program *p) {
  /* the cache is the one member written after construction (program.h) */
  _Atomic(pol_plan *) *slot = (_Atomic(pol_plan *) *)&((pol_program *)(uintptr_t)p)->plan;
  pol_plan *pl = atomic_load(slot);
  if (pl == NULL) {
    pol_plan *built = plan_build(p), *expected = NULL;
    if (built == NULL)
      built = plan_none();
    if (atomic_compare_exchange_strong(slot, &expected, built)) {
      pl = built;
    } else {
      plan_free(built);
      pl = expected;
    }
  }
  return pl == plan_none() ? NULL : pl;
}

void plan_free(pol_plan *pl) {
  if (pl == NULL || pl == plan_none())
    return;
  for (uint32_t i = 0; i < pl->nfeats; i++)
    free(pl->feats[i].cuts);
  free(pl->feats);
  free(pl->assume);
  free(pl->nodes);
  free(pl->kids);
  free(pl->code);
  free(pl->cells);
  free(pl->fx);
  free(pl->fx_ok);
  free(pl->amounts);
  free(pl->funding);
  free(pl->effkind);
  free(pl->effval);
  free(pl->guard_slots);
  free(pl->dom);
  free(pl);
}

/* ---- walking ------------------------------------------------------------------------ */

/* The interval of v among n's cuts: a linear scan for a few, else binary search. */
static inline uint32_t cut_index(const walk_node *n, int64_t v) {
  uint32_t lo = 0, hi = n->ncuts;
  if (hi <= 8) {
    while (lo < hi && n->cuts[lo] <= v)
      lo++;
    return lo;
  }
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (n->cuts[mid] <= v)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

bool plan_decide(const pol_plan *pl, pol_eval *ev, plan_cell *out) {
  const int64_t *s = ev->slots;
  for (uint32_t i = 0; i < pl->nguard; i++) {
    int64_t v = s[pl->guard_slots[i]];
    if (v < CAL_MIN_DAY + pl->guard_days || v > CAL_MAX_DAY - pl->guard_days)
      return false;
  }
  mdd_ref r = pl->root;
  while (!MDD_IS_TERM(r)) {
    const walk_node *n = &pl->nodes[r];
    int64_t v;
    int y, m, d;
    switch (n->kind) {
    case F_IDBYTE: /* every byte value is its own interval */
      r = pl->kids[n->base + (((uint64_t)s[SLOT_IDENTITIES] >> (8 * n->a)) & 0xffu)];
      continue;
    case F_SLOT: v = s[n->a]; break;
    case F_DIFF: v = s[n->a] - s[n->b]; break;
    case F_DAY: /* from the plan's table for the windows' days; else remembered */
      v = s[n->a];
      if ((uint64_t)(v - pl->dom_lo) < pl->dom_n) {
        v = pl->dom[v - pl->dom_lo];
      } else if (v < CAL_MIN_DAY || v > CAL_MAX_DAY) {
        v = 0;
      } else if (ev->dom_day == v) {
        v = ev->dom_of;
      } else {
        cal_to_ymd((int32_t)v, &y, &m, &d);
        ev->dom_day = v;
        v = ev->dom_of = d;
      }
      break;
    case F_AGE: v = cal_age((int32_t)s[n->a], (int32_t)s[n->b]); break;
    default:
      if (vm_exec(ev, pl->code, n->a, &v) != POL_OK)
        return false;
      break;
    }
    r = pl->kids[n->base + cut_index(n, v)];
  }
  uint32_t ci = MDD_TERM_OF(r);
  const cell *c = &pl->cells[ci];
  out->fx = pl->fx_ok[ci] ? &pl->fx[ci] : NULL;
  out->category = c->cat < 0 ? PRG_NONE : (uint32_t)c->cat;
  out->window = c->win < 0 ? PRG_NONE : (uint32_t)c->win;
  out->day_ok = c->day_ok;
  out->rules = c->rules;
  out->addons = c->addons;
  return true;
}

const eval_amounts *plan_amounts(const pol_plan *pl, uint32_t ci, const int64_t **funding) {
  *funding = pl->funding + (size_t)ci * pl->nsources;
  return &pl->amounts[ci];
}

bool plan_effect_value(const pol_plan *pl, pol_eval *ev, uint32_t effect, int64_t *v) {
  switch (pl->effkind[effect]) {
  case 1: *v = pl->effval[effect]; return true;
  case 2: *v = ev->slots[pl->effval[effect]]; return true;
  case 3: return vm_exec(ev, pl->code, (uint32_t)pl->effval[effect], v) == POL_OK;
  default: return false;
  }
}

void plan_stats(const pol_plan *pl, uint32_t *nodes, uint32_t *features, uint32_t *cells) {
  *nodes = pl ? pl->nnodes : 0;
  *features = pl ? pl->nfeats : 0;
  *cells = pl ? pl->ncells : 0;
}
