/*
 * compdd.c — stage A of `polc check` for a component whose points are too many to
 * enumerate (more than DD_FROM points): its categories as decision diagrams (analysis/mdd.c).
 *
 * Method.  A category's row (holds, error, worth, individual, funding) is a function of
 * the component's dims it reads itself (cat_info.reads is transitive through lets), so
 * its table over those dims alone is small even when the component is not: sixteen
 * identities chained pairwise through categories are 2^16 points, but each category
 * reads two of them.  Each table becomes a diagram R_k over all the component's dims
 * (variables in m->dims order, values = candidate indices), with terminal 0 where k does
 * not hold and else the pair (k, row).  Folding `choose` over them gives W, the
 * component's winner at every point; for every category i, J_i = (R_i, W) has one
 * terminal per distinct (i's row, winner and its row) that occurs together.
 *
 * Completeness.  One representative point per reachable terminal of every J_i where i
 * holds, and one where nothing holds if there is one, are evaluated like enumerated
 * points (chk_comp_point).  Every finding of stage A is a function of the rows of the
 * categories that hold, of the component's winner, and of a pair (loser, winner) with
 * their rows (see analyse_combo): a pair across components needs the loser's row and its
 * component's winner only, since the global winner must beat that one; a pair inside the
 * component is a terminal of J_loser; the outcome passed to stage B is the winner.  So
 * the representatives give every finding and outcome the full enumeration gives.
 * Whether an identity gives something (ident_gives) is decided exactly on each table.
 *
 * Witnesses.  The representative of a terminal is the path to it of least weight: an
 * identity held weighs 1, an attribute away from its default weighs 1 — the fewest
 * identities and the most ordinary values that show it.
 *
 * Returns false, having noted nothing, when a category alone reads more than DD_TABLE_CAP
 * points or the diagram outgrows DD_NODES: the caller then enumerates as before.
 */
#include "check_int.h"
#include "lift.h"
#include "mdd.h"

#define DD_NODES 400000u
#define DD_TABLE_CAP (1u << 18) /* points of one category's (or assumption's) own table */
#define INF INT32_MAX

/* Interned tuples of `len` int64 each; ids from 0, in order of first sight. */
typedef struct {
  uint32_t len;
  int64_t *keys;
  uint32_t n, cap;
  uint32_t *slot; /* id + 1, 0 empty */
  uint32_t nslot; /* power of two, > 2n */
} itab;

static uint64_t tuple_hash(const int64_t *k, uint32_t len) {
  uint64_t h = 1469598103934665603ull;
  for (uint32_t i = 0; i < len; i++) {
    h ^= (uint64_t)k[i];
    h *= 1099511628211ull;
    h ^= h >> 29;
  }
  return h;
}

/* The id of tuple k, added if new; UINT32_MAX when memory runs out. */
static uint32_t it_intern(itab *t, const int64_t *k) {
  if (2 * (t->n + 1) > t->nslot) {
    uint32_t ns = t->nslot ? t->nslot * 2 : 64;
    uint32_t *s = calloc(ns, sizeof *s);
    if (!s) return UINT32_MAX;
    for (uint32_t i = 0; i < t->n; i++) {
      uint32_t h = (uint32_t)tuple_hash(t->keys + (size_t)i * t->len, t->len) & (ns - 1);
      while (s[h]) h = (h + 1) & (ns - 1);
      s[h] = i + 1;
    }
    free(t->slot);
    t->slot = s;
    t->nslot = ns;
  }
  uint32_t h = (uint32_t)tuple_hash(k, t->len) & (t->nslot - 1);
  for (; t->slot[h]; h = (h + 1) & (t->nslot - 1))
    if (memcmp(t->keys + (size_t)(t->slot[h] - 1) * t->len, k, t->len * sizeof *k) == 0) return t->slot[h] - 1;
  if (t->n == t->cap) {
    uint32_t cap = t->cap ? t->cap * 2 : 32;
    int64_t *nk = realloc(t->keys, (size_t)cap * t->len * sizeof *nk);
    if (!nk) return UINT32_MAX;
    t->keys = nk;
    t->cap = cap;
  }
  memcpy(t->keys + (size_t)t->n * t->len, k, t->len * sizeof *k);
  t->slot[h] = t->n + 1;
  return t->n++;
}

static void it_free(itab *t) {
  free(t->keys);
  free(t->slot);
}

typedef struct {
  chk *c;
  comp *m;
  itab rows;   /* distinct rows */
  itab pairs;  /* (category, row id): terminal id + 1 (0: nothing holds) */
  itab joints; /* (R_i terminal, W terminal): J_i's terminals */
  bool oom;
} ddctx;

static const int64_t *pair_row(const ddctx *x, uint32_t t) {
  return x->rows.keys + (size_t)x->pairs.keys[(size_t)(t - 1) * 2 + 1] * x->rows.len;
}
static uint32_t pair_cat(const ddctx *x, uint32_t t) { return (uint32_t)x->pairs.keys[(size_t)(t - 1) * 2]; }

/* W's combination: the pair `choose` picks (0: nothing holds). */
static uint32_t best_of(void *ud, uint32_t a, uint32_t b) {
  ddctx *x = ud;
  if (!a) return b;
  if (!b) return a;
  return chk_beats(x->c->p, pair_row(x, a), pair_cat(x, a), pair_row(x, b), pair_cat(x, b)) ? a : b;
}

/* A terminal no path search looks for (>= every terminal count): a point outside the
 * assumptions. */
#define EXCLUDED 0x7ffffffeu /* MDD_TERM(0x7fffffff) would be MDD_FULL */
static uint32_t mask_of(void *ud, uint32_t a, uint32_t b) {
  (void)ud;
  return a ? b : EXCLUDED;
}

/* J_i's combination: the two terminals together. */
static uint32_t joint_of(void *ud, uint32_t a, uint32_t b) {
  ddctx *x = ud;
  int64_t k[2] = {a, b};
  uint32_t id = it_intern(&x->joints, k);
  if (id == UINT32_MAX) {
    x->oom = true;
    return 0;
  }
  return id;
}

enum { OP_BEST = 1, OP_JOINT = 2, OP_MASK = 3, OP_GIVES = 4 };

/* The terminal of category cat with this row: its (category, row) pair id + 1; 0 with
 * x->oom set when memory runs out. */
static uint32_t pair_term(ddctx *x, uint32_t cat, const int64_t *row) {
  uint32_t rid = it_intern(&x->rows, row);
  int64_t pk[2] = {cat, rid};
  uint32_t pid = rid == UINT32_MAX ? UINT32_MAX : it_intern(&x->pairs, pk);
  if (pid == UINT32_MAX) {
    x->oom = true;
    return 0;
  }
  return pid + 1;
}

/* The next entry of a table over own dims: idx counts in mixed radix, the last fastest. */
static void next_entry(const chk *c, const comp *m, const uint32_t *own, uint32_t nown, uint32_t *idx) {
  for (uint32_t t = nown; t-- > 0;) {
    if (++idx[t] < c->d[m->dims[own[t]]].cand.n) return;
    idx[t] = 0;
  }
}

/* ev->slots at entry idx of a table over own dims (the other inputs as they are). */
static void set_entry(chk *c, const comp *m, const uint32_t *own, uint32_t nown, const uint32_t *idx) {
  for (uint32_t t = 0; t < nown; t++) chk_set_dim(c, c->ev->slots, m->dims[own[t]], c->d[m->dims[own[t]]].cand.v[idx[t]]);
}

/* The diagram of a table over own dims (positions own[0..nown) of m, the first most
 * significant in the entry number), built bottom-up, last dim first. */
static mdd_ref table_dd(ddctx *x, mdd *dd, const uint32_t *own, uint32_t nown, uint64_t size, const uint32_t *term) {
  const chk *c = x->c;
  uint64_t nlev = size;
  mdd_ref *lev = malloc(size * sizeof *lev);
  if (!lev) {
    x->oom = true;
    return MDD_FULL;
  }
  for (uint64_t e = 0; e < size; e++) lev[e] = MDD_TERM(term[e]);
  bool full = false;
  for (uint32_t t = nown; t-- > 0 && !full;) {
    uint32_t dom = c->d[x->m->dims[own[t]]].cand.n;
    nlev /= dom;
    for (uint64_t e = 0; e < nlev && !full; e++) /* in place: e <= e * dom */
      full = (lev[e] = mdd_node_of(dd, own[t], lev + e * dom)) == MDD_FULL;
  }
  mdd_ref r = full ? MDD_FULL : lev[0];
  free(lev);
  return r;
}

/* Where every assumption holds (terminals 1/0), over the component's dims the
 * assumptions load (the others at the base).  MDD_FULL: too large or out of memory. */
static mdd_ref assumed_dd(ddctx *x, mdd *dd) {
  chk *c = x->c;
  comp *m = x->m;
  const pol_program *p = c->p;
  size_t ns = p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots;
  mdd_ref all = MDD_TERM(1);
  uint32_t *own = malloc((m->nd ? m->nd : 1) * sizeof *own), *idx = calloc(m->nd ? m->nd : 1, sizeof *idx);
  if (!own || !idx) {
    x->oom = true;
    all = MDD_FULL;
    goto out;
  }
  for (uint32_t i = 0; i < p->nassumes && all != MDD_FULL; i++) {
    prg_section s = p->assumes[i].holds;
    uint32_t nown = 0;
    uint64_t size = 1;
    for (uint32_t j = 0; j < m->nd; j++) {
      const dim *d = &c->d[m->dims[j]];
      bool loads = false;
      for (uint32_t pc = s.start; pc < s.end && !loads; pc++) {
        uint32_t op = INSN_OP(p->code[pc]);
        loads = ((op == OP_LOAD || op == OP_PRESENT) && d->kind == DK_ATTR && INSN_B(p->code[pc]) == d->slot) ||
                (op == OP_IDENT && d->kind == DK_BIT && INSN_A(p->code[pc]) == d->bit);
      }
      if (!loads) continue;
      own[nown++] = j;
      size *= d->cand.n;
    }
    if (nown == 0) continue; /* decided at the base: analyse_combo filters */
    if (size > DD_TABLE_CAP) {
      all = MDD_FULL;
      break;
    }
    uint32_t *term = malloc(size * sizeof *term);
    if (!term) {
      x->oom = true;
      all = MDD_FULL;
      break;
    }
    memcpy(c->ev->slots, c->base, ns * sizeof(int64_t));
    memset(idx, 0, m->nd * sizeof *idx);
    for (uint64_t e = 0; e < size; e++) {
      set_entry(c, m, own, nown, idx);
      int64_t v = 0;
      term[e] = vm_run(c->ev, s, &v) == POL_OK && v;
      for (uint32_t t = nown; t-- > 0;) {
        if (++idx[t] < c->d[m->dims[own[t]]].cand.n) break;
        idx[t] = 0;
      }
    }
    all = mdd_and(dd, all, table_dd(x, dd, own, nown, size, term));
    free(term);
  }
out:
  free(own);
  free(idx);
  return all;
}

/* Category `cat`'s table over its own dims (positions own[0..nown) of m) at the current
 * base, as a diagram; notes the identities that give something on the way. */
static mdd_ref category_dd(ddctx *x, mdd *dd, uint32_t cat, const uint32_t *own, uint32_t nown, uint64_t size) {
  chk *c = x->c;
  comp *m = x->m;
  const pol_program *p = c->p;
  size_t ns = p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots;
  uint32_t *term = malloc(size * sizeof *term), *idx = calloc(nown ? nown : 1, sizeof *idx);
  int64_t *row = malloc(x->rows.len * sizeof *row);
  mdd_ref r = MDD_FULL;
  if (!term || !idx || !row) {
    x->oom = true;
    goto out;
  }
  memcpy(c->ev->slots, c->base, ns * sizeof(int64_t));
  /* entries in mixed radix, the first own dim most significant */
  for (uint64_t e = 0; e < size; e++) {
    set_entry(c, m, own, nown, idx);
    chg g = {NULL, 0, false, false, (int)(c->nd + 63) / 64};
    chk_update_lets(c, &g);
    chk_eval_cat(c, cat, row);
    term[e] = row[0] ? pair_term(x, cat, row) : 0;
    if (x->oom) goto out;
    next_entry(c, m, own, nown, idx);
  }
  /* an identity gives something where, held, the category holds and without it the
   * category does not, or its amounts differ, or it fails with it (as probe_identities_a) */
  uint64_t stride = 1;
  for (uint32_t t = nown; t-- > 0; stride *= c->d[m->dims[own[t]]].cand.n) {
    const dim *d = &c->d[m->dims[own[t]]];
    if (d->kind != DK_BIT || ((c->ident_gives >> d->bit) & 1)) continue;
    for (uint64_t e = 0; e < size; e++) {
      if ((e / stride) % 2 != 1 || !term[e]) continue; /* candidates of a bit: 0, 1 */
      const int64_t *with = pair_row(x, term[e]);
      const int64_t *without = term[e - stride] ? pair_row(x, term[e - stride]) : NULL;
      if (with[1] || !without || memcmp(without + 2, with + 2, (x->rows.len - 2) * sizeof *with) != 0) {
        c->ident_gives |= 1ull << d->bit;
        break;
      }
    }
  }
  r = table_dd(x, dd, own, nown, size, term);
out:
  free(term);
  free(idx);
  free(row);
  return r;
}

static uint32_t dom_of(const ddctx *x, uint32_t var) { return x->c->d[x->m->dims[var]].cand.n; }

/* ---- a category too large to tabulate: its diagram from its lifted condition ---------- */

void chk_comp_dd_free(chk *c) {
  if (c->lx) lift_fini(c->lx);
  free(c->lx);
  c->lx = NULL;
}

static lift_ctx *lifted(chk *c) {
  if (!c->lx) {
    lift_ctx *l = malloc(sizeof *l);
    if (!l) return NULL;
    if (!lift_init(l, c->p)) {
      lift_fini(l);
      free(l);
      return NULL;
    }
    c->lx = l;
  }
  return c->lx;
}

/* The component positions tree n reads (into own, a set as a flag per position); false if
 * it reads what no table can stand for (the chosen category, a host function). */
static bool tree_dims(const chk *c, const comp *m, const lift_ctx *l, int32_t n, uint8_t *own) {
  const lx *x = &l->t[n];
  uint32_t op = lift_op(x);
  if (x->known) return true;
  int32_t d = -1;
  if (op == OP_LOAD || op == OP_PRESENT) {
    uint32_t s = INSN_B(x->insn);
    if (s == SLOT_CATEGORY || s == SLOT_SUBSIDIZED) return false;
    if (s < c->p->nslots) d = c->dim_of_slot[s];
  } else if (op == OP_IDENT && INSN_A(x->insn) < 64) {
    d = c->dim_of_bit[INSN_A(x->insn)];
  } else if (op == OP_CALL) {
    return false;
  }
  if (d >= 0)
    for (uint32_t j = 0; j < m->nd; j++)
      if (m->dims[j] == (uint32_t)d) own[j] = 1;
  for (int k = 0; k < 3; k++)
    if (x->kid[k] >= 0 && !tree_dims(c, m, l, x->kid[k], own)) return false;
  return true;
}

/* The table of tree n (run as a piece) over the component positions it reads, as a
 * diagram; terminal = the value != 0.  MDD_FULL when it cannot (too large, a run-time
 * error, out of memory). */
static mdd_ref leaf_dd(ddctx *x, mdd *dd, lift_ctx *l, int32_t n) {
  chk *c = x->c;
  comp *m = x->m;
  size_t ns = c->p->nslots < SLOT__FIXED ? SLOT__FIXED : c->p->nslots;
  uint8_t *flag = calloc(m->nd ? m->nd : 1, 1);
  uint32_t *own = malloc((m->nd ? m->nd : 1) * sizeof *own), *idx = calloc(m->nd ? m->nd : 1, sizeof *idx);
  uint32_t *term = NULL, nown = 0;
  mdd_ref r = MDD_FULL;
  uint64_t size = 1;
  if (!flag || !own || !idx || !tree_dims(c, m, l, n, flag)) goto out;
  for (uint32_t j = 0; j < m->nd; j++)
    if (flag[j]) {
      own[nown++] = j;
      if ((size *= c->d[m->dims[j]].cand.n) > DD_TABLE_CAP) goto out;
    }
  uint32_t mark = l->ncode;
  int64_t start = lift_emit(l, n);
  if (start < 0 || !(term = malloc(size * sizeof *term))) goto out;
  memcpy(c->ev->slots, c->base, ns * sizeof(int64_t));
  for (uint64_t e = 0; e < size; e++) {
    set_entry(c, m, own, nown, idx);
    int64_t v = 0;
    if (vm_exec(c->ev, l->code, (uint32_t)start, &v) != POL_OK) goto out; /* errors: tables */
    term[e] = v != 0;
    next_entry(c, m, own, nown, idx);
  }
  l->ncode = mark;
  r = table_dd(x, dd, own, nown, size, term);
out:
  free(flag);
  free(own);
  free(idx);
  free(term);
  return r;
}

/* Condition tree n as a 0/1 diagram: and, or, not and if composed, other subtrees
 * tabulated over what they read. */
static mdd_ref cond_dd(ddctx *x, mdd *dd, lift_ctx *l, int32_t n, uint32_t depth) {
  const lx *t = &l->t[n];
  uint32_t op = lift_op(t);
  if (t->known) return MDD_TERM(t->val != 0);
  if (depth > 256) return MDD_FULL;
  if (op == OP_NOT) return mdd_not(dd, cond_dd(x, dd, l, t->kid[0], depth + 1));
  if (op == OP_ANDJ)
    return mdd_and(dd, cond_dd(x, dd, l, t->kid[0], depth + 1), cond_dd(x, dd, l, t->kid[1], depth + 1));
  if (op == OP_ORJ)
    return mdd_or(dd, cond_dd(x, dd, l, t->kid[0], depth + 1), cond_dd(x, dd, l, t->kid[1], depth + 1));
  if (op == LX_IF)
    return mdd_ite(dd, cond_dd(x, dd, l, t->kid[0], depth + 1), cond_dd(x, dd, l, t->kid[1], depth + 1),
                   cond_dd(x, dd, l, t->kid[2], depth + 1));
  return leaf_dd(x, dd, l, n);
}

/* Diagram r with variable var fixed to value v (memo: per node, MDD_FULL unset). */
static mdd_ref restrict_to(const ddctx *x, mdd *dd, mdd_ref r, uint32_t var, uint32_t v, mdd_ref *memo) {
  if (MDD_IS_TERM(r) || r == MDD_FULL) return r;
  const mdd_node *nd = &mdd_nodes(dd)[r];
  if (nd->var > var) return r;
  if (memo[r] != MDD_FULL) return memo[r];
  uint32_t base = nd->base, nv = nd->var, dom = x->c->d[x->m->dims[nv]].cand.n;
  mdd_ref res;
  if (nv == var) {
    res = mdd_children(dd)[base + v];
  } else {
    mdd_ref kids[dom];
    res = 0;
    for (uint32_t i = 0; i < dom && res != MDD_FULL; i++)
      if ((kids[i] = restrict_to(x, dd, mdd_children(dd)[base + i], var, v, memo)) == MDD_FULL) res = MDD_FULL;
    if (res != MDD_FULL) res = mdd_node_of(dd, nv, kids);
  }
  return memo[r] = res;
}

/* gives: with the identity the category holds, and without it it does not, or its row
 * differs, or it fails with it (as probe_identities_a). */
static uint32_t gives_of(void *ud, uint32_t with, uint32_t without) {
  ddctx *x = ud;
  if (!with) return 0;
  return without != with || pair_row(x, with)[1] != 0;
}

/* Category cat's diagram from its lifted condition and amounts (a row table over what the
 * amounts read); notes the identities that give something, exactly, by cofactors.
 * MDD_FULL: it cannot be built (the caller falls back). */
static mdd_ref lifted_category_dd(ddctx *x, mdd *dd, uint32_t cat) {
  chk *c = x->c;
  comp *m = x->m;
  const pol_program *p = c->p;
  const prg_category *k = &p->categories[cat];
  lift_ctx *l = lifted(c);
  if (!l) return MDD_FULL;
  int32_t when = lift_section(l, k->when);
  if (when < 0) return MDD_FULL;
  mdd_ref h = cond_dd(x, dd, l, when, 0);
  if (h == MDD_FULL) return MDD_FULL;
  /* the amounts: a table over the positions the worth and the parts read */
  uint8_t *flag = calloc(m->nd ? m->nd : 1, 1);
  uint32_t *own = malloc((m->nd ? m->nd : 1) * sizeof *own), *idx = calloc(m->nd ? m->nd : 1, sizeof *idx);
  uint32_t *term = NULL, nown = 0;
  int64_t *row = malloc(x->rows.len * sizeof *row);
  mdd_ref r = MDD_FULL;
  uint64_t size = 1;
  size_t ns = p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots;
  if (!flag || !own || !idx || !row) goto out;
  int32_t w = lift_section(l, k->worth);
  if (w >= 0 ? !tree_dims(c, m, l, w, flag) : !chk_absent_sec(k->worth)) goto out;
  for (uint32_t i = 0; i < k->part_count; i++) {
    int32_t t = lift_section(l, p->parts[k->part_first + i].value);
    if (t >= 0 ? !tree_dims(c, m, l, t, flag) : !chk_absent_sec(p->parts[k->part_first + i].value)) goto out;
  }
  for (uint32_t j = 0; j < m->nd; j++)
    if (flag[j]) {
      own[nown++] = j;
      if ((size *= c->d[m->dims[j]].cand.n) > DD_TABLE_CAP) goto out;
    }
  if (!(term = malloc(size * sizeof *term))) goto out;
  memcpy(c->ev->slots, c->base, ns * sizeof(int64_t));
  for (uint64_t e = 0; e < size; e++) {
    set_entry(c, m, own, nown, idx);
    chg g = {NULL, 0, false, false, (int)(c->nd + 63) / 64};
    chk_update_lets(c, &g);
    row[0] = 1;
    chk_eval_amounts(c, cat, row);
    if (!(term[e] = pair_term(x, cat, row))) goto out;
    next_entry(c, m, own, nown, idx);
  }
  r = mdd_ite(dd, h, table_dd(x, dd, own, nown, size, term), MDD_TERM(0));
  /* identities that give something: the cofactors with and without each bit */
  memset(flag, 0, m->nd);
  if (r != MDD_FULL && !tree_dims(c, m, l, when, flag)) r = MDD_FULL;
  for (uint32_t j = 0; j < m->nd && r != MDD_FULL; j++) {
    const dim *d = &c->d[m->dims[j]];
    if (!flag[j] || d->kind != DK_BIT || ((c->ident_gives >> d->bit) & 1)) continue;
    /* memo over r's nodes, which all exist now (restriction makes only new ones) */
    uint32_t n0 = mdd_count(dd);
    mdd_ref *memo = malloc((n0 + 1) * sizeof *memo);
    if (!memo) {
      x->oom = true;
      r = MDD_FULL;
      break;
    }
    for (uint32_t i = 0; i <= n0; i++) memo[i] = MDD_FULL;
    mdd_ref with = restrict_to(x, dd, r, j, 1, memo); /* candidates of a bit: 0, 1 */
    for (uint32_t i = 0; i <= n0; i++) memo[i] = MDD_FULL;
    mdd_ref without = with == MDD_FULL ? MDD_FULL : restrict_to(x, dd, r, j, 0, memo);
    free(memo);
    mdd_ref g = without == MDD_FULL ? MDD_FULL : mdd_apply(dd, OP_GIVES, gives_of, x, with, without);
    if (g == MDD_FULL) r = MDD_FULL;
    else if (g != MDD_TERM(0)) c->ident_gives |= 1ull << d->bit;
  }
out:
  free(flag);
  free(own);
  free(idx);
  free(term);
  free(row);
  return r;
}

/* The weight of value index v of variable var: an identity held, or an attribute away
 * from the value the base gives it (its default where that is a candidate). */
static int32_t weight(const ddctx *x, uint32_t var, uint32_t v) {
  const dim *d = &x->c->d[x->m->dims[var]];
  if (d->kind == DK_BIT) return d->cand.v[v] != 0;
  return d->cand.v[v] != x->c->base[d->slot];
}

/* Least-weight paths from one root: dist and pred per node, tdist and tpred per
 * terminal.  Children are made before their parents (mdd_node_of), so node indices
 * descending from the root are a topological order: one pass relaxes every edge. */
typedef struct { uint32_t node, value; } edge;
typedef struct {
  int32_t *dist, *tdist;
  edge *pred, *tpred;
  uint32_t cap, tcap;
} paths;

static bool paths_from(const ddctx *x, const mdd *dd, mdd_ref root, uint32_t nterm, paths *ps) {
  uint32_t nn = MDD_IS_TERM(root) ? 0 : (uint32_t)root + 1;
  if (nn > ps->cap) {
    int32_t *d = realloc(ps->dist, nn * sizeof *d);
    if (d) ps->dist = d;
    edge *e = d ? realloc(ps->pred, nn * sizeof *e) : NULL;
    if (!e) return false;
    ps->pred = e;
    ps->cap = nn;
  }
  if (nterm > ps->tcap) {
    int32_t *d = realloc(ps->tdist, nterm * sizeof *d);
    if (d) ps->tdist = d;
    edge *e = d ? realloc(ps->tpred, nterm * sizeof *e) : NULL;
    if (!e) return false;
    ps->tpred = e;
    ps->tcap = nterm;
  }
  for (uint32_t t = 0; t < nterm; t++) ps->tdist[t] = INF;
  if (MDD_IS_TERM(root)) {
    if (MDD_TERM_OF(root) < nterm) ps->tdist[MDD_TERM_OF(root)] = 0, ps->tpred[MDD_TERM_OF(root)].node = UINT32_MAX;
    return true;
  }
  for (uint32_t n = 0; n < nn; n++) ps->dist[n] = INF;
  ps->dist[root] = 0;
  ps->pred[root] = (edge){UINT32_MAX, 0};
  const mdd_node *nodes = mdd_nodes(dd);
  const mdd_ref *kids = mdd_children(dd);
  for (uint32_t n = nn; n-- > 0;) {
    if (ps->dist[n] == INF) continue;
    for (uint32_t v = 0; v < dom_of(x, nodes[n].var); v++) {
      mdd_ref k = kids[nodes[n].base + v];
      int32_t w = ps->dist[n] + weight(x, nodes[n].var, v);
      int32_t *to = MDD_IS_TERM(k) ? (MDD_TERM_OF(k) < nterm ? &ps->tdist[MDD_TERM_OF(k)] : NULL) : &ps->dist[k];
      if (!to || w >= *to) continue;
      *to = w;
      if (MDD_IS_TERM(k)) ps->tpred[MDD_TERM_OF(k)] = (edge){n, v};
      else ps->pred[k] = (edge){n, v};
    }
  }
  return true;
}

/* The representative of terminal t (reached: tdist[t] < INF) into vals, one value per
 * m->dims position: the least-weight path, the lightest value where the path skips. */
static void representative(const ddctx *x, const mdd *dd, const paths *ps, uint32_t t, int64_t *vals) {
  const comp *m = x->m;
  for (uint32_t j = 0; j < m->nd; j++) {
    const dim *d = &x->c->d[m->dims[j]];
    uint32_t lightest = 0;
    for (uint32_t v = 1; v < d->cand.n; v++)
      if (weight(x, j, v) < weight(x, j, lightest)) lightest = v;
    vals[j] = d->cand.v[lightest];
  }
  for (edge e = ps->tpred[t]; e.node != UINT32_MAX;) {
    uint32_t var = mdd_nodes(dd)[e.node].var;
    vals[var] = x->c->d[m->dims[var]].cand.v[e.value];
    e = ps->pred[e.node];
  }
}

/* Evaluate every category of m at the point vals of the current base and note it. */
static void note_point(chk *c, comp *m, const int64_t *vals, int64_t *vec) {
  const pol_program *p = c->p;
  size_t ns = p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots;
  memcpy(c->ev->slots, c->base, ns * sizeof(int64_t));
  for (uint32_t j = 0; j < m->nd; j++) chk_set_dim(c, c->ev->slots, m->dims[j], vals[j]);
  chg g = {NULL, 0, false, false, (int)(c->nd + 63) / 64};
  chk_update_lets(c, &g);
  for (uint32_t i = 0; i < m->ncats; i++) chk_eval_cat(c, m->cats[i], vec + (size_t)i * m->rowlen);
  chk_comp_point(c, m, vec, vals, UINT32_MAX);
}

/* The diagrams of component m at the current base, then a representative for every
 * terminal of J_i where i holds and for W's terminal 0 (nothing holds).  false: the
 * diagrams could not be built (too large), nothing noted; out of memory sets x->oom. */
static bool analyse(ddctx *x, mdd *dd) {
  chk *c = x->c;
  comp *m = x->m;
  const pol_program *p = c->p;
  mdd_ref *rk = calloc(m->ncats ? m->ncats : 1, sizeof *rk);
  uint32_t *own = malloc((m->nd ? m->nd : 1) * sizeof *own);
  int64_t *vals = malloc((m->nd ? m->nd : 1) * sizeof *vals);
  int64_t *vec = malloc((size_t)m->rowlen * m->ncats * sizeof *vec);
  paths ps = {0};
  int64_t *reps = NULL; /* representatives, m->nd values each, and their weights */
  int32_t *rw = NULL;
  uint32_t nrep = 0, caprep = 0;
  bool built = false;
  if (!rk || !own || !vals || !vec) {
    x->oom = true;
    goto out;
  }
  mdd_ref w = MDD_TERM(0);
  for (uint32_t k = 0; k < m->ncats; k++) {
    uint32_t cat = m->cats[k];
    rk[k] = MDD_TERM(0);
    if (p->categories[cat].otherwise) continue; /* holds only where nothing else does */
    uint32_t nown = 0;
    uint64_t size = 1;
    for (uint32_t j = 0; j < m->nd; j++)
      if (ds_has(&c->cat_info[cat].reads, m->dims[j])) {
        own[nown++] = j;
        size *= c->d[m->dims[j]].cand.n;
        if (size > DD_TABLE_CAP) size = UINT64_MAX; /* no table: the lifted condition */
      }
    if (size == UINT64_MAX || (c->verbose & POL_CHECK_LIFTED)) {
      if ((rk[k] = lifted_category_dd(x, dd, cat)) == MDD_FULL) goto out;
    } else {
      rk[k] = category_dd(x, dd, cat, own, nown, size);
    }
    if (rk[k] == MDD_FULL) goto out;
    w = mdd_apply(dd, OP_BEST, best_of, x, rk[k], w);
    if (w == MDD_FULL) goto out;
  }
  /* points outside the assumptions lead to EXCLUDED, which no search looks for */
  mdd_ref a = p->nassumes ? assumed_dd(x, dd) : MDD_TERM(1);
  mdd_ref *jk = a == MDD_FULL ? NULL : calloc(m->ncats ? m->ncats : 1, sizeof *jk);
  if (!jk) {
    x->oom = x->oom || a != MDD_FULL;
    goto out;
  }
  for (uint32_t k = 0; k < m->ncats; k++) {
    jk[k] = MDD_TERM(0);
    if (p->categories[m->cats[k]].otherwise || rk[k] == MDD_TERM(0)) continue;
    if ((jk[k] = mdd_apply(dd, OP_JOINT, joint_of, x, rk[k], w)) == MDD_FULL || x->oom ||
        (jk[k] = mdd_apply(dd, OP_MASK, mask_of, x, a, jk[k])) == MDD_FULL) {
      free(jk);
      goto out;
    }
  }
  if ((w = mdd_apply(dd, OP_MASK, mask_of, x, a, w)) == MDD_FULL) {
    free(jk);
    goto out;
  }
  built = true; /* from here on only representatives are noted */
  /* every representative first, then noted lightest first (stable): the first point
   * at which stage A meets a finding, whose witness it shows, is the most ordinary */
  for (uint32_t k = 0; k <= m->ncats && !x->oom; k++) {
    bool none = k == m->ncats; /* last: W's terminal 0 */
    if (!none && (p->categories[m->cats[k]].otherwise || rk[k] == MDD_TERM(0))) continue;
    uint32_t nterm = none ? 1 : x->joints.n;
    if (!paths_from(x, dd, none ? w : jk[k], nterm, &ps)) {
      x->oom = true;
      break;
    }
    for (uint32_t t = 0; t < nterm && !x->oom; t++) {
      if (ps.tdist[t] == INF || (!none && x->joints.keys[2 * (size_t)t] == 0)) continue; /* i does not hold */
      if (nrep == caprep) {
        uint32_t cap = caprep ? caprep * 2 : 16;
        int64_t *nv = realloc(reps, (size_t)cap * m->nd * sizeof *nv);
        if (nv) reps = nv;
        int32_t *nw = nv ? realloc(rw, cap * sizeof *nw) : NULL;
        if (!nw) {
          x->oom = true;
          break;
        }
        rw = nw;
        caprep = cap;
      }
      representative(x, dd, &ps, t, reps + (size_t)nrep * m->nd);
      rw[nrep++] = ps.tdist[t];
    }
  }
  for (int32_t wt = 0; !x->oom && nrep; wt++) { /* weights are at most m->nd */
    bool more = false;
    for (uint32_t r = 0; r < nrep && !c->oom; r++) {
      if (rw[r] == wt) note_point(c, m, reps + (size_t)r * m->nd, vec);
      more = more || rw[r] > wt;
    }
    if (!more) break;
  }
  free(jk);
out:
  free(rk);
  free(own);
  free(vals);
  free(vec);
  free(ps.dist);
  free(ps.tdist);
  free(ps.pred);
  free(ps.tpred);
  free(reps);
  free(rw);
  return built;
}

bool chk_comp_dd(chk *c, comp *m) {
  ddctx x = {c, m, {m->rowlen, NULL, 0, 0, NULL, 0}, {2, NULL, 0, 0, NULL, 0}, {2, NULL, 0, 0, NULL, 0}, false};
  uint32_t *dom = malloc((m->nd ? m->nd : 1) * sizeof *dom);
  mdd *dd = NULL;
  bool ok = false;
  if (!dom) {
    x.oom = true;
    goto out;
  }
  for (uint32_t j = 0; j < m->nd; j++)
    if ((dom[j] = c->d[m->dims[j]].cand.n) == 0) goto out;
  if (!(dd = mdd_new(m->nd, dom, DD_NODES))) {
    x.oom = true;
    goto out;
  }
  ok = analyse(&x, dd);
out:
  if (x.oom) c->oom = true, ok = true; /* out of memory: pol_check says so; no fallback */
  free(dom);
  mdd_free(dd);
  it_free(&x.rows);
  it_free(&x.pairs);
  it_free(&x.joints);
  return ok;
}
