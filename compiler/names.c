/* names.c — the symbol table and the program's growable tables during compilation. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"

void *cg_grow(cg *c, void *arr, uint32_t n, uint32_t *cap, size_t size) {
  if (n < *cap) return arr;
  uint32_t ncap = *cap ? *cap * 2 : 16;
  void *p = ncap > *cap ? realloc(arr, (size_t)ncap * size) : NULL;
  if (!p) {
    c->oom = true;
    return arr;
  }
  *cap = ncap;
  return p;
}

/* ---- hash indexes ------------------------------------------------------------------- */

typedef struct {
  uint32_t (*hash)(const cg *c, uint32_t entry);                 /* of an indexed entry */
  bool (*is)(const cg *c, uint32_t entry, const void *key);      /* entry holds key */
} ix_ops;

static uint32_t fnv(uint32_t h, const void *p, size_t n) {
  for (const unsigned char *b = p, *e = b + n; b < e; b++) h = (h ^ *b) * 16777619u;
  return h;
}

/* The slot of `key` (hashing to h): its entry's, or the empty one where it would go. */
static uint32_t *ix_slot(const cg *c, const cg_index *ix, const ix_ops *ops, uint32_t h,
                         const void *key) {
  uint32_t mask = ix->cap - 1;
  for (h &= mask;; h = (h + 1) & mask) {
    uint32_t *e = &ix->slots[h];
    if (*e == 0 || ops->is(c, *e - 1, key)) return e;
  }
}

/* The entry holding key, or UINT32_MAX. */
static uint32_t ix_find(const cg *c, const cg_index *ix, const ix_ops *ops, uint32_t h,
                        const void *key) {
  if (ix->cap == 0) return UINT32_MAX;
  uint32_t e = *ix_slot(c, ix, ops, h, key);
  return e ? e - 1 : UINT32_MAX;
}

/* Makes room for one more entry (keeping the index at most half full); false on OOM. */
static bool ix_reserve(cg *c, cg_index *ix, const ix_ops *ops) {
  if ((ix->used + 1) * 2 <= ix->cap) return true;
  uint32_t cap = ix->cap ? ix->cap * 2 : 256;
  uint32_t *slots = calloc(cap, sizeof *slots);
  if (!slots || cap < ix->cap) {
    free(slots);
    c->oom = true;
    return false;
  }
  uint32_t mask = cap - 1;
  for (uint32_t i = 0; i < ix->cap; i++) {
    uint32_t e = ix->slots[i];
    if (!e) continue;
    uint32_t h = ops->hash(c, e - 1) & mask;
    while (slots[h]) h = (h + 1) & mask;
    slots[h] = e;
  }
  free(ix->slots);
  ix->slots = slots;
  ix->cap = cap;
  return true;
}

/* Adds entry (hashing to h, not yet indexed) after ix_reserve. */
static void ix_add(const cg *c, cg_index *ix, const ix_ops *ops, uint32_t h, const void *key,
                   uint32_t entry) {
  *ix_slot(c, ix, ops, h, key) = entry + 1;
  ix->used++;
}

/* Symbols.  Categories live in a namespace of their own: they are named like the
 * identities that define them ("subsistence_allowance"), and are only ever named where a
 * category is expected (`category in { … }`, examples). */
typedef struct { const char *name; bool categories; } sym_key;

static uint32_t sym_hash_of(const char *name, bool categories) {
  return fnv(categories ? 0x9e3779b9u : 2166136261u, name, strlen(name));
}
static uint32_t sym_hash(const cg *c, uint32_t i) {
  const sym *s = sym_at(c, i);
  return sym_hash_of(s->name, s->kind == SYM_CATEGORY);
}
static bool sym_is(const cg *c, uint32_t i, const void *key) {
  const sym *s = sym_at(c, i);
  const sym_key *k = key;
  return (s->kind == SYM_CATEGORY) == k->categories && strcmp(s->name, k->name) == 0;
}
static const ix_ops sym_ops = {sym_hash, sym_is};

static sym *find_ns(cg *c, const char *name, bool categories) {
  sym_key k = {name, categories};
  uint32_t i = ix_find(c, &c->syms, &sym_ops, sym_hash_of(name, categories), &k);
  return i == UINT32_MAX ? NULL : sym_at(c, i);
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
  c->sym_chunks = NULL;
  c->nsyms = c->cap_chunks = 0;
  cg_index *ix[] = {&c->syms, &c->strings, &c->consts};
  for (size_t i = 0; i < sizeof ix / sizeof ix[0]; i++) {
    free(ix[i]->slots);
    *ix[i] = (cg_index){NULL, 0, 0};
  }
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
    [SYM_EXTERN] = "host function", [SYM_ASSUME] = "assumption", [SYM_PERIOD] = "period",
    [SYM_ANSWER] = "built-in",
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
  if (!ix_reserve(c, &c->syms, &sym_ops)) return NULL;
  sym *s = sym_new(c);
  if (!s) return NULL;
  memset(s, 0, sizeof *s);
  s->name = name;
  s->kind = kind;
  s->index = index;
  s->decl = decl;
  sym_key k = {name, kind == SYM_CATEGORY};
  ix_add(c, &c->syms, &sym_ops, sym_hash_of(name, k.categories), &k, c->nsyms - 1);
  return s;
}

/* The edit distance of a and b (insertions, deletions, substitutions and transpositions
 * of adjacent bytes), or max + 1 when it exceeds max.  Names are at most AST_MAX_NAME
 * bytes; longer strings are never within reach. */
static size_t edit_distance(const char *a, const char *b, size_t max) {
  size_t n = strlen(a), m = strlen(b);
  if (n > AST_MAX_NAME || m > AST_MAX_NAME || (n > m ? n - m : m - n) > max) return max + 1;
  size_t rows[3][AST_MAX_NAME + 1]; /* rows i-2, i-1, i of the table, by i % 3 */
  for (size_t j = 0; j <= m; j++) rows[0][j] = j;
  for (size_t i = 1; i <= n; i++) {
    size_t *cur = rows[i % 3], *prev = rows[(i - 1) % 3], *pprev = rows[(i + 1) % 3];
    size_t best = cur[0] = i;
    for (size_t j = 1; j <= m; j++) {
      size_t d = prev[j - 1] + (a[i - 1] != b[j - 1]);
      if (prev[j] + 1 < d) d = prev[j] + 1;
      if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pprev[j - 2] + 1 < d)
        d = pprev[j - 2] + 1;
      cur[j] = d;
      if (d < best) best = d;
    }
    if (best > max) return max + 1; /* every later row is at least this */
  }
  return rows[n % 3][m];
}

const char *sym_suggest(cg *c, const char *name, uint32_t kinds, const char *extra, char *buf,
                        size_t n) {
  buf[0] = 0;
  /* suggestions cost a pass over the symbols: only for messages that will be shown */
  if (c->diags->max_errors && c->diags->nerrors >= c->diags->max_errors) return buf;
  size_t len = strlen(name), max = len / 3 ? len / 3 : 1, best = max + 1;
  const char *found = NULL;
  if (extra && (best = edit_distance(name, extra, max)) <= max) found = extra;
  for (uint32_t i = 0; i < c->nsyms && best > 1; i++) {
    const sym *s = sym_at(c, i);
    if (!(kinds & (1u << s->kind)) || strcmp(s->name, name) == 0) continue;
    size_t d = edit_distance(name, s->name, best - 1);
    if (d < best) {
      best = d;
      found = s->name;
    }
  }
  if (found) snprintf(buf, n, "; did you mean '%s'?", found);
  return buf;
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

/* Pooled strings, keyed by their text; an entry is the string's offset in the pool. */
static uint32_t str_hash(const cg *c, uint32_t off) {
  const char *s = c->p.strings + off;
  return fnv(2166136261u, s, strlen(s));
}
static bool str_is(const cg *c, uint32_t off, const void *key) {
  return strcmp(c->p.strings + off, key) == 0;
}
static const ix_ops str_ops = {str_hash, str_is};

prg_strref cg_str(cg *c, const char *s) {
  if (!s) return PRG_NONE;
  size_t n = strlen(s) + 1;
  uint32_t h = fnv(2166136261u, s, n - 1);
  uint32_t found = ix_find(c, &c->strings, &str_ops, h, s);
  if (found != UINT32_MAX) return found;
  if (n > UINT32_MAX - c->p.nstrings) {
    c->oom = true;
    return PRG_NONE;
  }
  while (c->p.nstrings + n > c->cap_strings) {
    uint32_t cap = c->cap_strings ? c->cap_strings * 2 : 4096;
    char *p = cap > c->cap_strings ? realloc(c->p.strings, cap) : NULL;
    if (!p) {
      c->oom = true;
      return PRG_NONE;
    }
    c->p.strings = p;
    c->cap_strings = cap;
  }
  if (!ix_reserve(c, &c->strings, &str_ops)) return PRG_NONE;
  prg_strref r = c->p.nstrings;
  memcpy(c->p.strings + r, s, n);
  c->p.nstrings += (uint32_t)n;
  ix_add(c, &c->strings, &str_ops, h, s, r);
  return r;
}

/* Constants, keyed by value; an entry is the constant's index. */
static uint32_t const_hash_of(int64_t v) { return fnv(2166136261u, &v, sizeof v); }
static uint32_t const_hash(const cg *c, uint32_t i) { return const_hash_of(c->p.consts[i]); }
static bool const_is(const cg *c, uint32_t i, const void *key) {
  return c->p.consts[i] == *(const int64_t *)key;
}
static const ix_ops const_ops = {const_hash, const_is};

uint32_t cg_const(cg *c, int64_t v) {
  uint32_t h = const_hash_of(v);
  uint32_t found = ix_find(c, &c->consts, &const_ops, h, &v);
  if (found != UINT32_MAX) return found;
  if (!ix_reserve(c, &c->consts, &const_ops)) return 0;
  int64_t *slot = CG_PUSH(c, c->p.consts, c->p.nconsts, c->cap_consts);
  if (!slot) return 0;
  *slot = v;
  ix_add(c, &c->consts, &const_ops, h, &v, c->p.nconsts - 1);
  return c->p.nconsts - 1;
}

void cg_error(cg *c, ast_loc loc, const char *fmt, ...) {
  if (c->quiet) return;
  va_list ap;
  va_start(ap, fmt);
  diag_vadd(c->diags, DIAG_ERROR, loc.src, loc.start, loc.end, "compile", fmt, ap);
  va_end(ap);
}

void cg_warn(cg *c, ast_loc loc, const char *fmt, ...) {
  if (c->quiet) return;
  va_list ap;
  va_start(ap, fmt);
  diag_vadd(c->diags, DIAG_WARNING, loc.src, loc.start, loc.end, "compile", fmt, ap);
  va_end(ap);
}
