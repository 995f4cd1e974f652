/*
 * fmt.c — `polc fmt [--check] FILE...`: one canonical layout for policies.
 *
 * The layout (what fmt changes; everything else, including every comment and the
 * spacing inside a line, is kept byte for byte):
 *  - line ends are LF, no line has trailing blanks, tabs that indent become spaces, the
 *    file starts with its first non-blank line and ends with exactly one newline;
 *  - at most one blank line in a row, none just after a line that opens a brace and none
 *    just before a line that closes one;
 *  - a statement line is indented two spaces per open brace (a line starting with `}`
 *    one level less); a continuation line (inside parentheses, after a line ending with
 *    an operator, starting with `and`/`or`/an operator, or at the top level a line that
 *    does not start a declaration) keeps its offset from the first line of its statement,
 *    at least two spaces, so aligned conditions stay aligned; so does a line that goes on
 *    with a list (after a comma, or after a brace opened with items on its line), at
 *    least at the statement's indentation;
 *  - a comment line takes the indentation of the code line after it (a comment before a
 *    closing brace: of the block's statements).
 * Braces, parentheses and operators are found by a scanner that skips strings and
 * comments.  The layout is a function of the brace structure and of the continuation
 * offsets, both of which it preserves, so formatting twice changes nothing (tested).
 *
 * Safety: the formatted text is compiled and its examples run; if the original compiled
 * and the result does not, or the examples' counts differ, fmt refuses (exit 2) and the
 * file is left as it was.  Uses only the public API (pol.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ---- growing text buffer -------------------------------------------------------------- */

typedef struct { char *s; size_t n, cap; int oom; } buf;

static void put(buf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 4096;
    while (cap < b->n + n + 1) cap *= 2;
    char *t = realloc(b->s, cap);
    if (!t) {
      b->oom = 1;
      return;
    }
    b->s = t;
    b->cap = cap;
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = 0;
}

static void spaces(buf *b, int n) {
  for (int i = 0; i < n; i++) put(b, " ", 1);
}

/* ---- one line ------------------------------------------------------------------------- */

typedef struct {
  const char *text; /* the line without its indentation and trailing blanks */
  size_t len;
  int indent;       /* old indentation (a tab counts as 2) */
  int code;         /* has code (not blank, not only a comment) */
  int comment;      /* only a comment */
  int opens, closes_first; /* braces: net change; starts with `}` */
  int parens;       /* net change of parentheses */
  char first[16];   /* first word or operator of the code */
  char last[16];    /* last word or operator of the code (before a comment) */
} line;

static int is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Scans the code of l: braces and parentheses outside strings and comments, the first
 * and last token. */
static void scan(line *l) {
  const char *s = l->text;
  size_t n = l->len, i = 0, code_end = 0;
  int first = 1;
  l->opens = l->parens = 0;
  l->first[0] = l->last[0] = 0;
  while (i < n) {
    char c = s[i];
    if (c == '#') break;
    if (c == ' ' || c == '\t') {
      i++;
      continue;
    }
    size_t start = i;
    if (c == '"') {
      for (i++; i < n && s[i] != '"'; i++)
        if (s[i] == '\\' && i + 1 < n) i++;
      if (i < n) i++;
    } else if (is_word(c)) {
      while (i < n && is_word(s[i])) i++;
    } else {
      i++;
      if (i < n && ((c == '.' && s[i] == '.') || (strchr("=!<>", c) && s[i] == '='))) i++;
      if (c == '{') l->opens++;
      if (c == '}') l->opens--;
      if (c == '(') l->parens++;
      if (c == ')') l->parens--;
    }
    size_t len = i - start < sizeof l->first - 1 ? i - start : sizeof l->first - 1;
    if (first) {
      memcpy(l->first, s + start, len);
      l->first[len] = 0;
      first = 0;
    }
    memcpy(l->last, s + start, len);
    l->last[len] = 0;
    code_end = i;
  }
  l->code = code_end > 0;
  l->comment = !l->code && n > 0;
  l->closes_first = l->first[0] == '}';
}

static int in_list(const char *w, const char *const *list) {
  for (; *list; list++)
    if (strcmp(w, *list) == 0) return 1;
  return 0;
}

static const char *const DECLS[] = {"policy", "const", "let", "attribute", "identity", "source",
                                    "category", "choose", "collection", "window", "restate",
                                    "rule", "addon", "unlisted", "example", "assume", "extern", "period", "}", NULL};
/* a line ending with one of these continues on the next */
static const char *const OPEN_ENDS[] = {"=", "and", "or", "not", "+", "-", "*", "..", "==",
                                        "!=", "<", ">", "<=", ">=", "(", "in", "of", "if",
                                        "then", "else", "counted", "as", NULL};
/* a line starting with one of these continues the one before */
static const char *const CONT_STARTS[] = {"and", "or", "+", "-", "*", "..", "==", "!=", "<",
                                          ">", "<=", ">=", ")", "then", "else", "of", "counted",
                                          NULL};

/* ---- the layout ----------------------------------------------------------------------- */

static char *format_text(const char *src, size_t n) {
  /* split into lines (without CR and trailing blanks) */
  size_t cap = 64, nl = 0;
  line *ls = malloc(cap * sizeof *ls);
  if (!ls) return NULL;
  for (size_t i = 0; i < n;) {
    size_t e = i;
    while (e < n && src[e] != '\n') e++;
    size_t a = i, z = e;
    int ind = 0;
    while (a < z && (src[a] == ' ' || src[a] == '\t')) ind += src[a++] == '\t' ? 2 : 1;
    while (z > a && (src[z - 1] == ' ' || src[z - 1] == '\t' || src[z - 1] == '\r')) z--;
    if (nl == cap) {
      line *t = realloc(ls, (cap *= 2) * sizeof *ls);
      if (!t) {
        free(ls);
        return NULL;
      }
      ls = t;
    }
    line *l = &ls[nl++];
    memset(l, 0, sizeof *l);
    l->text = src + a;
    l->len = z - a;
    l->indent = ind;
    scan(l);
    i = e + (e < n);
  }

  /* new indentation of every code line */
  int *want = calloc(nl ? nl : 1, sizeof *want);
  if (!want) {
    free(ls);
    return NULL;
  }
  int depth = 0, parens = 0, stmt_old = 0, stmt_new = 0;
  const line *prev = NULL; /* the last code line */
  for (size_t i = 0; i < nl; i++) {
    line *l = &ls[i];
    if (!l->code) continue;
    int d = depth - (l->closes_first ? 1 : 0);
    if (d < 0) d = 0;
    /* strong: the statement cannot end here; soft: a list goes on (after a comma, or
     * after a brace opened with items on its own line) */
    int strong = prev && !l->closes_first &&
                 (parens > 0 || in_list(prev->last, OPEN_ENDS) || in_list(l->first, CONT_STARTS) ||
                  (depth == 0 && !in_list(l->first, DECLS)));
    int soft = prev && !strong && !l->closes_first &&
               (strcmp(prev->last, ",") == 0 || (prev->opens > 0 && strcmp(prev->last, "{") != 0));
    if (strong || soft) {
      int off = l->indent - stmt_old, min = strong ? 2 : 0;
      want[i] = stmt_new + (off >= min ? off : min);
    } else {
      want[i] = 2 * d;
      stmt_old = l->indent;
      stmt_new = want[i];
    }
    depth += l->opens;
    if (depth < 0) depth = 0;
    parens += l->parens;
    if (parens < 0) parens = 0;
    prev = l;
  }
  /* comment lines: as the next code line (before a `}`: one level deeper than it) */
  for (size_t i = nl; i-- > 0;) {
    if (!ls[i].comment) continue;
    size_t j = i + 1;
    while (j < nl && !ls[j].code) j++;
    want[i] = j == nl ? 0 : want[j] + (ls[j].closes_first ? 2 : 0);
  }

  /* output with the blank-line rules */
  buf b = {0};
  int blank = 0, started = 0;
  const line *last_out = NULL;
  for (size_t i = 0; i < nl; i++) {
    line *l = &ls[i];
    if (l->len == 0) {
      blank = started;
      continue;
    }
    if (blank && !(last_out && last_out->code && last_out->opens > 0 && !last_out->closes_first) &&
        !(l->code && l->closes_first))
      put(&b, "\n", 1);
    blank = 0;
    started = 1;
    spaces(&b, want[i]);
    put(&b, l->text, l->len);
    put(&b, "\n", 1);
    last_out = l;
  }
  free(want);
  free(ls);
  if (b.oom) {
    free(b.s);
    return NULL;
  }
  if (!b.s) {
    b.s = malloc(1);
    if (b.s) b.s[0] = 0;
  }
  return b.s;
}

/* ---- safety: the formatted policy means the same --------------------------------------- */

/* Examples and failures of the policy text, or -1 if it does not compile. */
static int run_examples(const char *path, const char *text, uint32_t *failed) {
  pol_program *p = NULL;
  pol_diags *d = NULL;
  pol_status st = pol_compile(path, text, strlen(text), &p, &d);
  pol_diags_free(d);
  if (st != POL_OK || !p) {
    pol_program_free(p);
    return -1;
  }
  char *report = NULL;
  uint32_t n = 0;
  *failed = 0;
  pol_test_counted(p, &report, &n, failed);
  free(report);
  pol_program_free(p);
  return (int)n;
}

int cmd_fmt(int argc, char **argv) {
  int check = 0, to_stdout = 0, files = 0, rc = CLI_OK;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--check") == 0) check = 1;
    else if (strcmp(argv[i], "--stdout") == 0) to_stdout = 1;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error("fmt", "unknown option '%s'", argv[i]);
    else files++;
  }
  if (!files) return cli_usage_error("fmt", "%s", "missing FILE");
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1]) continue;
    const char *path = argv[i];
    char *src = cli_read_text(path);
    if (!src) {
      fprintf(stderr, "polc fmt: %s: cannot read the file\n", path);
      rc = CLI_BAD;
      continue;
    }
    char *out = format_text(src, strlen(src));
    if (!out) {
      fprintf(stderr, "polc fmt: out of memory\n");
      free(src);
      return CLI_BAD;
    }
    if (to_stdout && !check) {
      /* an editor's format-on-save: the formatted text, whether or not it changed */
      uint32_t f0 = 0, f1 = 0;
      int n0 = run_examples(path, src, &f0), n1 = run_examples(path, out, &f1);
      if (n0 >= 0 && (n1 != n0 || f1 != f0)) {
        fprintf(stderr, "polc fmt: %s: the formatted policy would not mean the same "
                        "(please report this)\n", path);
        rc = CLI_BAD;
      } else {
        fputs(out, stdout);
      }
    } else if (strcmp(src, out) != 0) {
      uint32_t f0 = 0, f1 = 0;
      int n0 = run_examples(path, src, &f0), n1 = run_examples(path, out, &f1);
      if (n0 >= 0 && (n1 != n0 || f1 != f0)) {
        fprintf(stderr, "polc fmt: %s: the formatted policy would not mean the same; left as it is "
                        "(please report this)\n", path);
        rc = CLI_BAD;
      } else if (check) {
        printf("%s: not formatted (polc fmt %s)\n", path, path);
        if (rc < CLI_NEGATIVE) rc = CLI_NEGATIVE;
      } else {
        FILE *f = fopen(path, "wb");
        size_t len = strlen(out);
        if (!f || fwrite(out, 1, len, f) != len || fclose(f) != 0) {
          if (f) fclose(f);
          fprintf(stderr, "polc fmt: %s: cannot write\n", path);
          rc = CLI_BAD;
        }
      }
    }
    free(out);
    free(src);
  }
  return rc;
}
