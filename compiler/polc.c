/*
 * polc.c — the command-line interface.  Uses only the public API (pol.h).
 * Exit status (QUERY.md): 0 success, 1 negative answer / failures / findings,
 * 2 bad usage or bad input (message on stderr naming the input).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "diag.h"
#include "pol.h"

enum { EXIT_OK = 0, EXIT_NEGATIVE = 1, EXIT_BAD = 2 };

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv, const pol_host *h); /* h: the plugins' functions */
  const char *usage;
  const char *help;
} command;

static const command *find_command(const char *name);

static int usage_error(const char *cmd, const char *fmt, const char *arg) {
  fprintf(stderr, "polc %s: ", cmd);
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(see 'polc %s --help')\n", cmd);
  return EXIT_BAD;
}

static int wants_help(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
  return 0;
}

static int print_help(const char *name) {
  const command *c = find_command(name);
  printf("usage: %s\n\n%s", c->usage, c->help);
  return EXIT_OK;
}

/* Compile or load a policy; on failure print its diagnostics and return NULL.
 * Warnings are printed only by the writer's commands (compile, test), never on a query;
 * with `keep`, they are handed back instead (check reports them with its findings). */
static pol_program *open_policy_keep(const char *path, int warnings, pol_diags **keep) {
  pol_program *p = NULL;
  pol_diags *d = NULL;
  pol_status st = pol_open(path, &p, &d);
  if (d && pol_diags_count(d, !warnings || (keep && st == POL_OK && p))) {
    char *text = pol_diags_render(d, POL_FMT_TEXT);
    if (text) fputs(text, stderr);
    free(text);
  }
  if (st == POL_OK && p) {
    if (keep) *keep = d;
    else pol_diags_free(d);
    return p;
  }
  if (st == POL_ENOMEM) fprintf(stderr, "polc: %s: out of memory\n", path);
  else if (!d || !pol_diags_count(d, 1)) fprintf(stderr, "polc: %s: cannot be compiled\n", path);
  pol_diags_free(d);
  return NULL;
}

static pol_program *open_policy_warn(const char *path, int warnings) {
  return open_policy_keep(path, warnings, NULL);
}
static pol_program *open_policy(const char *path) { return open_policy_keep(path, 0, NULL); }

static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n + 1 >= cap) {
      cap = cap ? cap * 2 : 4096;
      char *b = realloc(buf, cap);
      if (!b) break;
      buf = b;
    }
    size_t k = fread(buf + n, 1, cap - n - 1, f);
    n += k;
    if (k == 0) break;
  }
  fclose(f);
  if (buf) buf[n] = 0;
  return buf;
}

/* ---- shared with the other subcommand files (cli.h) --------------------------------- */

int cli_usage_error(const char *cmd, const char *fmt, const char *arg) {
  return usage_error(cmd, fmt, arg);
}
pol_program *cli_open_policy(const char *path) { return open_policy(path); }
char *cli_read_text(const char *path) { return read_text(path); }

int cli_set_resident(pol_eval *ev, const char *cmd, const char *resident, int32_t day) {
  char *json = NULL;
  if (resident[0] == '@') {
    json = read_text(resident + 1);
    if (!json) {
      fprintf(stderr, "polc %s: --resident %s: cannot read the file\n", cmd, resident);
      return EXIT_BAD;
    }
  }
  int rc = EXIT_OK;
  if (pol_resident_json(ev, json ? json : resident, day) != POL_OK) {
    fprintf(stderr, "polc %s: %s\n", cmd, pol_eval_error(ev));
    rc = EXIT_BAD;
  }
  free(json);
  return rc;
}

/* ---- quote / eligible -------------------------------------------------------------- */

static int query(int argc, char **argv, const pol_host *h, const char *cmd,
                 pol_answer_kind kind) {
  const char *policy = NULL, *resident = NULL, *date = NULL, *format = "json";
  const char *addons[64];
  int naddons = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **dst = strcmp(a, "--resident") == 0 ? &resident
                       : strcmp(a, "--date") == 0   ? &date
                       : strcmp(a, "--format") == 0 ? &format
                                                    : NULL;
    if (dst || (strcmp(a, "--addon") == 0 && kind == POL_ANSWER_QUOTE)) {
      if (i + 1 >= argc) return usage_error(cmd, "%s needs a value", a);
      if (dst) *dst = argv[++i];
      else if (naddons < 64) addons[naddons++] = argv[++i];
      else return usage_error(cmd, "too many %s options", a);
    } else if (a[0] == '-' && a[1]) {
      return usage_error(cmd, "unknown option '%s'", a);
    } else if (!policy) {
      policy = a;
    } else {
      return usage_error(cmd, "unexpected argument '%s'", a);
    }
  }
  if (!policy) return usage_error(cmd, "%s", "missing POLICY");
  if (!resident) return usage_error(cmd, "%s", "missing --resident R (JSON or @file.json)");
  if (!date) return usage_error(cmd, "%s", "missing --date YYYY-MM-DD");
  if (strcmp(format, "json") != 0) return usage_error(cmd, "--format: expected json, got '%s'", format);
  int32_t day;
  if (pol_date_parse(date, &day) != POL_OK) {
    fprintf(stderr, "polc %s: --date: expected a date \"YYYY-MM-DD\", got \"%s\"\n", cmd, date);
    return EXIT_BAD;
  }
  char *json = NULL;
  if (resident[0] == '@') {
    json = read_text(resident + 1);
    if (!json) {
      fprintf(stderr, "polc %s: --resident %s: cannot read the file\n", cmd, resident);
      return EXIT_BAD;
    }
  }
  pol_program *p = open_policy(policy);
  if (!p) {
    free(json);
    return EXIT_BAD;
  }
  int rc = EXIT_BAD;
  pol_eval *ev = NULL;
  pol_status open = pol_eval_open(p, h, &ev);
  if (!ev) {
    fprintf(stderr, "polc: out of memory\n");
  } else if (open != POL_OK) { /* an extern not bound by any --plugin, or bound otherwise */
    fprintf(stderr, "polc %s: %s: %s\n", cmd, policy, pol_eval_error(ev));
  } else if (pol_resident_json(ev, json ? json : resident, day) != POL_OK) {
    fprintf(stderr, "polc %s: %s\n", cmd, pol_eval_error(ev));
  } else {
    int ok = 1;
    for (int i = 0; ok && i < naddons; i++) {
      if (pol_buy_addon(ev, addons[i]) != POL_OK) {
        fprintf(stderr, "polc %s: %s\n", cmd, pol_eval_error(ev));
        ok = 0;
      }
    }
    if (ok && pol_quote(ev, day) != POL_OK) {
      fprintf(stderr, "polc %s: %s: %s\n", cmd, policy, pol_eval_error(ev));
    } else if (ok) {
      char *out = pol_answer_json(ev, kind);
      if (out) {
        fputs(out, stdout);
        rc = pol_answer_payable(ev) ? EXIT_OK : EXIT_NEGATIVE;
      }
      free(out);
    }
  }
  pol_eval_free(ev);
  pol_program_free(p);
  free(json);
  return rc;
}

static int cmd_quote(int argc, char **argv, const pol_host *h) {
  return query(argc, argv, h, "quote", POL_ANSWER_QUOTE);
}
static int cmd_eligible(int argc, char **argv, const pol_host *h) {
  return query(argc, argv, h, "eligible", POL_ANSWER_ELIGIBLE);
}

/* ---- compile / test / disasm / schema ------------------------------------------------ */

static int cmd_compile(int argc, char **argv, const pol_host *h) {
  (void)h;
  const char *in = NULL, *out = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-o") == 0) {
      if (i + 1 >= argc) return usage_error("compile", "%s needs a file name", "-o");
      out = argv[++i];
    } else if (argv[i][0] == '-') {
      return usage_error("compile", "unknown option '%s'", argv[i]);
    } else if (!in) {
      in = argv[i];
    } else {
      return usage_error("compile", "unexpected argument '%s'", argv[i]);
    }
  }
  if (!in) return usage_error("compile", "%s", "missing POLICY");
  char *deflt = NULL;
  if (!out) {
    size_t n = strlen(in);
    deflt = malloc(n + 6);
    if (!deflt) return EXIT_BAD;
    memcpy(deflt, in, n + 1);
    if (n > 4 && strcmp(in + n - 4, ".pol") == 0) deflt[n - 4] = 0;
    strcat(deflt, ".polb");
    out = deflt;
  }
  pol_program *p = open_policy_warn(in, 1);
  int rc = EXIT_BAD;
  unsigned char *bytes = NULL;
  size_t len = 0;
  if (p && pol_save(p, &bytes, &len) == POL_OK) {
    FILE *f = fopen(out, "wb");
    if (f && fwrite(bytes, 1, len, f) == len && fclose(f) == 0) rc = EXIT_OK;
    else {
      if (f) fclose(f);
      fprintf(stderr, "polc compile: %s: cannot write\n", out);
    }
  }
  free(bytes);
  free(deflt);
  pol_program_free(p);
  return rc;
}

static int each_policy(int argc, char **argv, const char *cmd,
                       int (*fn)(pol_program *p, void *ud), void *ud) {
  int n = 0, rc = EXIT_OK;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-') continue;
    n++;
    pol_program *p = open_policy(argv[i]);
    if (!p) {
      rc = EXIT_BAD;
      continue;
    }
    int r = fn(p, ud);
    if (r > rc) rc = r;
    pol_program_free(p);
  }
  if (!n) return usage_error(cmd, "%s", "missing POLICY");
  return rc;
}

static int run_disasm(pol_program *p, void *ud) {
  (void)ud;
  char *s = pol_disasm(p);
  if (!s) return EXIT_BAD;
  fputs(s, stdout);
  free(s);
  return EXIT_OK;
}

static int run_schema(pol_program *p, void *ud) {
  char *s = pol_schema(p, *(pol_format *)ud);
  if (!s) return EXIT_BAD;
  fputs(s, stdout);
  free(s);
  return EXIT_OK;
}

/* Totals over every policy given to `polc test` (a policy that does not compile counts
 * as one failure, since none of its examples could run). */
typedef struct { uint32_t examples, failed; const pol_host *h; } test_totals;

static int run_test_counted(pol_program *p, void *ud) {
  test_totals *t = ud;
  char *report = NULL;
  uint32_t n = 0, failed = 0;
  pol_status st = pol_test_host(p, t->h, &report, &n, &failed);
  if (report) fputs(report, stdout);
  fflush(stdout); /* before the next policy's diagnostics on stderr */
  free(report);
  t->examples += n;
  t->failed += failed;
  return st == POL_OK ? EXIT_OK : st == POL_NEGATIVE ? EXIT_NEGATIVE : EXIT_BAD;
}

static int cmd_test(int argc, char **argv, const pol_host *h) {
  for (int i = 1; i < argc; i++)
    if (argv[i][0] == '-') return usage_error("test", "unknown option '%s'", argv[i]);
  test_totals t = {0, 0, h};
  int rc = each_policy(argc, argv, "test", run_test_counted, &t);
  if (argc < 2) return rc; /* usage error, already reported */
  /* the one line over all files; a policy that did not compile is named on stderr */
  printf("%u examples, %u passed, %u failed", (unsigned)t.examples,
         (unsigned)(t.examples - t.failed), (unsigned)t.failed);
  if (rc == EXIT_BAD) printf(" (a policy did not compile)");
  printf("\n");
  return rc;
}

static int cmd_disasm(int argc, char **argv, const pol_host *h) {
  (void)h;
  for (int i = 1; i < argc; i++)
    if (argv[i][0] == '-') return usage_error("disasm", "unknown option '%s'", argv[i]);
  return each_policy(argc, argv, "disasm", run_disasm, NULL);
}

static int cmd_schema(int argc, char **argv, const pol_host *h) {
  (void)h;
  pol_format fmt = POL_FMT_TEXT;
  int kept = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--format") == 0) {
      if (i + 1 >= argc) return usage_error("schema", "%s needs a value", "--format");
      const char *f = argv[++i];
      if (strcmp(f, "json") == 0) fmt = POL_FMT_JSON;
      else if (strcmp(f, "text") == 0) fmt = POL_FMT_TEXT;
      else return usage_error("schema", "--format: expected text or json, got '%s'", f);
    } else if (argv[i][0] == '-') {
      return usage_error("schema", "unknown option '%s'", argv[i]);
    } else {
      argv[kept++] = argv[i];
    }
  }
  return each_policy(kept, argv, "schema", run_schema, &fmt);
}

/* ---- check ----------------------------------------------------------------------------- */

/* Every file's findings go into one document (one JSON object, one SARIF log with one
 * run, or text in file order), compile errors included, printed once at the end.
 * Exit: 2 if a file could not be read, compiled or analysed; else 1 if there is an error
 * (or, with --werror, a warning) or the analysis did not cover everything; else 0. */
static int cmd_check(int argc, char **argv, const pol_host *h) {
  pol_format fmt = POL_FMT_TEXT;
  int verbose = 0, werror = 0, kept = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--format") == 0) {
      if (i + 1 >= argc) return usage_error("check", "%s needs a value", "--format");
      const char *f = argv[++i];
      if (strcmp(f, "json") == 0) fmt = POL_FMT_JSON;
      else if (strcmp(f, "sarif") == 0) fmt = POL_FMT_SARIF;
      else if (strcmp(f, "text") == 0) fmt = POL_FMT_TEXT;
      else return usage_error("check", "--format: expected text, json or sarif, got '%s'", f);
    } else if (strcmp(argv[i], "--verbose") == 0) {
      verbose = 1;
    } else if (strcmp(argv[i], "--werror") == 0) {
      werror = 1;
    } else if (argv[i][0] == '-') {
      return usage_error("check", "unknown option '%s'", argv[i]);
    } else {
      argv[kept++] = argv[i];
    }
  }
  if (kept == 1) return usage_error("check", "%s", "missing POLICY");
  pol_diags *all = diag_new();
  if (!all) return EXIT_BAD;
  int rc = EXIT_OK;
  for (int i = 1; i < kept; i++) {
    char *text = read_text(argv[i]);
    if (!text) {
      fprintf(stderr, "polc check: %s: cannot read the file\n", argv[i]);
      rc = EXIT_BAD;
      continue;
    }
    /* the compiler's warnings (unused declarations) are findings of the review too, and
     * its errors are reported in the requested format */
    pol_diags *d = NULL;
    pol_program *p = NULL;
    pol_status st = pol_open(argv[i], &p, &d);
    if (st == POL_OK && p) {
      int is_polb = strncmp(text, "POLB", 4) == 0;
      st = pol_check_host(p, h, is_polb ? NULL : text, is_polb ? 0 : strlen(text), verbose, &d);
    } else if (st == POL_ENOMEM) {
      fprintf(stderr, "polc: %s: out of memory\n", argv[i]);
    } else if (!d || !pol_diags_count(d, 1)) {
      fprintf(stderr, "polc: %s: cannot be compiled\n", argv[i]);
    }
    diag_take(all, d);
    pol_diags_free(d);
    pol_program_free(p);
    free(text);
    int r = st == POL_OK ? EXIT_OK : st == POL_NEGATIVE ? EXIT_NEGATIVE : EXIT_BAD;
    if (r > rc) rc = r;
  }
  if (rc == EXIT_OK && (all->incomplete || (werror && diag_count(all, DIAG_WARNING)))) rc = EXIT_NEGATIVE;
  char *out = pol_diags_render(all, fmt);
  if (out) {
    fputs(out, stdout);
  } else { /* the only cause left: no memory for the rendering */
    fprintf(stderr, "polc: out of memory\n");
    rc = EXIT_BAD;
  }
  free(out);
  pol_diags_free(all);
  return rc;
}

/* ---- dispatch ------------------------------------------------------------------------ */

/* polc batch takes no --plugin (take_plugins refuses it there) */
/* explain, diff and fmt take no plugin: a program with externs is refused by them */
static int cmd_explain_h(int argc, char **argv, const pol_host *h) {
  (void)h;
  return cmd_explain(argc, argv);
}
static int cmd_diff_h(int argc, char **argv, const pol_host *h) {
  (void)h;
  return cmd_diff(argc, argv);
}
static int cmd_fmt_h(int argc, char **argv, const pol_host *h) {
  (void)h;
  return cmd_fmt(argc, argv);
}

static int cmd_batch(int argc, char **argv, const pol_host *h) {
  (void)h;
  return polc_batch(argc, argv);
}

static const command commands[] = {
    {"quote", cmd_quote,
     "polc quote POLICY --resident R --date D [--addon NAME=AMOUNT]... [--format json]\n"
     "           [--plugin LIB.so]...",
     "Quote the contribution of resident R (a JSON object, or @file.json) paying on date D\n"
     "(YYYY-MM-DD) under POLICY (.pol or .polb).  Prints the JSON answer of QUERY.md.\n"
     "--addon buys an add-on tier, e.g. --addon accident=30.\n"
     "--plugin binds the policy's host functions (`extern`): see 'Plugins' in polc --help.\n"
     "Exit: 0 payable, 1 not payable on that date (the answer says why), 2 bad input.\n"},
    {"eligible", cmd_eligible,
     "polc eligible POLICY --resident R --date D [--format json] [--plugin LIB.so]...",
     "Answer eligibility without the money: payable, reason, subsidized, matched,\n"
     "category, benefit_start, benefit_end.\n"
     "Exit: 0 payable, 1 not payable, 2 bad input.\n"},
    {"compile", cmd_compile, "polc compile POLICY.pol [-o OUT.polb]",
     "Compile a policy to a verified bytecode file (default: POLICY.polb beside it).\n"
     "A .polb is accepted wherever a .pol is.  Exit: 0 compiled, 2 errors.\n"},
    {"test", cmd_test, "polc test POLICY... [--plugin LIB.so]...",
     "Run each policy's inline examples.  Each failure is printed as FILE:LINE (the\n"
     "example's line) and, for every value that differs, the expected and the actual\n"
     "value; each policy ends with its count, and the run with one line over all\n"
     "policies: N examples, N passed, N failed.\n"
     "Exit: 0 all pass, 1 some fail, 2 a policy does not compile.\n"},
    {"disasm", cmd_disasm, "polc disasm POLICY...", "List the bytecode of each section.\n"},
    {"schema", cmd_schema, "polc schema POLICY [--format text|json]",
     "List every key a resident may carry under POLICY, with type, default and label,\n"
     "then its identities and funding sources.\n"},
    {"explain", cmd_explain_h, "polc explain POLICY --resident R --date D [--format text|json]",
     "Explain the answer for resident R paying on date D step by step, in the notice's\n"
     "words, each step with the clause it rests on: which categories hold, which one is\n"
     "chosen and why (saying so when file order decided), what it costs, the payment\n"
     "window of the date, every rule that applied and what it did (surcharge, wait, start),\n"
     "then the answer.  Exit: 0 payable, 1 not payable, 2 bad input.\n"},
    {"diff", cmd_diff_h, "polc diff OLD NEW [--format text|json]",
     "What changed between two policies: the benefit year and collection period, categories\n"
     "added or removed, a category's standard or split, the choice rule, windows, rules and\n"
     "what they do (a wait, a surcharge), add-ons.  Each change comes with a resident and a\n"
     "payment date whose answer differs, replayed on both (when the benefit years differ,\n"
     "the new policy is asked about the same day that many years later).\n"
     "Exit: 0 no change, 1 changes, 2 bad input.\n"},
    {"fmt", cmd_fmt_h, "polc fmt [--check|--stdout] FILE...",
     "Rewrite each policy in the one canonical layout: LF line ends, no trailing blanks,\n"
     "at most one blank line in a row, two spaces per open brace, continuation lines kept\n"
     "at their offset, comments kept.  Formatting twice changes nothing.  --check writes\n"
     "nothing and lists the files that are not formatted; --stdout prints the formatted\n"
     "text instead of rewriting the file.\n"
     "Exit: 0 formatted (or, with --check, all already formatted), 1 --check found one\n"
     "that is not, 2 bad input.\n"},
    {"check", cmd_check,
     "polc check POLICY... [--format text|json|sarif] [--verbose] [--werror] [--plugin LIB.so]...",
     "Analyse each policy for overlapping and missing categories, amounts that do not add\n"
     "up, payment windows with gaps or overlaps, and rules or categories that never apply.\n"
     "Every finding carries a witness (resident and date) replayed on the VM; --verbose also\n"
     "lists overlaps the choice rule settles.  An error changes some accepted answer; a\n"
     "warning changes none.  Host functions (`extern`) are answered by --plugin, or without\n"
     "one by a stand-in; findings that depend on them say so.  All files go into one\n"
     "document (one JSON object, one SARIF log), compile errors included.  Exit: 0 no\n"
     "errors, 1 errors (with --werror: or warnings) or an incomplete analysis, 2 bad input.\n"},
    {"batch", cmd_batch, BATCH_USAGE, BATCH_HELP},
};

static const command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i].name, name) == 0) return &commands[i];
  return NULL;
}

static int main_help(FILE *f) {
  fputs("polc — compile and query resident medical-insurance contribution policies\n\n"
        "usage: polc COMMAND [ARGS]   (polc COMMAND --help for more)\n\ncommands:\n", f);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %s\n", commands[i].usage);
  fputs("\nPlugins: --plugin LIB.so (quote, eligible, test, check; repeatable) loads a shared\n"
        "library exporting  pol_status pol_plugin_bind(pol_host *h), which binds the host\n"
        "functions a policy declares with `extern` (pol_host_bind in pol.h).\n", f);
  return f == stdout ? EXIT_OK : EXIT_BAD;
}

/* ---- plugins ----------------------------------------------------------------------------- */

enum { MAX_PLUGINS = 16 };

typedef struct {
  void *lib[MAX_PLUGINS];
  int n;
  pol_host *host; /* NULL until a --plugin is given */
} plugins;

/* Loads LIB and lets it bind into pl->host.  EXIT_OK or EXIT_BAD (message printed). */
static int load_plugin(plugins *pl, const char *cmd, const char *path) {
  if (pl->n == MAX_PLUGINS) return usage_error(cmd, "more than 16 --plugin options%s", "");
  if (!pl->host && !(pl->host = pol_host_new())) {
    fprintf(stderr, "polc: out of memory\n");
    return EXIT_BAD;
  }
  /* a bare name would be searched for in the library path; a plugin is named by its file */
  char *file = malloc(strlen(path) + 3);
  if (!file) return EXIT_BAD;
  sprintf(file, "%s%s", strchr(path, '/') ? "" : "./", path);
  void *lib = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  free(file);
  if (!lib) {
    fprintf(stderr, "polc %s: --plugin %s: %s\n", cmd, path, dlerror());
    return EXIT_BAD;
  }
  pl->lib[pl->n++] = lib;
  void *sym = dlsym(lib, "pol_plugin_bind");
  pol_status (*bind)(pol_host *) = NULL;
  memcpy(&bind, &sym, sizeof bind); /* object to function pointer, as POSIX allows */
  if (!bind) {
    fprintf(stderr, "polc %s: --plugin %s: exports no pol_plugin_bind\n", cmd, path);
    return EXIT_BAD;
  }
  if (bind(pl->host) != POL_OK) {
    fprintf(stderr, "polc %s: --plugin %s: %s\n", cmd, path, pol_host_error(pl->host));
    return EXIT_BAD;
  }
  return EXIT_OK;
}

/* Removes every `--plugin LIB` from argv (compacting it) and loads each. */
static int take_plugins(int *argc, char **argv, plugins *pl) {
  int kept = 1;
  for (int i = 1; i < *argc; i++) {
    if (strcmp(argv[i], "--plugin") != 0) {
      argv[kept++] = argv[i];
      continue;
    }
    const char *cmd = argv[0];
    if (strcmp(cmd, "quote") && strcmp(cmd, "eligible") && strcmp(cmd, "test") &&
        strcmp(cmd, "check"))
      return usage_error(cmd, "%s is for quote, eligible, test and check", "--plugin");
    if (i + 1 >= *argc) return usage_error(cmd, "%s needs a shared library", "--plugin");
    int rc = load_plugin(pl, cmd, argv[++i]);
    if (rc != EXIT_OK) return rc;
  }
  *argc = kept;
  argv[kept] = NULL;
  return EXIT_OK;
}

static void unload_plugins(plugins *pl) {
  pol_host_free(pl->host); /* before the code its bindings point into goes */
  for (int i = pl->n - 1; i >= 0; i--) dlclose(pl->lib[i]);
}

int main(int argc, char **argv) {
  if (argc < 2) return main_help(stderr);
  if (strcmp(argv[1], "help") == 0 && argc > 2) {
    /* polc help COMMAND is COMMAND --help; anything else is a topic */
    const command *c = find_command(argv[2]);
    return c ? print_help(c->name) : cmd_help_topic(argc - 1, argv + 1);
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    main_help(stdout);
    cli_help_topics(stdout);
    return EXIT_OK;
  }
  const command *c = find_command(argv[1]);
  if (!c) {
    fprintf(stderr, "polc: unknown command '%s'\n", argv[1]);
    return main_help(stderr);
  }
  if (wants_help(argc - 1, argv + 1)) return print_help(c->name);
  int n = argc - 1;
  plugins pl = {{0}, 0, NULL};
  int rc = take_plugins(&n, argv + 1, &pl);
  if (rc == EXIT_OK) rc = c->run(n, argv + 1, pl.host);
  unload_plugins(&pl);
  return rc;
}
