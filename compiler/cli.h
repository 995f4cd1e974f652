/*
 * cli.h — what the polc subcommands in their own files (explain.c, diff.c, fmt.c) share
 * with polc.c.  Like polc.c they use only the public API (pol.h); these files are linked
 * into polc, never into libpol (Makefile CLI_SRC).
 */
#ifndef POL_CLI_H
#define POL_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "pol.h"

enum { CLI_OK = 0, CLI_NEGATIVE = 1, CLI_BAD = 2 };

/* "polc CMD: <fmt with arg>" and a pointer to --help on stderr; returns CLI_BAD. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg);
/* Compile or load a policy; its errors are printed on stderr and NULL returned. */
pol_program *cli_open_policy(const char *path);
/* A whole file, NUL-terminated (malloc'd), or NULL. */
char *cli_read_text(const char *path);
/* Sets the resident of ev from R (JSON or @file.json) for payment date `day`; on error
 * prints "polc CMD: ..." on stderr and returns CLI_BAD. */
int cli_set_resident(pol_eval *ev, const char *cmd, const char *resident, int32_t day);

/* Subcommands */
int cmd_explain(int argc, char **argv);
/* The words of a choose key, e.g. "lowest individual" (compiler/explain.c). */
const char *cli_choose_name(pol_choose k);
int cmd_diff(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_help_topic(int argc, char **argv); /* polc help TOPIC */
/* The list of help topics, for polc help. */
void cli_help_topics(FILE *f);

/* JSON helpers: money in yuan as a JSON number (exact: integer or real parsed from the
 * decimal text, as QUERY.md prints it) and a date string. */
json_t *cli_money(int64_t fen);
json_t *cli_date(int32_t day);
/* The tree as 2-space indented JSON in insertion order with money unquoted (malloc'd);
 * decrefs root. */
char *cli_dump(json_t *root);
/* printf into a malloc'd string (NULL when out of memory). */
char *cli_fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

#endif
