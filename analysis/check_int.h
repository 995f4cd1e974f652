/*
 * check_int.h — the internals `polc check` shares between its files (not installed):
 *   partition.c  the partition of a policy's inputs: dims, what each section compares them
 *                with, candidate values (payment dates, attributes, identities), date change
 *                points, incremental evaluation at a point;
 *   enumerate.c  stages A (categories) and B (windows, rules, add-ons) over the partition,
 *                with the analyses made at each point;
 *   compdd.c     stage A for a group of categories too large to enumerate: decision
 *                diagrams, and one representative point per distinct outcome;
 *   check.c      findings that need no enumeration, replay of witnesses, pol_check.
 * Everything lives in one chk; no global mutable state.
 */
#ifndef POL_CHECK_INT_H
#define POL_CHECK_INT_H

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
#define DD_FROM 1024u        /* assignments of one component from which diagrams decide it:
                                enumeration notes every distinct result vector, which grows
                                with the points; the diagrams grow with the outcomes */
#define COMBO_CAP (1u << 20) /* combinations of component results analysed per key */

typedef struct { uint64_t w[NW]; } dset;

static inline void ds_add(dset *s, uint32_t d) { s->w[d / 64] |= 1ull << (d % 64); }
static inline bool ds_has(const dset *s, uint32_t d) { return (s->w[d / 64] >> (d % 64)) & 1; }
static inline void ds_or(dset *a, const dset *b) {
  for (int i = 0; i < NW; i++) a->w[i] |= b->w[i];
}

/* growable int64 list; oom: a value could not be added (sticky, merged along; pol_check
 * answers POL_ENOMEM, see chk_lists_oom) */
typedef struct { int64_t *v; uint32_t n, cap; bool oom; } ilist;

static inline void il_add(ilist *l, int64_t x) {
  for (uint32_t i = 0; i < l->n; i++)
    if (l->v[i] == x) return;
  if (l->n == l->cap) {
    uint32_t cap = l->cap ? l->cap * 2 : 8;
    int64_t *v = realloc(l->v, cap * sizeof *v);
    if (!v) {
      l->oom = true;
      return;
    }
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = x;
}
static inline void il_merge(ilist *a, const ilist *b) {
  a->oom |= b->oom;
  for (uint32_t i = 0; i < b->n; i++) il_add(a, b->v[i]);
}
static inline void il_free(ilist *l) { free(l->v); l->v = NULL; l->n = l->cap = 0; }

/* What one section (or a let, or a dim) is compared with. */
typedef struct {
  dset reads;
  bool reads_cat, reads_sub; /* `category`, `subsidized` */
  ilist consts, day_offs, mon_offs;
  bool age, year;
  uint64_t wins;  /* windows tested with INWIN (bit 63: the collection) */
  uint64_t ext;   /* host functions called, itself or through lets (bit 63: any beyond 62) */
  /* not merged (not transitive): what the section itself loads */
  dset direct;     /* dims */
  uint64_t lets;   /* lets 0..63 */
  bool many_lets;  /* a let beyond 63 */
} info;

static inline void info_merge(info *a, const info *b) {
  ds_or(&a->reads, &b->reads);
  a->reads_cat |= b->reads_cat;
  a->reads_sub |= b->reads_sub;
  il_merge(&a->consts, &b->consts);
  il_merge(&a->day_offs, &b->day_offs);
  il_merge(&a->mon_offs, &b->mon_offs);
  a->age |= b->age;
  a->year |= b->year;
  a->wins |= b->wins;
  a->ext |= b->ext;
}
static inline void info_free(info *a) {
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

typedef struct {
  uint32_t ncats, *cats;  /* categories, file order */
  uint32_t nd, *dims;     /* dims enumerated for it (not paid, not shared) */
  dset *moved;            /* its odometer, see chk_moved_sets() */
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
typedef struct { int kind; int64_t v; bool set; int64_t counted; } effv; /* counted: EFF_WAIT_*_AS_* */
enum { NEFF = 6 }; /* start, end, wait, surcharge, free, payability */

typedef struct {
  diag_severity sev;
  const char *rule;
  uint32_t pos, order;
  char *msg;
  json_t *resident; /* the witness's resident (chk_resident_json) or NULL */
  int32_t date;
  /* replay: what must hold */
  int rk;         /* 0 none, 1 overlap, 2 missing, 3 amounts, 4 loses, 5 rules, 6 nowindow, 7 window,
                     8 untested identity, 9 restate, 10 buys nothing, 11 window overlap with a rule,
                     12 window overlap with different effects, 13 window overlap (no effect),
                     15 a wait counted as an implausible number of days (no replay: the
                     figures are the effect's own) */
  uint32_t a, b;
  uint32_t rel;   /* the second party's declaration (overlaps, conflicts) when has_rel */
  bool has_rel;
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
  bool b_skipped;      /* the last point of stage B was outside the assumptions */
  bool b_inside;       /* the assumptions hold at stage B's current point */
  void *lx;            /* compdd.c: the program's lifted trees (lift_ctx), made on first need */
  dset assume_dims;    /* dims the assumptions load (they read no let) */
  dset *moved;         /* stage B's odometer, see chk_moved_sets() */
  int64_t *rule_when;
  effv *rule_eff;      /* nrules * NEFF */
  ilist paid;          /* payment dates */
  int32_t ylo, yhi;    /* candidate dates: every date a resident's or payment date can usefully take */
  int32_t plo, phi;    /* the payment span: windows, collection and the benefit year (and the year before) */
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
  uint8_t *cat_holds_acc, *cat_chosen_acc; /* ... at a payment date that may be accepted */
  json_t **held_res;     /* per category: a resident for whom it holds on a refused date */
  int32_t *held_date;
  bool paid_open;        /* the current payment date may be accepted (see accept_possible) */
  bool rules_pay;        /* some rule can make a date `payable` */
  bool last_payable;     /* stage B: the answer at the last point that changed one */
  uint8_t *addon_acc;    /* per add-on: bit 0, its `paid when` holds for an accepted payment;
                            bit 1, its part paid by a source was reported out of range */
  uint8_t *period_done;  /* per period (#19 B4): bit 0 its amounts, bit 1 its dates reported */
  uint64_t b_bits;       /* identity bits stage B reads */
  uint64_t ident_gives;  /* identities that give something: with it a category holds (or a
                            rule applies, an add-on is paid) that does not without it, or a
                            category's amounts differ */
  uint8_t *cat_loses_to; /* ncats*ncats: loser*n + winner */
  json_t **lose_res;     /* per category: a resident for whom it holds and loses */
  int32_t *lose_date;
  uint8_t *pair_done;    /* ncats*ncats: best severity reported so far +1 */
  uint8_t *amount_done;
  uint8_t *counted_done; /* neffects: a `counted as` figure already reported */
  uint8_t *rule_applies; /* nrules: scratch, the rules that apply at this point (overrides) */
  uint8_t *rule_held;    /* nrules: its `when` held at some point (applied or overridden) */
  bool missing_done;
  uint8_t *rule_applied;
  uint8_t *rule_on_payable; /* applied where the window accepts the date or the answer is payable */
  uint8_t *cat_partial;     /* its component was enumerated with at most 3 identities */
  uint8_t *late_start_done; /* per window + 1 (0: no window): start-after-end reported */
  uint8_t *rule_pair_done;
  uint8_t *win_pair_done;   /* nwindows^2: an overlap's error reported */
  finding *f; uint32_t nf, capf;
  /* scratch */
  int64_t *row;        /* per category results at one combination */
  bool oom;            /* an allocation failed: the analysis is incomplete (POL_ENOMEM) */
} chk;

/* ---- small helpers ---------------------------------------------------------------- */

static inline bool chk_is_date(const chk *c, int64_t v) { return v >= c->ylo && v <= c->yhi; }
/* A year whose first and last day are candidate dates. */
static inline bool chk_is_year(const chk *c, int64_t y) {
  return y >= 1 && y <= 9999 && chk_is_date(c, cal_from_ymd((int)y, 1, 1)) && chk_is_date(c, cal_from_ymd((int)y, 12, 31));
}
static inline bool chk_day_ok(int64_t v) { return v >= CAL_MIN_DAY && v <= CAL_MAX_DAY; }
static inline bool chk_absent_sec(prg_section s) { return s.start >= s.end; }

static inline int32_t chk_add_months(int32_t d, int64_t n) {
  int32_t r;
  return cal_add_months(d, n, &r) ? r : d;
}

/* growable text; text that cannot be stored sets *oom (the chk's: POL_ENOMEM) */
typedef struct { char *s; size_t n, cap; bool *oom; } sbuf;
void chk_sb(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Incremental evaluation (both stages): a let, category or rule is re-run only when a
 * dim or let it loads itself, or `category`/`subsidized` it reads, changed since the
 * point its cached value belongs to. */
typedef struct {
  const dset *dims; /* dims that changed; NULL: every input is new */
  uint64_t lets;    /* lets 0..63 whose value changed (set by update_lets) */
  bool cat, sub;
  int nw;           /* words of dims in use */
} chg;

/* ---- across files ---------------------------------------------------------------- */

char *chk_xstrdup(const char *s);
bool chk_lists_oom(const chk *c);
const char *chk_ckey(const chk *c, uint32_t i);
void chk_payment_span(chk *c);
bool chk_make_dims(chk *c);
void chk_scan_program(chk *c);
int chk_cmp_i64(const void *a, const void *b);
void chk_paid_candidates(chk *c);
void chk_dim_candidates(chk *c, uint32_t di, int32_t paid);
void chk_set_dim(chk *c, int64_t *slots, uint32_t di, int64_t v);
bool chk_stale(const info *in, const chg *g);
void chk_update_lets(chk *c, chg *g);
dset *chk_moved_sets(const uint32_t *dims, uint32_t n);
void chk_eval_cat(chk *c, uint32_t i, int64_t *row);
bool chk_assumed(chk *c);
int32_t chk_span_next(const prg_window *s, int32_t d);
int32_t chk_next_change(const pol_program *p, const prg_window *extra, uint32_t nextra, int32_t d);
int32_t chk_next_bound(const pol_program *p, int32_t d);
int32_t chk_first_payable(const pol_program *p);
bool chk_order_bdims(chk *c);
bool chk_build_components(chk *c);
void chk_enumerate(chk *c);
bool chk_beats(const pol_program *p, const int64_t *x, uint32_t ci, const int64_t *y, uint32_t bi);
uint32_t chk_comp_point(chk *c, comp *m, const int64_t *vec, const int64_t *vals, uint32_t hint);
bool chk_comp_dd(chk *c, comp *m);
void chk_comp_dd_free(chk *c);
void chk_eval_amounts(chk *c, uint32_t i, int64_t *row);
json_t *chk_resident_json(chk *c, const int64_t *slots);
finding *chk_add_finding(chk *c, diag_severity sev, const char *rule, uint32_t pos, int rk,
                            uint32_t a, uint32_t b, const int64_t *slots, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));
int64_t *chk_plain_slots(chk *c, int32_t date);

#endif
