/*
 * lift.h — sections of verified bytecode turned back into expression trees (prefix lift_).
 *
 * The compiler's code for an expression is stack code whose only jumps are the forward
 * jumps of `and`, `or` and `if`; running it symbolically rebuilds the expression.  A let's
 * slot is replaced by the let's own tree, so a tree reads only inputs (the payment date,
 * the identities, attributes) and, in rules, the chosen category.  Subtrees that read no
 * input are folded by running them on the VM, so a folded value is the VM's.  A tree can
 * be emitted again as standalone code (a "piece" ending in RET) for the VM to run.
 *
 * Invariant: every node holds an instruction of the verified program (or LX_IF), so an
 * emitted piece uses only operands the verifier checked; its stack depth is checked
 * against PRG_STACK_MAX when it is emitted.
 */
#ifndef POL_LIFT_H
#define POL_LIFT_H

#include <stdbool.h>
#include <stdint.h>

#include "eval.h"
#include "opcodes.h"

enum { LX_IF = OP__COUNT }; /* kid0 ? kid1 : kid2 (ANDJ/ORJ nodes: kid0 and/or kid1) */
enum { D_INPUT = 1, D_CAT = 2 }; /* what a tree reads: inputs, the chosen category */

typedef struct {
  uint32_t insn;     /* the original instruction (its opcode; LX_IF for `if`) */
  int32_t kid[3];    /* operands, -1 none; binary: kid0 = y, kid1 = x */
  bool known;        /* reads nothing and was folded: val */
  int64_t val;
  uint8_t deps;      /* D_* */
} lx;

typedef struct {
  const pol_program *p;
  pol_eval *ev;          /* scratch context for folding (never planned) */
  lx *t;                 /* the nodes of every tree lifted so far */
  uint32_t nt, capt;
  int32_t *let_root;     /* per let: its tree, -1 if it could not be lifted */
  int32_t *slot_let;     /* per slot: the let computing it, or -1 */
  uint32_t *code;        /* emitted pieces */
  uint32_t ncode, capcode;
  bool fail;             /* out of memory or over a limit: results are meaningless */
} lift_ctx;

/* Prepare c for p (its lets lifted); false if out of memory.  lift_fini frees all but
 * `code`, which the caller may take (set it to NULL first to keep it). */
bool lift_init(lift_ctx *c, const pol_program *p);
void lift_fini(lift_ctx *c);

/* The tree of a whole section, or -1 (a shape the lifter does not know). */
int32_t lift_section(lift_ctx *c, prg_section s);
/* Emit tree n as a piece of code ending in RET; its start in c->code, or -1. */
int64_t lift_emit(lift_ctx *c, int32_t n);

/* Double *cap (from 64) and realloc *arr to it; false, with *fail set, when out of
 * memory.  The growth of the lifter's tables and of the plan builder's. */
bool lift_grow(bool *fail, void **arr, uint32_t *cap, size_t size);

/* The opcode of node n (LX_IF for `if`). */
static inline uint32_t lift_op(const lx *n) {
  return INSN_OP(n->insn) == LX_IF ? LX_IF : INSN_OP(n->insn);
}
/* Slots that hold inputs: the payment date, the identities, attributes (and lets, which
 * lifting replaces). */
static inline bool lift_input_slot(const pol_program *p, uint32_t s) {
  (void)p;
  return s == SLOT_PAID_ON || s == SLOT_IDENTITIES || s >= SLOT__FIXED;
}

#endif
