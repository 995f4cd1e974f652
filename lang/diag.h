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

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_severity;

typedef struct {
  const char *path;   /* not owned: outlives the diags (diag_source) */
  const char *text;   /* source text, or NULL (then no line/caret) */
  size_t len;
} diag_source;

typedef struct {
  diag_severity sev;
  uint32_t src;        /* index into sources */
  uint32_t start, end; /* byte span */
  char *rule;          /* short id, e.g. "syntax", "type", "overlap" */
  char *msg;
  char *witness;       /* NULL or free text printed after the caret */
} diag;

struct pol_diags {
  diag_source *sources; uint32_t nsources, capsources;
  diag *items; uint32_t n, cap;
  uint32_t nerrors;
  uint32_t max_errors;  /* stop recording errors beyond this (0 = unlimited) */
  bool oom;             /* an allocation failed: a source or a message is missing */
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
/* 1-based line and column (in bytes... counted as UTF-8 code points) of a byte offset. */
void diag_locate(const diag_source *s, uint32_t off, uint32_t *line, uint32_t *col);

#endif
