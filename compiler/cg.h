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
  SYM_CHOSEN
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

typedef struct {
  pol_program p;
  /* capacities of the program's growable tables */
  uint32_t cap_strings, cap_consts, cap_code, cap_attrs, cap_enum, cap_ids, cap_srcs, cap_lets,
      cap_cats, cap_parts, cap_choose, cap_wins, cap_rules, cap_effs, cap_addons, cap_tiers,
      cap_examples, cap_givens, cap_buys, cap_expects, cap_unlisted, cap_restates;
  /* Symbols live in fixed-size chunks that never move, so a sym* stays valid while more
   * names are declared (a pointer into a realloc'd array did not: #16).  `index` maps
   * (name, namespace) to 1 + the symbol's number by open addressing; 0 is empty. */
  sym **sym_chunks; uint32_t nsyms, cap_chunks;
  uint32_t *sym_index; uint32_t index_cap;
  pol_diags *diags;
  bool in_rule;     /* `category` and `subsidized` are visible */
  bool oom;
  uint32_t let_limit; /* lets with index < let_limit may be referenced */
} cg;

/* names.c */
#define SYM_CHUNK 64
static inline sym *sym_at(const cg *c, uint32_t i) { return &c->sym_chunks[i / SYM_CHUNK][i % SYM_CHUNK]; }
void sym_free_all(cg *c);
sym *sym_find(cg *c, const char *name);
sym *sym_find_category(cg *c, const char *name);
sym *sym_declare(cg *c, const char *name, sym_kind kind, uint32_t index, ast_node *decl);
const char *sym_kind_name(sym_kind k);
const char *ty_name(const cg *c, ty t);

/* growable tables: grow `arr` (n used, *cap capacity) to hold one more of `size`.  Returns
 * the (possibly moved) array; when memory runs out, `arr` itself with *cap unchanged and
 * c->oom set.  CG_PUSH yields the new element, or NULL (then n and arr are as before). */
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
/* Evaluate a literal (or a constant bound to a literal) of type `want`; false + error
 * if `e` is not one. */
bool gen_literal(cg *c, ast_node *e, ty want, int64_t *out);

/* decls.c */
void sema_program(cg *c, ast_node *decls, const char *id, const char *path);

#endif
