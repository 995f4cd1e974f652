/*
 * lift.c — expression trees from verified bytecode (see lift.h).
 */
#include <stdlib.h>
#include <string.h>

#include "lift.h"
#include "vmint.h"

#define MAX_TREE 100000u

#define GROW(b, arr, n, cap)                                                            \
  ((n) < (cap) || lift_grow(&(b)->fail, (void **)&(arr), &(cap), sizeof *(arr)))

bool lift_grow(bool *fail, void **arr, uint32_t *cap, size_t size) {
  uint32_t ncap = *cap ? *cap * 2 : 64;
  void *q = realloc(*arr, (size_t)ncap * size);
  if (q == NULL) {
    *fail = true;
    return false;
  }
  *arr = q;
  *cap = ncap;
  return true;
}

static int32_t new_node(lift_ctx *b, uint32_t insn, int32_t k0, int32_t k1, int32_t k2) {
  if (b->fail || b->nt >= MAX_TREE || !GROW(b, b->t, b->nt, b->capt)) {
    b->fail = true;
    return -1;
  }
  lx *n = &b->t[b->nt];
  *n = (lx){insn, {k0, k1, k2}, false, 0, 0};
  return (int32_t)b->nt++;
}

/* Emit the code of tree n into the plan's code; returns false (b->fail) if it cannot. */
static bool emit(lift_ctx *b, int32_t n, uint32_t *depth, uint32_t d);

static bool emit1(lift_ctx *b, uint32_t insn) {
  if (!GROW(b, b->code, b->ncode, b->capcode))
    return false;
  b->code[b->ncode++] = insn;
  return true;
}

static bool emit(lift_ctx *b, int32_t n, uint32_t *depth, uint32_t d) {
  if (n < 0 || b->fail)
    return false;
  const lx *x = &b->t[n];
  uint32_t op = lift_op(x);
  if (d + 1 > *depth)
    *depth = d + 1;
  if (*depth > PRG_STACK_MAX)
    return false;
  if (op == OP_ANDJ || op == OP_ORJ) {
    if (!emit(b, x->kid[0], depth, d))
      return false;
    uint32_t j = b->ncode;
    if (!emit1(b, INSN(op, 0, 0)) || !emit(b, x->kid[1], depth, d))
      return false;
    uint32_t off = b->ncode - j - 1;
    if (off > 0xffff)
      return false;
    b->code[j] = INSN(op, 0, off);
    return true;
  }
  if (op == LX_IF) {
    if (!emit(b, x->kid[0], depth, d))
      return false;
    uint32_t jf = b->ncode;
    if (!emit1(b, INSN(OP_JMPF, 0, 0)) || !emit(b, x->kid[1], depth, d))
      return false;
    uint32_t j = b->ncode;
    if (!emit1(b, INSN(OP_JMP, 0, 0)))
      return false;
    b->code[jf] = INSN(OP_JMPF, 0, b->ncode - jf - 1);
    if (!emit(b, x->kid[2], depth, d))
      return false;
    if (b->ncode - j - 1 > 0xffff || j - jf > 0xffff)
      return false;
    b->code[j] = INSN(OP_JMP, 0, b->ncode - j - 1);
    return true;
  }
  for (uint32_t k = 0; k < 3; k++)
    if (x->kid[k] >= 0 && !emit(b, x->kid[k], depth, d + k))
      return false;
  return emit1(b, x->insn);
}

/* Emit tree n followed by RET as a standalone piece of plan code; its start, or -1. */
int64_t lift_emit(lift_ctx *b, int32_t n) {
  uint32_t start = b->ncode, depth = 0;
  if (!emit(b, n, &depth, 0) || !emit1(b, INSN(OP_RET, 0, 0))) {
    b->ncode = start;
    return -1;
  }
  return start;
}

/* Fold node n if every operand is known: run it on the VM. */
static void fold(lift_ctx *b, int32_t n) {
  lx *x = &b->t[n];
  uint32_t op = lift_op(x);
  if (x->deps != 0 || op == OP_CONST) {
    x->known = op == OP_CONST;
    return;
  }
  uint32_t mark = b->ncode;
  int64_t start = lift_emit(b, n), v;
  if (start >= 0 && vm_exec(b->ev, b->code, (uint32_t)start, &v) == POL_OK) {
    b->t[n].known = true;
    b->t[n].val = v;
  }
  b->ncode = mark;
}

/* Lift code[pc .. end) of a section into trees on the symbolic stack st (depth *sp). */
static bool lift_range(lift_ctx *b, uint32_t pc, uint32_t end, int32_t *st, uint32_t *sp) {
  const pol_program *p = b->p;
  while (pc < end && !b->fail) {
    uint32_t insn = p->code[pc], op = INSN_OP(insn);
    if (op >= OP__COUNT)
      return false;
    uint32_t pops = 0;
    int32_t n = -1;
    switch (op) {
    case OP_ANDJ:
    case OP_ORJ: {
      uint32_t target = pc + 1 + INSN_B(insn);
      if (*sp < 1 || target > end)
        return false;
      int32_t sub[PRG_STACK_MAX];
      uint32_t ssp = 0;
      if (!lift_range(b, pc + 1, target, sub, &ssp) || ssp != 1)
        return false;
      int32_t l = st[--*sp];
      n = new_node(b, INSN(op, 0, 0), l, sub[0], -1);
      if (n < 0)
        return false;
      b->t[n].deps = b->t[l].deps | b->t[sub[0]].deps;
      st[(*sp)++] = n;
      fold(b, n);
      pc = target;
      continue;
    }
    case OP_JMPF: {
      uint32_t t1 = pc + 1 + INSN_B(insn);
      if (*sp < 1 || t1 > end || t1 < pc + 2 || INSN_OP(p->code[t1 - 1]) != OP_JMP)
        return false;
      uint32_t t2 = t1 + INSN_B(p->code[t1 - 1]);
      if (t2 > end)
        return false;
      int32_t s1[PRG_STACK_MAX], s2[PRG_STACK_MAX];
      uint32_t n1 = 0, n2 = 0;
      if (!lift_range(b, pc + 1, t1 - 1, s1, &n1) || n1 != 1 ||
          !lift_range(b, t1, t2, s2, &n2) || n2 != 1)
        return false;
      int32_t c = st[--*sp];
      n = new_node(b, LX_IF, c, s1[0], s2[0]);
      if (n < 0)
        return false;
      b->t[n].deps = b->t[c].deps | b->t[s1[0]].deps | b->t[s2[0]].deps;
      st[(*sp)++] = n;
      fold(b, n);
      pc = t2;
      continue;
    }
    case OP_JMP:
    case OP_RET:
      return false; /* only as parts of the shapes above, or the section's end */
    default:
      /* an opcode whose pops vary (OP_CALL: the extern's arity; its pops column is 0)
       * is not lifted: a leaf of it would drop its arguments from the tree */
      if (vm_ops[op].kind == OPK_EXTERN)
        return false;
      /* the answer's dates are no input: an after rule's `when` is never lifted */
      if (vm_ops[op].kind == OPK_ANSWER)
        return false;
      break;
    }
    pops = vm_ops[op].pops;
    if (*sp < pops || *sp - pops + 1 > PRG_STACK_MAX)
      return false;
    int32_t kids[3] = {-1, -1, -1};
    for (uint32_t i = 0; i < pops; i++)
      kids[i] = st[*sp - pops + i];
    *sp -= pops;
    uint8_t deps = 0;
    if (op == OP_LOAD && INSN_B(insn) < p->nslots && b->slot_let[INSN_B(insn)] >= 0) {
      int32_t r = b->let_root[b->slot_let[INSN_B(insn)]];
      if (r < 0)
        return false;
      st[(*sp)++] = r; /* the let's tree, shared */
      pc++;
      continue;
    }
    if (op == OP_LOAD)
      deps = lift_input_slot(p, INSN_B(insn)) ? D_INPUT : D_CAT;
    if (op == OP_IDENT || op == OP_PRESENT)
      deps = D_INPUT;
    n = new_node(b, insn, kids[0], kids[1], kids[2]);
    if (n < 0)
      return false;
    for (uint32_t i = 0; i < pops; i++)
      deps |= b->t[kids[i]].deps;
    b->t[n].deps = deps;
    if (op == OP_CONST)
      b->t[n].val = p->consts[INSN_B(insn)];
    fold(b, n);
    st[(*sp)++] = n;
    pc++;
  }
  return !b->fail;
}

/* The tree of a whole section, or -1. */
int32_t lift_section(lift_ctx *b, prg_section s) {
  if (s.start >= s.end || s.end > b->p->ncode || INSN_OP(b->p->code[s.end - 1]) != OP_RET)
    return -1;
  int32_t st[PRG_STACK_MAX];
  uint32_t sp = 0;
  if (!lift_range(b, s.start, s.end - 1, st, &sp) || sp != 1)
    return -1;
  return st[0];
}


bool lift_init(lift_ctx *c, const pol_program *p) {
  memset(c, 0, sizeof *c);
  c->p = p;
  c->ev = eval_new(p, false);
  c->let_root = malloc((p->nlets ? p->nlets : 1) * sizeof *c->let_root);
  c->slot_let = malloc((p->nslots ? p->nslots : 1) * sizeof *c->slot_let);
  if (!c->ev || !c->let_root || !c->slot_let)
    return false;
  for (uint32_t i = 0; i < p->nslots; i++)
    c->slot_let[i] = -1;
  /* in order: a let may use the ones before it */
  for (uint32_t i = 0; i < p->nlets; i++) {
    c->let_root[i] = lift_section(c, p->lets[i].value);
    if (p->lets[i].slot < p->nslots)
      c->slot_let[p->lets[i].slot] = (int32_t)i;
  }
  return !c->fail;
}

void lift_fini(lift_ctx *c) {
  pol_eval_free(c->ev);
  free(c->t);
  free(c->let_root);
  free(c->slot_let);
  free(c->code);
  memset(c, 0, sizeof *c);
}
