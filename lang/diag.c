/*
 * diag.c — collect diagnostics and render them: text (file:line:col, the source line,
 * a caret under the span), JSON, and SARIF 2.1.0.  JSON goes through jansson.
 */
#include "diag.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_str(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

pol_diags *diag_new(void) { return calloc(1, sizeof(pol_diags)); }

static bool is_cont(unsigned char ch) { return (ch & 0xc0) == 0x80; }

/* The marks of text (see diag_mark); NULL on out of memory. */
static diag_mark *mark_source(const char *text, size_t len, uint32_t *count) {
  uint32_t n = 0, cap = 64;
  diag_mark *m = malloc(cap * sizeof *m);
  if (!m) return NULL;
  m[n++] = (diag_mark){0, 1, 1};
  uint32_t line = 1, col = 1, since = 0;
  for (uint32_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)text[i];
    if (ch == '\n') {
      line++;
      col = 1;
      since = 0;
    } else {
      if (!is_cont(ch)) col++;
      if (++since < DIAG_MARK_STRIDE) continue;
      since = 0;
    }
    if (n == cap) {
      diag_mark *g = realloc(m, (size_t)cap * 2 * sizeof *m);
      if (!g) {
        free(m);
        return NULL;
      }
      m = g;
      cap *= 2;
    }
    m[n++] = (diag_mark){i + 1, line, col};
  }
  *count = n;
  return m;
}

uint32_t diag_add_source(pol_diags *d, const char *path, const char *text, size_t len) {
  if (d->nsources == d->capsources) {
    uint32_t cap = d->capsources ? d->capsources * 2 : 4;
    diag_source *s = realloc(d->sources, cap * sizeof *s);
    if (!s) {
      d->oom = 1;
      return 0;
    }
    d->sources = s;
    d->capsources = cap;
  }
  diag_source *s = &d->sources[d->nsources];
  s->path = dup_str(path);
  s->text = NULL;
  s->len = 0;
  s->marks = NULL;
  s->nmarks = 0;
  if (text && len <= UINT32_MAX) {
    char *t = malloc(len + 1);
    if (t) {
      memcpy(t, text, len);
      t[len] = 0;
      s->text = t;
      s->len = len;
      s->marks = mark_source(t, len, &s->nmarks);
    } else {
      d->oom = 1;
    }
  }
  if (path && !s->path) d->oom = 1;
  return d->nsources++;
}

void diag_vadd(pol_diags *d, diag_severity sev, uint32_t src, uint32_t start, uint32_t end,
               const char *rule, const char *fmt, va_list ap) {
  if (!d) return;
  if (sev == DIAG_ERROR) {
    d->nerrors++;
    if (d->max_errors && d->nerrors > d->max_errors) return;
  }
  if (d->n == d->cap) {
    uint32_t cap = d->cap ? d->cap * 2 : 8;
    diag *items = realloc(d->items, cap * sizeof *items);
    if (!items) {
      d->oom = 1;
      return;
    }
    d->items = items;
    d->cap = cap;
  }
  char buf[1024];
  vsnprintf(buf, sizeof buf, fmt, ap);
  diag *x = &d->items[d->n++];
  x->sev = sev;
  x->src = src;
  x->start = start;
  x->end = end < start ? start : end;
  x->rule = dup_str(rule ? rule : "");
  x->msg = dup_str(buf);
  x->witness = NULL;
  x->resident = x->date = x->command = NULL;
  x->resident_obj = NULL;
  x->has_related = 0;
  x->rel_start = x->rel_end = 0;
  if (!x->rule || !x->msg) {
    free(x->rule);
    free(x->msg);
    d->n--;
    d->oom = 1;
  }
}

void diag_add(pol_diags *d, diag_severity sev, uint32_t src, uint32_t start, uint32_t end,
              const char *rule, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_vadd(d, sev, src, start, end, rule, fmt, ap);
  va_end(ap);
}

void diag_witness(pol_diags *d, const char *text) {
  if (!d || d->n == 0) return;
  diag *x = &d->items[d->n - 1];
  free(x->witness);
  x->witness = dup_str(text);
  if (text && !x->witness) d->oom = 1;
}

void diag_witness_fields(pol_diags *d, json_t *resident, const char *resident_text,
                         const char *date, const char *command) {
  if (!d || d->n == 0) return;
  diag *x = &d->items[d->n - 1];
  free(x->resident);
  free(x->date);
  free(x->command);
  json_decref(x->resident_obj);
  x->resident_obj = json_incref(resident);
  x->resident = dup_str(resident_text);
  x->date = dup_str(date);
  x->command = dup_str(command);
  if ((resident_text && !x->resident) || (date && !x->date) || (command && !x->command)) d->oom = 1;
}

void diag_related(pol_diags *d, uint32_t start, uint32_t end) {
  if (!d || d->n == 0) return;
  diag *x = &d->items[d->n - 1];
  x->has_related = 1;
  x->rel_start = start;
  x->rel_end = end < start ? start : end;
}

void diag_describe_rule(pol_diags *d, const char *id, const char *help) {
  if (!d) return;
  for (uint32_t i = 0; i < d->nrules; i++)
    if (strcmp(d->rules[i].id, id) == 0) return;
  if (d->nrules == d->caprules) {
    uint32_t cap = d->caprules ? d->caprules * 2 : 8;
    diag_rule *r = realloc(d->rules, cap * sizeof *r);
    if (!r) {
      d->oom = 1;
      return;
    }
    d->rules = r;
    d->caprules = cap;
  }
  char *rid = dup_str(id), *rhelp = dup_str(help);
  if (!rid || (help && !rhelp)) { /* renderers compare every rule's id */
    free(rid);
    free(rhelp);
    d->oom = 1;
    return;
  }
  d->rules[d->nrules].id = rid;
  d->rules[d->nrules].help = rhelp;
  d->nrules++;
}

void diag_incomplete(pol_diags *d, const char *what) {
  if (!d || !what) return;
  size_t a = d->incomplete ? strlen(d->incomplete) : 0, b = strlen(what);
  char *s = realloc(d->incomplete, a + b + 3);
  if (!s) { /* the analysis would be said complete */
    d->oom = 1;
    return;
  }
  if (a) memcpy(s + a, "; ", 2), a += 2;
  memcpy(s + a, what, b + 1);
  d->incomplete = s;
}

void diag_take(pol_diags *dst, pol_diags *src) {
  if (!dst || !src) return;
  uint32_t base = dst->nsources;
  for (uint32_t i = 0; i < src->nsources; i++) {
    const diag_source *s = &src->sources[i];
    uint32_t k = diag_add_source(dst, s->path, s->text, s->len);
    (void)k;
  }
  uint32_t i = 0;
  for (; i < src->n; i++) {
    if (dst->n == dst->cap) {
      uint32_t cap = dst->cap ? dst->cap * 2 : 8;
      diag *items = realloc(dst->items, cap * sizeof *items);
      if (!items) {
        dst->oom = 1;
        break;
      }
      dst->items = items;
      dst->cap = cap;
    }
    diag x = src->items[i];
    x.src += base;
    dst->items[dst->n++] = x;
  }
  /* what could not be moved (no memory) stays in src */
  if (i < src->n) memmove(src->items, src->items + i, (src->n - i) * sizeof *src->items);
  src->n -= i;
  dst->nerrors += src->nerrors;
  src->nerrors = 0;
  for (uint32_t k = 0; k < src->n; k++) src->nerrors += src->items[k].sev == DIAG_ERROR;
  dst->nerrors -= src->nerrors;
  for (uint32_t i = 0; i < src->nrules; i++) diag_describe_rule(dst, src->rules[i].id, src->rules[i].help);
  if (src->incomplete) diag_incomplete(dst, src->incomplete);
  if (src->oom) dst->oom = 1;
}

size_t diag_count(const pol_diags *d, diag_severity sev) {
  size_t n = 0;
  for (uint32_t i = 0; d && i < d->n; i++) n += d->items[i].sev == sev;
  return n;
}

/* Columns count UTF-8 code points: a CJK label is one column per character. */
void diag_locate(const diag_source *s, uint32_t off, uint32_t *line, uint32_t *col) {
  uint32_t l = 1, c = 1, i = 0;
  if (s->text) {
    if (off > s->len) off = (uint32_t)s->len;
    if (s->marks) {
      /* the last mark at or before off: marks[0].off is 0 */
      uint32_t lo = 0, hi = s->nmarks;
      while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->marks[mid].off <= off) lo = mid;
        else hi = mid;
      }
      i = s->marks[lo].off;
      l = s->marks[lo].line;
      c = s->marks[lo].col;
    }
    for (; i < off; i++) {
      unsigned char ch = (unsigned char)s->text[i];
      if (ch == '\n') {
        l++;
        c = 1;
      } else if (!is_cont(ch)) {
        c++;
      }
    }
  }
  *line = l;
  *col = c;
}

size_t pol_diags_count(const pol_diags *d, int errors_only) {
  if (!d) return 0;
  if (errors_only) return d->nerrors;
  return d->n;
}

/* The source of x; a source that could not be registered (out of memory: d->oom) or
 * copied is rendered without file name and text rather than read out of bounds. */
static const diag_source *source_of(const pol_diags *d, const diag *x) {
  static const diag_source unknown = {"<unknown>", NULL, 0, NULL, 0};
  if (x->src >= d->nsources || !d->sources[x->src].path) return &unknown;
  return &d->sources[x->src];
}

static const char *sev_name(diag_severity s) {
  return s == DIAG_ERROR ? "error" : s == DIAG_WARNING ? "warning" : "note";
}

/* The excerpt shows at most this many bytes of the line on either side of the caret, cut
 * at character boundaries and marked "..." where cut, so a long line is never echoed whole. */
#define EXCERPT_BYTES 256

/* The source line holding `start`, then a caret line: ASCII columns as spaces, tabs kept,
 * multi-byte characters as two spaces (CJK is double width in terminals). */
static void render_caret(FILE *f, const diag_source *s, uint32_t start, uint32_t end) {
  if (!s->text || start > s->len) return;
  const char *t = s->text;
  uint32_t ls = start, lo = start > EXCERPT_BYTES ? start - EXCERPT_BYTES : 0;
  while (ls > lo && t[ls - 1] != '\n') ls--;
  bool cut_left = ls > 0 && t[ls - 1] != '\n';
  while (cut_left && ls < start && is_cont((unsigned char)t[ls])) ls++;
  uint32_t le = start, hi = s->len - start > EXCERPT_BYTES ? start + EXCERPT_BYTES : (uint32_t)s->len;
  while (le < hi && t[le] != '\n') le++;
  bool cut_right = le < s->len && t[le] != '\n';
  while (cut_right && le > start && is_cont((unsigned char)t[le])) le--;
  fprintf(f, "%s%.*s%s\n", cut_left ? "..." : "", (int)(le - ls), t + ls, cut_right ? "..." : "");
  if (cut_left) fputs("   ", f);
  for (uint32_t i = ls; i < start; i++) {
    unsigned char ch = (unsigned char)t[i];
    if (ch == '\t') fputc('\t', f);
    else if (ch < 0x80) fputc(' ', f);
    else if (!is_cont(ch)) fputs("  ", f);
  }
  fputc('^', f);
  uint32_t stop = end < le ? end : le;
  for (uint32_t i = start + 1; i < stop; i++) {
    unsigned char ch = (unsigned char)t[i];
    if (ch < 0x80) fputc('~', f);
    else if (!is_cont(ch)) fputs("~~", f);
  }
  fputc('\n', f);
}

static char *render_text(const pol_diags *d) {
  char *out = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&out, &n);
  if (!f) return NULL;
  for (uint32_t i = 0; i < d->n; i++) {
    const diag *x = &d->items[i];
    const diag_source *s = source_of(d, x);
    uint32_t line, col;
    diag_locate(s, x->start, &line, &col);
    if (s->text)
      fprintf(f, "%s:%u:%u: %s: %s\n", s->path, line, col, sev_name(x->sev), x->msg);
    else
      fprintf(f, "%s: %s: %s\n", s->path, sev_name(x->sev), x->msg);
    render_caret(f, s, x->start, x->end);
    if (x->witness) fprintf(f, "%s\n", x->witness);
    if (x->resident) fprintf(f, "  resident: %s  date: %s\n  %s\n", x->resident, x->date, x->command);
  }
  if (d->max_errors && d->nerrors > d->max_errors)
    fprintf(f, "(%u more errors not shown)\n", d->nerrors - d->max_errors);
  if (d->incomplete) fprintf(f, "incomplete analysis: %s\n", d->incomplete);
  fclose(f);
  return out;
}

/* ---- JSON and SARIF: a rendering that lost a piece is no rendering ----------------
 * When memory runs out, jansson's setters fail and json_dumps (2.14) drops an object key
 * it fails to write ("benefit_year": 2025 once came out as ": 2025 in an answer); every
 * call below clears *ok on failure, and pol_diags_render then answers NULL rather than a
 * document with a finding or a key missing.  api/json.c dumps answers the same way. */

static void put(json_t *o, const char *key, json_t *v, bool *ok) {
  if (json_object_set_new(o, key, v) != 0) *ok = false; /* NULL o or v included */
}

static void push(json_t *a, json_t *v, bool *ok) {
  if (json_array_append_new(a, v) != 0) *ok = false;
}

static json_t *need(json_t *v, bool *ok) {
  if (!v) *ok = false;
  return v;
}

/* The length of the well-formed UTF-8 character at s, 0 if there is none. */
static size_t utf8_len(const unsigned char *s) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  int n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  unsigned char lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
  unsigned char hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
  if (n == 0 || s[1] < lo || s[1] > hi) return 0;
  for (int i = 2; i < n; i++)
    if (!is_cont(s[i])) return 0;
  return (size_t)n;
}

/* A JSON string of text that may hold bytes that are not UTF-8 (a path from the command
 * line, a name from a hostile .polb): each such byte becomes U+FFFD, so that only memory
 * can make the rendering fail (jansson refuses invalid UTF-8 with the same NULL). */
static json_t *text_json(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s), bad = 0;
  for (size_t i = 0, k; i < n; i += k ? k : 1) {
    k = utf8_len((const unsigned char *)s + i);
    bad += k == 0;
  }
  if (!bad) return json_string(s);
  char *t = malloc(n + 2 * bad + 1), *w = t;
  if (!t) return NULL;
  for (size_t i = 0, k; i < n; i += k ? k : 1) {
    k = utf8_len((const unsigned char *)s + i);
    if (k) memcpy(w, s + i, k), w += k;
    else memcpy(w, "\xef\xbf\xbd", 3), w += 3;
  }
  *w = 0;
  json_t *j = json_string(t);
  free(t);
  return j;
}

typedef struct {
  char *s;
  size_t n, cap;
  bool failed;
} dump_buf;

static int dump_piece(const char *piece, size_t size, void *data) {
  dump_buf *b = data;
  if (b->failed) return -1;
  if (b->n + size + 2 > b->cap) {
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->n + size + 2) cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
      b->failed = true;
      return -1;
    }
    b->s = s;
    b->cap = cap;
  }
  memcpy(b->s + b->n, piece, size);
  b->n += size;
  b->s[b->n] = 0;
  return 0;
}

char *diag_json_dump(const json_t *root, size_t flags) {
  dump_buf b = {NULL, 0, 0, false};
  if (!root || json_dump_callback(root, dump_piece, &b, flags) != 0 || b.failed || !b.s) {
    free(b.s);
    return NULL;
  }
  return b.s; /* room for one more byte and a NUL (pol_diags_render's newline) */
}

/* The witness as fields: the resident as a JSON object, the date, the replay command
 * (free text witnesses, from other producers, as {"text"}).  The resident is the object
 * check built, never its text parsed again: under memory pressure jansson's parser drops
 * a byte it cannot store, or fails an assertion on a long number (abort). */
static json_t *witness_json(const diag *x, bool *ok) {
  if (x->resident_obj)
    return need(json_pack("{s:O,s:s,s:o}", "resident", x->resident_obj, "date", x->date, "command",
                          text_json(x->command)),
                ok);
  return need(x->witness ? json_pack("{s:o}", "text", text_json(x->witness)) : json_null(), ok);
}

static json_t *place_json(const diag_source *s, uint32_t off) {
  uint32_t line, col;
  diag_locate(s, off, &line, &col);
  return json_pack("{s:o,s:i,s:i}", "file", text_json(s->path), "line", (int)line, "column", (int)col);
}

static json_t *diag_json(const pol_diags *d, const diag *x, bool *ok) {
  const diag_source *s = source_of(d, x);
  uint32_t line, col, eline, ecol;
  diag_locate(s, x->start, &line, &col);
  diag_locate(s, x->end, &eline, &ecol);
  json_t *o = need(json_object(), ok);
  put(o, "file", text_json(s->path), ok);
  put(o, "line", json_integer(line), ok);
  put(o, "column", json_integer(col), ok);
  put(o, "end_line", json_integer(eline), ok);
  put(o, "end_column", json_integer(ecol), ok);
  put(o, "severity", json_string(sev_name(x->sev)), ok);
  put(o, "rule", json_string(x->rule), ok);
  put(o, "message", text_json(x->msg), ok);
  put(o, "witness", witness_json(x, ok), ok);
  json_t *rel = need(json_array(), ok);
  if (x->has_related) push(rel, place_json(s, x->rel_start), ok);
  put(o, "related", rel, ok);
  return o;
}

static json_t *sarif_location(const diag_source *s, uint32_t start, uint32_t end) {
  uint32_t line, col, eline, ecol;
  diag_locate(s, start, &line, &col);
  diag_locate(s, end, &eline, &ecol);
  json_t *region = json_pack("{s:i,s:i,s:i,s:i}", "startLine", (int)line, "startColumn", (int)col,
                             "endLine", (int)eline, "endColumn", (int)ecol);
  return json_pack("{s:{s:{s:o},s:o}}", "physicalLocation", "artifactLocation", "uri", text_json(s->path),
                   "region", region);
}

/* One SARIF 2.1.0 log with one run for every source of d: rules with their help text,
 * results with the witness as properties and the second party as a related location;
 * an incomplete analysis is a tool execution notification and a run property. */
static json_t *sarif(const pol_diags *d, bool *ok) {
  json_t *results = need(json_array(), ok);
  json_t *rules = need(json_array(), ok);
  json_t *index = need(json_object(), ok);
  for (uint32_t i = 0; i < d->n; i++) {
    const diag *x = &d->items[i];
    const diag_source *s = source_of(d, x);
    const char *rid = x->rule[0] ? x->rule : "polc";
    json_t *at = json_object_get(index, rid);
    if (!at) {
      const char *help = NULL;
      for (uint32_t k = 0; k < d->nrules; k++)
        if (strcmp(d->rules[k].id, rid) == 0) help = d->rules[k].help;
      json_t *rule = need(json_pack("{s:s}", "id", rid), ok);
      if (help) {
        put(rule, "shortDescription", json_pack("{s:s}", "text", help), ok);
        put(rule, "help", json_pack("{s:s}", "text", help), ok);
      }
      at = json_integer((json_int_t)json_array_size(rules));
      put(index, rid, at, ok);
      push(rules, rule, ok);
      if (!*ok) break;
    }
    json_t *r = need(json_pack("{s:s,s:I,s:s,s:{s:o},s:[o]}", "ruleId", rid, "ruleIndex",
                               json_integer_value(at), "level",
                               x->sev == DIAG_NOTE ? "note" : sev_name(x->sev), "message", "text",
                               text_json(x->msg), "locations", sarif_location(s, x->start, x->end)),
                     ok);
    if (x->has_related) {
      json_t *rl = need(sarif_location(s, x->rel_start, x->rel_end), ok);
      put(rl, "id", json_integer(1), ok);
      put(rl, "message", json_pack("{s:s}", "text", "the other party of this finding"), ok);
      put(r, "relatedLocations", json_pack("[o]", rl), ok);
    }
    json_t *w = witness_json(x, ok);
    if (json_is_object(w)) put(r, "properties", json_pack("{s:o}", "witness", w), ok);
    else json_decref(w);
    push(results, r, ok);
    if (!*ok) break;
  }
  json_decref(index);
  json_t *notes = need(json_array(), ok);
  if (d->incomplete)
    push(notes, json_pack("{s:s,s:{s:o}}", "level", "warning", "message", "text", text_json(d->incomplete)), ok);
  json_t *run = json_pack("{s:{s:{s:s,s:s,s:o}},s:o,s:[{s:b,s:o}],s:{s:b}}", "tool", "driver",
                          "name", "polc", "informationUri", "https://example.invalid/polc", "rules",
                          rules, "results", results, "invocations", "executionSuccessful", 1,
                          "toolExecutionNotifications", notes, "properties", "complete",
                          d->incomplete == NULL);
  return json_pack("{s:s,s:s,s:[o]}", "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
                   "version", "2.1.0", "runs", run);
}

char *pol_diags_render(const pol_diags *d, pol_format fmt) {
  if (!d) return NULL;
  if (fmt == POL_FMT_TEXT) return render_text(d);
  json_t *root;
  bool ok = true;
  if (fmt == POL_FMT_SARIF) {
    root = sarif(d, &ok);
  } else {
    json_t *arr = need(json_array(), &ok);
    for (uint32_t i = 0; i < d->n && ok; i++) push(arr, diag_json(d, &d->items[i], &ok), &ok);
    json_t *files = need(json_array(), &ok);
    for (uint32_t i = 0; i < d->nsources; i++) { /* each policy once; not the built-in prelude */
      const char *path = d->sources[i].path;
      if (!path) continue; /* not registered: out of memory (d->oom) */
      bool seen = path[0] == '<';
      for (uint32_t k = 0; k < i && !seen; k++)
        seen = d->sources[k].path && strcmp(d->sources[k].path, path) == 0;
      if (!seen) push(files, text_json(path), &ok);
    }
    root = json_pack("{s:o,s:o,s:i,s:i,s:i,s:b,s:o}", "files", files, "diagnostics", arr, "errors",
                     (int)d->nerrors, "warnings", (int)diag_count(d, DIAG_WARNING), "notes",
                     (int)diag_count(d, DIAG_NOTE), "complete", d->incomplete == NULL, "not_covered",
                     d->incomplete ? text_json(d->incomplete) : json_null());
  }
  char *s = ok ? diag_json_dump(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
  json_decref(root);
  if (!s) return NULL;
  size_t n = strlen(s); /* diag_json_dump leaves room for the newline */
  s[n] = '\n';
  s[n + 1] = 0;
  return s;
}

const char *pol_diags_not_covered(const pol_diags *d) { return d ? d->incomplete : NULL; }

void pol_diags_free(pol_diags *d) {
  if (!d) return;
  for (uint32_t i = 0; i < d->nsources; i++) {
    free((char *)d->sources[i].path);
    free((char *)d->sources[i].text);
    free(d->sources[i].marks);
  }
  for (uint32_t i = 0; i < d->n; i++) {
    free(d->items[i].rule);
    free(d->items[i].msg);
    free(d->items[i].witness);
    free(d->items[i].resident);
    json_decref(d->items[i].resident_obj);
    free(d->items[i].date);
    free(d->items[i].command);
  }
  for (uint32_t i = 0; i < d->nrules; i++) {
    free(d->rules[i].id);
    free(d->rules[i].help);
  }
  free(d->rules);
  free(d->incomplete);
  free(d->sources);
  free(d->items);
  free(d);
}
