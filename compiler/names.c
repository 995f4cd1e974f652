/* names.c — the symbol table and the program's growable tables during compilation. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"

void *cg_grow(cg *c, void *arr, uint32_t n, uint32_t *cap, size_t size) {
  if (n < *cap) return arr;
  uint32_t ncap = *cap ? *cap * 2 : 16;
  void *p = realloc(arr, (size_t)ncap * size);
  if (!p) {
    c->oom = true;
    return NULL;
  }
  *cap = ncap;
  return p;
}

/* Categories live in a namespace of their own: they are named like the identities that
 * define them ("subsistence_allowance"), and are only ever named where a category is
 * expected (`category in { … }`, examples). */
static sym *find_ns(cg *c, const char *name, bool categories) {
  for (uint32_t i = 0; i < c->nsyms; i++)
    if ((c->syms[i].kind == SYM_CATEGORY) == categories && strcmp(c->syms[i].name, name) == 0)
      return &c->syms[i];
  return NULL;
}

sym *sym_find(cg *c, const char *name) { return find_ns(c, name, false); }
sym *sym_find_category(cg *c, const char *name) { return find_ns(c, name, true); }

static const char *const kind_names[] = {
    [SYM_CONST] = "constant",       [SYM_LET] = "let",
    [SYM_ATTR] = "attribute",       [SYM_IDENTITY] = "identity",
    [SYM_SOURCE] = "funding source", [SYM_CATEGORY] = "category",
    [SYM_WINDOW] = "window",        [SYM_COLLECTION] = "collection period",
    [SYM_ENUMVAL] = "enum value",   [SYM_ADDON] = "add-on",
    [SYM_PAID_ON] = "built-in",     [SYM_BENEFIT_YEAR] = "built-in",
    [SYM_SUBSIDIZED] = "built-in",  [SYM_CHOSEN] = "built-in",
};

const char *sym_kind_name(sym_kind k) { return kind_names[k]; }

sym *sym_declare(cg *c, const char *name, sym_kind kind, uint32_t index, ast_node *decl) {
  sym *old = find_ns(c, name, kind == SYM_CATEGORY);
  if (old) {
    if (decl && old->decl) {
      uint32_t line, col;
      diag_locate(&c->diags->sources[old->decl->loc.src], old->decl->loc.start, &line, &col);
      const char *kn = sym_kind_name(old->kind);
      cg_error(c, decl->loc, "'%s' is already declared as %s %s at %s:%u", name,
               strchr("aeiou", kn[0]) ? "an" : "a", kn, c->diags->sources[old->decl->loc.src].path, line);
    }
    return NULL;
  }
  sym *s = CG_PUSH(c, c->syms, c->nsyms, c->cap_syms);
  if (!s) return NULL;
  memset(s, 0, sizeof *s);
  s->name = name;
  s->kind = kind;
  s->index = index;
  s->decl = decl;
  return s;
}

const char *ty_name(const cg *c, ty t) {
  if (t.t == TY_ERR) return "error";
  switch (t.t) {
  case TY_BOOL: return "bool";
  case TY_INT: return "int";
  case TY_MONEY: return "money";
  case TY_DATE: return "date";
  case TY_RATIO: return "ratio";
  case TY_DAYS: return "days";
  case TY_MONTHS: return "months";
  case TY_CATEGORY: return "category";
  case TY_ENUM: return t.en < c->p.nattrs ? prg_str(&c->p, c->p.attrs[t.en].key) : "enum";
  }
  return "?";
}

prg_strref cg_str(cg *c, const char *s) {
  if (!s) return PRG_NONE;
  size_t n = strlen(s) + 1;
  /* reuse an identical string already in the pool */
  for (uint32_t off = 0; off < c->p.nstrings;) {
    size_t m = strlen(c->p.strings + off) + 1;
    if (m == n && memcmp(c->p.strings + off, s, n) == 0) return off;
    off += (uint32_t)m;
  }
  while (c->p.nstrings + n > c->cap_strings) {
    uint32_t cap = c->cap_strings ? c->cap_strings * 2 : 4096;
    char *p = realloc(c->p.strings, cap);
    if (!p) {
      c->oom = true;
      return PRG_NONE;
    }
    c->p.strings = p;
    c->cap_strings = cap;
  }
  prg_strref r = c->p.nstrings;
  memcpy(c->p.strings + r, s, n);
  c->p.nstrings += (uint32_t)n;
  return r;
}

uint32_t cg_const(cg *c, int64_t v) {
  for (uint32_t i = 0; i < c->p.nconsts; i++)
    if (c->p.consts[i] == v) return i;
  int64_t *slot = CG_PUSH(c, c->p.consts, c->p.nconsts, c->cap_consts);
  if (!slot) return 0;
  *slot = v;
  return c->p.nconsts - 1;
}

void cg_error(cg *c, ast_loc loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_vadd(c->diags, DIAG_ERROR, loc.src, loc.start, loc.end, "compile", fmt, ap);
  va_end(ap);
}

void cg_warn(cg *c, ast_loc loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_vadd(c->diags, DIAG_WARNING, loc.src, loc.start, loc.end, "compile", fmt, ap);
  va_end(ap);
}
