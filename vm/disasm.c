/*
 * disasm.c — `polc disasm`: a listing of every section of a program.
 *
 *   category subsistence_allowance when:  ; section 3, pc 0017..0020
 *     0017  IDENT     2     ; subsistence_allowance
 *     0018  JMPF      +1    ; -> 0020
 *
 * Sections are numbered and named as the verifier names them (vfy_each_section).  The
 * operand column is formatted by the operand kind of opcodes.h; the comment shows what
 * the operand denotes (a constant's raw value, a slot's name, a jump's target).
 */
#include <stdio.h>
#include <stdlib.h>

#include "pol.h"
#include "vmint.h"

static const char *const fixed_slot_names[SLOT__FIXED] = {"paid_on", "identities", "category",
                                                          "subsidized"};
static const char *const rounding_names[] = {"half_up", "half_even", "down", "up"};

/* The name of what lives in a slot: a fixed slot, an attribute or a let. */
static const char *slot_name(const pol_program *p, uint32_t slot) {
  if (slot < SLOT__FIXED) return fixed_slot_names[slot];
  for (uint32_t i = 0; i < p->nattrs; i++)
    if (p->attrs[i].slot == slot) return prg_str(p, p->attrs[i].key);
  for (uint32_t i = 0; i < p->nlets; i++)
    if (p->lets[i].slot == slot) return prg_str(p, p->lets[i].key);
  return "?";
}

static void print_const(FILE *f, const pol_program *p, uint32_t i) {
  if (i < p->nconsts)
    fprintf(f, "%lld", (long long)p->consts[i]);
  else
    fputs("?", f);
}

static void print_insn(FILE *f, const pol_program *p, uint32_t pc) {
  uint32_t insn = p->code[pc], op = INSN_OP(insn), a = INSN_A(insn), b = INSN_B(insn);
  if (op >= OP__COUNT) {
    fprintf(f, "  %04u  ??? %08x\n", (unsigned)pc, (unsigned)insn);
    return;
  }
  const vm_opinfo *info = &vm_ops[op];
  char operand[32];
  fprintf(f, "  %04u  ", (unsigned)pc);
  switch ((pol_operand_kind)info->kind) {
  case OPK_NONE:
    fprintf(f, "%s\n", info->name);
    return;
  case OPK_K:
    snprintf(operand, sizeof operand, "K%u", (unsigned)b);
    fprintf(f, "%-9s %-5s ; ", info->name, operand);
    print_const(f, p, b);
    break;
  case OPK_CONST2:
    snprintf(operand, sizeof operand, "K%u K%u", (unsigned)a, (unsigned)b);
    fprintf(f, "%-9s %-5s ; ", info->name, operand);
    print_const(f, p, a);
    fputs(" .. ", f);
    print_const(f, p, b);
    break;
  case OPK_SLOT:
    snprintf(operand, sizeof operand, "S%u", (unsigned)b);
    fprintf(f, "%-9s %-5s ; %s", info->name, operand, slot_name(p, b));
    break;
  case OPK_BIT:
    snprintf(operand, sizeof operand, "%u", (unsigned)a);
    fprintf(f, "%-9s %-5s ; %s", info->name, operand,
            a < p->nidentities ? prg_str(p, p->identities[a].key) : "?");
    break;
  case OPK_JUMP:
    snprintf(operand, sizeof operand, "+%u", (unsigned)b);
    fprintf(f, "%-9s %-5s ; -> %04u", info->name, operand, (unsigned)(pc + 1 + b));
    break;
  case OPK_WINDOW:
    snprintf(operand, sizeof operand, "W%u", (unsigned)b);
    fprintf(f, "%-9s %-5s ; %s", info->name, operand,
            b < p->nwindows ? prg_str(p, p->windows[b].key) : "?");
    break;
  case OPK_EXTERN: {
    char sig[256] = "?";
    if (b < p->nexterns) vfy_extern_signature(p, b, sig, sizeof sig);
    snprintf(operand, sizeof operand, "E%u", (unsigned)b);
    fprintf(f, "%-9s %-5s ; %s", info->name, operand, sig);
    break;
  }
  case OPK_ANSWER: {
    static const char *const fig[ANSWER_FIGURES] = {"benefit_start", "benefit_end",
                                                    "waiting_months", "waiting_days"};
    snprintf(operand, sizeof operand, "%u", (unsigned)a);
    fprintf(f, "%-9s %-5s ; %s", info->name, operand, a < ANSWER_FIGURES ? fig[a] : "?");
    break;
  }
  case OPK_MODE:
    snprintf(operand, sizeof operand, "%u", (unsigned)a);
    fprintf(f, "%-9s %-5s ; %s", info->name, operand, a <= ROUND_UP ? rounding_names[a] : "?");
    break;
  }
  fputc('\n', f);
}

typedef struct {
  const pol_program *p;
  FILE *f;
} listing;

static bool list_section(void *ud, const vfy_section *s) {
  listing *l = ud;
  const pol_program *p = l->p;
  if (s->number == PRG_NONE) return true;
  fprintf(l->f, "\n%s %s %s:  ; section %u, pc %04u..%04u\n", s->owner, s->key, s->role,
          (unsigned)s->number, (unsigned)s->s.start, (unsigned)s->s.end);
  for (uint32_t pc = s->s.start; pc < s->s.end && pc < p->ncode; pc++)
    print_insn(l->f, p, pc);
  return true;
}

char *pol_disasm(const pol_program *p) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (f == NULL) return NULL;
  fprintf(f, "; policy %s: %u instructions, %u constants, %u slots\n", prg_str(p, p->id),
          (unsigned)p->ncode, (unsigned)p->nconsts, (unsigned)p->nslots);
  listing l = {p, f};
  vfy_each_section(p, list_section, &l);
  if (fclose(f) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}
