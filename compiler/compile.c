/*
 * compile.c — pol_compile and friends: source text to an immutable pol_program.
 * The prelude (stdlib/prelude.pol) is parsed first, then the policy, into one
 * declaration list; both are registered as diagnostic sources so messages point into
 * either.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"
#include "lex.h"
#include "vmint.h"
#include "plan.h"

extern const char pol_prelude_src[];

/* The largest policy text compiled (the bundled ones are under 32 KiB). */
#define MAX_SOURCE (8u << 20)

/* The first byte offset where `s` is not well-formed UTF-8 or holds a control
 * character other than tab, CR, LF; len if none.  (Answers rely on policy strings
 * holding no control characters: api/json.c marks money with U+0001.) */
static size_t bad_byte(const unsigned char *s, size_t len) {
  for (size_t i = 0; i < len;) {
    unsigned char ch = s[i];
    if (ch < 0x80) {
      if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') return i;
      if (ch == 0x7f) return i;
      i++;
      continue;
    }
    size_t n = ch >= 0xf0 && ch <= 0xf4 ? 4 : ch >= 0xe0 ? 3 : ch >= 0xc2 && ch < 0xe0 ? 2 : 0;
    if (!n || ch > 0xf4 || i + n > len) return i;
    for (size_t k = 1; k < n; k++)
      if ((s[i + k] & 0xc0) != 0x80) return i;
    if (n == 3 && ch == 0xe0 && s[i + 1] < 0xa0) return i;  /* overlong */
    if (n == 3 && ch == 0xed && s[i + 1] >= 0xa0) return i; /* surrogate */
    if (n == 4 && ch == 0xf0 && s[i + 1] < 0x90) return i;  /* overlong */
    if (n == 4 && ch == 0xf4 && s[i + 1] >= 0x90) return i; /* > U+10FFFF */
    i += n;
  }
  return len;
}

static char *policy_id(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  if (n > 4 && strcmp(base + n - 4, ".pol") == 0) n -= 4;
  else if (n > 5 && strcmp(base + n - 5, ".polb") == 0) n -= 5;
  char *id = malloc(n + 1);
  if (id) {
    memcpy(id, base, n);
    id[n] = 0;
  }
  return id;
}

/* Free the tables of a program under construction (not the struct: it is on the stack).
 * Allocates nothing, so it also works when memory has run out. */
static void free_tables(pol_program *p) {
#define FREE_TABLE(table, count, type, fields) free(p->table);
  PRG_TABLES(FREE_TABLE)
#undef FREE_TABLE
}

/* The derived part of a program that has passed the verifier: its stamp, a hash of its
 * names, for handles; whether a rule reads the answer's dates (runs after the others).  (Its plan is built with its first evaluation context.) */
static void program_ready(pol_program *p) {
  uint32_t h = 2166136261u;
  const uint32_t counts[] = {p->nattrs, p->nidentities, p->nsources, p->ncategories,
                             p->naddons, p->nwindows};
  for (size_t i = 0; i < sizeof counts / sizeof *counts; i++)
    h = (h ^ counts[i]) * 16777619u;
  for (uint32_t i = 0; i < p->nstrings; i++)
    h = (h ^ (unsigned char)p->strings[i]) * 16777619u;
  p->stamp = h ? h : 1;
  p->has_after = false;
  for (uint32_t i = 0; i < p->nrules; i++) p->has_after = p->has_after || p->rules[i].after;
}

/* The reader and the verifier answer only valid/invalid, with a message; theirs for a
 * failed allocation (vm/polb.c, vm/verify.c) are POL_ENOMEM.  Matched by their whole
 * shape, never as a substring: other messages quote the file's own text (a key, an
 * example's name), which may say "out of memory" (found by the polb fuzzer). */
static bool said_oom(const char *err) {
  if (strncmp(err, "out of memory verifying ", 24) == 0) return true; /* verifier */
  if (strncmp(err, "offset ", 7) != 0) return false;
  const char *s = err + 7 + strspn(err + 7, "0123456789");
  if (strncmp(s, ": ", 2) != 0) return false;
  s += 2;
  if (strcmp(s, "out of memory") == 0) return true; /* reader: the program */
  s += strspn(s, "abcdefghijklmnopqrstuvwxyz_"); /* reader: a table's records */
  return strncmp(s, ": out of memory for ", 20) == 0;
}

pol_status pol_compile(const char *path, const char *src, size_t len, pol_program **out,
                       pol_diags **diags_out) {
  *out = NULL;
  pol_diags *d = diag_new();
  if (diags_out) *diags_out = d;
  if (!d) return POL_ENOMEM;
  d->max_errors = 50;
  uint32_t pre = diag_add_source(d, "<prelude>", pol_prelude_src, strlen(pol_prelude_src));
  /* a text beyond the limit is neither copied nor scanned: the message has no line */
  uint32_t pol = diag_add_source(d, path, len > MAX_SOURCE ? NULL : src, len);
  if (len > MAX_SOURCE) {
    diag_add(d, DIAG_ERROR, pol, 0, 0, "limits", "the source is %zu bytes, more than the %u allowed",
             len, MAX_SOURCE);
    if (!diags_out) pol_diags_free(d);
    return POL_EINPUT;
  }
  size_t bad = bad_byte((const unsigned char *)src, len);
  if (bad < len) {
    diag_add(d, DIAG_ERROR, pol, (uint32_t)bad, (uint32_t)bad + 1, "encoding",
             "byte 0x%02x: the source must be UTF-8 text without control characters",
             (unsigned char)src[bad]);
    if (!diags_out) pol_diags_free(d);
    return POL_EINPUT;
  }
  ast_arena *arena = ast_arena_new();
  char *id = policy_id(path);
  if (!arena || !id || d->oom) { /* a source without its text locates nothing */
    ast_arena_free(arena);
    free(id);
    if (!diags_out) pol_diags_free(d);
    return POL_ENOMEM;
  }
  lex_state st = {.arena = arena, .diags = d, .src = pre};
  bool oom = parse_source(&st, pol_prelude_src, strlen(pol_prelude_src)) < 0;
  ast_node *decls = st.result;
  st.src = pol;
  oom |= parse_source(&st, src, len) < 0;
  decls = ast_append(decls, st.result);

  cg c;
  memset(&c, 0, sizeof c);
  c.diags = d;
  c.src = pol;
  c.oom = oom || ast_arena_failed(arena); /* the tree may lack nodes: compile nothing */
  if (d->nerrors == 0 && !c.oom) sema_program(&c, decls, id, path);
  sym_free_all(&c);
  ast_arena_free(arena);
  free(id);

  pol_status rc = POL_OK;
  if (c.oom || d->oom) rc = POL_ENOMEM;
  else if (d->nerrors) rc = POL_EINPUT;
  if (rc == POL_OK) {
    pol_program *p = malloc(sizeof *p);
    char err[512];
    if (!p) {
      rc = POL_ENOMEM;
    } else {
      *p = c.p;
      memset(&c.p, 0, sizeof c.p);
      if (!vfy_program(p, err, sizeof err)) {
        /* a compiler bug, never the writer's: say so plainly */
        diag_add(d, DIAG_ERROR, pol, 0, 0, "internal", "internal error: %s", err);
        prg_free(p);
        rc = said_oom(err) ? POL_ENOMEM : POL_EINPUT;
      } else {
        program_ready(p);
        *out = p;
      }
    }
  }
  if (rc != POL_OK) free_tables(&c.p);
  if (!diags_out) pol_diags_free(d);
  return rc;
}

static unsigned char *read_file(const char *path, size_t *len, pol_diags *d) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    diag_add(d, DIAG_ERROR, diag_add_source(d, path, NULL, 0), 0, 0, "io", "cannot open: %m");
    return NULL;
  }
  unsigned char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 65536;
      unsigned char *b = realloc(buf, cap + 1);
      if (!b) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = b;
    }
    size_t k = fread(buf + n, 1, cap - n, f);
    n += k;
    if (k == 0) break;
  }
  int err = ferror(f);
  fclose(f);
  if (err) {
    diag_add(d, DIAG_ERROR, diag_add_source(d, path, NULL, 0), 0, 0, "io", "read error");
    free(buf);
    return NULL;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}

pol_status pol_load(const char *path, const unsigned char *bytes, size_t len, pol_program **out,
                    pol_diags **diags_out) {
  *out = NULL;
  pol_diags *d = diag_new();
  if (diags_out) *diags_out = d;
  if (!d) return POL_ENOMEM;
  char err[512];
  pol_status rc = POL_OK;
  if (!polb_read(bytes, len, out, err, sizeof err)) {
    diag_add(d, DIAG_ERROR, diag_add_source(d, path, NULL, 0), 0, 0, "bytecode",
             "not a valid .polb file: %s", err);
    rc = said_oom(err) || d->oom ? POL_ENOMEM : POL_EINPUT;
  } else {
    program_ready(*out);
  }
  if (!diags_out) pol_diags_free(d);
  return rc;
}

pol_status pol_open(const char *path, pol_program **out, pol_diags **diags_out) {
  *out = NULL;
  pol_diags *d = diag_new();
  if (!d) return POL_ENOMEM;
  size_t len = 0;
  unsigned char *buf = read_file(path, &len, d);
  if (!buf) {
    if (diags_out) *diags_out = d;
    else pol_diags_free(d);
    return POL_EINPUT;
  }
  pol_diags_free(d);
  pol_status rc;
  if (len >= 4 && memcmp(buf, PRG_MAGIC, 4) == 0)
    rc = pol_load(path, buf, len, out, diags_out);
  else
    rc = pol_compile(path, (const char *)buf, len, out, diags_out);
  free(buf);
  return rc;
}

pol_status pol_save(const pol_program *p, unsigned char **bytes, size_t *len) {
  return polb_write(p, bytes, len) ? POL_OK : POL_ENOMEM;
}

void pol_program_free(pol_program *p) {
  if (p) plan_free(atomic_load(&p->plan));
  prg_free(p);
}


