/*
 * help.c — `polc help [TOPIC|COMMAND]`: the documentation built into polc.  The docs
 * (README.md and the files of docs/) are embedded at build time (Makefile: build/gen/help_docs.c by
 * scripts/embed.sh), so an installed polc prints the same text as the repository's files.
 * A topic is a whole document or one `## ` section of it.  Uses only the public API.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

extern const char pol_doc_readme[], pol_doc_language[], pol_doc_patterns[], pol_doc_query[],
    pol_doc_embedding[], pol_doc_bytecode[], pol_doc_tutorial[];

typedef struct {
  const char *name;
  const char *doc;
  const char *section; /* the `## ` heading's start, or NULL: the whole document */
  const char *what;
} topic;

static const topic topics[] = {
    {"tutorial", pol_doc_tutorial, NULL, "encoding a notice from nothing, step by step"},
    {"language", pol_doc_language, NULL, "the policy language (docs/LANGUAGE.md)"},
    {"types", pol_doc_language, "## Values and types", "values, types, operators, built-ins"},
    {"declarations", pol_doc_language, "## Declarations", "policy, const, category, window, rule, ..."},
    {"patterns", pol_doc_patterns, NULL, "rule shapes of other provinces (docs/PATTERNS.md)"},
    {"review", pol_doc_readme, "## Reviewing a policy", "reviewing a policy: what polc check finds"},
    {"query", pol_doc_query, NULL, "the query contract: resident, answer, exit status (docs/QUERY.md)"},
    {"exit", pol_doc_query, "## Exit status", "exit status of every command"},
    {"embedding", pol_doc_embedding, NULL, "libpol in a service (docs/EMBEDDING.md)"},
    {"bytecode", pol_doc_bytecode, NULL, "the bytecode and .polb format (docs/BYTECODE.md)"},
};

/* Prints the section of doc starting at the line that begins with `head` up to the next
 * `## ` heading (or the whole doc with head NULL).  0 if there is no such section. */
static int print_section(const char *doc, const char *head) {
  if (!head) {
    fputs(doc, stdout);
    return 1;
  }
  const char *s = doc;
  size_t hl = strlen(head);
  while (s && strncmp(s, head, hl) != 0) {
    s = strchr(s, '\n');
    if (s) s++;
  }
  if (!s) return 0;
  const char *e = strstr(s + 1, "\n## ");
  fwrite(s, 1, e ? (size_t)(e - s + 1) : strlen(s), stdout);
  return 1;
}

int cmd_help_topic(int argc, char **argv) {
  /* argv[0] is "help", argv[1] the topic */
  if (argc < 2) return CLI_BAD;
  for (size_t i = 0; i < sizeof topics / sizeof *topics; i++)
    if (strcmp(argv[1], topics[i].name) == 0)
      return print_section(topics[i].doc, topics[i].section) ? CLI_OK : CLI_BAD;
  fprintf(stderr, "polc help: no topic '%s'\n", argv[1]);
  cli_help_topics(stderr);
  return CLI_BAD;
}

void cli_help_topics(FILE *f) {
  fputs("\nhelp topics (polc help TOPIC):\n", f);
  for (size_t i = 0; i < sizeof topics / sizeof *topics; i++)
    fprintf(f, "  %-13s %s\n", topics[i].name, topics[i].what);
}
