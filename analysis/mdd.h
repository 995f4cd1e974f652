/*
 * mdd.h — reduced, ordered multi-valued decision diagrams (prefix mdd_).
 *
 * A variable v has a domain of dom[v] values 0..dom[v]-1 (for the quote's plan: the
 * interval of a feature between two cut points).  A reference is a node index (>= 0) or
 * a terminal (< 0: terminal t is ~t).  Nodes are hash-consed and reduced: no node has all
 * children equal and no two nodes have the same variable and children, so two equal
 * functions have equal references.  Along every path variables appear in increasing order.
 *
 * Operations combine terminals through a caller's function and are memoised; every
 * operation fails (returns MDD_FULL) once the node or memo capacity is exceeded, and the
 * caller then does without the diagram.
 */
#ifndef POL_MDD_H
#define POL_MDD_H

#include <stdbool.h>
#include <stdint.h>

typedef int32_t mdd_ref;
static inline mdd_ref mdd_term(uint32_t t) { return (mdd_ref)~(int32_t)t; }
#define MDD_TERM(t) mdd_term((uint32_t)(t))
#define MDD_IS_TERM(r) ((r) < 0)
#define MDD_TERM_OF(r) ((uint32_t)~(r))
#define MDD_FULL INT32_MIN

typedef struct {
  uint32_t var;
  uint32_t base; /* children[base .. base + dom[var]) */
} mdd_node;

typedef struct mdd mdd;

/* A diagram over nvars variables with the given domain sizes (>= 1 each). */
mdd *mdd_new(uint32_t nvars, const uint32_t *dom, uint32_t max_nodes);
void mdd_free(mdd *m);

/* The node with these children (dom[var] of them), reduced and shared. */
mdd_ref mdd_node_of(mdd *m, uint32_t var, const mdd_ref *children);
/* Terminal `yes` on the values of var where in[value] is true, else terminal `no`. */
mdd_ref mdd_test(mdd *m, uint32_t var, const bool *in, uint32_t yes, uint32_t no);

/* Terminal combination: fn(ud, a, b) -> terminal.  `op` names the function in the memo
 * (distinct functions, or one function with distinct ud, need distinct ops; ops from
 * UINT32_MAX - 3 up are the library's). */
typedef uint32_t (*mdd_combine)(void *ud, uint32_t a, uint32_t b);
mdd_ref mdd_apply(mdd *m, uint32_t op, mdd_combine fn, void *ud, mdd_ref a, mdd_ref b);
/* Diagrams with terminals 0 and 1. */
mdd_ref mdd_and(mdd *m, mdd_ref a, mdd_ref b);
mdd_ref mdd_or(mdd *m, mdd_ref a, mdd_ref b);
mdd_ref mdd_not(mdd *m, mdd_ref a);
/* if c (terminals 0/1) then x else y */
mdd_ref mdd_ite(mdd *m, mdd_ref c, mdd_ref x, mdd_ref y);

/* Read access for walking and copying out. */
uint32_t mdd_count(const mdd *m);
const mdd_node *mdd_nodes(const mdd *m);
const mdd_ref *mdd_children(const mdd *m);
uint32_t mdd_nchildren(const mdd *m);

#endif
