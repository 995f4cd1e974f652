/*
 * cg.h — state of one compilation: the program being built, the symbol table and the
 * diagnostics.  Internal to compiler/ (prefixes: sym_ names.c, gen_ expr.c, sema_ decls.c).
 */
#ifndef POL_CG_H
#define POL_CG_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"
#include "program.h"

typedef enum {
  SYM_CONST, SYM_LET, SYM_ATTR, SYM_IDENTITY, SYM_SOURCE, SYM_CATEGORY, SYM_WINDOW,
  SYM_COLLECTION, SYM_ENUMVAL, SYM_ADDON, SYM_PAID_ON, SYM_BENEFIT_YEAR, SYM_SUBSIDIZED,
  SYM_CHOSEN, SYM_EXTERN, SYM_ASSUME, SYM_PERIOD,
  SYM_ANSWER /* benefit_start, benefit_end, waiting_months, waiting_days: index = OP_ANSWER's A */
} sym_kind;

/* A static type: the VM's value kind plus, for enums, which attribute declares it. */
typedef struct { prg_type t; uint32_t en; } ty;
/* The type of an expression already reported as wrong: accepted everywhere, silently,
 * so one mistake gives one message. */
#define TY_ERR ((prg_type)0x7f)

typedef struct {
  const char *name;
  sym_kind kind;
  uint32_t index;   /* in the program table of its kind */
  ast_node *decl;
  ty type;          /* SYM_CONST: known after its first use; SYM_LET, SYM_ATTR */
  bool optional;    /* SYM_ATTR with presence optional */
  bool typed;       /* type is known */
  bool busy;        /* SYM_CONST: being compiled (cycle detection) */
  bool used;
} sym;

/* An open-addressing hash index of entries numbered by its owner: a slot holds 1 + the
 * entry's number, 0 when empty; at most half the slots are full.  Used for symbols
 * (name and namespace), pooled strings (offset) and constants (index). */
typedef struct { uint32_t *slots; uint32_t cap, used; } cg_index;

typedef struct {
  pol_program p;
  /* capacities of the program's growable tables */
  uint32_t cap_strings, cap_consts, cap_code, cap_attrs, cap_enum, cap_ids, cap_srcs, cap_lets,
      cap_cats, cap_parts, cap_choose, cap_wins, cap_rules, cap_effs, cap_addons, cap_tiers,
      cap_examples, cap_givens, cap_buys, cap_expects, cap_unlisted, cap_restates,
      cap_externs, cap_ext_args, cap_overrides, cap_assumes, cap_unstated, cap_periods;
  /* Symbols live in fixed-size chunks that never move, so a sym* stays valid while more
   * names are declared (a pointer into a realloc'd array did not: #16). */
  sym **sym_chunks; uint32_t nsyms, cap_chunks;
  cg_index syms, strings, consts; /* every symbol, pooled string and constant is indexed */
  pol_diags *diags;
  uint32_t src;     /* the policy's diag source (0 is the prelude) */
  bool in_rule;     /* `category` and `subsidized` are visible */
  bool in_assume;   /* an assumption: only the resident, `paid_on` and `benefit_year` */
  bool in_rule_when; /* the answer's dates (SYM_ANSWER) are visible: a rule's `when` */
  const char *read_answer; /* the first SYM_ANSWER the rule being compiled reads, or NULL */
  bool oom;
  uint32_t let_limit; /* lets with index < let_limit may be referenced */
  uint32_t depth;     /* gen_expr/gen_literal/const_operand frames active: <= AST_MAX_DEPTH */
  ast_loc at;         /* the expression being generated, for errors found in emit */
  uint32_t quiet;     /* > 0: code generated a second time, whose mistakes were reported */
  bool too_deep;      /* AST_MAX_DEPTH exceeded through constants (reported once) */
  bool code_full;     /* CG_MAX_CODE reached (reported once): constants are no longer expanded */
  bool operand_full;  /* an operand did not fit its instruction field (reported once) */
  /* Optional attributes (attribute indexes) known to be present where code is being
   * generated: the right operand of `present(x) and …`, the branch `then` of `if
   * present(x)`, the effects of a rule `when present(x) …` (expr.c gen_assume).  A stack:
   * each guarded region pops what it pushed.  Beyond CG_MAX_GUARDS nothing more is
   * assumed, which only refuses more (the writer is told to guard the value). */
  uint32_t guard[32];
  uint32_t nguard;
} cg;
#define CG_MAX_GUARDS 32

/* The most instructions a policy compiles to.  Each use of a constant expands its
 * expression, so constants defined through constants can double the code at each step;
 * this bounds the time and memory of such a compile. */
#define CG_MAX_CODE (1u << 20)

/* names.c */
#define SYM_CHUNK 64
static inline sym *sym_at(const cg *c, uint32_t i) { return &c->sym_chunks[i / SYM_CHUNK][i % SYM_CHUNK]; }
/* Frees the symbols and the indexes (not the program's tables). */
void sym_free_all(cg *c);
sym *sym_find(cg *c, const char *name);
sym *sym_find_category(cg *c, const char *name);
sym *sym_declare(cg *c, const char *name, sym_kind kind, uint32_t index, ast_node *decl);
const char *sym_kind_name(sym_kind k);
/* "; did you mean 'x'?" naming the symbol of a kind in `kinds` (a mask of 1 << sym_kind),
 * or `extra` (a word that is not a symbol, or NULL), nearest to `name` by edit distance and
 * within a third of its length; "" when none is (or when the message will not be shown).
 * Written into buf (n bytes), which is returned. */
#define SYM_HINT_SIZE (AST_MAX_NAME + 32)
const char *sym_suggest(cg *c, const char *name, uint32_t kinds, const char *extra, char *buf,
                        size_t n);
/* The symbols that are values in expressions. */
#define SYM_VALUES                                                                             \
  ((1u << SYM_CONST) | (1u << SYM_LET) | (1u << SYM_ATTR) | (1u << SYM_IDENTITY) |              \
   (1u << SYM_ENUMVAL) | (1u << SYM_PAID_ON) | (1u << SYM_BENEFIT_YEAR) |                     \
   (1u << SYM_SUBSIDIZED) | (1u << SYM_CHOSEN) | (1u << SYM_ANSWER))
const char *ty_name(const cg *c, ty t);

/* Growable tables.  cg_grow returns `arr` grown to hold one more of `size` beyond n (cap
 * updated), or on out of memory `arr` itself, unchanged, with c->oom set.  CG_PUSH is a
 * pointer to the new last element, NULL on out of memory; it is valid only until the next
 * push onto the same table, so code holding an element across a push keeps its index. */
void *cg_grow(cg *c, void *arr, uint32_t n, uint32_t *cap, size_t size);
#define CG_PUSH(c, arr, n, cap) \
  ((arr) = cg_grow((c), (arr), (n), &(cap), sizeof *(arr)), (n) < (cap) ? &(arr)[(n)++] : NULL)
prg_strref cg_str(cg *c, const char *s);
uint32_t cg_const(cg *c, int64_t v);
void cg_error(cg *c, ast_loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cg_warn(cg *c, ast_loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* expr.c: type-check `e` and emit its code; returns its type (t = TY_BOOL on error). */
ty gen_expr(cg *c, ast_node *e);
/* Emit a whole section computing `e`, which must have type `want` (en ignored unless
 * enum); returns the section. */
prg_section gen_section(cg *c, ast_node *e, prg_type want, const char *what);
prg_section gen_section_infer(cg *c, ast_node *e, ty *out);
/* A section that returns the constant v (the stand-in of an unstated value). */
prg_section gen_value_section(cg *c, int64_t v);
/* The value of `e` when it is a literal, or a constant bound to one (a negated one too):
 * false, silently, when it is not. */
bool gen_constant(cg *c, ast_node *e, ty *t, int64_t *v);
/* Evaluate a literal (or a constant bound to a literal) of type `want`; false + error
 * if `e` is not one. */
bool gen_literal(cg *c, ast_node *e, ty want, int64_t *out);

/* Pushes onto c->guard the optional attributes `e` proves present when it evaluates to
 * `holds`; the caller restores c->nguard after the guarded region. */
void gen_assume(cg *c, ast_node *e, bool holds);

/* decls.c */
void sema_program(cg *c, ast_node *decls, const char *id, const char *path);

#endif
