/*
 * check.c — `polc check` (pol_check): exact analysis of a compiled policy over a partition
 * of its inputs, every finding proven by a witness replayed on the VM.
 *
 * Inputs ("dims"): the payment date, every resident attribute some section reads, and every
 * identity bit some section tests.  For each dim, candidate values are chosen so that every
 * atomic condition of the bytecode is constant between consecutive candidates: constants
 * of the sections that read the dim (+-1), offsets before ADDDAYS/ADDMONS and ages taken
 * relative to the payment date, window bounds and day filters.
 *
 * Enumeration is factored in two stages:
 *  A  categories (when, worth, parts): categories that share no input apart from the
 *     payment date and the inputs shared with stage B are independent components; each is
 *     enumerated alone and its distinct results kept with a representative.  Combinations
 *     of component results are analysed with every component at its weakest result and at
 *     most two moved away from it (complete: see stage_a), not as the full product;
 *  B  windows, rules, add-ons: evaluated for each reachable (category, subsidized) outcome
 *     of stage A at each value of the inputs both stages read, times the inputs only B reads.
 * Both stages evaluate incrementally: a let, category or rule is re-run only when an input
 * it loads itself changed (stale()).
 * Findings are collected, replayed through pol_resident_json + pol_quote, sorted by position
 * and written as diagnostics.  No global mutable state: everything lives in a chk.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "diag.h"
#include "eval.h"
#include "money.h"
#include "opcodes.h"
#include "pol.h"
#include "program.h"


#define MAXD 256
#define NW (MAXD / 64)
#define ENUM_CAP (1u << 16)  /* assignments of one component before restricting identities */
#define COMBO_CAP (1u << 20) /* combinations of component results analysed per key */

typedef struct { uint64_t w[NW]; } dset;

static void ds_add(dset *s, uint32_t d) { s->w[d / 64] |= 1ull << (d % 64); }
static bool ds_has(const dset *s, uint32_t d) { return (s->w[d / 64] >> (d % 64)) & 1; }
static void ds_or(dset *a, const dset *b) {
  for (int i = 0; i < NW; i++) a->w[i] |= b->w[i];
}

/* growable int64 list */
typedef struct { int64_t *v; uint32_t n, cap; } ilist;

static void il_add(ilist *l, int64_t x) {
  for (uint32_t i = 0; i < l->n; i++)
    if (l->v[i] == x) return;
  if (l->n == l->cap) {
    uint32_t cap = l->cap ? l->cap * 2 : 8;
    int64_t *v = realloc(l->v, cap * sizeof *v);
    if (!v) return;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = x;
}
static void il_merge(ilist *a, const ilist *b) {
  for (uint32_t i = 0; i < b->n; i++) il_add(a, b->v[i]);
}
static void il_free(ilist *l) { free(l->v); l->v = NULL; l->n = l->cap = 0; }

/* What one section (or a let, or a dim) is compared with. */
typedef struct {
  dset reads;
  bool reads_cat, reads_sub; /* `category`, `subsidized` */
  ilist consts, day_offs, mon_offs;
  bool age, year;
  uint64_t wins;  /* windows tested with INWIN (bit 63: the collection) */
  /* not merged (not transitive): what the section itself loads */
  dset direct;     /* dims */
  uint64_t lets;   /* lets 0..63 */
  bool many_lets;  /* a let beyond 63 */
} info;

static void info_merge(info *a, const info *b) {
  ds_or(&a->reads, &b->reads);
  a->reads_cat |= b->reads_cat;
  a->reads_sub |= b->reads_sub;
  il_merge(&a->consts, &b->consts);
  il_merge(&a->day_offs, &b->day_offs);
  il_merge(&a->mon_offs, &b->mon_offs);
  a->age |= b->age;
  a->year |= b->year;
  a->wins |= b->wins;
}
static void info_free(info *a) {
  il_free(&a->consts);
  il_free(&a->day_offs);
  il_free(&a->mon_offs);
}

enum { DK_PAID, DK_ATTR, DK_BIT };
typedef struct {
  uint8_t kind;
  uint32_t attr, slot, bit;
  info in;
  ilist cand; /* candidates at the current payment date */
} dim;

/* One category's result at one point. */
typedef struct {
  int64_t holds, err, worth, individual; /* err: 0 ok, 1 amounts */
} cres;

typedef struct {
  uint32_t ncats, *cats;  /* categories, file order */
  uint32_t nd, *dims;     /* dims enumerated for it (not paid, not shared) */
  dset *moved;            /* its odometer, see moved_sets() */
  bool reads_shared;      /* its results depend on the dims shared with stage B */
  uint32_t rowlen;        /* int64 per category result: 4 + nsources */
  int64_t *vecs; uint32_t nvecs, capvecs; /* distinct result vectors (rowlen*ncats each) */
  int64_t *reps; uint32_t capreps;        /* representative values (nd per vector) */
  uint32_t *stamp;                        /* per vector: last (p, s) it was seen at */
  uint32_t *cur; uint32_t ncur;           /* vectors seen at the current (p, s) */
} comp;

typedef struct { int32_t cat; int32_t sub; uint32_t *vids; } outcome;
typedef struct {
  uint32_t *key; /* ncomp sorted-set ids... flattened: len then vids, per component */
  uint32_t keylen;
  outcome *outs; uint32_t nouts;
} centry;

/* One effect value a rule sets (stage B). */
typedef struct { int kind; int64_t v; bool set; } effv;
enum { NEFF = 6 }; /* start, end, wait, surcharge, free, payability */

typedef enum { F_OVERLAP, F_MISSING, F_AMOUNTS, F_DATES, F_DEAD, F_COVERAGE } fkind;

typedef struct {
  diag_severity sev;
  const char *rule;
  uint32_t pos, order;
  char *msg;
  char *resident; /* JSON or NULL */
  int32_t date;
  /* replay: what must hold */
  int rk;         /* 0 none, 1 overlap, 2 missing, 3 amounts, 4 loses, 5 rules, 6 nowindow, 7 window */
  uint32_t a, b;
} finding;

typedef struct {
  const pol_program *p;
  pol_eval *ev;
  int verbose;
  uint32_t nd;
  dim d[MAXD];
  int32_t *dim_of_slot;
  int32_t dim_of_bit[64];
  info *let_info;
  uint32_t nlets_ok;
  info A, B;           /* stage reads */
  info *cat_info;      /* per category: when, worth, parts */
  info *rule_info;     /* per rule: when and effects */
  info win_info;       /* every window's effects */
  /* stage B's cache (stage_b_point): the last point's inputs and let values */
  uint32_t ball[MAXD], nball;
  int64_t bval[MAXD], bcat, bsub, *blet;
  bool bvalid;
  dset *moved;         /* stage B's odometer, see moved_sets() */
  int64_t *rule_when;
  effv *rule_eff;      /* nrules * NEFF */
  ilist paid;          /* payment dates */
  int32_t ylo, yhi;    /* plausible date range for constants */
  int64_t *base;       /* slots at the current point before overrides */
  dset shared;         /* dims read by both stages (not paid) */
  uint32_t *sdims; uint32_t nsd;
  uint32_t *bdims; uint32_t nbd;
  comp *comps; uint32_t ncomp;
  centry *cache; uint32_t ncache, capcache;
  uint32_t stamp;
  bool incomplete_ids, incomplete_combo, incomplete_runtime;
  /* tracking */
  uint8_t *cat_holds, *cat_chosen;
  uint8_t *cat_loses_to; /* ncats*ncats: loser*n + winner */
  char **lose_res;       /* per category: a resident for whom it holds and loses (JSON) */
  int32_t *lose_date;
  uint8_t *pair_done;    /* ncats*ncats: best severity reported so far +1 */
  uint8_t *amount_done;
  bool missing_done;
  uint8_t *rule_applied;
  uint8_t *rule_on_payable;
  uint8_t *cat_partial;     /* its component was enumerated with at most 3 identities */ /* applied where the window accepts the date or the answer is payable */
  uint8_t *late_start_done; /* per window + 1 (0: no window): start-after-end reported */
  uint8_t *rule_pair_done;
  finding *f; uint32_t nf, capf;
  /* scratch */
  int64_t *row;        /* per category results at one combination */
  bool oom;            /* an allocation failed: the analysis is incomplete (POL_ENOMEM) */
} chk;

/* ---- small helpers ---------------------------------------------------------------- */

static bool is_date(const chk *c, int64_t v) { return v >= c->ylo && v <= c->yhi; }
static bool day_ok(int64_t v) { return v >= CAL_MIN_DAY && v <= CAL_MAX_DAY; }
static bool absent_sec(prg_section s) { return s.start >= s.end; }

static int32_t add_months(int32_t d, int64_t n) {
  int32_t r;
  return cal_add_months(d, n, &r) ? r : d;
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *r = malloc(n);
  if (r) memcpy(r, s, n);
  return r;
}

typedef struct { char *s; size_t n, cap; } sbuf;
static void sb(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb(sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char tmp[1024];
  int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (k < 0) return;
  if ((size_t)k >= sizeof tmp) k = sizeof tmp - 1;
  if (b->n + (size_t)k + 1 > b->cap) {
    size_t cap = (b->cap + (size_t)k + 1) * 2;
    char *s = realloc(b->s, cap);
    if (!s) return;
    b->s = s;
    b->cap = cap;
  }
  memcpy(b->s + b->n, tmp, (size_t)k + 1);
  b->n += (size_t)k;
}

static const char *ckey(const chk *c, uint32_t i) { return prg_str(c->p, c->p->categories[i].key); }

/* ---- reading the bytecode ----------------------------------------------------------- */

static void scan_section(chk *c, prg_section s, info *out) {
  const pol_program *p = c->p;
  if (absent_sec(s)) return;
  for (uint32_t pc = s.start; pc < s.end; pc++) {
    uint32_t insn = p->code[pc];
    uint32_t op = INSN_OP(insn), a = INSN_A(insn), b = INSN_B(insn);
    uint32_t next = pc + 1 < s.end ? INSN_OP(p->code[pc + 1]) : OP_RET;
    switch (op) {
    case OP_CONST:
      if (next == OP_ADDDAYS) il_add(&out->day_offs, p->consts[b]);
      else if (next == OP_ADDMONS) il_add(&out->mon_offs, p->consts[b]);
      else il_add(&out->consts, p->consts[b]);
      break;
    case OP_INRANGE:
      il_add(&out->consts, p->consts[a]);
      il_add(&out->consts, p->consts[b]);
      break;
    case OP_LOAD:
    case OP_PRESENT:
      if (b == SLOT_PAID_ON) { ds_add(&out->reads, 0); ds_add(&out->direct, 0); }
      else if (b == SLOT_CATEGORY) out->reads_cat = true;
      else if (b == SLOT_SUBSIDIZED) out->reads_sub = true;
      else if (b < p->nslots && c->dim_of_slot[b] >= 0) {
        ds_add(&out->reads, (uint32_t)c->dim_of_slot[b]);
        ds_add(&out->direct, (uint32_t)c->dim_of_slot[b]);
      } else
        for (uint32_t l = 0; l < p->nlets && l < c->nlets_ok; l++)
          if (p->lets[l].slot == b) {
            info_merge(out, &c->let_info[l]);
            if (l < 64) out->lets |= 1ull << l;
            else out->many_lets = true;
          }
      break;
    case OP_IDENT:
      if (a < 64 && c->dim_of_bit[a] >= 0) {
        ds_add(&out->reads, (uint32_t)c->dim_of_bit[a]);
        ds_add(&out->direct, (uint32_t)c->dim_of_bit[a]);
      }
      break;
    case OP_AGE: out->age = true; break;
    case OP_YEAR: out->year = true; break;
    case OP_INWIN: if (b < 63) out->wins |= 1ull << b; break;
    case OP_INCOLL: out->wins |= 1ull << 63; break;
    default: break;
    }
  }
}

/* Dims: payment date, attributes loaded anywhere, identity bits tested anywhere. */
static bool make_dims(chk *c) {
  const pol_program *p = c->p;
  uint8_t *loaded = calloc(p->nslots ? p->nslots : 1, 1);
  if (!loaded) return false;
  uint64_t bits = 0;
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    uint32_t insn = p->code[pc], op = INSN_OP(insn);
    if ((op == OP_LOAD || op == OP_PRESENT) && INSN_B(insn) < p->nslots) loaded[INSN_B(insn)] = 1;
    if (op == OP_IDENT && INSN_A(insn) < 64) bits |= 1ull << INSN_A(insn);
  }
  c->nd = 1;
  c->d[0].kind = DK_PAID;
  for (uint32_t i = 0; i < p->nslots; i++) c->dim_of_slot[i] = -1;
  for (uint32_t i = 0; i < 64; i++) c->dim_of_bit[i] = -1;
  for (uint32_t i = 0; i < p->nattrs && c->nd < MAXD; i++) {
    const prg_attr *at = &p->attrs[i];
    if (at->is_identities || at->slot >= p->nslots || !loaded[at->slot]) continue;
    c->d[c->nd].kind = DK_ATTR;
    c->d[c->nd].attr = i;
    c->d[c->nd].slot = at->slot;
    c->dim_of_slot[at->slot] = (int32_t)c->nd++;
  }
  for (uint32_t b = 0; b < 64 && c->nd < MAXD; b++) {
    if (!((bits >> b) & 1)) continue;
    c->d[c->nd].kind = DK_BIT;
    c->d[c->nd].bit = b;
    c->dim_of_bit[b] = (int32_t)c->nd++;
  }
  free(loaded);
  return true;
}

/* Which constants, offsets and windows each dim is compared with: a linear abstract run
 * of the section over a stack of (dims, constant?) entries. */
typedef struct { dset dims; bool k; int64_t v; int unit; int64_t off; } aent;

static void give(chk *c, const dset *dims, int what, int64_t v) {
  for (uint32_t d = 0; d < c->nd; d++) {
    if (!ds_has(dims, d)) continue;
    info *in = &c->d[d].in;
    switch (what) {
    case 0: il_add(&in->consts, v); break;
    case 1: il_add(&in->day_offs, v); break;
    case 2: il_add(&in->mon_offs, v); break;
    case 3: in->age = true; break;
    case 4: in->year = true; break;
    default: in->wins |= (uint64_t)v; break;
    }
  }
}

static void attribute(chk *c, prg_section s) {
  const pol_program *p = c->p;
  if (absent_sec(s)) return;
  aent st[PRG_STACK_MAX + 4];
  uint32_t sp = 0;
  uint32_t len = s.end - s.start;
  dset *pend = calloc(len + 1, sizeof *pend);
  uint8_t *haspend = calloc(len + 1, 1);
  if (!pend || !haspend) { free(pend); free(haspend); return; }
#define PUSH(e) do { if (sp < PRG_STACK_MAX + 4) st[sp++] = (e); } while (0)
#define POP() (sp ? st[--sp] : (aent){{{0}}, false, 0, 0, 0})
  for (uint32_t pc = s.start; pc < s.end; pc++) {
    uint32_t rel = pc - s.start;
    if (haspend[rel] && sp) ds_or(&st[sp - 1].dims, &pend[rel]);
    uint32_t insn = p->code[pc];
    uint32_t op = INSN_OP(insn), a = INSN_A(insn), b = INSN_B(insn);
    aent e = {{{0}}, false, 0, 0, 0};
    switch (op) {
    case OP_CONST: e.k = true; e.v = p->consts[b]; PUSH(e); break;
    case OP_LOAD:
    case OP_PRESENT:
      if (b == SLOT_PAID_ON) ds_add(&e.dims, 0);
      else if (b < p->nslots && c->dim_of_slot[b] >= 0) ds_add(&e.dims, (uint32_t)c->dim_of_slot[b]);
      else
        for (uint32_t l = 0; l < p->nlets; l++)
          if (p->lets[l].slot == b) e.dims = c->let_info[l].reads;
      PUSH(e);
      break;
    case OP_IDENT:
      if (a < 64 && c->dim_of_bit[a] >= 0) ds_add(&e.dims, (uint32_t)c->dim_of_bit[a]);
      PUSH(e);
      break;
    case OP_NEG: if (sp && st[sp - 1].k) st[sp - 1].v = -st[sp - 1].v; break;
    case OP_NOT: if (sp) st[sp - 1].k = false; break;
    case OP_YEAR: case OP_MONTH: case OP_DAY: case OP_EOM:
      if (sp) { if (op == OP_YEAR) give(c, &st[sp - 1].dims, 4, 0); st[sp - 1].k = false; }
      break;
    case OP_ADDDAYS: case OP_ADDMONS: {
      aent x = POP(), y = POP();
      if (x.k) {
        give(c, &y.dims, op == OP_ADDDAYS ? 1 : 2, x.v < 0 ? -x.v : x.v);
        y.unit = op == OP_ADDDAYS ? 1 : 2;
        y.off = x.v < 0 ? -x.v : x.v;
      }
      ds_or(&y.dims, &x.dims);
      y.k = false;
      PUSH(y);
      break;
    }
    case OP_AGE: {
      aent x = POP(), y = POP();
      give(c, &x.dims, 3, 0);
      give(c, &y.dims, 3, 0);
      ds_or(&y.dims, &x.dims);
      y.k = false;
      PUSH(y);
      break;
    }
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_MIN: case OP_MAX: case OP_RATIO:
    case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE: {
      aent x = POP(), y = POP();
      if (x.k && y.k) {
        int64_t v = op == OP_ADD ? y.v + x.v : op == OP_SUB ? y.v - x.v : op == OP_MIN ? (y.v < x.v ? y.v : x.v)
                    : op == OP_MAX ? (y.v > x.v ? y.v : x.v) : y.v;
        y.v = v;
        PUSH(y);
        break;
      }
      if (x.k) give(c, &y.dims, 0, x.v);
      if (y.k) give(c, &x.dims, 0, y.v);
      /* date + offset compared with another date: the offset relates the other one too */
      if (x.unit) give(c, &y.dims, x.unit, x.off);
      if (y.unit) give(c, &x.dims, y.unit, y.off);
      bool arith = op == OP_ADD || op == OP_SUB || op == OP_MIN || op == OP_MAX;
      if (!arith || (!x.unit && !y.unit)) { y.unit = 0; y.off = 0; }
      else if (x.unit) { y.unit = x.unit; y.off = x.off; }
      ds_or(&y.dims, &x.dims);
      y.k = false;
      PUSH(y);
      break;
    }
    case OP_INRANGE:
      if (sp) {
        give(c, &st[sp - 1].dims, 0, p->consts[a]);
        give(c, &st[sp - 1].dims, 0, p->consts[b]);
        st[sp - 1].k = false;
      }
      break;
    case OP_INSET: if (sp) st[sp - 1].k = false; break;
    case OP_INWIN: if (sp) { if (b < 63) give(c, &st[sp - 1].dims, 5, (int64_t)(1ull << b)); st[sp - 1].k = false; } break;
    case OP_INCOLL: if (sp) { give(c, &st[sp - 1].dims, 5, (int64_t)(1ull << 63)); st[sp - 1].k = false; } break;
    case OP_MKDATE: {
      aent x = POP(), y = POP(), z = POP();
      ds_or(&z.dims, &y.dims);
      ds_or(&z.dims, &x.dims);
      z.k = false;
      PUSH(z);
      break;
    }
    case OP_JMP: {
      aent x = POP();
      uint32_t t = rel + 1 + b;
      if (t <= len) { ds_or(&pend[t], &x.dims); haspend[t] = 1; }
      break;
    }
    case OP_JMPF: case OP_ANDJ: case OP_ORJ: {
      aent x = POP();
      uint32_t t = rel + 1 + b;
      if (op != OP_JMPF && t <= len) { ds_or(&pend[t], &x.dims); haspend[t] = 1; }
      break;
    }
    default: break;
    }
  }
#undef PUSH
#undef POP
  free(pend);
  free(haspend);
}

static void attribute_all(chk *c) {
  const pol_program *p = c->p;
  for (uint32_t l = 0; l < p->nlets; l++) attribute(c, p->lets[l].value);
  for (uint32_t i = 0; i < p->ncategories; i++) {
    const prg_category *cat = &p->categories[i];
    attribute(c, cat->when);
    attribute(c, cat->worth);
    for (uint32_t k = 0; k < cat->part_count; k++) attribute(c, p->parts[cat->part_first + k].value);
  }
  for (uint32_t i = 0; i < p->neffects; i++) attribute(c, p->effects[i].value);
  for (uint32_t i = 0; i < p->nrules; i++) attribute(c, p->rules[i].when);
  for (uint32_t i = 0; i < p->naddons; i++) attribute(c, p->addons[i].paid_when);
}

static void scan_program(chk *c) {
  const pol_program *p = c->p;
  for (uint32_t l = 0; l < p->nlets; l++) {
    c->nlets_ok = l; /* a let may read the ones before it */
    scan_section(c, p->lets[l].value, &c->let_info[l]);
  }
  c->nlets_ok = p->nlets;
  for (uint32_t i = 0; i < p->ncategories; i++) {
    const prg_category *cat = &p->categories[i];
    info *in = &c->cat_info[i];
    scan_section(c, cat->when, in);
    scan_section(c, cat->worth, in);
    for (uint32_t k = 0; k < cat->part_count; k++) scan_section(c, p->parts[cat->part_first + k].value, in);
    info_merge(&c->A, in);
  }
  for (uint32_t i = 0; i < p->nwindows; i++)
    for (uint32_t k = 0; k < p->windows[i].eff_count; k++)
      scan_section(c, p->effects[p->windows[i].eff_first + k].value, &c->win_info);
  info_merge(&c->B, &c->win_info);
  for (uint32_t i = 0; i < p->nrules; i++) {
    info *in = &c->rule_info[i];
    scan_section(c, p->rules[i].when, in);
    for (uint32_t k = 0; k < p->rules[i].eff_count; k++)
      scan_section(c, p->effects[p->rules[i].eff_first + k].value, in);
    info_merge(&c->B, in);
  }
  for (uint32_t i = 0; i < p->naddons; i++) {
    info in = {0};
    scan_section(c, p->addons[i].paid_when, &in);
    info_merge(&c->B, &in);
    info_free(&in);
  }
  attribute_all(c);
}

/* ---- candidates ---------------------------------------------------------------------- */

static void add_date(const chk *c, ilist *l, int64_t d, int lo_off, int hi_off) {
  for (int k = lo_off; k <= hi_off; k++)
    if (day_ok(d + k) && is_date(c, d + k)) il_add(l, d + k);
}

static void win_days(const chk *c, ilist *l, int32_t lo, int32_t hi, uint8_t dlo, uint8_t dhi) {
  if (lo > hi) return;
  add_date(c, l, lo, -1, 1);
  add_date(c, l, hi, -1, 1);
  if (dlo <= 1 && dhi >= 31) return;
  int y, m, d;
  cal_to_ymd(lo, &y, &m, &d);
  for (int n = 0; n < 600; n++) {
    int32_t first = cal_from_ymd(y, m, 1);
    if (first > hi + 1) break;
    int dim = cal_days_in_month(y, m);
    int days[] = {dlo - 1, dlo, dhi, dhi + 1};
    for (int k = 0; k < 4; k++)
      if (days[k] >= 1 && days[k] <= dim) add_date(c, l, first + days[k] - 1, 0, 0);
    if (++m > 12) { m = 1; y++; }
  }
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static void paid_candidates(chk *c) {
  const pol_program *p = c->p;
  ilist *l = &c->paid;
  int32_t lo = p->coll_lo <= p->coll_hi ? p->coll_lo : INT32_MAX, hi = p->coll_lo <= p->coll_hi ? p->coll_hi : INT32_MIN;
  for (uint32_t i = 0; i < p->nwindows; i++) {
    const prg_window *w = &p->windows[i];
    if (w->lo > w->hi) continue;
    if (w->lo < lo) lo = w->lo;
    if (w->hi > hi) hi = w->hi;
    win_days(c, l, w->lo, w->hi, w->dlo, w->dhi);
  }
  if (p->coll_lo <= p->coll_hi) win_days(c, l, p->coll_lo, p->coll_hi, p->coll_dlo, p->coll_dhi);
  if (lo > hi) { /* no window: the benefit year */
    lo = cal_from_ymd(p->year, 1, 1);
    hi = cal_from_ymd(p->year, 12, 31);
    add_date(c, l, lo, 0, 0);
  }
  const info *in = &c->d[0].in;
  /* dates a condition compares the payment date with, in the plausible years (a rule
   * that accepts payments after every window: Tunliu's newborn catch-up shape) */
  int32_t plo = cal_from_ymd(p->year - 1, 1, 1), phi = cal_from_ymd(p->year, 12, 31);
  for (uint32_t i = 0; i < in->consts.n; i++) {
    int64_t k = in->consts.v[i];
    if (k >= plo && k <= phi && k < lo) lo = (int32_t)k;
    if (k >= plo && k <= phi && k > hi) hi = (int32_t)k;
  }
  for (uint32_t i = 0; i < in->consts.n; i++) {
    int64_t k = in->consts.v[i];
    if (is_date(c, k)) add_date(c, l, k, -1, 1);
    if (in->year && k >= 1900 && k <= 2100) {
      add_date(c, l, cal_from_ymd((int)k, 1, 1), -1, 1);
      add_date(c, l, cal_from_ymd((int)k, 12, 31), -1, 1);
    }
    /* paid_on + n months compared with a date: month ends and the constant's day */
    if (is_date(c, k))
      for (uint32_t j = 0; j < in->mon_offs.n; j++)
        add_date(c, l, add_months((int32_t)k, -in->mon_offs.v[j]), -1, 1);
    if (is_date(c, k))
      for (uint32_t j = 0; j < in->day_offs.n; j++) add_date(c, l, k - in->day_offs.v[j], -1, 1);
  }
  /* computed month offsets (`(2 + n) months`): every month end and first in range */
  {
    int y, m, d;
    cal_to_ymd(lo, &y, &m, &d);
    for (int n = 0; n < 600; n++) {
      int32_t first = cal_from_ymd(y, m, 1);
      if (first > hi) break;
      add_date(c, l, first, -1, 0);
      if (++m > 12) { m = 1; y++; }
    }
  }
  /* keep the dates near the windows */
  uint32_t k = 0;
  for (uint32_t i = 0; i < l->n; i++)
    if (l->v[i] >= lo - 1 && l->v[i] <= hi + 1) l->v[k++] = l->v[i];
  l->n = k;
  if (l->n > 1) qsort(l->v, l->n, sizeof *l->v, cmp_i64); /* l->v is NULL when empty */
  /* payable dates first, so that witnesses are dates a payment can be made on */
  int64_t *tmp = malloc((l->n ? l->n : 1) * sizeof *tmp);
  if (!tmp) return;
  uint32_t q = 0;
  for (int pass = 0; pass < 2; pass++)
    for (uint32_t i = 0; i < l->n; i++) {
      bool pay = false;
      for (uint32_t w = 0; w < p->nwindows && !pay; w++) pay = vm_in_window(&p->windows[w], (int32_t)l->v[i]);
      if (pay == (pass == 0)) tmp[q++] = l->v[i];
    }
  if (l->n > 0) /* l->v is NULL when empty */
    memcpy(l->v, tmp, l->n * sizeof *tmp);
  free(tmp);
}

static void dim_candidates(chk *c, uint32_t di, int32_t paid) {
  dim *d = &c->d[di];
  ilist *l = &d->cand;
  l->n = 0;
  if (d->kind == DK_BIT) {
    il_add(l, 0);
    il_add(l, 1);
    return;
  }
  const prg_attr *a = &c->p->attrs[d->attr];
  const info *in = &d->in;
  switch (a->type) {
  case TY_BOOL: il_add(l, 0); il_add(l, 1); break;
  case TY_ENUM:
    for (int64_t v = a->lo; v <= a->hi; v++) il_add(l, v);
    break;
  case TY_DATE: {
    if (a->presence == PRESENCE_OPTIONAL) il_add(l, PRG_ABSENT);
    add_date(c, l, paid, -1, 1);
    for (uint32_t i = 0; i < in->consts.n; i++) {
      int64_t k = in->consts.v[i];
      if (is_date(c, k)) {
        add_date(c, l, k, -1, 1);
        for (uint32_t j = 0; j < in->day_offs.n; j++) add_date(c, l, k - in->day_offs.v[j], -1, 1);
        for (uint32_t j = 0; j < in->mon_offs.n; j++)
          add_date(c, l, add_months((int32_t)k, -in->mon_offs.v[j]), -1, 1);
      }
      if (in->year && k >= 1900 && k <= 2100)
        for (int64_t y = k - 1; y <= k + 1; y++) {
          add_date(c, l, cal_from_ymd((int)y, 1, 1), -1, 1);
          add_date(c, l, cal_from_ymd((int)y, 12, 31), -1, 1);
        }
      if (in->age && k >= 0 && k <= 130) add_date(c, l, add_months(paid, -12 * k), -1, 1);
    }
    for (uint32_t j = 0; j < in->day_offs.n; j++) {
      add_date(c, l, paid - in->day_offs.v[j], -1, 1);
      add_date(c, l, paid + in->day_offs.v[j], -1, 1);
    }
    for (uint32_t j = 0; j < in->mon_offs.n; j++) {
      add_date(c, l, add_months(paid, -in->mon_offs.v[j]), -1, 1);
      add_date(c, l, add_months(paid, in->mon_offs.v[j]), -1, 1);
    }
    const pol_program *p = c->p;
    for (uint32_t w = 0; w < p->nwindows && w < 63; w++)
      if ((in->wins >> w) & 1) win_days(c, l, p->windows[w].lo, p->windows[w].hi, p->windows[w].dlo, p->windows[w].dhi);
    if (in->wins >> 63) win_days(c, l, p->coll_lo, p->coll_hi, p->coll_dlo, p->coll_dhi);
    if (a->presence == PRESENCE_DEFAULT && day_ok(a->dflt)) il_add(l, a->dflt);
    break;
  }
  default: /* int, money */
    if (a->hi - a->lo <= 40) {
      for (int64_t v = a->lo; v <= a->hi; v++) il_add(l, v);
    } else {
      il_add(l, a->lo);
      il_add(l, a->hi);
      if (a->presence == PRESENCE_DEFAULT) il_add(l, a->dflt);
      for (uint32_t i = 0; i < in->consts.n; i++)
        for (int64_t k = in->consts.v[i] - 1; k <= in->consts.v[i] + 1; k++)
          if (k >= a->lo && k <= a->hi) il_add(l, k);
    }
    break;
  }
  if (l->n == 0) il_add(l, a->presence == PRESENCE_DEFAULT ? a->dflt : paid);
  if (l->n > 1) qsort(l->v, l->n, sizeof *l->v, cmp_i64); /* l->v is NULL when empty */
}

/* ---- evaluation at a point ---------------------------------------------------------- */

static void set_dim(chk *c, int64_t *slots, uint32_t di, int64_t v) {
  const dim *d = &c->d[di];
  if (d->kind == DK_PAID) slots[SLOT_PAID_ON] = v;
  else if (d->kind == DK_ATTR) slots[d->slot] = v;
  else if (v) slots[SLOT_IDENTITIES] |= (int64_t)(1ull << d->bit);
  else slots[SLOT_IDENTITIES] &= ~(int64_t)(1ull << d->bit);
}

/* Incremental evaluation (both stages): a let, category or rule is re-run only when a
 * dim or let it loads itself, or `category`/`subsidized` it reads, changed since the
 * point its cached value belongs to. */
typedef struct {
  const dset *dims; /* dims that changed; NULL: every input is new */
  uint64_t lets;    /* lets 0..63 whose value changed (set by update_lets) */
  bool cat, sub;
  int nw;           /* words of dims in use */
} chg;

static bool stale(const info *in, const chg *g) {
  if (!g->dims || in->many_lets || (in->lets & g->lets) || (in->reads_cat && g->cat) ||
      (in->reads_sub && g->sub))
    return true;
  for (int i = 0; i < g->nw; i++)
    if (in->direct.w[i] & g->dims->w[i]) return true;
  return false;
}

/* Re-runs the stale lets into ev->slots, noting in g->lets those whose value changed. */
static void update_lets(chk *c, chg *g) {
  const pol_program *p = c->p;
  g->lets = 0;
  for (uint32_t i = 0; i < p->nlets; i++) {
    if (!stale(&c->let_info[i], g)) continue;
    int64_t v = 0;
    if (vm_run(c->ev, p->lets[i].value, &v) != POL_OK) v = 0;
    int64_t *slot = &c->ev->slots[p->lets[i].slot];
    if (*slot != v && i < 64) g->lets |= 1ull << i;
    *slot = v;
  }
}

/* moved[k] = the dims at odometer positions 0..k (what changes when position k advances). */
static dset *moved_sets(const uint32_t *dims, uint32_t n) {
  dset *m = calloc(n ? n : 1, sizeof *m);
  for (uint32_t k = 0; m && k < n; k++) {
    if (k) m[k] = m[k - 1];
    ds_add(&m[k], dims[k]);
  }
  return m;
}

/* Category i at the point in ev->slots: row = holds, err, worth, individual, funding[]. */
static void eval_cat(chk *c, uint32_t i, int64_t *row) {
  const pol_program *p = c->p;
  const prg_category *cat = &p->categories[i];
  memset(row, 0, (4 + p->nsources) * sizeof *row);
  if (cat->otherwise) { row[0] = 1; } else {
    int64_t v = 0;
    if (vm_run(c->ev, cat->when, &v) != POL_OK) { row[0] = 1; row[1] = 3; return; }
    if (!v) return;
    row[0] = 1;
  }
  eval_amounts a;
  bool bad;
  if (eval_category(c->ev, i, &a, row + 4, &bad) != POL_OK) {
    row[1] = 2;
    return;
  }
  row[2] = a.worth;
  row[3] = a.individual;
  if (bad) row[1] = 1;
}

/* ---- findings ------------------------------------------------------------------------ */

/* The resident at slots as compact JSON: required keys and every value that differs
 * from its default, each rendered as resident JSON by eval_value_json. */
static char *resident_json(chk *c, const int64_t *slots) {
  const pol_program *p = c->p;
  json_t *o = json_object();
  for (uint32_t i = 0; o && i < p->nattrs; i++) {
    const prg_attr *a = &p->attrs[i];
    int64_t v = a->is_identities ? slots[SLOT_IDENTITIES] : slots[a->slot];
    if (a->is_identities) {
      if (!v) continue;
    } else if (a->presence == PRESENCE_DEFAULT && v == a->dflt) {
      continue;
    } else if (a->presence == PRESENCE_OPTIONAL && v == PRG_ABSENT) {
      continue;
    } else if (a->presence == PRESENCE_QUERY_DATE && v == slots[SLOT_PAID_ON]) {
      continue;
    }
    json_object_set_new(o, prg_str(p, a->key), eval_value_json(p, a, v));
  }
  char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(o);
  return text;
}

static finding *add_finding(chk *c, diag_severity sev, const char *rule, uint32_t pos, int rk,
                            uint32_t a, uint32_t b, const int64_t *slots, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));

static finding *add_finding(chk *c, diag_severity sev, const char *rule, uint32_t pos, int rk,
                            uint32_t a, uint32_t b, const int64_t *slots, const char *fmt, ...) {
  if (c->nf == c->capf) {
    uint32_t cap = c->capf ? c->capf * 2 : 16;
    finding *f = realloc(c->f, cap * sizeof *f);
    if (!f) {
      c->oom = true;
      return NULL;
    }
    c->f = f;
    c->capf = cap;
  }
  finding *f = &c->f[c->nf];
  memset(f, 0, sizeof *f);
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  f->sev = sev;
  f->rule = rule;
  f->pos = pos;
  f->order = c->nf;
  f->msg = xstrdup(buf);
  if (!f->msg) c->oom = true;
  f->rk = rk;
  f->a = a;
  f->b = b;
  if (slots) {
    f->resident = resident_json(c, slots);
    f->date = (int32_t)slots[SLOT_PAID_ON];
  }
  c->nf++;
  return f;
}

/* A resident for date-only findings: required attributes only. */
static int64_t *plain_slots(chk *c, int32_t date) {
  const pol_program *p = c->p;
  int64_t *s = calloc(p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots, sizeof *s);
  if (!s) return NULL;
  s[SLOT_PAID_ON] = date;
  for (uint32_t i = 0; i < p->nattrs; i++) {
    const prg_attr *a = &p->attrs[i];
    if (a->is_identities) continue;
    int64_t v = a->presence == PRESENCE_DEFAULT    ? a->dflt
                : a->presence == PRESENCE_OPTIONAL ? PRG_ABSENT
                : a->presence == PRESENCE_QUERY_DATE ? date
                : a->type == TY_DATE                 ? cal_from_ymd(1980, 1, 1)
                                                     : a->lo;
    s[a->slot] = v;
  }
  return s;
}

/* ---- stage A: combinations of category results ---------------------------------------- */

static const int64_t *row_of(chk *c, uint32_t cat) { return c->row + (size_t)cat * (4 + c->p->nsources); }

/* > 0: row x beats row y on the choose keys; 0: tied on every key before first/last. */
static int rows_cmp(const pol_program *p, const int64_t *x, const int64_t *y) {
  for (uint32_t k = 0; k < p->nchoose; k++) {
    const prg_choose_key *key = &p->choose[k];
    int64_t cv = 0, bv = 0;
    int dir = 1;
    int64_t fx = 0, fy = 0;
    for (uint32_t s = 0; s < p->nsources; s++) { fx += x[4 + s]; fy += y[4 + s]; }
    switch (key->kind) {
    case KEY_LOWEST_INDIVIDUAL: dir = -1; /* fall through */
    case KEY_HIGHEST_INDIVIDUAL: cv = x[3]; bv = y[3]; break;
    case KEY_LOWEST_FUNDING: dir = -1; /* fall through */
    case KEY_HIGHEST_FUNDING: cv = fx; bv = fy; break;
    case KEY_LOWEST_SOURCE: dir = -1; /* fall through */
    case KEY_HIGHEST_SOURCE:
      if (key->source < p->nsources) { cv = x[4 + key->source]; bv = y[4 + key->source]; }
      break;
    default: return 0;
    }
    int r = dir * ((cv > bv) - (cv < bv));
    if (r) return r;
  }
  return 0;
}

static int key_cmp(chk *c, uint32_t ci, uint32_t bi) { return rows_cmp(c->p, row_of(c, ci), row_of(c, bi)); }

static bool has_order_key(const pol_program *p) {
  for (uint32_t k = 0; k < p->nchoose; k++)
    if (p->choose[k].kind == KEY_FIRST || p->choose[k].kind == KEY_LAST) return true;
  return false;
}

static bool order_beats(const pol_program *p, uint32_t ci, uint32_t bi) {
  for (uint32_t k = 0; k < p->nchoose; k++) {
    if (p->choose[k].kind == KEY_FIRST) return ci < bi;
    if (p->choose[k].kind == KEY_LAST) return ci > bi;
  }
  return ci < bi;
}

/* Category ci with row x is chosen over bi with row y (the total order of `choose`). */
static bool beats(const pol_program *p, const int64_t *x, uint32_t ci, const int64_t *y, uint32_t bi) {
  int r = rows_cmp(p, x, y);
  return r > 0 || (r == 0 && order_beats(p, ci, bi));
}

static void funding_text(chk *c, uint32_t cat, char *buf, size_t n) {
  const pol_program *p = c->p;
  const int64_t *r = row_of(c, cat);
  size_t k = 0;
  buf[0] = 0;
  for (uint32_t s = 0; s < p->nsources; s++) {
    if (!r[4 + s]) continue;
    char m[MONEY_MAX_TEXT];
    money_format(r[4 + s], m);
    k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "%s%s %s yuan", k ? ", " : "", prg_str(p, p->sources[s].key), m);
    if (k >= n) break;
  }
  if (!buf[0]) snprintf(buf, n, "none");
}

/* Build the full point of a combination (vids per component) into ev->slots. */
static void point_slots(chk *c, const uint32_t *vids) {
  memcpy(c->ev->slots, c->base, (c->p->nslots < SLOT__FIXED ? SLOT__FIXED : c->p->nslots) * sizeof(int64_t));
  for (uint32_t k = 0; k < c->ncomp; k++) {
    comp *m = &c->comps[k];
    const int64_t *rep = m->reps + (size_t)vids[k] * m->nd;
    for (uint32_t j = 0; j < m->nd; j++) set_dim(c, c->ev->slots, m->dims[j], rep[j]);
  }
}

/* Analyse one combination: rows are in c->row.  Returns the chosen category (-1 none,
 * -2 error) and *sub. */
static int32_t analyse_combo(chk *c, const uint32_t *vids, int32_t *sub) {
  const pol_program *p = c->p;
  uint32_t n = p->ncategories;
  int32_t other = -1;
  bool any = false;
  for (uint32_t i = 0; i < n; i++) {
    if (p->categories[i].otherwise) { if (other < 0) other = (int32_t)i; continue; }
    any = any || row_of(c, i)[0];
  }
  uint8_t matched[256];
  uint32_t nm = 0;
  uint32_t list[256];
  for (uint32_t i = 0; i < n && i < 256; i++) {
    matched[i] = p->categories[i].otherwise ? (!any && (int32_t)i == other) : (row_of(c, i)[0] != 0);
    if (matched[i]) list[nm++] = i;
  }
  *sub = 0;
  if (nm == 0) {
    if (!c->missing_done) {
      c->missing_done = true;
      point_slots(c, vids);
      add_finding(c, DIAG_ERROR, "missing", n ? p->categories[0].pos : 0, 2, 0, 0, c->ev->slots,
                  "no category holds for this resident and the policy has no `when otherwise`");
    }
    return -1;
  }
  for (uint32_t j = 0; j < nm; j++) {
    uint32_t i = list[j];
    if (row_of(c, i)[1]) {
      if (!c->amount_done[i]) {
        c->amount_done[i] = 1;
        point_slots(c, vids);
        int64_t err = row_of(c, i)[1];
        add_finding(c, DIAG_ERROR, "amounts", p->categories[i].pos, 3, i, (uint32_t)err, c->ev->slots,
                    err == 3   ? "category `%s`: its `when` cannot be evaluated for this resident"
                    : err == 2 ? "category `%s`: its amounts cannot be evaluated for this resident"
                               : "category `%s`: its parts do not add up to its worth or a part is negative",
                    ckey(c, i));
      }
      return -2;
    }
  }
  uint32_t w = list[0];
  for (uint32_t j = 1; j < nm; j++)
    if (beats(p, row_of(c, list[j]), list[j], row_of(c, w), w)) w = list[j];
  for (uint32_t j = 0; j < nm; j++) c->cat_holds[list[j]] = 1;
  c->cat_chosen[w] = 1;
  for (uint32_t j = 0; j < nm; j++) {
    uint32_t i = list[j];
    if (i == w) continue;
    c->cat_loses_to[(size_t)i * n + w] = 1;
    if (!c->lose_res[i]) {
      point_slots(c, vids);
      c->lose_res[i] = resident_json(c, c->ev->slots);
      c->lose_date[i] = (int32_t)c->ev->slots[SLOT_PAID_ON];
    }
    int r = key_cmp(c, i, w);
    bool differs = memcmp(row_of(c, i) + 2, row_of(c, w) + 2, (2 + p->nsources) * sizeof(int64_t)) != 0;
    /* severity rank: 3 error, 2 warning, 1 note */
    int sev = r == 0 && differs ? (has_order_key(p) ? 2 : 3) : 1;
    uint32_t lo = i < w ? i : w, hi = i < w ? w : i;
    uint8_t *done = &c->pair_done[(size_t)lo * n + hi];
    if (*done >= sev) continue;
    if (sev == 1 && !c->verbose) continue;
    *done = (uint8_t)sev;
    char fw[256], fi[256], ind[MONEY_MAX_TEXT], ini[MONEY_MAX_TEXT];
    funding_text(c, w, fw, sizeof fw);
    funding_text(c, i, fi, sizeof fi);
    money_format(row_of(c, w)[3], ind);
    money_format(row_of(c, i)[3], ini);
    point_slots(c, vids);
    /* drop an earlier, weaker finding of this pair */
    for (uint32_t k = 0; k < c->nf; k++)
      if (c->f[k].rk == 1 && c->f[k].a == lo && c->f[k].b == hi) c->f[k].rk = -1;
    if (sev == 3)
      add_finding(c, DIAG_ERROR, "overlap", p->categories[i].pos, 1, lo, hi, c->ev->slots,
                  "categories `%s` and `%s` both hold and tie on every key of `choose`, which does "
                  "not decide between them: `%s` individual %s yuan, funding %s; `%s` individual %s "
                  "yuan, funding %s (`%s` wins only by file order, which `choose` does not declare)",
                  ckey(c, w), ckey(c, i), ckey(c, w), ind, fw, ckey(c, i), ini, fi, ckey(c, w));
    else if (sev == 2)
      add_finding(c, DIAG_WARNING, "overlap", p->categories[i].pos, 1, lo, hi, c->ev->slots,
                  "categories `%s` and `%s` both hold and tie on every key of `choose` but differ "
                  "(`%s` individual %s yuan, funding %s; `%s` individual %s yuan, funding %s); `%s` "
                  "is chosen, decided by file order",
                  ckey(c, w), ckey(c, i), ckey(c, w), ind, fw, ckey(c, i), ini, fi, ckey(c, w));
    else
      add_finding(c, DIAG_NOTE, "overlap", p->categories[i].pos, 1, lo, hi, c->ev->slots,
                  "categories `%s` and `%s` both hold; the choice rule settles it: `%s` is chosen",
                  ckey(c, w), ckey(c, i), ckey(c, w));
  }
  int64_t subsidized = 0;
  for (uint32_t s = 0; s < p->nsources; s++) subsidized |= row_of(c, w)[4 + s] > 0;
  *sub = (int32_t)subsidized;
  return (int32_t)w;
}

/* Evaluate component m over its dims at the current base; collect distinct vectors. */
static void enum_comp(chk *c, comp *m) {
  const pol_program *p = c->p;
  uint32_t rl = m->rowlen * m->ncats;
  int64_t *vec = malloc(rl * sizeof *vec);
  int64_t *vals = malloc((m->nd ? m->nd : 1) * sizeof *vals);
  uint32_t *idx = calloc(m->nd ? m->nd : 1, sizeof *idx);
  m->ncur = 0;
  if (!vec || !vals || !idx) {
    c->oom = true;
    goto out;
  }
  uint64_t total = 1;
  uint32_t nbits = 0;
  for (uint32_t j = 0; j < m->nd; j++) {
    total *= c->d[m->dims[j]].cand.n;
    if (c->d[m->dims[j]].kind == DK_BIT) nbits++;
    if (total > (1ull << 40)) total = 1ull << 40;
  }
  bool restrict_bits = total > ENUM_CAP && nbits > 3;
  if (restrict_bits) {
    c->incomplete_ids = true;
    for (uint32_t k = 0; k < m->ncats; k++) c->cat_partial[m->cats[k]] = 1;
  }
  int64_t *row = malloc(m->rowlen * sizeof *row);
  if (!row) {
    c->oom = true;
    goto out;
  }
  memcpy(c->ev->slots, c->base, (p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots) * sizeof(int64_t));
  for (uint32_t j = 0; j < m->nd; j++) set_dim(c, c->ev->slots, m->dims[j], c->d[m->dims[j]].cand.v[0]);
  int64_t since = -1; /* highest odometer position moved since the last evaluated point */
  bool first = true;
  uint32_t v = 0;     /* the vector of the last evaluated point */
  for (;;) {
    uint32_t ones = 0;
    for (uint32_t j = 0; j < m->nd; j++) {
      vals[j] = c->d[m->dims[j]].cand.v[idx[j]];
      if (c->d[m->dims[j]].kind == DK_BIT && vals[j]) ones++;
    }
    if (!restrict_bits || ones <= 3) {
      chg g = {first ? NULL : &m->moved[since], 0, false, false, (int)(c->nd + 63) / 64};
      update_lets(c, &g);
      bool changed = first;
      for (uint32_t k = 0; k < m->ncats; k++) {
        if (!stale(&c->cat_info[m->cats[k]], &g)) continue;
        int64_t *old = vec + (size_t)k * m->rowlen;
        eval_cat(c, m->cats[k], row);
        if (first || memcmp(row, old, m->rowlen * sizeof *row) != 0) {
          memcpy(old, row, m->rowlen * sizeof *row);
          changed = true;
        }
      }
      first = false;
      since = -1;
      if (changed) {
        v = 0;
        while (v < m->nvecs && memcmp(m->vecs + (size_t)v * rl, vec, rl * sizeof *vec) != 0) v++;
      }
      if (v == m->nvecs) {
        if (m->nvecs == m->capvecs) {
          uint32_t cap = m->capvecs ? m->capvecs * 2 : 8;
          int64_t *nv = realloc(m->vecs, (size_t)cap * rl * sizeof *nv);
          int64_t *nr = nv ? realloc(m->reps, (size_t)cap * (m->nd ? m->nd : 1) * sizeof *nr) : NULL;
          uint32_t *ns = nr ? realloc(m->stamp, cap * sizeof *ns) : NULL;
          uint32_t *nc = ns ? realloc(m->cur, cap * sizeof *nc) : NULL;
          if (nv) m->vecs = nv;
          if (nr) m->reps = nr;
          if (ns) m->stamp = ns;
          if (!nc) {
            c->oom = true;
            break;
          }
          m->cur = nc;
          m->capvecs = cap;
        }
        memcpy(m->vecs + (size_t)v * rl, vec, rl * sizeof *vec);
        m->stamp[v] = 0;
        m->nvecs++;
      }
      if (m->stamp[v] != c->stamp) {
        m->stamp[v] = c->stamp;
        memcpy(m->reps + (size_t)v * m->nd, vals, m->nd * sizeof *vals);
        /* keep cur sorted */
        uint32_t k = m->ncur;
        while (k > 0 && m->cur[k - 1] > v) { m->cur[k] = m->cur[k - 1]; k--; }
        m->cur[k] = v;
        m->ncur++;
      }
    }
    uint32_t j = 0;
    while (j < m->nd && ++idx[j] == c->d[m->dims[j]].cand.n) {
      idx[j] = 0;
      set_dim(c, c->ev->slots, m->dims[j], c->d[m->dims[j]].cand.v[0]);
      j++;
    }
    if (j == m->nd) break;
    set_dim(c, c->ev->slots, m->dims[j], c->d[m->dims[j]].cand.v[idx[j]]);
    if ((int64_t)j > since) since = j;
  }
  free(row);
out:
  free(vec);
  free(vals);
  free(idx);
}

/* The vector of component m (among those seen at this point) whose best category is
 * chosen least: one where nothing holds if there is one.  Vectors with an amount error
 * are avoided, so that they do not hide every other finding. */
static uint32_t weakest(chk *c, const comp *m) {
  const pol_program *p = c->p;
  int64_t found = -1;
  const int64_t *wrow = NULL;
  uint32_t wcat = 0;
  for (uint32_t j = 0; j < m->ncur; j++) {
    const int64_t *v = m->vecs + (size_t)m->cur[j] * m->rowlen * m->ncats;
    const int64_t *brow = NULL;
    uint32_t bcat = 0;
    bool err = false;
    for (uint32_t k = 0; k < m->ncats; k++) {
      const int64_t *r = v + (size_t)k * m->rowlen;
      if (!r[0]) continue;
      err = err || r[1];
      if (!brow || beats(p, r, m->cats[k], brow, bcat)) { brow = r; bcat = m->cats[k]; }
    }
    if (err) continue;
    if (!brow) return m->cur[j];
    if (found < 0 || beats(p, wrow, wcat, brow, bcat)) { found = m->cur[j]; wrow = brow; wcat = bcat; }
  }
  return found >= 0 ? (uint32_t)found : (m->ncur ? m->cur[0] : 0);
}

/* Analyse the combination vids (a vector per component) and note its outcome in e. */
static void try_combo(chk *c, centry *e, const uint32_t *vids) {
  for (uint32_t k = 0; k < c->ncomp; k++) {
    comp *m = &c->comps[k];
    const int64_t *v = m->vecs + (size_t)vids[k] * m->rowlen * m->ncats;
    for (uint32_t j = 0; j < m->ncats; j++)
      memcpy(c->row + (size_t)m->cats[j] * m->rowlen, v + (size_t)j * m->rowlen, m->rowlen * sizeof *v);
  }
  int32_t sub;
  int32_t w = analyse_combo(c, vids, &sub);
  if (w == -2) return;
  int32_t kc = c->B.reads_cat ? w : (w < 0 ? -1 : 0); /* outcomes by category only if B reads it */
  if (!c->B.reads_sub) sub = 0;
  for (uint32_t o = 0; o < e->nouts; o++)
    if (e->outs[o].cat == kc && e->outs[o].sub == sub) return;
  outcome *no = realloc(e->outs, (e->nouts + 1) * sizeof *no);
  if (!no) {
    c->oom = true;
    return;
  }
  e->outs = no;
  uint32_t *vv = malloc((c->ncomp ? c->ncomp : 1) * sizeof *vv);
  if (!vv) {
    c->oom = true;
    return;
  }
  memcpy(vv, vids, c->ncomp * sizeof *vv);
  e->outs[e->nouts++] = (outcome){kc, sub, vv};
}

/* Stage A at the current base.  new_paid: the payment date changed since the last call
 * (else only shared dims did, and components that read none of them keep their results). */
static centry *stage_a(chk *c, bool new_paid) {
  c->stamp++;
  for (uint32_t k = 0; k < c->ncomp; k++)
    if (new_paid || c->comps[k].reads_shared) enum_comp(c, &c->comps[k]);
  if (c->oom) return NULL; /* a component's vectors are missing: nothing to combine */
  /* the key: the sets of vectors per component */
  uint32_t keylen = 0;
  for (uint32_t k = 0; k < c->ncomp; k++) keylen += 1 + c->comps[k].ncur;
  uint32_t *key = malloc((keylen ? keylen : 1) * sizeof *key);
  if (!key) {
    c->oom = true;
    return NULL;
  }
  uint32_t q = 0;
  for (uint32_t k = 0; k < c->ncomp; k++) {
    key[q++] = c->comps[k].ncur;
    for (uint32_t j = 0; j < c->comps[k].ncur; j++) key[q++] = c->comps[k].cur[j];
  }
  for (uint32_t e = 0; e < c->ncache; e++)
    if (c->cache[e].keylen == keylen && memcmp(c->cache[e].key, key, keylen * sizeof *key) == 0) {
      free(key);
      return &c->cache[e];
    }
  if (c->ncache == c->capcache) {
    uint32_t cap = c->capcache ? c->capcache * 2 : 16;
    centry *ne = realloc(c->cache, cap * sizeof *ne);
    if (!ne) { free(key); c->oom = true; return NULL; }
    c->cache = ne;
    c->capcache = cap;
  }
  centry *e = &c->cache[c->ncache++];
  memset(e, 0, sizeof *e);
  e->key = key;
  e->keylen = keylen;
  /* Combinations: every component at its weakest vector, then one or two components
   * moved away from it.  Complete for every finding, because the choice is a total order
   * on (row, category): a category that wins a combination still wins when every other
   * component is at its weakest vector, and a pair (loser, winner) of a combination is
   * again a pair when all components but theirs are at their weakest. */
  uint32_t *weak = calloc(c->ncomp ? c->ncomp : 1, sizeof *weak);
  uint32_t *vids = calloc(c->ncomp ? c->ncomp : 1, sizeof *vids);
  if (!weak || !vids) { free(weak); free(vids); c->oom = true; return e; }
  uint64_t total = 1, singles = 0;
  for (uint32_t k = 0; k < c->ncomp; k++) {
    weak[k] = weakest(c, &c->comps[k]);
    uint64_t nk = c->comps[k].ncur ? c->comps[k].ncur - 1 : 0;
    total += nk + singles * nk;
    singles += nk;
  }
  /* beyond the cap, singles only: still complete for outcomes, categories that hold,
   * are chosen or are missing; pairs across components (overlaps) are then partial */
  bool pairs = total <= COMBO_CAP;
  if (!pairs) c->incomplete_combo = true;
  memcpy(vids, weak, c->ncomp * sizeof *vids);
  try_combo(c, e, vids);
  for (uint32_t k1 = 0; k1 < c->ncomp; k1++)
    for (uint32_t j1 = 0; j1 < c->comps[k1].ncur; j1++) {
      if ((vids[k1] = c->comps[k1].cur[j1]) == weak[k1]) continue;
      try_combo(c, e, vids);
      for (uint32_t k2 = k1 + 1; pairs && k2 < c->ncomp; k2++) {
        for (uint32_t j2 = 0; j2 < c->comps[k2].ncur; j2++)
          if ((vids[k2] = c->comps[k2].cur[j2]) != weak[k2]) try_combo(c, e, vids);
        vids[k2] = weak[k2];
      }
      vids[k1] = weak[k1];
    }
  free(weak);
  free(vids);
  return e;
}

/* ---- stage B: windows and rules ---------------------------------------------------------- */

/* The effects one rule sets at the current point, by what they set: 0 start, 1 end,
 * 2 wait, 3 surcharge, 4 free, 5 payability; kind and value as the program has them
 * (v INT64_MIN: the value cannot be evaluated). */
static void rule_effects(chk *c, uint32_t r, effv out[NEFF]) {
  const pol_program *p = c->p;
  memset(out, 0, NEFF * sizeof *out);
  const prg_rule *ru = &p->rules[r];
  for (uint32_t k = 0; k < ru->eff_count; k++) {
    const prg_effect *e = &p->effects[ru->eff_first + k];
    int64_t v = 0;
    if (e->kind <= EFF_SURCHARGE && vm_run(c->ev, e->value, &v) != POL_OK) v = INT64_MIN;
    int slot = e->kind == EFF_START ? 0 : e->kind == EFF_END ? 1
               : e->kind == EFF_WAIT_MONTHS || e->kind == EFF_WAIT_DAYS ? 2
               : e->kind == EFF_SURCHARGE ? 3 : e->kind == EFF_FREE ? 4 : 5;
    out[slot] = (effv){e->kind, v, true};
  }
}

static const char *eff_name(int k) {
  static const char *const n[] = {"start", "end", "wait", "surcharge", "free", "payable"};
  return n[k];
}

static int64_t dim_value(const chk *c, const int64_t *slots, uint32_t di) {
  const dim *d = &c->d[di];
  if (d->kind == DK_PAID) return slots[SLOT_PAID_ON];
  if (d->kind == DK_ATTR) return slots[d->slot];
  return (slots[SLOT_IDENTITIES] >> d->bit) & 1;
}

/* The dates of the answer at this point, decided as pol_quote decides them (window, then
 * the applied rules' cached effects, through eval_effect): notes which applied rules met
 * a date that is accepted, and reports an accepted payment whose benefits would start
 * after they end (a wait running past the benefit year).  Replayed through pol_quote. */
static void answer_dates(chk *c, const uint32_t *applied, uint32_t na) {
  const pol_program *p = c->p;
  int32_t paid = (int32_t)c->ev->slots[SLOT_PAID_ON];
  uint32_t w = eval_window_at(p, paid);
  bool open = w != PRG_NONE && vm_in_window(&p->windows[w], paid), payable = open;
  eval_effects e = {cal_from_ymd(p->year, 1, 1), cal_from_ymd(p->year, 12, 31), 0, 0, 0, false};
  if (w != PRG_NONE) {
    const prg_window *win = &p->windows[w];
    for (uint32_t k = 0; k < win->eff_count; k++) {
      const prg_effect *x = &p->effects[win->eff_first + k];
      int64_t v = 0;
      if (x->kind <= EFF_SURCHARGE && vm_run(c->ev, x->value, &v) != POL_OK) return;
      if (x->kind == EFF_PAYABLE || x->kind == EFF_NOT_PAYABLE) payable = x->kind == EFF_PAYABLE;
      else eval_effect(&e, x->kind, v);
    }
  }
  for (uint32_t k = 0; k < na; k++) {
    const effv *x = c->rule_eff + (size_t)applied[k] * NEFF;
    for (int s = 0; s < NEFF; s++) {
      if (!x[s].set) continue;
      if (x[s].v == INT64_MIN) return;
      if (s == 5) payable = x[s].kind == EFF_PAYABLE;
      else eval_effect(&e, (uint8_t)x[s].kind, x[s].v);
    }
  }
  payable = payable && c->ev->slots[SLOT_CATEGORY] >= 0;
  for (uint32_t k = 0; k < na; k++)
    if (open || payable) c->rule_on_payable[applied[k]] = 1;
  int32_t start;
  uint8_t *done = &c->late_start_done[w == PRG_NONE ? 0 : w + 1];
  if (!payable || *done || !eval_benefit_start(&e, &start) || start <= e.end) return;
  *done = 1;
  char a[11], b[11], d[11];
  cal_format(paid, d);
  cal_format(start, a);
  cal_format(e.end, b);
  add_finding(c, DIAG_ERROR, "dates", w == PRG_NONE ? c->p->coll_pos : p->windows[w].pos, 10, 0, 0,
              c->ev->slots,
              "a payment accepted on %s buys nothing: benefits would start on %s (after the "
              "wait) but end on %s; refuse such payments (`not payable`) or end the wait in time",
              d, a, b);
}

/* One point of stage B at ev->slots (see stale()).  Along the odometer, `moved` says
 * which dims changed since the last point; at the start of an outcome (moved NULL) the
 * slots were rebuilt, and what changed is found by comparing the inputs with the cached
 * last ones (bval, bcat, bsub; let values in blet).  A point at which no rule changed
 * adds nothing. */
static void stage_b_point(chk *c, const dset *moved) {
  const pol_program *p = c->p;
  int64_t *slots = c->ev->slots;
  dset diff = {{0}};
  chg g = {moved, 0, false, false, (int)(c->nd + 63) / 64};
  if (!moved) {
    g.dims = c->bvalid ? &diff : NULL;
    g.cat = slots[SLOT_CATEGORY] != c->bcat;
    g.sub = slots[SLOT_SUBSIDIZED] != c->bsub;
    c->bvalid = true;
    c->bcat = slots[SLOT_CATEGORY];
    c->bsub = slots[SLOT_SUBSIDIZED];
    for (uint32_t k = 0; k < c->nball; k++) {
      uint32_t d = c->ball[k];
      int64_t v = dim_value(c, slots, d);
      if (v != c->bval[d]) { ds_add(&diff, d); c->bval[d] = v; }
    }
    for (uint32_t i = 0; i < p->nlets; i++) slots[p->lets[i].slot] = c->blet[i];
  } else {
    for (uint32_t k = 0; k < c->nbd && ds_has(moved, c->bdims[k]); k++)
      c->bval[c->bdims[k]] = dim_value(c, slots, c->bdims[k]);
  }
  update_lets(c, &g);
  for (uint32_t i = 0; i < p->nlets; i++) c->blet[i] = slots[p->lets[i].slot];
  /* a new payment date, outcome or window-effect input changes the answer's dates too */
  bool changed = g.lets || !g.dims || g.cat || g.sub || ds_has(g.dims, 0) || stale(&c->win_info, &g);
  uint32_t applied[256], na = 0;
  for (uint32_t i = 0; i < p->nrules; i++) {
    effv *eff = c->rule_eff + (size_t)i * NEFF;
    if (stale(&c->rule_info[i], &g)) {
      int64_t h = 1;
      if (!absent_sec(p->rules[i].when) && vm_run(c->ev, p->rules[i].when, &h) != POL_OK) h = 0;
      effv now[NEFF] = {{0}};
      if (h) rule_effects(c, i, now);
      if (h != c->rule_when[i] || (h && memcmp(now, eff, sizeof now) != 0)) changed = true;
      c->rule_when[i] = h;
      memcpy(eff, now, sizeof now);
    }
    if (c->rule_when[i]) {
      c->rule_applied[i] = 1;
      if (na < 256) applied[na++] = i;
    }
  }
  if (!changed) return;
  answer_dates(c, applied, na);
  for (uint32_t x = 0; x < na; x++)
    for (uint32_t y = x + 1; y < na; y++) {
      uint32_t r1 = applied[x], r2 = applied[y];
      uint8_t *done = &c->rule_pair_done[(size_t)r1 * p->nrules + r2];
      if (*done) continue;
      const effv *e1 = c->rule_eff + (size_t)r1 * NEFF, *e2 = c->rule_eff + (size_t)r2 * NEFF;
      for (int k = 0; k < NEFF; k++) {
        if (!e1[k].set || !e2[k].set || (e1[k].kind == e2[k].kind && e1[k].v == e2[k].v)) continue;
        *done = 1;
        add_finding(c, DIAG_WARNING, "dates", p->rules[r2].pos, 5, r1, r2, c->ev->slots,
                    "rules `%s` and `%s` both apply and set `%s` differently; the later one, `%s`, wins",
                    prg_str(p, p->rules[r1].key), prg_str(p, p->rules[r2].key), eff_name(k),
                    prg_str(p, p->rules[r2].key));
        break;
      }
    }
}

/* Stage B for every outcome of a stage-A cache entry at the current base. */
static void stage_b(chk *c, centry *e) {
  uint32_t *idx = calloc(c->nbd ? c->nbd : 1, sizeof *idx);
  if (!idx) return;
  for (uint32_t o = 0; o < e->nouts; o++) {
    const outcome *oc = &e->outs[o];
    point_slots(c, oc->vids);
    c->ev->slots[SLOT_CATEGORY] = oc->cat < 0 ? -1 : oc->cat;
    c->ev->slots[SLOT_SUBSIDIZED] = oc->sub;
    memset(idx, 0, (c->nbd ? c->nbd : 1) * sizeof *idx);
    for (uint32_t j = 0; j < c->nbd; j++) set_dim(c, c->ev->slots, c->bdims[j], c->d[c->bdims[j]].cand.v[0]);
    const dset *moved = NULL;
    for (;;) {
      stage_b_point(c, moved);
      uint32_t j = 0;
      while (j < c->nbd && ++idx[j] == c->d[c->bdims[j]].cand.n) {
        idx[j] = 0;
        set_dim(c, c->ev->slots, c->bdims[j], c->d[c->bdims[j]].cand.v[0]);
        j++;
      }
      if (j == c->nbd) break;
      set_dim(c, c->ev->slots, c->bdims[j], c->d[c->bdims[j]].cand.v[idx[j]]);
      moved = &c->moved[j];
    }
  }
  free(idx);
}

/* Order stage B's odometer so that the dims loaded by the fewest lets and rules move
 * fastest (they cause the fewest re-runs). */
static bool order_bdims(chk *c) {
  const pol_program *p = c->p;
  uint32_t readers[MAXD] = {0};
  for (uint32_t k = 0; k < c->nbd; k++) {
    uint32_t d = c->bdims[k];
    for (uint32_t l = 0; l < p->nlets; l++) readers[d] += ds_has(&c->let_info[l].direct, d);
    for (uint32_t r = 0; r < p->nrules; r++) readers[d] += ds_has(&c->rule_info[r].direct, d);
  }
  for (uint32_t i = 1; i < c->nbd; i++) /* insertion sort: stable, tiny */
    for (uint32_t k = i; k > 0 && readers[c->bdims[k - 1]] > readers[c->bdims[k]]; k--) {
      uint32_t t = c->bdims[k];
      c->bdims[k] = c->bdims[k - 1];
      c->bdims[k - 1] = t;
    }
  /* every dim stage B reads: the payment date, shared and B-only dims */
  c->moved = moved_sets(c->bdims, c->nbd);
  if (!c->moved) return false;
  c->ball[c->nball++] = 0;
  for (uint32_t k = 0; k < c->nsd; k++) c->ball[c->nball++] = c->sdims[k];
  for (uint32_t k = 0; k < c->nbd; k++) c->ball[c->nball++] = c->bdims[k];
  return true;
}

/* ---- the enumeration ----------------------------------------------------------------------- */

static bool build_components(chk *c) {
  const pol_program *p = c->p;
  uint32_t n = p->ncategories;
  uint32_t *parent = malloc((n ? n : 1) * sizeof *parent);
  if (!parent) return false;
  for (uint32_t i = 0; i < n; i++) parent[i] = i;
  /* owner of each dim */
  int32_t owner[MAXD];
  for (uint32_t d = 0; d < MAXD; d++) owner[d] = -1;
  for (uint32_t i = 0; i < n; i++) {
    if (p->categories[i].otherwise) continue;
    for (uint32_t d = 1; d < c->nd; d++) {
      if (!ds_has(&c->cat_info[i].reads, d) || ds_has(&c->shared, d)) continue;
      if (owner[d] < 0) { owner[d] = (int32_t)i; continue; }
      uint32_t a = (uint32_t)owner[d], b = i;
      while (parent[a] != a) a = parent[a];
      while (parent[b] != b) b = parent[b];
      parent[b] = a;
    }
  }
  c->comps = calloc(n ? n : 1, sizeof *c->comps);
  if (!c->comps) { free(parent); return false; }
  for (uint32_t i = 0; i < n; i++) {
    uint32_t r = i;
    while (parent[r] != r) r = parent[r];
    if (r != i) continue;
    comp *m = &c->comps[c->ncomp++];
    m->rowlen = 4 + p->nsources;
    m->cats = malloc(n * sizeof *m->cats);
    m->dims = malloc(MAXD * sizeof *m->dims);
    if (!m->cats || !m->dims) { free(parent); return false; }
    for (uint32_t j = 0; j < n; j++) {
      uint32_t q = j;
      while (parent[q] != q) q = parent[q];
      if (q == i) m->cats[m->ncats++] = j;
    }
    for (uint32_t d = 1; d < c->nd; d++)
      if (owner[d] >= 0) {
        uint32_t q = (uint32_t)owner[d];
        while (parent[q] != q) q = parent[q];
        if (q == i) m->dims[m->nd++] = d;
      }
    m->moved = moved_sets(m->dims, m->nd);
    if (!m->moved) { free(parent); return false; }
    for (uint32_t j = 0; j < m->ncats; j++)
      for (int w = 0; w < NW; w++) m->reads_shared |= (c->cat_info[m->cats[j]].reads.w[w] & c->shared.w[w]) != 0;
  }
  free(parent);
  return true;
}

static void enumerate(chk *c) {
  const pol_program *p = c->p;
  size_t ns = p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots;
  uint32_t *idx = calloc(c->nsd ? c->nsd : 1, sizeof *idx);
  int64_t *plain = NULL;
  if (!idx) return;
  for (uint32_t pi = 0; pi < c->paid.n; pi++) {
    int32_t paid = (int32_t)c->paid.v[pi];
    for (uint32_t d = 1; d < c->nd; d++) dim_candidates(c, d, paid);
    free(plain);
    plain = plain_slots(c, paid);
    if (!plain) break;
    memset(idx, 0, (c->nsd ? c->nsd : 1) * sizeof *idx);
    bool new_paid = true;
    for (;;) {
      memcpy(c->base, plain, ns * sizeof *plain);
      for (uint32_t d = 1; d < c->nd; d++) set_dim(c, c->base, d, c->d[d].cand.v[0]);
      for (uint32_t d = 1; d < c->nd; d++) /* defaults where the default is a candidate */
        if (c->d[d].kind == DK_ATTR) {
          const prg_attr *a = &p->attrs[c->d[d].attr];
          int64_t v = plain[a->slot];
          for (uint32_t k = 0; k < c->d[d].cand.n; k++)
            if (c->d[d].cand.v[k] == v) c->base[a->slot] = v;
        } else if (c->d[d].kind == DK_BIT) {
          set_dim(c, c->base, d, 0);
        }
      c->base[SLOT_PAID_ON] = paid;
      for (uint32_t j = 0; j < c->nsd; j++) set_dim(c, c->base, c->sdims[j], c->d[c->sdims[j]].cand.v[idx[j]]);
      centry *e = stage_a(c, new_paid);
      new_paid = false;
      if (e) stage_b(c, e);
      uint32_t j = 0;
      while (j < c->nsd && ++idx[j] == c->d[c->sdims[j]].cand.n) idx[j++] = 0;
      if (j == c->nsd) break;
    }
  }
  free(plain);
  free(idx);
}

/* ---- findings that do not need the enumeration ------------------------------------------ */

/* The first date some window or the collection period accepts (witness dates for
 * findings that do not depend on the date); 1 January of the benefit year if none. */
static int32_t first_payable(const pol_program *p) {
  int32_t best = INT32_MAX;
  for (uint32_t w = 0; w < p->nwindows; w++)
    for (int32_t d = p->windows[w].lo; d <= p->windows[w].hi && d < best; d++)
      if (vm_in_window(&p->windows[w], d)) { best = d; break; }
  return best == INT32_MAX ? cal_from_ymd(p->year, 1, 1) : best;
}

/* Identities no condition tests (unless declared `unlisted`).  Unused declarations are
 * the compiler's warnings, which `polc check` reports with these findings. */
static void static_findings(chk *c) {
  const pol_program *p = c->p;
  uint32_t n = p->ncategories;
  uint32_t where = n ? p->categories[0].pos : 0;
  for (uint32_t i = 0; i < n; i++)
    if (p->categories[i].otherwise) { where = p->categories[i].pos; break; }
  int32_t day = first_payable(p);
  for (uint32_t i = 0; i < p->nidentities && i < 64; i++) {
    bool listed = false;
    for (uint32_t k = 0; k < p->nunlisted; k++) listed = listed || p->unlisted[k] == i;
    if (c->dim_of_bit[i] >= 0 || listed) continue;
    int64_t *w = plain_slots(c, day);
    if (w) w[SLOT_IDENTITIES] = (int64_t)(1ull << i);
    add_finding(c, DIAG_WARNING, "missing", where, 8, i, 0, w,
                "residents holding `%s` (%s) are treated as if they held no identity: the policy "
                "never tests it (if the notice does not list them, say `unlisted { %s }`)",
                prg_str(p, p->identities[i].key), prg_str(p, p->identities[i].label),
                prg_str(p, p->identities[i].key));
    free(w);
  }
}

static bool dom_ok(uint8_t dlo, uint8_t dhi, int32_t day) {
  int y, m, d;
  cal_to_ymd(day, &y, &m, &d);
  return d >= dlo && d <= dhi;
}

static void gap_finding(chk *c, uint32_t pos, int32_t a, int32_t b, const char *why) {
  char x[11], y[11];
  cal_format(a, x);
  cal_format(b, y);
  int64_t *s = plain_slots(c, a);
  if (!s) return;
  if (a == b)
    add_finding(c, DIAG_ERROR, "dates", pos, 6, 0, 0, s, "gap: payment date %s lies in no window (%s)", x, why);
  else
    add_finding(c, DIAG_ERROR, "dates", pos, 6, 0, 0, s, "gap: payment dates %s .. %s lie in no window (%s)", x, y, why);
  free(s);
}

static void date_findings(chk *c) {
  const pol_program *p = c->p;
  int32_t ylo = cal_from_ymd(p->year - 1, 1, 1), yhi = cal_from_ymd(p->year, 12, 31);
  char x[11], y[11];
  /* gaps inside the collection period */
  if (p->coll_lo <= p->coll_hi) {
    int32_t start = 0;
    bool run = false;
    for (int32_t d = p->coll_lo; d <= p->coll_hi + 1; d++) {
      bool gap = d <= p->coll_hi && dom_ok(p->coll_dlo, p->coll_dhi, d) && eval_window_at(p, d) == PRG_NONE;
      if (gap && !run) { start = d; run = true; }
      if (!gap && run) {
        gap_finding(c, p->coll_pos, start, d - 1, start == d - 1 ? "inside the collection period, whose days filter accepts it"
                                                        : "inside the collection period, whose days filter accepts them");
        run = false;
      }
    }
  }
  /* gaps between consecutive windows (by start date) */
  for (uint32_t i = 0; i < p->nwindows; i++) {
    const prg_window *a = &p->windows[i];
    if (a->lo > a->hi) continue;
    /* the next window after a */
    const prg_window *b = NULL;
    uint32_t bi = 0;
    for (uint32_t j = 0; j < p->nwindows; j++) {
      const prg_window *w = &p->windows[j];
      if (j == i || w->lo > w->hi || w->lo <= a->hi) continue;
      if (!b || w->lo < b->lo) { b = w; bi = j; }
    }
    if (!b) continue;
    (void)bi;
    bool covered = false; /* another window reaches further from inside a: report there */
    for (uint32_t j = 0; j < p->nwindows && !covered; j++) {
      const prg_window *w = &p->windows[j];
      covered = j != i && w->lo <= w->hi && w->hi > a->hi && w->lo <= a->hi + 1;
      if (j != i && w->lo <= w->hi && w->hi == a->hi && w->lo <= a->hi && j < i) covered = true;
    }
    if (covered) continue;
    int32_t start = 0;
    bool run = false;
    for (int32_t d = a->hi + 1; d <= b->lo; d++) {
      bool inside_coll = p->coll_lo <= p->coll_hi && d >= p->coll_lo && d <= p->coll_hi;
      bool gap = d < b->lo && eval_window_at(p, d) == PRG_NONE && !inside_coll &&
                 (dom_ok(a->dlo, a->dhi, d) || dom_ok(b->dlo, b->dhi, d));
      if (gap && !run) { start = d; run = true; }
      if (!gap && run) {
        char an[128], bn[256];
        snprintf(an, sizeof an, "between windows `%s` and `%s`", prg_str(p, a->key), prg_str(p, b->key));
        snprintf(bn, sizeof bn, "%s, and a window beside them accepts those days of the month", an);
        gap_finding(c, b->pos, start, d - 1, bn);
        run = false;
      }
    }
  }
  /* overlaps, shadowed windows, implausible dates */
  for (uint32_t i = 0; i < p->nwindows; i++) {
    const prg_window *w = &p->windows[i];
    if (w->lo > w->hi) continue;
    for (uint32_t j = 0; j < i; j++) {
      const prg_window *v = &p->windows[j];
      if (v->lo > v->hi || v->hi < w->lo || w->hi < v->lo) continue;
      int32_t a = w->lo > v->lo ? w->lo : v->lo, b = w->hi < v->hi ? w->hi : v->hi;
      cal_format(a, x);
      cal_format(b, y);
      int64_t *s = plain_slots(c, a);
      if (s)
        add_finding(c, DIAG_WARNING, "dates", w->pos, 7, j, 0, s,
                    "window `%s` overlaps window `%s` on %s .. %s; the earlier one, `%s`, wins there",
                    prg_str(p, w->key), prg_str(p, v->key), x, y, prg_str(p, v->key));
      free(s);
    }
    bool reach = false; /* some date of its range is answered by it, not an earlier one */
    for (int32_t d = w->lo; d <= w->hi && !reach; d++) reach = eval_window_at(p, d) == i;
    if (!reach) { /* witness: its first date, answered by an earlier window */
      int64_t *s = plain_slots(c, w->lo);
      add_finding(c, DIAG_WARNING, "dates", w->pos, 7, eval_window_at(p, w->lo), 0, s,
                  "window `%s` is never used: earlier windows hold every one of its dates", prg_str(p, w->key));
      free(s);
    }
    if (w->lo < ylo || w->hi > yhi) { /* witness: a date outside the range it answers */
      int32_t d = w->lo < ylo ? w->lo : w->hi;
      cal_format(w->lo, x);
      cal_format(w->hi, y);
      int64_t *s = plain_slots(c, d);
      add_finding(c, DIAG_WARNING, "dates", w->pos, 7, eval_window_at(p, d), 0, s,
                  "window `%s` (%s .. %s) reaches outside %d-01-01 .. %d-12-31, the plausible range for benefit year %d",
                  prg_str(p, w->key), x, y, p->year - 1, p->year, p->year);
      free(s);
    }
  }
  if (p->coll_lo <= p->coll_hi && (p->coll_lo < ylo || p->coll_hi > yhi)) {
    cal_format(p->coll_lo, x);
    cal_format(p->coll_hi, y);
    add_finding(c, DIAG_WARNING, "dates", p->coll_pos, 0, 0, 0, NULL,
                "the collection period (%s .. %s) reaches outside %d-01-01 .. %d-12-31, the plausible range for benefit year %d",
                x, y, p->year - 1, p->year, p->year);
  }
}

/* "2024-09-01 .. 2024-12-25 days 1..25" (no day filter: without `days`). */
static void period_text(const prg_window *w, char *buf, size_t n) {
  char a[11], b[11];
  cal_format(w->lo, a);
  cal_format(w->hi, b);
  if (w->dlo <= 1 && w->dhi >= 31) snprintf(buf, n, "%s .. %s", a, b);
  else snprintf(buf, n, "%s .. %s days %u..%u", a, b, (unsigned)w->dlo, (unsigned)w->dhi);
}

/* The period a restatement restates and the restated one, as windows (span only). */
static void restate_spans(const pol_program *p, const prg_restate *r, prg_window *t, prg_window *s) {
  memset(t, 0, sizeof *t);
  memset(s, 0, sizeof *s);
  if (r->target == PRG_NONE) {
    t->lo = p->coll_lo; t->hi = p->coll_hi; t->dlo = p->coll_dlo; t->dhi = p->coll_dhi;
  } else {
    *t = p->windows[r->target];
  }
  s->lo = r->lo; s->hi = r->hi; s->dlo = r->dlo; s->dhi = r->dhi;
}

/* A restatement that does not accept exactly the dates of the period it restates is a
 * contradiction in the notice (Tunliu 2025: the newborn clause's "集中缴费期" ends on
 * 12-25, its 二 says 02-25).  The witness is the first date the two statements disagree
 * on; the policy's answers follow the period it defines. */
static void restate_findings(chk *c) {
  const pol_program *p = c->p;
  for (uint32_t i = 0; i < p->nrestates; i++) {
    const prg_restate *r = &p->restates[i];
    prg_window t, s;
    restate_spans(p, r, &t, &s);
    int32_t lo = t.lo < s.lo ? t.lo : s.lo, hi = t.hi > s.hi ? t.hi : s.hi;
    int32_t first = 0, run_end = 0;
    uint32_t ndiff = 0;
    for (int32_t d = lo; d <= hi; d++) {
      if (vm_in_window(&t, d) == vm_in_window(&s, d)) continue;
      if (ndiff++ == 0) first = run_end = d;
      else if (run_end == d - 1 && first + (int32_t)ndiff - 1 == d) run_end = d;
    }
    if (!ndiff) continue;
    char tt[64], st[64], a[11], b[11];
    period_text(&t, tt, sizeof tt);
    period_text(&s, st, sizeof st);
    cal_format(first, a);
    cal_format(run_end, b);
    const char *what = r->target == PRG_NONE ? "the collection period" : "window";
    const char *name = r->target == PRG_NONE ? prg_str(p, p->coll_label) : prg_str(p, p->windows[r->target].key);
    const char *cite = r->target == PRG_NONE ? prg_str(p, p->coll_cite) : prg_str(p, p->windows[r->target].cite);
    char who[200], own[200], at[40];
    if (*prg_str(p, r->cite)) snprintf(who, sizeof who, "clause %s", prg_str(p, r->cite));
    else snprintf(who, sizeof who, "the restatement");
    if (*cite) snprintf(own, sizeof own, "the policy's (%s)", cite);
    else snprintf(own, sizeof own, "the policy's");
    if (run_end != first) snprintf(at, sizeof at, "%s .. %s", a, b);
    else snprintf(at, sizeof at, "%s", a);
    int64_t *w = plain_slots(c, first);
    add_finding(c, DIAG_WARNING, "dates", r->pos, 9, i, 0, w,
                "the notice states %s `%s` twice, differently: %s says %s, %s is %s; they disagree "
                "on %u payment date%s, first %s",
                what, name, who, st, own, tt, ndiff, ndiff == 1 ? "" : "s", at);
    free(w);
  }
}

static void final_findings(chk *c) {
  const pol_program *p = c->p;
  uint32_t n = p->ncategories;
  for (uint32_t i = 0; i < n; i++) {
    /* "never" is a claim about every resident: not made for a partly enumerated one */
    if (c->amount_done[i] || c->cat_partial[i]) continue;
    if (!c->cat_holds[i]) {
      add_finding(c, DIAG_WARNING, "dead", p->categories[i].pos, 0, 0, 0, NULL,
                  p->categories[i].otherwise
                      ? "category `%s` never holds: every resident holds another category"
                      : "category `%s` never holds: no resident and payment date satisfy its `when`",
                  ckey(c, i));
    } else if (!c->cat_chosen[i]) {
      char names[512];
      size_t k = 0;
      names[0] = 0;
      for (uint32_t w = 0; w < n; w++)
        if (c->cat_loses_to[(size_t)i * n + w])
          k += (size_t)snprintf(names + k, k < sizeof names ? sizeof names - k : 0, "%s`%s`", k ? ", " : "", ckey(c, w));
      finding *f = add_finding(c, DIAG_WARNING, "dead", p->categories[i].pos, 4, i, 0, NULL,
                               "category `%s` holds for some residents but is never chosen: it always "
                               "loses to %s",
                               ckey(c, i), names);
      if (f && c->lose_res[i]) {
        f->resident = c->lose_res[i];
        f->date = c->lose_date[i];
        c->lose_res[i] = NULL;
      }
    }
  }
  for (uint32_t r = 0; r < p->nrules && !c->incomplete_ids; r++)
    if (!c->rule_applied[r])
      add_finding(c, DIAG_WARNING, "dates", p->rules[r].pos, 0, 0, 0, NULL,
                  "rule `%s` never applies: no resident and payment date satisfy its `when`",
                  prg_str(p, p->rules[r].key));
    else if (!c->rule_on_payable[r])
      add_finding(c, DIAG_WARNING, "dates", p->rules[r].pos, 0, 0, 0, NULL,
                  "rule `%s` applies only on payment dates that are refused: no window accepts "
                  "them and no rule makes them `payable`",
                  prg_str(p, p->rules[r].key));
}

/* A witness for "holds but always loses": replayed below like the others. */

/* ---- replay ------------------------------------------------------------------------------ */

static bool replay(chk *c, pol_eval *ev, finding *f) {
  const pol_program *p = c->p;
  if (f->rk == 0) return true;
  if (f->rk < 0 || !f->resident) return false;
  if (pol_resident_json(ev, f->resident, f->date) != POL_OK) return false;
  pol_status st = pol_quote(ev, f->date);
  switch (f->rk) {
  case 1:
    return st == POL_OK && ev->matched[f->a] && ev->matched[f->b] &&
           (ev->category == f->a || ev->category == f->b);
  case 2: return st == POL_OK && ev->category == PRG_NONE;
  case 3: { /* b: 1 parts, 2 amounts fail, 3 `when` fails; the VM's message is appended */
    char pre[300];
    snprintf(pre, sizeof pre, "category %s:", ckey(c, f->a));
    if (st != POL_ERUNTIME || (f->b == 1 && strstr(ev->error, pre) == NULL)) return false;
    if (f->b != 1) {
      sbuf m = {0};
      sb(&m, "%s: %s", f->msg, ev->error);
      if (m.s) { free(f->msg); f->msg = m.s; }
    }
    return true;
  }
  case 4: return st == POL_OK && ev->matched[f->a] && ev->category != f->a;
  case 10: return st == POL_OK && ev->payable && ev->start > ev->end;
  case 9: {
    prg_window t, s;
    restate_spans(p, &p->restates[f->a], &t, &s);
    return st == POL_OK && vm_in_window(&t, f->date) != vm_in_window(&s, f->date);
  }
  case 8: { /* the same category without the identity */
    uint32_t with = ev->category;
    ev->slots[SLOT_IDENTITIES] &= ~(int64_t)(1ull << f->a);
    return st == POL_OK && pol_quote(ev, f->date) == POL_OK && ev->category == with;
  }
  case 5: return st == POL_OK && ev->applied[f->a] && ev->applied[f->b];
  case 6: return st == POL_OK && ev->window == PRG_NONE;
  case 7: return st == POL_OK && ev->window == f->a;
  default: (void)p; return false;
  }
}

static int cmp_finding(const void *a, const void *b) {
  const finding *x = a, *y = b;
  if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

/* ---- entry --------------------------------------------------------------------------- */

pol_status pol_check(const pol_program *p, const char *source, size_t len, int verbose, pol_diags **out) {
  pol_diags *d = *out ? *out : diag_new();
  if (!d) return POL_ENOMEM;
  *out = d;
  uint32_t src = diag_add_source(d, prg_str(p, p->file), source, len);
  chk *c = calloc(1, sizeof *c);
  if (!c) return POL_ENOMEM;
  pol_status rc = POL_ENOMEM;
  size_t ns = p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots;
  uint32_t n = p->ncategories;
  c->p = p;
  c->verbose = verbose;
  c->ylo = cal_from_ymd(p->year - 130 > 1 ? p->year - 130 : 1, 1, 1);
  c->yhi = cal_from_ymd(p->year + 3 < 9999 ? p->year + 3 : 9999, 12, 31);
  c->ev = eval_new(p, false);
  pol_eval *rev = eval_new(p, false);
  /* witnesses are replayed on the interpreter, whose run-time failures check reports */
  if (rev) rev->slow = true;
  c->dim_of_slot = calloc(ns, sizeof *c->dim_of_slot);
  c->let_info = calloc(p->nlets ? p->nlets : 1, sizeof *c->let_info);
  c->cat_info = calloc(n ? n : 1, sizeof *c->cat_info);
  uint32_t nr = p->nrules ? p->nrules : 1;
  c->rule_info = calloc(nr, sizeof *c->rule_info);
  c->rule_when = calloc(nr, sizeof *c->rule_when);
  c->rule_eff = calloc((size_t)nr * NEFF, sizeof *c->rule_eff);
  c->blet = calloc(p->nlets ? p->nlets : 1, sizeof *c->blet);
  c->base = calloc(ns, sizeof *c->base);
  c->row = calloc((size_t)(n ? n : 1) * (4 + p->nsources), sizeof *c->row);
  c->cat_holds = calloc(n ? n : 1, 1);
  c->cat_chosen = calloc(n ? n : 1, 1);
  c->amount_done = calloc(n ? n : 1, 1);
  c->cat_loses_to = calloc((size_t)(n ? n : 1) * (n ? n : 1), 1);
  c->rule_on_payable = calloc(p->nrules ? p->nrules : 1, 1);
  c->cat_partial = calloc(n ? n : 1, 1);
  c->late_start_done = calloc(p->nwindows + 1, 1);
  c->lose_res = calloc(n ? n : 1, sizeof *c->lose_res);
  c->lose_date = calloc(n ? n : 1, sizeof *c->lose_date);
  c->pair_done = calloc((size_t)(n ? n : 1) * (n ? n : 1), 1);
  c->rule_applied = calloc(p->nrules ? p->nrules : 1, 1);
  c->rule_pair_done = calloc((size_t)(p->nrules ? p->nrules : 1) * (p->nrules ? p->nrules : 1), 1);
  if (!c->ev || !rev || !c->dim_of_slot || !c->let_info || !c->cat_info || !c->base || !c->row ||
      !c->cat_holds || !c->cat_chosen || !c->amount_done || !c->cat_loses_to || !c->pair_done ||
      !c->rule_applied || !c->rule_pair_done || !c->rule_info || !c->rule_when ||
      !c->rule_eff || !c->blet || !c->lose_res || !c->lose_date || !c->rule_on_payable || !c->cat_partial ||
      !c->late_start_done || n > 256)
    goto done;
  if (!make_dims(c)) goto done;
  scan_program(c);
  for (uint32_t k = 1; k < c->nd; k++)
    if (ds_has(&c->A.reads, k) && ds_has(&c->B.reads, k)) ds_add(&c->shared, k);
  c->sdims = malloc(MAXD * sizeof *c->sdims);
  c->bdims = malloc(MAXD * sizeof *c->bdims);
  if (!c->sdims || !c->bdims) goto done;
  for (uint32_t k = 1; k < c->nd; k++) {
    if (ds_has(&c->shared, k)) c->sdims[c->nsd++] = k;
    else if (ds_has(&c->B.reads, k)) c->bdims[c->nbd++] = k;
  }
  if (!order_bdims(c)) goto done;
  if (!build_components(c)) goto done;
  paid_candidates(c);

  static_findings(c);
  date_findings(c);
  restate_findings(c);
  enumerate(c);
  final_findings(c);

  if (c->incomplete_ids || c->incomplete_combo)
    add_finding(c, DIAG_NOTE, "coverage", 0, 0, 0, 0, NULL,
                "the analysis is incomplete: %s",
                c->incomplete_ids
                    ? "a condition tests so many identities together that only residents holding at "
                      "most 3 of them were enumerated; those categories are not reported as never "
                      "holding or never chosen, and no rule as never applying"
                    : "too many combinations of independent categories: overlaps between categories "
                      "of different groups were not all analysed (categories, rules and dates were)");

  /* replay, sort, emit */
  uint32_t k = 0;
  for (uint32_t i = 0; i < c->nf; i++) {
    if (replay(c, rev, &c->f[i])) c->f[k++] = c->f[i];
    else { free(c->f[i].msg); free(c->f[i].resident); }
  }
  c->nf = k;
  if (c->nf > 1) qsort(c->f, c->nf, sizeof *c->f, cmp_finding);
  for (uint32_t i = 0; i < c->nf; i++) {
    finding *f = &c->f[i];
    diag_add(d, f->sev, src, f->pos, f->pos, f->rule, "%s", f->msg);
    if (f->resident) {
      char date[11];
      cal_format(f->date, date);
      sbuf w = {0};
      sb(&w, "  resident: %s  date: %s\n  polc quote %s --resident '%s' --date %s", f->resident, date,
         prg_str(p, p->file), f->resident, date);
      if (w.s) diag_witness(d, w.s);
      free(w.s);
    }
  }
  rc = c->oom || d->oom ? POL_ENOMEM : pol_diags_count(d, 1) ? POL_NEGATIVE : POL_OK;
done:
  for (uint32_t i = 0; i < c->nf; i++) { free(c->f[i].msg); free(c->f[i].resident); }
  free(c->f);
  for (uint32_t i = 0; i < c->ncomp; i++) {
    free(c->comps[i].cats); free(c->comps[i].dims); free(c->comps[i].moved); free(c->comps[i].vecs);
    free(c->comps[i].reps); free(c->comps[i].stamp); free(c->comps[i].cur);
  }
  free(c->comps);
  for (uint32_t i = 0; i < c->ncache; i++) {
    for (uint32_t o = 0; o < c->cache[i].nouts; o++) free(c->cache[i].outs[o].vids);
    free(c->cache[i].outs);
    free(c->cache[i].key);
  }
  free(c->cache);
  for (uint32_t i = 0; i < c->nd; i++) { info_free(&c->d[i].in); il_free(&c->d[i].cand); }
  if (c->let_info) for (uint32_t i = 0; i < p->nlets; i++) info_free(&c->let_info[i]);
  if (c->cat_info) for (uint32_t i = 0; i < n; i++) info_free(&c->cat_info[i]);
  if (c->rule_info) for (uint32_t i = 0; i < p->nrules; i++) info_free(&c->rule_info[i]);
  if (c->lose_res) for (uint32_t i = 0; i < n; i++) free(c->lose_res[i]);
  free(c->lose_res); free(c->lose_date); free(c->rule_on_payable); free(c->cat_partial); free(c->late_start_done);
  free(c->rule_info); free(c->rule_when); free(c->rule_eff); free(c->blet); free(c->moved);
  info_free(&c->A);
  info_free(&c->win_info);
  info_free(&c->B);
  il_free(&c->paid);
  free(c->let_info); free(c->cat_info); free(c->dim_of_slot); free(c->base); free(c->row);
  free(c->cat_holds); free(c->cat_chosen); free(c->amount_done); free(c->cat_loses_to);
  free(c->pair_done); free(c->rule_applied); free(c->rule_pair_done); free(c->sdims); free(c->bdims);
  pol_eval_free(c->ev);
  pol_eval_free(rev);
  free(c);
  return rc;
}
