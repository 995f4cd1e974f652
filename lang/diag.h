/*
 * diag.h — diagnostics as data: severity, file, byte span, message, notes, witness.
 * Rendered in one place (diag.c) as gcc-style text with the source line and a caret,
 * as JSON, or as SARIF 2.1.0.  Line and column are computed once, at rendering.
 */
#ifndef POL_DIAG_H
#define POL_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pol.h"

struct json_t; /* jansson's */

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_severity;

/* A position of a source whose line and column are known: every line start, and every
 * DIAG_MARK_STRIDE bytes inside a longer line, in increasing offset order.  Locating an
 * offset is a binary search and a scan of less than the stride. */
typedef struct { uint32_t off, line, col; } diag_mark;
#define DIAG_MARK_STRIDE 4096

typedef struct {
  const char *path;   /* owned copy */
  const char *text;   /* owned copy of the source text, or NULL (then no line/caret) */
  size_t len;
  diag_mark *marks;   /* NULL when text is NULL or out of memory (then located by a scan) */
  uint32_t nmarks;
} diag_source;

typedef struct {
  diag_severity sev;
  uint32_t src;        /* index into sources */
  uint32_t start, end; /* byte span */
  char *rule;          /* short id, e.g. "syntax", "type", "overlap" */
  char *msg;
  char *witness;       /* NULL or free text printed after the caret */
  /* a witness as fields (polc check): resident JSON object text, date, `polc quote` line;
   * resident_obj: the same resident as a JSON object (a reference held) */
  char *resident, *date, *command;
  struct json_t *resident_obj;
  /* the second party of an overlap or conflict: a span in the same source */
  int has_related;
  uint32_t rel_start, rel_end;
} diag;

typedef struct { char *id, *help; } diag_rule; /* a rule id with its help text (SARIF) */

struct pol_diags {
  diag_source *sources; uint32_t nsources, capsources;
  diag *items; uint32_t n, cap;
  uint32_t nerrors;
  uint32_t max_errors;  /* stop recording errors beyond this (0 = unlimited) */
  int oom;              /* an allocation failed: a source lacks its text, or a message was lost */
  diag_rule *rules; uint32_t nrules, caprules;
  char *incomplete;     /* NULL, or what an analysis did not cover (every format says it) */
};

pol_diags *diag_new(void);
/* Register a source (path and text are copied); returns its index. */
uint32_t diag_add_source(pol_diags *d, const char *path, const char *text, size_t len);
void diag_add(pol_diags *d, diag_severity sev, uint32_t src, uint32_t start, uint32_t end,
              const char *rule, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void diag_vadd(pol_diags *d, diag_severity sev, uint32_t src, uint32_t start, uint32_t end,
               const char *rule, const char *fmt, va_list ap);
/* Attach a witness to the last diagnostic. */
void diag_witness(pol_diags *d, const char *text);
/* Attach a witness as fields to the last diagnostic: resident (a JSON object, of which
 * a reference is taken, and its compact text), date (YYYY-MM-DD) and the command that
 * replays it.  Text output prints them; JSON and SARIF give the object. */
void diag_witness_fields(pol_diags *d, struct json_t *resident, const char *resident_text,
                         const char *date, const char *command);
/* The last diagnostic's second party (overlaps, conflicts): a span in the same source. */
void diag_related(pol_diags *d, uint32_t start, uint32_t end);
/* Describe a rule id (help text for SARIF); the first description of an id is kept. */
void diag_describe_rule(pol_diags *d, const char *id, const char *help);
/* Record that an analysis was partial, and what it did not cover (appended). */
void diag_incomplete(pol_diags *d, const char *what);
/* Move every source, diagnostic, rule and incompleteness of src to the end of dst
 * (one document for many files); src is left empty. */
void diag_take(pol_diags *dst, pol_diags *src);
/* Count of one severity. */
size_t diag_count(const pol_diags *d, diag_severity sev);
/* 1-based line and column (counted in UTF-8 code points) of a byte offset. */
void diag_locate(const diag_source *s, uint32_t off, uint32_t *line, uint32_t *col);
/* json_dumps, except that the answer is NULL whenever a piece of the output could not be
 * stored (jansson 2.14's json_dumps drops an object key it fails to write); NULL root:
 * NULL.  The buffer has room for one more byte after the text. */
char *diag_json_dump(const struct json_t *root, size_t flags);

#endif
