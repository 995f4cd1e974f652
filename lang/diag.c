/*
 * diag.c — collect diagnostics and render them: text (file:line:col, the source line,
 * a caret under the span), JSON, and SARIF 2.1.0.  JSON goes through jansson.
 */
#include "diag.h"

#include <jansson.h>
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

uint32_t diag_add_source(pol_diags *d, const char *path, const char *text, size_t len) {
  if (d->nsources == d->capsources) {
    uint32_t cap = d->capsources ? d->capsources * 2 : 4;
    diag_source *s = realloc(d->sources, cap * sizeof *s);
    if (!s) {
      d->oom = true;
      return 0;
    }
    d->sources = s;
    d->capsources = cap;
  }
  diag_source *s = &d->sources[d->nsources];
  s->path = dup_str(path);
  s->text = NULL;
  s->len = 0;
  if (!s->path) d->oom = true;
  if (text) {
    char *t = malloc(len + 1);
    if (t) {
      memcpy(t, text, len);
      t[len] = 0;
      s->text = t;
      s->len = len;
    } else {
      d->oom = true;
    }
  }
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
      d->oom = true;
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
  if (!x->rule || !x->msg) { /* renderers print every item's rule and message */
    free(x->rule);
    free(x->msg);
    d->n--;
    d->oom = true;
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
  if (text && !x->witness) d->oom = true;
}

/* Columns count UTF-8 code points: a CJK label is one column per character. */
void diag_locate(const diag_source *s, uint32_t off, uint32_t *line, uint32_t *col) {
  uint32_t l = 1, c = 1;
  if (s->text) {
    if (off > s->len) off = (uint32_t)s->len;
    for (uint32_t i = 0; i < off; i++) {
      unsigned char ch = (unsigned char)s->text[i];
      if (ch == '\n') {
        l++;
        c = 1;
      } else if ((ch & 0xc0) != 0x80) {
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
  static const diag_source unknown = {"<unknown>", NULL, 0};
  if (x->src >= d->nsources || !d->sources[x->src].path) return &unknown;
  return &d->sources[x->src];
}

static const char *sev_name(diag_severity s) {
  return s == DIAG_ERROR ? "error" : s == DIAG_WARNING ? "warning" : "note";
}

/* The source line holding `off`, then a caret line: ASCII columns as spaces, tabs kept,
 * multi-byte characters as two spaces (CJK is double width in terminals). */
static void render_caret(FILE *f, const diag_source *s, uint32_t start, uint32_t end) {
  if (!s->text || start > s->len) return;
  uint32_t ls = start;
  while (ls > 0 && s->text[ls - 1] != '\n') ls--;
  uint32_t le = start;
  while (le < s->len && s->text[le] != '\n') le++;
  fprintf(f, "%.*s\n", (int)(le - ls), s->text + ls);
  for (uint32_t i = ls; i < start; i++) {
    unsigned char ch = (unsigned char)s->text[i];
    if (ch == '\t') fputc('\t', f);
    else if (ch < 0x80) fputc(' ', f);
    else if ((ch & 0xc0) != 0x80) fputs("  ", f);
  }
  fputc('^', f);
  uint32_t stop = end < le ? end : le;
  for (uint32_t i = start + 1; i < stop; i++) {
    unsigned char ch = (unsigned char)s->text[i];
    if (ch < 0x80) fputc('~', f);
    else if ((ch & 0xc0) != 0x80) fputs("~~", f);
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
  }
  if (d->max_errors && d->nerrors > d->max_errors)
    fprintf(f, "(%u more errors not shown)\n", d->nerrors - d->max_errors);
  fclose(f);
  return out;
}

static json_t *diag_json(const pol_diags *d, const diag *x) {
  const diag_source *s = source_of(d, x);
  uint32_t line, col, eline, ecol;
  diag_locate(s, x->start, &line, &col);
  diag_locate(s, x->end, &eline, &ecol);
  json_t *o = json_object();
  json_object_set_new(o, "file", json_string(s->path));
  json_object_set_new(o, "line", json_integer(line));
  json_object_set_new(o, "column", json_integer(col));
  json_object_set_new(o, "end_line", json_integer(eline));
  json_object_set_new(o, "end_column", json_integer(ecol));
  json_object_set_new(o, "severity", json_string(sev_name(x->sev)));
  json_object_set_new(o, "rule", json_string(x->rule));
  json_object_set_new(o, "message", json_string(x->msg));
  json_object_set_new(o, "witness", x->witness ? json_string(x->witness) : json_null());
  return o;
}

static json_t *sarif(const pol_diags *d) {
  json_t *results = json_array();
  json_t *rules = json_array();
  json_t *seen = json_object();
  for (uint32_t i = 0; i < d->n; i++) {
    const diag *x = &d->items[i];
    const diag_source *s = source_of(d, x);
    uint32_t line, col, eline, ecol;
    diag_locate(s, x->start, &line, &col);
    diag_locate(s, x->end, &eline, &ecol);
    const char *rid = x->rule[0] ? x->rule : "polc";
    if (!json_object_get(seen, rid)) {
      json_object_set_new(seen, rid, json_true());
      json_array_append_new(rules, json_pack("{s:s}", "id", rid));
    }
    char *text = NULL;
    size_t tn = 0;
    FILE *f = open_memstream(&text, &tn);
    if (f) {
      fputs(x->msg, f);
      if (x->witness) fprintf(f, "\n%s", x->witness);
      fclose(f);
    }
    json_t *region = json_pack("{s:i,s:i,s:i,s:i}", "startLine", (int)line, "startColumn",
                               (int)col, "endLine", (int)eline, "endColumn", (int)ecol);
    json_t *loc = json_pack("{s:{s:{s:s},s:o}}", "physicalLocation", "artifactLocation", "uri",
                            s->path, "region", region);
    json_t *r = json_pack("{s:s,s:s,s:{s:s},s:[o]}", "ruleId", rid, "level",
                          x->sev == DIAG_NOTE ? "note" : sev_name(x->sev), "message", "text",
                          text ? text : x->msg, "locations", loc);
    free(text);
    json_array_append_new(results, r);
  }
  json_decref(seen);
  return json_pack("{s:s,s:s,s:[{s:{s:{s:s,s:s,s:o}},s:o}]}", "$schema",
                   "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs",
                   "tool", "driver", "name", "polc", "informationUri",
                   "https://example.invalid/polc", "rules", rules, "results", results);
}

char *pol_diags_render(const pol_diags *d, pol_format fmt) {
  if (!d) return NULL;
  if (fmt == POL_FMT_TEXT) return render_text(d);
  json_t *root;
  if (fmt == POL_FMT_SARIF) {
    root = sarif(d);
  } else {
    json_t *arr = json_array();
    for (uint32_t i = 0; i < d->n; i++) json_array_append_new(arr, diag_json(d, &d->items[i]));
    root = json_pack("{s:o,s:i,s:i}", "diagnostics", arr, "errors", (int)d->nerrors, "warnings",
                     (int)(d->n - (d->nerrors < d->n ? d->nerrors : d->n)));
  }
  char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(root);
  if (!s) return NULL;
  size_t n = strlen(s);
  char *out = realloc(s, n + 2);
  if (!out) return s;
  out[n] = '\n';
  out[n + 1] = 0;
  return out;
}

void pol_diags_free(pol_diags *d) {
  if (!d) return;
  for (uint32_t i = 0; i < d->nsources; i++) {
    free((char *)d->sources[i].path);
    free((char *)d->sources[i].text);
  }
  for (uint32_t i = 0; i < d->n; i++) {
    free(d->items[i].rule);
    free(d->items[i].msg);
    free(d->items[i].witness);
  }
  free(d->sources);
  free(d->items);
  free(d);
}
