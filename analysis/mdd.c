/*
 * mdd.c — reduced ordered multi-valued decision diagrams (see mdd.h).
 *
 * Nodes live in one array, their children in another; a hash table over node indices
 * makes them unique.  apply and ite memoise in a direct-mapped cache: a lost entry only
 * costs recomputation, never a wrong result, since every cached result is a function of
 * its key.
 */
#include <stdlib.h>
#include <string.h>

#include "mdd.h"

#define CACHE_BITS 13
#define OP_ITE UINT32_MAX

typedef struct {
  uint32_t op;
  mdd_ref a, b, c, r;
  bool used;
} cache_entry;

struct mdd {
  uint32_t nvars;
  uint32_t *dom;
  mdd_node *nodes;
  uint32_t nnodes, cap_nodes, max_nodes;
  mdd_ref *kids;
  uint32_t nkids, cap_kids;
  uint32_t *table; /* node index + 1, 0: empty */
  uint32_t table_cap;
  cache_entry *cache;
  bool full;
};

static uint32_t mix(uint32_t h, uint32_t v) {
  h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2);
  return h;
}

static uint32_t node_hash(uint32_t var, const mdd_ref *kids, uint32_t n) {
  uint32_t h = mix(2166136261u, var);
  for (uint32_t i = 0; i < n; i++)
    h = mix(h, (uint32_t)kids[i]);
  return h;
}

mdd *mdd_new(uint32_t nvars, const uint32_t *dom, uint32_t max_nodes) {
  mdd *m = calloc(1, sizeof *m);
  if (m == NULL)
    return NULL;
  m->nvars = nvars;
  m->max_nodes = max_nodes;
  m->dom = malloc((nvars ? nvars : 1) * sizeof *m->dom);
  m->table_cap = 1024;
  m->table = calloc(m->table_cap, sizeof *m->table);
  m->cache = calloc((size_t)1 << CACHE_BITS, sizeof *m->cache);
  if (m->dom == NULL || m->table == NULL || m->cache == NULL) {
    mdd_free(m);
    return NULL;
  }
  if (nvars)
    memcpy(m->dom, dom, nvars * sizeof *dom);
  return m;
}

void mdd_free(mdd *m) {
  if (m == NULL)
    return;
  free(m->dom);
  free(m->nodes);
  free(m->kids);
  free(m->table);
  free(m->cache);
  free(m);
}

static bool same_node(const mdd *m, uint32_t i, uint32_t var, const mdd_ref *kids) {
  const mdd_node *n = &m->nodes[i];
  return n->var == var && memcmp(&m->kids[n->base], kids, m->dom[var] * sizeof *kids) == 0;
}

static bool rehash(mdd *m) {
  uint32_t cap = m->table_cap * 2;
  uint32_t *t = calloc(cap, sizeof *t);
  if (t == NULL)
    return false;
  for (uint32_t i = 0; i < m->nnodes; i++) {
    const mdd_node *n = &m->nodes[i];
    uint32_t h = node_hash(n->var, &m->kids[n->base], m->dom[n->var]) & (cap - 1);
    while (t[h])
      h = (h + 1) & (cap - 1);
    t[h] = i + 1;
  }
  free(m->table);
  m->table = t;
  m->table_cap = cap;
  return true;
}

mdd_ref mdd_node_of(mdd *m, uint32_t var, const mdd_ref *kids) {
  if (m->full || var >= m->nvars)
    return MDD_FULL;
  uint32_t n = m->dom[var];
  for (uint32_t i = 0; i < n; i++)
    if (kids[i] == MDD_FULL)
      return MDD_FULL;
  bool all_same = true;
  for (uint32_t i = 1; i < n && all_same; i++)
    all_same = kids[i] == kids[0];
  if (all_same)
    return kids[0];
  uint32_t h = node_hash(var, kids, n) & (m->table_cap - 1);
  for (; m->table[h]; h = (h + 1) & (m->table_cap - 1))
    if (same_node(m, m->table[h] - 1, var, kids))
      return (mdd_ref)(m->table[h] - 1);
  if (m->nnodes >= m->max_nodes) {
    m->full = true;
    return MDD_FULL;
  }
  if (m->nnodes == m->cap_nodes) {
    uint32_t cap = m->cap_nodes ? m->cap_nodes * 2 : 256;
    mdd_node *p = realloc(m->nodes, cap * sizeof *p);
    if (p == NULL) {
      m->full = true;
      return MDD_FULL;
    }
    m->nodes = p;
    m->cap_nodes = cap;
  }
  while (m->nkids + n > m->cap_kids) {
    uint32_t cap = m->cap_kids ? m->cap_kids * 2 : 1024;
    mdd_ref *p = realloc(m->kids, cap * sizeof *p);
    if (p == NULL) {
      m->full = true;
      return MDD_FULL;
    }
    m->kids = p;
    m->cap_kids = cap;
  }
  uint32_t idx = m->nnodes++;
  m->nodes[idx] = (mdd_node){var, m->nkids};
  if (n > 0) /* a terminal has no children: kids may be NULL */
    memcpy(&m->kids[m->nkids], kids, n * sizeof *kids);
  m->nkids += n;
  m->table[h] = idx + 1;
  if (m->nnodes * 2 > m->table_cap && !rehash(m)) {
    m->full = true;
    return MDD_FULL;
  }
  return (mdd_ref)idx;
}

mdd_ref mdd_test(mdd *m, uint32_t var, const bool *in, uint32_t yes, uint32_t no) {
  if (var >= m->nvars)
    return MDD_FULL;
  mdd_ref kids[m->dom[var]];
  for (uint32_t i = 0; i < m->dom[var]; i++)
    kids[i] = MDD_TERM(in[i] ? yes : no);
  return mdd_node_of(m, var, kids);
}

/* The variable a reference tests first (nvars for a terminal). */
static uint32_t top(const mdd *m, mdd_ref r) {
  return MDD_IS_TERM(r) ? m->nvars : m->nodes[r].var;
}

/* Child `v` of r as a function of variable var (r itself if r does not test var). */
static mdd_ref cofactor(const mdd *m, mdd_ref r, uint32_t var, uint32_t v) {
  if (MDD_IS_TERM(r) || m->nodes[r].var != var)
    return r;
  return m->kids[m->nodes[r].base + v];
}

static cache_entry *slot(mdd *m, uint32_t op, mdd_ref a, mdd_ref b, mdd_ref c) {
  uint32_t h = mix(mix(mix(op, (uint32_t)a), (uint32_t)b), (uint32_t)c);
  return &m->cache[h & ((1u << CACHE_BITS) - 1)];
}

mdd_ref mdd_apply(mdd *m, uint32_t op, mdd_combine fn, void *ud, mdd_ref a, mdd_ref b) {
  if (a == MDD_FULL || b == MDD_FULL || m->full)
    return MDD_FULL;
  if (MDD_IS_TERM(a) && MDD_IS_TERM(b))
    return MDD_TERM(fn(ud, MDD_TERM_OF(a), MDD_TERM_OF(b)));
  cache_entry *e = slot(m, op, a, b, 0);
  if (e->used && e->op == op && e->a == a && e->b == b && e->c == 0)
    return e->r;
  uint32_t var = top(m, a) < top(m, b) ? top(m, a) : top(m, b);
  uint32_t n = m->dom[var];
  mdd_ref kids[n];
  for (uint32_t i = 0; i < n; i++)
    if ((kids[i] = mdd_apply(m, op, fn, ud, cofactor(m, a, var, i), cofactor(m, b, var, i))) ==
        MDD_FULL)
      return MDD_FULL;
  mdd_ref r = mdd_node_of(m, var, kids);
  e = slot(m, op, a, b, 0); /* the recursion may have reused the entry */
  *e = (cache_entry){op, a, b, 0, r, true};
  return r;
}

mdd_ref mdd_ite(mdd *m, mdd_ref c, mdd_ref x, mdd_ref y) {
  if (c == MDD_FULL || x == MDD_FULL || y == MDD_FULL || m->full)
    return MDD_FULL;
  if (MDD_IS_TERM(c))
    return MDD_TERM_OF(c) ? x : y;
  if (x == y)
    return x;
  cache_entry *e = slot(m, OP_ITE, c, x, y);
  if (e->used && e->op == OP_ITE && e->a == c && e->b == x && e->c == y)
    return e->r;
  uint32_t var = top(m, c);
  if (top(m, x) < var)
    var = top(m, x);
  if (top(m, y) < var)
    var = top(m, y);
  uint32_t n = m->dom[var];
  mdd_ref kids[n];
  for (uint32_t i = 0; i < n; i++)
    if ((kids[i] = mdd_ite(m, cofactor(m, c, var, i), cofactor(m, x, var, i),
                           cofactor(m, y, var, i))) == MDD_FULL)
      return MDD_FULL;
  mdd_ref r = mdd_node_of(m, var, kids);
  e = slot(m, OP_ITE, c, x, y);
  *e = (cache_entry){OP_ITE, c, x, y, r, true};
  return r;
}

/* Boolean operations on diagrams with terminals 0/1, cut short where one operand decides
 * (x and 0 = 0, x and 1 = x, ...). */
enum { OP_AND = UINT32_MAX - 1, OP_OR = UINT32_MAX - 2, OP_NOT = UINT32_MAX - 3 };

static mdd_ref bool_op(mdd *m, uint32_t op, mdd_ref a, mdd_ref b) {
  if (a == MDD_FULL || b == MDD_FULL || m->full)
    return MDD_FULL;
  mdd_ref zero = MDD_TERM(0), one = MDD_TERM(1);
  if (op == OP_NOT) {
    if (MDD_IS_TERM(a))
      return MDD_TERM(MDD_TERM_OF(a) ? 0u : 1u);
  } else {
    mdd_ref absorb = op == OP_AND ? zero : one, keep = op == OP_AND ? one : zero;
    if (a == absorb || b == absorb)
      return absorb;
    if (a == keep)
      return b;
    if (b == keep || a == b)
      return a;
  }
  cache_entry *e = slot(m, op, a, b, 0);
  if (e->used && e->op == op && e->a == a && e->b == b && e->c == 0)
    return e->r;
  uint32_t var = top(m, a) < top(m, b) ? top(m, a) : top(m, b);
  uint32_t n = m->dom[var];
  mdd_ref kids[n];
  for (uint32_t i = 0; i < n; i++)
    if ((kids[i] = bool_op(m, op, cofactor(m, a, var, i), cofactor(m, b, var, i))) == MDD_FULL)
      return MDD_FULL;
  mdd_ref r = mdd_node_of(m, var, kids);
  e = slot(m, op, a, b, 0);
  *e = (cache_entry){op, a, b, 0, r, true};
  return r;
}

mdd_ref mdd_and(mdd *m, mdd_ref a, mdd_ref b) { return bool_op(m, OP_AND, a, b); }
mdd_ref mdd_or(mdd *m, mdd_ref a, mdd_ref b) { return bool_op(m, OP_OR, a, b); }
mdd_ref mdd_not(mdd *m, mdd_ref a) { return bool_op(m, OP_NOT, a, MDD_TERM(0)); }

uint32_t mdd_count(const mdd *m) { return m->nnodes; }
const mdd_node *mdd_nodes(const mdd *m) { return m->nodes; }
const mdd_ref *mdd_children(const mdd *m) { return m->kids; }
uint32_t mdd_nchildren(const mdd *m) { return m->nkids; }
