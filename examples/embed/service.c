/*
 * service.c — a quoting service: one resident JSON per line on stdin, one answer JSON per
 * line on stdout, through libpol's JSON API.
 *
 *   service POLICY DATE [quote|eligible] < residents.jsonl > answers.jsonl
 *
 * POLICY is a .pol or .polb, DATE the payment date (YYYY-MM-DD).  Line n of the output
 * answers line n of the input: the answer of QUERY.md on one line, or, for a line libpol
 * refuses, {"error": "<message naming the key>"}.  Blank lines are answered with a blank
 * line.  Exit 0 at the end of input, 2 if the policy or the arguments are bad.
 *
 * The program is compiled once; one evaluation context answers every line.  A threaded
 * service shares the program and gives each thread its own pol_eval (docs/EMBEDDING.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pol.h>

/* pol_answer_json indents its output.  A JSON string holds no raw newline, so a newline
 * and the spaces after it are always layout: dropping them puts the answer on one line
 * without touching a value. */
static void put_one_line(const char *json) {
  for (const char *s = json; *s; s++) {
    if (*s == '\n') {
      while (s[1] == ' ') s++;
      continue;
    }
    putchar(*s);
  }
  putchar('\n');
}

/* {"error": msg} with msg as a JSON string */
static void put_error(const char *msg) {
  fputs("{\"error\": \"", stdout);
  for (const unsigned char *s = (const unsigned char *)msg; *s; s++) {
    if (*s == '"' || *s == '\\') printf("\\%c", *s);
    else if (*s < 0x20) printf("\\u%04x", *s);
    else putchar(*s);
  }
  fputs("\"}\n", stdout);
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: service POLICY DATE [quote|eligible] < residents.jsonl\n");
    return 2;
  }
  pol_answer_kind kind = POL_ANSWER_QUOTE;
  if (argc == 4 && strcmp(argv[3], "eligible") == 0) kind = POL_ANSWER_ELIGIBLE;
  else if (argc == 4 && strcmp(argv[3], "quote") != 0) {
    fprintf(stderr, "service: expected quote or eligible, got '%s'\n", argv[3]);
    return 2;
  }
  int32_t date;
  if (pol_date_parse(argv[2], &date) != POL_OK) {
    fprintf(stderr, "service: DATE: expected YYYY-MM-DD, got '%s'\n", argv[2]);
    return 2;
  }

  pol_program *p = NULL;
  pol_diags *d = NULL;
  pol_status st = pol_open(argv[1], &p, &d);
  if (st != POL_OK) {
    char *text = d ? pol_diags_render(d, POL_FMT_TEXT) : NULL;
    fprintf(stderr, "service: %s: cannot be compiled\n%s", argv[1], text ? text : "");
    free(text);
    pol_diags_free(d);
    return 2;
  }
  pol_diags_free(d); /* warnings (unused declarations) do not concern a service */

  pol_eval *ev = pol_eval_new(p);
  if (!ev) {
    fprintf(stderr, "service: out of memory\n");
    pol_program_free(p);
    return 2;
  }

  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (n == 0) {
      putchar('\n');
      continue;
    }
    /* the resident replaces the previous one; a quote allocates nothing */
    if (pol_resident_json(ev, line, date) != POL_OK || pol_quote(ev, date) != POL_OK) {
      put_error(pol_eval_error(ev));
      fflush(stdout);
      continue;
    }
    char *answer = pol_answer_json(ev, kind); /* ours to free */
    if (!answer) {
      put_error("out of memory");
      continue;
    }
    put_one_line(answer);
    free(answer);
    fflush(stdout); /* a caller on a pipe waits for this answer before the next line */
  }
  free(line);
  pol_eval_free(ev);
  pol_program_free(p);
  return ferror(stdin) ? 2 : 0;
}
