/*
 * oom.c — allocation-failure injection, as SQLite tests it: for every N, the Nth
 * allocation fails (once, then again with every allocation after it failing too) while
 * compile, load, quote, check, test, schema, disasm and rendering run on a bundled
 * policy.  Each must then either fail cleanly — POL_ENOMEM, or for the calls that return
 * no status, NULL — or succeed with exactly the answer of a run without failures; and
 * once everything it returned is freed, nothing it allocated may be left (no leak).
 *
 * Allocations are counted by link-time wrapping (-Wl,--wrap=malloc,...): every call from
 * libpol.a and from this file goes through __wrap_malloc and friends; jansson allocates
 * through the hooks of json_set_alloc_funcs (process-global, which is why this is a test
 * binary of its own).  Memory libc allocates for itself (open_memstream buffers) is not
 * counted and cannot be failed.  Every counted block is kept in a pointer set, so a leak
 * is found without a leak checker (and under ASan, LeakSanitizer agrees).
 *
 * Strict (POL_ENOMEM or the very same answer, for every N tried): compile, load, quote,
 * plan and check; test and tools are held only to no crash and no leak (OOM_STRICT=1
 * holds them too).
 *
 * Usage: oom [POLICY.pol [OP]] (default policies/qinyuan-2025.pol under FUZZ_ROOT; OP one
 * of compile, load, quote, plan, check, test, tools).  OOM_FULL=1 tries every N (else
 * about 400 evenly spaced beyond 400 allocations); OOM_TRACE=N prints the stack of
 * allocation N; OOM_DEBUG=1 prints what differs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <execinfo.h>
#include <jansson.h>

#include "pol.h"

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);

/* ---- the counting allocator -------------------------------------------------------- */

/* Invariant: while armed, `count` allocations were asked for since arming; the one
 * numbered fail_at fails, and so does every later one when `sticky`.  `live` holds every
 * block handed out while armed and not yet freed (open addressing, tombstones; cleared
 * whenever it is empty). */
static bool armed, sticky;
static long count, fail_at = -1;
static bool failed; /* an allocation failed since arming */

#define SET_BITS 20
#define SET_SIZE ((size_t)1 << SET_BITS)
#define TOMB ((void *)1)
static void **live;
static long *live_no; /* the allocation number of each block in `live`, for messages */
static long trace_at = -1; /* OOM_TRACE=N: print the stack of allocation N (debugging) */
static size_t nlive, nused; /* blocks in the set; slots not empty (blocks + tombstones) */

static size_t slot_of(const void *p) {
  uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15u;
  return (size_t)(h >> (64 - SET_BITS));
}

static void set_add(void *p, long no) {
  if (nused * 2 > SET_SIZE) {
    fprintf(stderr, "oom: more than %zu blocks live\n", SET_SIZE / 2);
    abort();
  }
  size_t i = slot_of(p);
  while (live[i] != NULL && live[i] != TOMB) i = (i + 1) & (SET_SIZE - 1);
  if (live[i] == NULL) nused++;
  live[i] = p;
  live_no[i] = no;
  nlive++;
}

static bool set_remove(void *p) {
  if (!live || !p) return false;
  for (size_t i = slot_of(p); live[i] != NULL; i = (i + 1) & (SET_SIZE - 1))
    if (live[i] == p) {
      live[i] = TOMB;
      if (--nlive == 0) {
        memset(live, 0, SET_SIZE * sizeof *live);
        nused = 0;
      }
      return true;
    }
  return false;
}

static bool should_fail(void) {
  if (!armed) return false;
  long n = count++;
  if (n == trace_at) {
    void *frames[32];
    backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
  }
  if (n == fail_at || (sticky && fail_at >= 0 && n > fail_at)) {
    failed = true;
    return true;
  }
  return false;
}

void *__wrap_malloc(size_t n) {
  if (should_fail()) return NULL;
  void *p = __real_malloc(n);
  if (p && armed) set_add(p, count - 1);
  return p;
}

void *__wrap_calloc(size_t n, size_t size) {
  if (should_fail()) return NULL;
  void *p = __real_calloc(n, size);
  if (p && armed) set_add(p, count - 1);
  return p;
}

void *__wrap_realloc(void *p, size_t n) {
  if (p == NULL) return __wrap_malloc(n);
  if (n == 0) { /* glibc: frees p */
    set_remove(p);
    return __real_realloc(p, 0);
  }
  if (should_fail()) return NULL;
  bool counted = set_remove(p);
  void *q = __real_realloc(p, n);
  if (!q) {
    if (counted) set_add(p, -1);
    return NULL;
  }
  if (counted || armed) set_add(q, count - 1);
  return q;
}

void __wrap_free(void *p) {
  set_remove(p);
  __real_free(p);
}

char *__wrap_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = __wrap_malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static void *json_malloc(size_t n) { return __wrap_malloc(n); }
static void json_free(void *p) { __wrap_free(p); }

static void arm(long n, bool persistent) {
  count = 0;
  fail_at = n;
  sticky = persistent;
  failed = false;
  armed = true;
}

static void disarm(void) { armed = false; }

/* ---- the operations ---------------------------------------------------------------- */

static char *src;
static size_t srclen;
static unsigned char *polb;
static size_t polblen;
static int32_t date;
static const char *resident =
    "{\"birth_date\":\"1950-02-03\",\"identities\":[\"subsistence_allowance\",\"student\"],"
    "\"disability_grade\":2,\"local_hukou\":true,\"lapsed_years\":1}";

static int failures; /* broken expectations */

static void expect(bool ok, const char *op, long n, bool persistent, const char *what) {
  if (ok) return;
  failures++;
  if (failures <= 20)
    fprintf(stderr, "oom: %s, allocation %ld failing%s: %s\n", op, n,
            persistent ? " with all after it" : " once", what);
}

/* One operation under injection: returns its status and its output (malloc'd, compared
 * with the run without failures; NULL when it failed).  Everything else it allocated is
 * freed before it returns. */
typedef pol_status (*op_fn)(char **out);

/* POL_EINPUT whose message says "out of memory": the cause named, but not in the status
 * (pol_load and the verifier cannot tell it apart from a corrupt file: vm/polb.c, verify.c
 * return bool).  Counted apart from POL_ENOMEM; accepted as a clean error. */
#define NAMED_OOM 100
#define JSON_EINPUT 101

static pol_status named_oom(pol_status st, const pol_diags *d) {
  if (st != POL_EINPUT || !d) return st;
  disarm(); /* the injection is over: render without failures */
  char *text = pol_diags_render(d, POL_FMT_TEXT);
  bool named = text && strstr(text, "out of memory");
  free(text);
  return named ? (pol_status)NAMED_OOM : st;
}

static char *dup_bytes(const unsigned char *b, size_t n) {
  /* bytes as hex, so that outputs are strings */
  char *s = __wrap_malloc(2 * n + 1);
  if (!s) return NULL;
  for (size_t i = 0; i < n; i++) sprintf(s + 2 * i, "%02x", b[i]);
  s[2 * n] = 0;
  return s;
}

static pol_program *program; /* compiled once, unarmed, for the operations that need one */

static pol_status op_compile(char **out) {
  pol_program *p = NULL;
  pol_diags *d = NULL;
  pol_status st = pol_compile("oom.pol", src, srclen, &p, &d);
  st = named_oom(st, d);
  *out = NULL;
  if (st == POL_OK) {
    unsigned char *b = NULL;
    size_t n = 0;
    st = pol_save(p, &b, &n);
    if (st == POL_OK) {
      *out = dup_bytes(b, n);
      if (!*out) st = POL_ENOMEM;
    }
    free(b);
  }
  pol_program_free(p);
  pol_diags_free(d);
  return st;
}

static pol_status op_load(char **out) {
  pol_program *p = NULL;
  pol_diags *d = NULL;
  pol_status st = pol_load("oom.polb", polb, polblen, &p, &d);
  st = named_oom(st, d);
  *out = NULL;
  if (st == POL_OK) {
    unsigned char *b = NULL;
    size_t n = 0;
    st = pol_save(p, &b, &n);
    if (st == POL_OK) {
      *out = dup_bytes(b, n);
      if (!*out) st = POL_ENOMEM;
    }
    free(b);
  }
  pol_program_free(p);
  pol_diags_free(d);
  return st;
}

static pol_status op_quote(char **out) {
  *out = NULL;
  pol_eval *ev = pol_eval_new(program);
  if (!ev) return POL_ENOMEM;
  pol_status st = pol_resident_json(ev, resident, date);
  /* jansson's parser cannot say that it ran out of memory: json_loads fails with a syntax
   * error (or, in 2.14, drops the byte it could not store: "subsistence_alowance"), so
   * pol_resident_json can only answer POL_EINPUT.  Clean, but not POL_ENOMEM. */
  if (st == POL_EINPUT && failed) st = (pol_status)JSON_EINPUT;
  if (st == POL_OK) st = pol_buy_addon(ev, "accident=20");
  if (st == POL_OK) st = pol_quote(ev, date);
  if (st == POL_OK) {
    char *q = pol_answer_json(ev, POL_ANSWER_QUOTE);
    char *e = pol_answer_json(ev, POL_ANSWER_ELIGIBLE);
    if (q && e) {
      *out = __wrap_malloc(strlen(q) + strlen(e) + 1);
      if (*out) sprintf(*out, "%s%s", q, e);
    }
    if (!*out) st = POL_ENOMEM;
    free(q);
    free(e);
  }
  if (st != POL_OK && getenv("OOM_DEBUG")) fprintf(stderr, "oom: quote: %s\n", pol_eval_error(ev));
  pol_eval_free(ev);
  return st;
}

/* The quote on a program whose decision plan is not built yet: the first evaluation
 * context builds it (api/plan.c) and the program keeps it.  The program is compiled
 * without injection, then the plan, the context and the quote run with it. */
static pol_status op_plan(char **out) {
  long keep = count;
  disarm();
  pol_program *q = NULL;
  pol_diags *d = NULL;
  pol_status st = pol_compile("oom.pol", src, srclen, &q, &d);
  pol_diags_free(d);
  if (st != POL_OK) return st;
  armed = true;
  count = keep;
  pol_program *shared = program;
  program = q;
  st = op_quote(out);
  program = shared;
  pol_program_free(q);
  return st;
}

static pol_status op_check(char **out) {
  *out = NULL;
  pol_diags *d = NULL;
  pol_status st = pol_check(program, src, srclen, 1, &d);
  if (st == POL_OK || st == POL_NEGATIVE) {
    char *t = pol_diags_render(d, POL_FMT_TEXT);
    char *j = pol_diags_render(d, POL_FMT_JSON);
    char *s = pol_diags_render(d, POL_FMT_SARIF);
    if (t && j && s) {
      *out = __wrap_malloc(strlen(t) + strlen(j) + strlen(s) + 1);
      if (*out) sprintf(*out, "%s%s%s", t, j, s);
    }
    if (!*out) st = POL_ENOMEM;
    free(t);
    free(j);
    free(s);
  }
  pol_diags_free(d);
  return st;
}

static pol_status op_test(char **out) {
  *out = NULL;
  char *report = NULL;
  pol_status st = pol_test(program, &report);
  if (st == POL_OK) *out = report;
  else free(report);
  return st;
}

static pol_status op_tools(char **out) {
  *out = NULL;
  char *a = pol_disasm(program);
  char *b = pol_schema(program, POL_FMT_TEXT);
  char *c = pol_schema(program, POL_FMT_JSON);
  pol_status st = POL_ENOMEM;
  if (a && b && c) {
    *out = __wrap_malloc(strlen(a) + strlen(b) + strlen(c) + 1);
    if (*out) {
      sprintf(*out, "%s%s%s", a, b, c);
      st = POL_OK;
    }
  }
  free(a);
  free(b);
  free(c);
  return st;
}

/* For N = 0, 1, ...: run op with allocation N failing, until a run fails no allocation.
 * strict: a run that fails an allocation must answer POL_ENOMEM (or the same as without
 * failures).  Not strict: it must not crash or leak, and a different answer is counted as
 * `degraded` (a known gap, printed, not a test failure). */
static void inject(const char *name, op_fn op, bool strict) {
  char *want = NULL;
  arm(-1, false);
  pol_status base = op(&want);
  long total = count;
  disarm();
  set_remove(want); /* kept across the runs below: not theirs to leak */
  if (getenv("OOM_DEBUG")) fprintf(stderr, "oom %s: %zu blocks live after the run without failures\n", name, nlive);
  expect(base == POL_OK || base == POL_NEGATIVE, name, -1, false, "fails without injection");
  long runs = 0, enomem = 0, named = 0, json_einput = 0, ok_anyway = 0, degraded = 0;
  /* every N up to 400 allocations; beyond, 400 evenly spaced (check allocates thousands
   * of times; OOM_FULL=1 tries every one) */
  long stride = getenv("OOM_FULL") || total <= 400 ? 1 : total / 400;
  for (int persistent = 0; persistent < 2; persistent++) {
    for (long n = 0;; n += stride) {
      char *got = NULL;
      arm(n, persistent);
      pol_status st = op(&got);
      bool hit = failed;
      disarm();
      runs++;
      if (!hit) { /* no allocation failed: the run without failures again */
        expect(st == base && got && want && strcmp(got, want) == 0, name, n, persistent,
               "differs from the run without failures");
        free(got);
        break;
      }
      if (st == POL_ENOMEM) {
        enomem++;
      } else if (st == (pol_status)NAMED_OOM) {
        named++;
      } else if (st == (pol_status)JSON_EINPUT) {
        json_einput++;
      } else if (st == base && got && want && strcmp(got, want) == 0) {
        ok_anyway++; /* succeeding despite the failure is right with the very same answer */
      } else if (!strict) {
        degraded++;
      } else {
        char what[200];
        snprintf(what, sizeof what, "status %d instead of POL_ENOMEM%s", (int)st,
                 st == base ? " and a different answer" : "");
        expect(false, name, n, persistent, what);
        if (getenv("OOM_DEBUG") && got && want)
          fprintf(stderr, "--- without failures:\n%s\n--- with:\n%s\n", want, got);
      }
      free(got);
      expect(nlive == 0, name, n, persistent, "leaks");
      if (nlive) { /* name them, then forget them so the next run is judged alone */
        fprintf(stderr, "oom:   leaked blocks from allocations");
        for (size_t i = 0; i < SET_SIZE; i++)
          if (live[i] && live[i] != TOMB) fprintf(stderr, " %ld", live_no[i]);
        fprintf(stderr, "\n");
        memset(live, 0, SET_SIZE * sizeof *live);
        nlive = nused = 0;
      }
    }
  }
  free(want);
  printf("oom %s: %ld allocations (every %ld), %ld runs: %ld POL_ENOMEM, %ld input errors saying "
         "\"out of memory\", %ld resident JSON refused by jansson, %ld recovered with the "
         "same answer%s",
         name, total, stride, runs, enomem, named, json_einput, ok_anyway, strict ? "\n" : "");
  if (!strict) printf(", %ld degraded (another answer, not POL_ENOMEM: known gap)\n", degraded);
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = __real_malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    __real_free(b);
    b = NULL;
  }
  fclose(f);
  if (b) {
    b[n] = 0;
    *len = (size_t)n;
  }
  return b;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : FUZZ_ROOT "/policies/qinyuan-2025.pol";
  live = __real_calloc(SET_SIZE, sizeof *live);
  live_no = __real_calloc(SET_SIZE, sizeof *live_no);
  if (getenv("OOM_TRACE")) trace_at = atol(getenv("OOM_TRACE"));
  src = read_file(path, &srclen);
  if (!live || !src) {
    fprintf(stderr, "oom: cannot read %s\n", path);
    return 2;
  }
  json_set_alloc_funcs(json_malloc, json_free);
  pol_diags *d = NULL;
  if (pol_compile(path, src, srclen, &program, &d) != POL_OK ||
      pol_save(program, &polb, &polblen) != POL_OK || pol_date_parse("2025-11-10", &date)) {
    fprintf(stderr, "oom: %s does not compile\n", path);
    pol_diags_free(d); /* everything freed: under make asan, LeakSanitizer checks this exit */
    pol_program_free(program);
    free(polb);
    __real_free(src);
    __real_free(live);
    __real_free(live_no);
    live = NULL;
    live_no = NULL;
    return 2;
  }
  pol_diags_free(d);
  /* build the shared program's decision plan now, so that the operations below find it
   * (op_plan injects failures into building it) */
  pol_eval_free(pol_eval_new(program));
  /* test and tools do not yet turn every failed allocation into POL_ENOMEM
   * (docs/RELIABILITY.md lists where): there they must only not crash and not leak */
  static const struct {
    const char *name;
    op_fn fn;
    bool strict;
  } ops[] = {{"compile", op_compile, true}, {"load", op_load, true},
             {"quote", op_quote, true},     {"plan", op_plan, true},
             {"check", op_check, true},
             {"test", op_test, false},      {"tools", op_tools, false}};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (argc <= 2 || strcmp(argv[2], ops[i].name) == 0)
      inject(ops[i].name, ops[i].fn, ops[i].strict || getenv("OOM_STRICT"));
  pol_program_free(program);
  free(polb);
  __real_free(src);
  __real_free(live);
  __real_free(live_no);
  live = NULL; /* frees after main (gcov's at exit) pass through __wrap_free untracked */
  live_no = NULL;
  if (failures) fprintf(stderr, "oom: %d failures\n", failures);
  return failures ? 1 : 0;
}
