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
    return arr;
  }
  *cap = ncap;
  return p;
}

/* Categories live in a namespace of their own: they are named like the identities that
 * define them ("subsistence_allowance"), and are only ever named where a category is
 * expected (`category in { … }`, examples). */
static uint32_t name_hash(const char *name, bool categories) {
  uint32_t h = categories ? 0x9e3779b9u : 2166136261u; /* FNV-1a, seeded by namespace */
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) h = (h ^ *p) * 16777619u;
  return h;
}

static bool sym_is(const sym *s, const char *name, bool categories) {
  return (s->kind == SYM_CATEGORY) == categories && strcmp(s->name, name) == 0;
}

/* The slot of `name` in the index: its symbol's, or the empty one where it would go. */
static uint32_t *index_slot(cg *c, const char *name, bool categories) {
  uint32_t mask = c->index_cap - 1;
  for (uint32_t h = name_hash(name, categories) & mask;; h = (h + 1) & mask) {
    uint32_t *e = &c->sym_index[h];
    if (*e == 0 || sym_is(sym_at(c, *e - 1), name, categories)) return e;
  }
}

static sym *find_ns(cg *c, const char *name, bool categories) {
  if (c->index_cap == 0) return NULL;
  uint32_t *e = index_slot(c, name, categories);
  return *e ? sym_at(c, *e - 1) : NULL;
}

/* Keeps the index at most half full. */
static bool index_grow(cg *c) {
  if ((c->nsyms + 1) * 2 <= c->index_cap) return true;
  uint32_t cap = c->index_cap ? c->index_cap * 2 : 256;
  uint32_t *old = c->sym_index;
  c->sym_index = calloc(cap, sizeof *c->sym_index);
  if (!c->sym_index) {
    c->sym_index = old;
    c->oom = true;
    return false;
  }
  c->index_cap = cap;
  for (uint32_t i = 0; i < c->nsyms; i++) {
    sym *s = sym_at(c, i);
    *index_slot(c, s->name, s->kind == SYM_CATEGORY) = i + 1;
  }
  free(old);
  return true;
}

static sym *sym_new(cg *c) {
  if (c->nsyms % SYM_CHUNK == 0) {
    uint32_t k = c->nsyms / SYM_CHUNK;
    if (k == c->cap_chunks) {
      uint32_t cap = c->cap_chunks ? c->cap_chunks * 2 : 8;
      sym **p = realloc(c->sym_chunks, cap * sizeof *p);
      if (!p) {
        c->oom = true;
        return NULL;
      }
      c->sym_chunks = p;
      c->cap_chunks = cap;
    }
    if (!(c->sym_chunks[k] = calloc(SYM_CHUNK, sizeof(sym)))) {
      c->oom = true;
      return NULL;
    }
  }
  return sym_at(c, c->nsyms++);
}

void sym_free_all(cg *c) {
  for (uint32_t k = 0; k * SYM_CHUNK < c->nsyms; k++) free(c->sym_chunks[k]);
  free(c->sym_chunks);
  free(c->sym_index);
  c->sym_chunks = NULL;
  c->sym_index = NULL;
  c->nsyms = c->cap_chunks = c->index_cap = 0;
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
  if (!index_grow(c)) return NULL;
  sym *s = sym_new(c);
  if (!s) return NULL;
  memset(s, 0, sizeof *s);
  s->name = name;
  s->kind = kind;
  s->index = index;
  s->decl = decl;
  *index_slot(c, name, kind == SYM_CATEGORY) = c->nsyms;
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
