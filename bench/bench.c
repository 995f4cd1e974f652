/*
 * bench.c — `make bench`: how fast a quote is, against the hand-written C function for the
 * same rules, all measured in one run on one machine (issue #15).
 *
 *   1. agreement (assertions, not timings): on every generated resident of Pingshun 2026,
 *      the hand C (bench/hand/pingshun.c), the Lua peer (bench/lua/pingshun.lua) and the
 *      VM (through the typed API, through the JSON API, and for the first `cli` residents
 *      through `polc quote` as a process) give the same category,
 *      matched categories, individual, each fund, benefit start and end, wait, window and
 *      payability; the first disagreements are printed and the bench exits 1.
 *   2. ns per quote: 4,096 residents of a generated roster (bench/roster.c, fixed seed)
 *      quoted `repeat` times, best of `runs`; the VM through the typed API on every
 *      bundled policy, through the JSON API on Pingshun, the hand C and Lua on Pingshun;
 *      each with its ratio to the hand C.  Every path starts from the same roster record
 *      and reads the same answer fields (payable, category, individual, every funding
 *      source, start, end) into a checksum, so no path's work is optimised away.
 *   3. compile and check, in process: pol_compile, the first pol_eval_new (which builds
 *      the decision structure) and pol_check of each policy (best of runs), and the five
 *      together.
 *   4. `polc batch` rows per second end to end (process start, CSV in, rows out), when the
 *      binary has the subcommand; skipped with a message otherwise.
 *
 *   bench [--repeat N] [--runs N] [--residents N] [--agree N] [--cli N] [--lua SCRIPT]
 *         [--polc PATH] [--batch-rows N] [--out DIR] POLICY.pol...
 *   bench --agree-only [--agree N] [--cli N] POLICY.pol...  step 1 only (no timing)
 *   bench --only hand|lua|json|POLICY.pol --quotes N      one path, for callgrind
 *   bench --csv OUT --rows N [--year Y] [--paid-on] [--paid-normal]   write a roster
 *
 * The bench reports; it asserts nothing about time.  The policies are compiled from
 * source; the Pingshun policy is the one whose id is "pingshun-2026".
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "calendar.h"
#include "peer.h"
#include "pingshun.h"
#include "pol.h"
#include "roster.h"

#define PINGSHUN_ID "pingshun-2026"
#define MAX_POLICIES 32
#define MAX_SOURCES 16
#define MAX_CATEGORIES 64
#define SHOW_DISAGREEMENTS 10

typedef struct {
  int repeat, runs;
  size_t residents, agree, cli, batch_rows;
  const char *lua_script, *polc, *out_dir;
} options;

/* Wall time, for whole processes (polc batch end to end). */
static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* This thread's CPU time, for everything measured in process: on a shared machine the
 * time the thread waits for a CPU is not the code's cost (caches shared with other loads
 * still are: callgrind's counts are the figures that do not move). */
static double cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "bench: ");
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf != NULL && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      char *nb = realloc(buf, cap *= 2);
      if (nb == NULL)
        free(buf);
      buf = nb;
    }
  }
  fclose(f);
  if (buf != NULL)
    buf[n] = '\0';
  *len = n;
  return buf;
}


static ps_resident to_hand(const roster_resident *r) {
  /* the roster's identity bits and the hand C's are both in the prelude's order
   * (asserted by key in check_keys) */
  ps_resident h = {r->birth_date, r->identities, r->disability_grade, r->lapsed_years,
                   r->registered_on == ROSTER_ABSENT ? PS_ABSENT : r->registered_on,
                   r->paid_normal_rate};
  return h;
}

static void check_keys(void) {
  for (int k = 0; k <= 15; k++) {
    int y = 2025 + (9 + k) / 12, m = (9 + k) % 12 + 1;
    if (ps_span_month_start(k) != cal_from_ymd(y, m, 1))
      die("the hand C's month table is wrong at %d-%02d", y, m);
  }
  for (int k = 0; k < PS_NIDENTITIES; k++)
    if (strcmp(ps_identity_key[k], roster_identity_key[k]) != 0)
      die("identity %s of the hand C is %s in the roster", ps_identity_key[k],
          roster_identity_key[k]);
}

/* ---- the VM through the typed API -------------------------------------------------- */

typedef struct {
  const char *path;
  char *src;
  size_t len;
  pol_program *p;
  pol_eval *ev;
  int year;
  roster_resident *roster; /* `residents` of this policy's benefit year */
  /* handles, resolved once */
  pol_handle birth, grade, hukou, lapsed, registered, paid_normal;
  pol_handle ident[ROSTER_NIDENTITIES];
  uint32_t nsources;
  pol_handle source[MAX_SOURCES];
} policy;

static pol_handle find(const pol_program *p, pol_kind kind, const char *key) {
  return pol_find(p, kind, key);
}

static void policy_handles(policy *pol) {
  const pol_program *p = pol->p;
  pol->birth = find(p, POL_ATTRIBUTE, "birth_date");
  pol->grade = find(p, POL_ATTRIBUTE, "disability_grade");
  pol->hukou = find(p, POL_ATTRIBUTE, "local_hukou");
  pol->lapsed = find(p, POL_ATTRIBUTE, "lapsed_years");
  pol->registered = find(p, POL_ATTRIBUTE, "registered_on");
  pol->paid_normal = find(p, POL_ATTRIBUTE, "paid_normal_rate"); /* null if not declared */
  if (pol_handle_is_null(pol->birth) || pol_handle_is_null(pol->grade) ||
      pol_handle_is_null(pol->hukou) || pol_handle_is_null(pol->lapsed) ||
      pol_handle_is_null(pol->registered))
    die("%s: a prelude attribute has no handle", pol->path);
  for (int k = 0; k < ROSTER_NIDENTITIES; k++) {
    pol->ident[k] = find(p, POL_IDENTITY, roster_identity_key[k]);
    if (pol_handle_is_null(pol->ident[k]))
      die("%s: no identity %s", pol->path, roster_identity_key[k]);
  }
  pol->nsources = pol_count(p, POL_SOURCE);
  if (pol->nsources > MAX_SOURCES)
    die("%s: more funding sources than the bench holds", pol->path);
  for (uint32_t s = 0; s < pol->nsources; s++)
    pol->source[s] = pol_handle_at(p, POL_SOURCE, s);
}

/* Set resident r on the policy's context and quote it: what a service does per row. */
static pol_status typed_quote(const policy *pol, const roster_resident *r) {
  pol_eval *ev = pol->ev;
  pol_resident_clear(ev);
  pol_set(ev, pol->birth, r->birth_date);
  for (uint32_t ids = r->identities; ids != 0; ids &= ids - 1)
    pol_set(ev, pol->ident[__builtin_ctz(ids)], 1);
  pol_set(ev, pol->grade, r->disability_grade);
  pol_set(ev, pol->hukou, r->local_hukou);
  pol_set(ev, pol->lapsed, r->lapsed_years);
  if (r->registered_on != ROSTER_ABSENT)
    pol_set(ev, pol->registered, r->registered_on);
  if (!pol_handle_is_null(pol->paid_normal))
    pol_set(ev, pol->paid_normal, r->paid_normal_rate);
  return pol_quote(ev, r->paid_on);
}

/* One pass over the roster through the typed API; the checksum of the answers. */
__attribute__((noinline)) static uint64_t pass_typed(const policy *pol, size_t n) {
  uint64_t sum = 0;
  const pol_eval *ev = pol->ev;
  for (size_t i = 0; i < n; i++) {
    pol_status st = typed_quote(pol, &pol->roster[i]);
    if (st != POL_OK && st != POL_NEGATIVE)
      die("%s: pol_quote failed: %s", pol->path, pol_eval_error(ev));
    sum += (uint64_t)pol_answer_payable(ev) + pol_answer_category(ev).bits +
           (uint64_t)pol_answer_individual(ev);
    for (uint32_t s = 0; s < pol->nsources; s++)
      sum += (uint64_t)pol_answer_funding(ev, pol->source[s]);
    sum += (uint64_t)(uint32_t)pol_answer_start(ev) + (uint64_t)(uint32_t)pol_answer_end(ev);
  }
  return sum;
}

/* ---- the VM through the JSON API ----------------------------------------------------- */

/* Resident JSON of the whole roster, made once: the JSON path starts from text. */
static char **roster_jsons(const roster_resident *r, size_t n, int with_paid_normal) {
  char **out = calloc(n, sizeof *out);
  char buf[1024];
  for (size_t i = 0; out != NULL && i < n; i++) {
    if (roster_json(&r[i], with_paid_normal, buf, sizeof buf) < 0 ||
        (out[i] = strdup(buf)) == NULL)
      die("roster JSON");
  }
  return out;
}

__attribute__((noinline)) static uint64_t pass_json(const policy *pol, char **json, size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i++) {
    if (pol_resident_json(pol->ev, json[i], pol->roster[i].paid_on) != POL_OK)
      die("%s: resident: %s", pol->path, pol_eval_error(pol->ev));
    pol_status st = pol_quote(pol->ev, pol->roster[i].paid_on);
    if (st != POL_OK && st != POL_NEGATIVE)
      die("%s: pol_quote failed: %s", pol->path, pol_eval_error(pol->ev));
    char *a = pol_answer_json(pol->ev, POL_ANSWER_QUOTE);
    if (a == NULL)
      die("%s: no answer JSON", pol->path);
    sum += strlen(a);
    free(a);
  }
  return sum;
}

/* ---- the hand C and Lua ---------------------------------------------------------------- */

static uint64_t answer_sum(const ps_answer *a) {
  uint64_t sum = (uint64_t)a->payable + (uint64_t)a->category + (uint64_t)a->individual;
  for (int s = 0; s < PS_NSOURCES; s++)
    sum += (uint64_t)a->funding[s];
  return sum + (uint64_t)(uint32_t)a->start + (uint64_t)(uint32_t)a->end;
}

__attribute__((noinline)) static uint64_t pass_hand(const roster_resident *r, size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i++) {
    ps_resident h = to_hand(&r[i]);
    ps_answer a;
    ps_quote(&h, r[i].paid_on, &a);
    sum += answer_sum(&a);
  }
  return sum;
}

__attribute__((noinline)) static uint64_t pass_lua(lua_peer *lp, const roster_resident *r,
                                                   size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i++) {
    ps_resident h = to_hand(&r[i]);
    ps_answer a;
    if (lua_peer_quote(lp, &h, r[i].paid_on, &a) != 0)
      die("lua: %s", lua_peer_error(lp));
    sum += answer_sum(&a);
  }
  return sum;
}

/* ---- agreement --------------------------------------------------------------------------- */

typedef struct {
  size_t checked, failed;
} tally;

static void show_resident(const roster_resident *r) {
  char json[1024], d[11];
  roster_json(r, 1, json, sizeof json);
  cal_format(r->paid_on, d);
  fprintf(stderr, "    resident %s --date %s\n", json, d);
}

static void show_answer(const char *who, const ps_answer *a) {
  char s[11], e[11];
  cal_format(a->start, s);
  cal_format(a->end, e);
  fprintf(stderr,
          "    %-5s payable %d category %s individual %lld MA %lld DF %lld LF %lld start %s "
          "end %s wait %lld window %d matched %#x refusal %d\n",
          who, a->payable, a->category >= 0 && a->category < PS_NCATEGORIES
                               ? ps_category_key[a->category] : "(none)",
          (long long)a->individual, (long long)a->funding[0], (long long)a->funding[1],
          (long long)a->funding[2], s, e, (long long)a->wait_months, a->window, a->matched,
          (int)a->refusal);
}

static int same(const ps_answer *x, const ps_answer *y, int with_refusal) {
  return x->payable == y->payable && x->category == y->category &&
         x->matched == y->matched && x->window == y->window &&
         x->individual == y->individual &&
         x->funding[0] == y->funding[0] && x->funding[1] == y->funding[1] &&
         x->funding[2] == y->funding[2] && x->start == y->start && x->end == y->end &&
         x->wait_months == y->wait_months && (!with_refusal || x->refusal == y->refusal);
}

static void disagree(tally *t, const char *what, const roster_resident *r, const ps_answer *hand,
                     const char *who, const ps_answer *other) {
  if (t->failed++ < SHOW_DISAGREEMENTS) {
    fprintf(stderr, "DISAGREE hand C / %s:\n", what);
    show_resident(r);
    show_answer("hand", hand);
    show_answer(who, other);
  }
}

/* The typed answer in the hand C's terms.  Funding sources the hand C does not know must
 * be 0; categories are mapped by key; -1 marks something the hand C cannot name. */
static int typed_answer(const policy *pol, ps_answer *a) {
  const pol_program *p = pol->p;
  pol_eval *ev = pol->ev; /* matched is computed on first use */
  memset(a, 0, sizeof *a);
  a->payable = pol_answer_payable(ev);
  a->category = -1;
  pol_handle c = pol_answer_category(ev);
  for (int k = 0; k < PS_NCATEGORIES; k++) {
    pol_handle h = pol_find(p, POL_CATEGORY, ps_category_key[k]);
    if (h.bits == c.bits)
      a->category = k;
    if (pol_answer_matched(ev, h))
      a->matched |= 1u << k;
  }
  if (pol_count(p, POL_CATEGORY) != PS_NCATEGORIES)
    return -1;
  a->window = PS_WIN_NONE;
  pol_handle w = pol_answer_window(ev);
  for (int k = 0; k < PS_NWINDOWS; k++)
    if (w.bits == pol_find(p, POL_WINDOW, ps_window_key[k]).bits && !pol_handle_is_null(w))
      a->window = k;
  a->subsidized = pol_answer_subsidized(ev);
  a->individual = pol_answer_individual(ev);
  for (uint32_t s = 0; s < pol->nsources; s++) {
    int64_t v = pol_answer_funding(ev, pol->source[s]);
    int known = 0;
    for (int k = 0; k < PS_NSOURCES; k++)
      if (strcmp(pol_key(p, pol->source[s]), ps_source_key[k]) == 0)
        a->funding[k] = v, known = 1;
    if (!known && v != 0)
      a->individual = -1; /* an unknown fund pays: no hand answer can equal this */
  }
  a->start = pol_answer_start(ev);
  a->end = pol_answer_end(ev);
  a->wait_months = pol_answer_wait_months(ev);
  return 0;
}

static int64_t json_fen(json_t *v) {
  if (json_is_integer(v))
    return json_integer_value(v) * 100;
  if (json_is_real(v)) {
    double x = json_real_value(v) * 100.0;
    return (int64_t)(x < 0 ? x - 0.5 : x + 0.5);
  }
  return INT64_MIN;
}

static int32_t json_day(json_t *v) {
  int32_t d;
  const char *s = json_string_value(v);
  return s != NULL && pol_date_parse(s, &d) == POL_OK ? d : INT32_MIN;
}

static int key_index(const char *key, const char *const *keys, int n) {
  for (int k = 0; key != NULL && k < n; k++)
    if (strcmp(key, keys[k]) == 0)
      return k;
  return -1;
}

/* The JSON answer (QUERY.md) in the hand C's terms, the refusal read from `reason`. */
static int json_answer(const char *text, ps_answer *a) {
  json_error_t err;
  json_t *j = json_loads(text, 0, &err);
  if (j == NULL)
    return -1;
  memset(a, 0, sizeof *a);
  a->payable = json_is_true(json_object_get(j, "payable"));
  a->category = key_index(json_string_value(json_object_get(j, "category")), ps_category_key,
                          PS_NCATEGORIES);
  size_t i;
  json_t *v;
  json_array_foreach(json_object_get(j, "matched"), i, v) {
    int k = key_index(json_string_value(v), ps_category_key, PS_NCATEGORIES);
    a->matched |= k >= 0 ? 1u << k : 1u << 31;
  }
  json_t *w = json_object_get(j, "window");
  a->window = json_is_null(w) || w == NULL ? PS_WIN_NONE
                                           : key_index(json_string_value(w), ps_window_key,
                                                       PS_NWINDOWS);
  if (a->window < 0 && !(json_is_null(w) || w == NULL))
    a->window = -2;
  a->subsidized = json_is_true(json_object_get(j, "subsidized"));
  a->individual = json_fen(json_object_get(j, "individual"));
  const char *key;
  json_object_foreach(json_object_get(j, "funding"), key, v) {
    int k = key_index(key, ps_source_key, PS_NSOURCES);
    if (k >= 0)
      a->funding[k] = json_fen(v);
    else if (json_fen(v) != 0)
      a->individual = -1;
  }
  a->start = json_day(json_object_get(j, "benefit_start"));
  a->end = json_day(json_object_get(j, "benefit_end"));
  a->wait_months = json_integer_value(json_object_get(j, "waiting_months"));
  const char *reason = json_string_value(json_object_get(j, "reason"));
  a->refusal = reason == NULL                                    ? PS_OK
               : strstr(reason, "accepted on days") != NULL      ? PS_REF_DAYS
               : strstr(reason, "before the collection") != NULL ? PS_REF_BEFORE
               : strstr(reason, "after the last payment") != NULL ? PS_REF_AFTER
               : strstr(reason, "待遇等待期届满") != NULL          ? PS_REF_WAIT_PAST
               : strstr(reason, "无法再办理特殊缴费") != NULL      ? PS_REF_NORMAL_FINAL
               : strstr(reason, "早于出生日期") != NULL            ? PS_REF_UNBORN
                                                                 : (ps_refusal)-1;
  json_decref(j);
  return 0;
}

/* What the agreement roster exercises, from the hand C's answers: every category, window,
 * refusal and rule effect must occur, else agreement proves less than it says. */
typedef struct {
  size_t category[PS_NCATEGORIES], window[PS_NWINDOWS + 1], refusal[PS_REF_UNBORN + 1];
  size_t multi, surcharge, wait, free_, from_birth;
} coverage;

static void cover(coverage *c, const ps_resident *r, int32_t paid_on, const ps_answer *a) {
  c->category[a->category]++;
  c->window[a->window == PS_WIN_NONE ? PS_NWINDOWS : a->window]++;
  c->refusal[a->refusal]++;
  c->multi += (a->matched & (a->matched - 1)) != 0;
  c->surcharge += a->individual > 40000;
  c->wait += a->wait_months > 0;
  c->free_ += a->individual == 0 && a->funding[0] + a->funding[1] + a->funding[2] == 0;
  c->from_birth += a->start == r->birth_date && paid_on >= r->birth_date;
}

static int report_coverage(const coverage *c, size_t n) {
  int missing = 0;
  printf("  mix of the %zu residents (hand C's answers):\n   ", n);
  for (int k = 0; k < PS_NCATEGORIES; k++) {
    printf(" %s %zu%s", ps_category_key[k], c->category[k],
           k == PS_NCATEGORIES - 1 ? "" : k == 4 ? ",\n   " : ",");
    missing += c->category[k] == 0;
  }
  printf("\n    windows: main %zu, extended %zu, late %zu, none %zu\n", c->window[0],
         c->window[1], c->window[2], c->window[3]);
  static const char *const refusal[] = {"payable", "days 26-31", "before the period",
                                        "after the year", "wait past the year",
                                        "normal rate paid", "before birth"};
  printf("   ");
  for (int k = 0; k <= PS_REF_UNBORN; k++) {
    printf(" %s %zu%s", refusal[k], c->refusal[k], k < PS_REF_UNBORN ? "," : "\n");
    missing += c->refusal[k] == 0;
  }
  printf("    several categories hold %zu, late surcharge %zu, waits %zu, free %zu, "
         "covered from birth %zu\n",
         c->multi, c->surcharge, c->wait, c->free_, c->from_birth);
  for (int k = 0; k < PS_NWINDOWS + 1; k++)
    missing += c->window[k] == 0;
  missing += !c->multi + !c->surcharge + !c->wait + !c->free_ + !c->from_birth;
  return missing;
}

/* Every resident of r[0..n) through the hand C, Lua, the typed API and the JSON API. */
static tally agree(const policy *ps, lua_peer *lp, const roster_resident *r, size_t n,
                   coverage *cov) {
  tally t = {0, 0};
  char json[1024];
  for (size_t i = 0; i < n; i++) {
    ps_resident h = to_hand(&r[i]);
    ps_answer hand, lua, typed, viajson;
    ps_quote(&h, r[i].paid_on, &hand);
    cover(cov, &h, r[i].paid_on, &hand);
    if (lua_peer_quote(lp, &h, r[i].paid_on, &lua) != 0)
      die("lua: %s", lua_peer_error(lp));
    if (!same(&hand, &lua, 1) || hand.subsidized != lua.subsidized)
      disagree(&t, "Lua", &r[i], &hand, "lua", &lua);

    pol_status st = typed_quote(ps, &r[i]);
    if (st != POL_OK && st != POL_NEGATIVE)
      die("typed quote failed: %s", pol_eval_error(ps->ev));
    if (typed_answer(ps, &typed) != 0 || !same(&hand, &typed, 0))
      disagree(&t, "VM (typed API)", &r[i], &hand, "typed", &typed);

    if (roster_json(&r[i], 1, json, sizeof json) < 0 ||
        pol_resident_json(ps->ev, json, r[i].paid_on) != POL_OK)
      die("resident JSON: %s", pol_eval_error(ps->ev));
    st = pol_quote(ps->ev, r[i].paid_on);
    char *text = st == POL_OK || st == POL_NEGATIVE ? pol_answer_json(ps->ev, POL_ANSWER_QUOTE)
                                                    : NULL;
    if (text == NULL || json_answer(text, &viajson) != 0 || !same(&hand, &viajson, 1))
      disagree(&t, "VM (JSON API)", &r[i], &hand, "json", &viajson);
    free(text);
    t.checked++;
  }
  return t;
}

/* `polc quote POLICY --resident JSON --date D` as a process: its stdout into buf (NUL
 * terminated); the exit status, or -1 if it could not run. */
static int cli_quote(const char *polc, const char *policy_path, const char *json,
                     const char *date, char *buf, size_t size) {
  int fd[2];
  if (pipe(fd) != 0)
    return -1;
  fflush(NULL); /* else the child's freopen writes out the parent's pending output */
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    close(fd[0]);
    dup2(fd[1], 1);
    FILE *e = freopen("/dev/null", "w", stderr);
    (void)e;
    execl(polc, polc, "quote", policy_path, "--resident", json, "--date", date, (char *)NULL);
    _exit(127);
  }
  close(fd[1]);
  size_t n = 0;
  ssize_t got;
  while (n + 1 < size && (got = read(fd[0], buf + n, size - n - 1)) > 0)
    n += (size_t)got;
  buf[n] = '\0';
  close(fd[0]);
  int status;
  if (waitpid(pid, &status, 0) < 0)
    return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The first n residents through `polc quote` (one process each), against the hand C: the
 * CLI's JSON, exit status 0 when payable and 1 when not. */
static tally agree_cli(const options *o, const policy *ps, const roster_resident *r,
                       size_t n) {
  tally t = {0, 0};
  char json[1024], date[11], out[1 << 14];
  for (size_t i = 0; i < n; i++) {
    ps_resident h = to_hand(&r[i]);
    ps_answer hand, cli;
    ps_quote(&h, r[i].paid_on, &hand);
    roster_json(&r[i], 1, json, sizeof json);
    cal_format(r[i].paid_on, date);
    int st = cli_quote(o->polc, ps->path, json, date, out, sizeof out);
    if (st != !hand.payable || json_answer(out, &cli) != 0 || !same(&hand, &cli, 1))
      disagree(&t, "polc quote (CLI)", &r[i], &hand, "cli", &cli);
    t.checked++;
  }
  return t;
}

/* ---- timing ------------------------------------------------------------------------------ */

typedef enum { PATH_HAND, PATH_LUA, PATH_TYPED, PATH_JSON } path_kind;

typedef struct {
  path_kind kind;
  const policy *pol;
  lua_peer *lp;
  char **json;
  const roster_resident *roster;
  size_t n;
} path;

static uint64_t run_pass(const path *x) {
  switch (x->kind) {
  case PATH_HAND: return pass_hand(x->roster, x->n);
  case PATH_LUA: return pass_lua(x->lp, x->roster, x->n);
  case PATH_TYPED: return pass_typed(x->pol, x->n);
  case PATH_JSON: return pass_json(x->pol, x->json, x->n);
  }
  return 0;
}

/* Best of `runs` of `repeat` passes, in ns per quote. */
static double time_path(const path *x, const options *o, uint64_t *sum) {
  double best = 0;
  run_pass(x); /* warm caches and branch predictors */
  for (int run = 0; run < o->runs; run++) {
    double t0 = cpu_ns();
    for (int k = 0; k < o->repeat; k++)
      *sum += run_pass(x);
    double t = (cpu_ns() - t0) / ((double)o->repeat * (double)x->n);
    if (run == 0 || t < best)
      best = t;
  }
  return best;
}

/* One figure and its ratio to the hand C; with the target (a ratio) if max > 0. */
static void row(const char *name, double ns, double hand_ns, double max) {
  printf("  %-40s %10.1f ns %9.2fx", name, ns, ns / hand_ns);
  if (max > 0)
    printf("   target <= %.0fx: %s", max, ns / hand_ns <= max ? "met" : "NOT MET");
  printf("\n");
}

/* ---- compile and check --------------------------------------------------------------------- */

/* Best of runs: pol_compile from source, and the first pol_eval_new on the new program
 * (which builds the program's decision structure: it is built once per program, on the
 * first context, not by pol_compile), in ns. */
static void time_compile(const policy *pol, int runs, double *compile, double *first_ctx) {
  for (int r = 0; r < runs; r++) {
    pol_program *p = NULL;
    pol_diags *d = NULL;
    double t0 = cpu_ns();
    pol_status st = pol_compile(pol->path, pol->src, pol->len, &p, &d);
    double t1 = cpu_ns();
    if (st != POL_OK)
      die("%s: does not compile", pol->path);
    pol_eval *ev = pol_eval_new(p);
    double t2 = cpu_ns();
    if (ev == NULL)
      die("out of memory");
    pol_eval_free(ev);
    pol_program_free(p);
    pol_diags_free(d);
    if (r == 0 || t1 - t0 < *compile)
      *compile = t1 - t0;
    if (r == 0 || t2 - t1 < *first_ctx)
      *first_ctx = t2 - t1;
  }
}

static double time_check(const policy *pol, int runs) {
  double best = 0;
  for (int r = 0; r < runs; r++) {
    pol_diags *d = NULL;
    double t0 = cpu_ns();
    pol_status st = pol_check(pol->p, pol->src, pol->len, 0, &d);
    double t = cpu_ns() - t0;
    pol_diags_free(d);
    if (st != POL_OK && st != POL_NEGATIVE)
      die("%s: check failed to run", pol->path);
    if (r == 0 || t < best)
      best = t;
  }
  return best;
}

/* ---- polc batch ------------------------------------------------------------------------------ */

/* Run argv; its exit status (-1 if it could not run), wall time, CPU time (user + system,
 * all threads) and peak RSS (KiB).
 * stdout and stderr go to /dev/null unless keep_output. */
static int run_process(char *const argv[], double *ns, double *cpu, long *maxrss_kb,
                       const char *out_path) {
  double t0 = now_ns();
  fflush(NULL); /* else the child's freopen writes out the parent's pending output */
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    FILE *o = freopen(out_path ? out_path : "/dev/null", "w", stdout);
    FILE *e = freopen("/dev/null", "w", stderr);
    (void)o;
    (void)e;
    execv(argv[0], argv);
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0)
    return -1;
  *ns = now_ns() - t0;
  *cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
         (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
  *maxrss_kb = ru.ru_maxrss;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int help_mentions(const options *o, const char *word) {
  char help[4096], cmd[1024];
  snprintf(cmd, sizeof cmd, "'%s' batch --help 2>&1", o->polc);
  FILE *f = popen(cmd, "r");
  if (f == NULL)
    return 0;
  size_t n = fread(help, 1, sizeof help - 1, f);
  help[n] = '\0';
  int st = pclose(f);
  return st == 0 && strstr(help, word) != NULL;
}

/* Split one CSV record (RFC 4180: quoted fields, "" inside quotes) in place; the number
 * of fields, at most max. */
static int csv_fields(char *line, char **field, int max) {
  int n = 0;
  char *r = line, *w = line;
  while (n < max) {
    field[n++] = w;
    if (*r == '"') {
      r++;
      while (*r != '\0' && !(*r == '"' && r[1] != '"'))
        *w++ = *r == '"' ? (r++, '"') : *r, r++;
      if (*r == '"')
        r++;
    }
    while (*r != '\0' && *r != ',' && *r != '\n' && *r != '\r')
      *w++ = *r++;
    int more = *r == ',';
    *w++ = '\0';
    if (!more)
      break;
    r++;
  }
  return n;
}

/* "80", "80.5", "0.05" yuan -> fen, without a float; INT64_MIN if malformed. */
static int64_t yuan_fen(const char *t) {
  int64_t v = 0, frac = 0;
  int neg = *t == '-', digits = 0, fd = 0;
  t += neg;
  for (; *t >= '0' && *t <= '9'; t++, digits++)
    v = v * 10 + (*t - '0');
  if (*t == '.')
    for (t++; *t >= '0' && *t <= '9' && fd < 2; t++, fd++)
      frac = frac * 10 + (*t - '0');
  if (digits == 0 || *t != '\0')
    return INT64_MIN;
  for (; fd < 2; fd++)
    frac *= 10;
  return (neg ? -1 : 1) * (v * 100 + frac);
}

/* The batch's CSV answers against the hand C, row by row (columns found by header name,
 * so a reordered or extended output still checks).  Returns the number of disagreements,
 * or -1 if the output could not be read as CSV answers with those columns. */
static long check_batch_output(const char *out_path, const roster_resident *r, size_t n,
                               int date_column, int32_t fixed_date) {
  enum { LINE, PAYABLE, CATEGORY, INDIVIDUAL, MA, DF, LF, START, END, WAIT, NCOLS };
  static const char *const name[NCOLS] = {
    "line", "payable", "category", "individual", "medical_assistance", "disability_fund",
    "local_finance", "benefit_start", "benefit_end", "waiting_months"};
  int col[NCOLS];
  FILE *f = fopen(out_path, "r");
  if (f == NULL)
    return -1;
  char buf[4096];
  char *field[64];
  if (fgets(buf, sizeof buf, f) == NULL) {
    fclose(f);
    return -1;
  }
  int nf = csv_fields(buf, field, 64);
  for (int c = 0; c < NCOLS; c++) {
    col[c] = -1;
    for (int k = 0; k < nf; k++)
      if (strcmp(field[k], name[c]) == 0)
        col[c] = k;
    if (col[c] < 0) {
      fclose(f);
      return -1;
    }
  }
  long bad = 0;
  size_t rows = 0;
  tally t = {0, 0};
  while (fgets(buf, sizeof buf, f) != NULL) {
    nf = csv_fields(buf, field, 64);
    long line = nf > col[LINE] ? atol(field[col[LINE]]) : 0;
    if (line < 2 || (size_t)(line - 2) >= n) { /* one CSV line per roster row here */
      bad++;
      continue;
    }
    const roster_resident *x = &r[line - 2];
    ps_resident h = to_hand(x);
    ps_answer hand, got;
    ps_quote(&h, date_column ? x->paid_on : fixed_date, &hand);
    memset(&got, 0, sizeof got);
    int ok = nf > col[WAIT];
    if (ok) {
      got.payable = strcmp(field[col[PAYABLE]], "true") == 0;
      got.category = key_index(field[col[CATEGORY]], ps_category_key, PS_NCATEGORIES);
      got.individual = yuan_fen(field[col[INDIVIDUAL]]);
      got.funding[0] = yuan_fen(field[col[MA]]);
      got.funding[1] = yuan_fen(field[col[DF]]);
      got.funding[2] = yuan_fen(field[col[LF]]);
      /* a refused answer's benefit start and end are empty cells (INT32_MIN, as the hand
       * C has them) */
      got.start = got.end = INT32_MIN;
      ok = (field[col[START]][0] == 0 || pol_date_parse(field[col[START]], &got.start) == POL_OK) &&
           (field[col[END]][0] == 0 || pol_date_parse(field[col[END]], &got.end) == POL_OK);
      got.wait_months = atoll(field[col[WAIT]]);
    }
    /* batch rows carry no matched list, window or refusal: compare the rest */
    got.matched = hand.matched, got.window = hand.window;
    if (!ok || !same(&hand, &got, 0)) {
      roster_resident shown = *x;
      shown.paid_on = date_column ? x->paid_on : fixed_date;
      disagree(&t, "polc batch", &shown, &hand, "batch", &got);
      bad++;
    }
    rows++;
  }
  fclose(f);
  return rows == n ? bad : bad + (long)(n > rows ? n - rows : rows - n);
}

static void bench_batch(const options *o, const policy *ps, double hand_ns) {
  char csv[512], outp[512];
  struct stat sb;
  if (stat(o->polc, &sb) != 0 || !help_mentions(o, "batch")) {
    printf("\npolc batch: skipped (%s has no `batch` subcommand yet)\n", o->polc);
    return;
  }
  int date_column = help_mentions(o, "--date-column");
  int jobs = help_mentions(o, "--jobs");
  const size_t sizes[2] = {o->batch_rows / 100 ? o->batch_rows / 100 : 1, o->batch_rows};
  printf("\npolc batch %s, end to end (process start, CSV in, rows out to a file), best of 3%s\n",
         ps->path, date_column ? "; payment dates from the paid_on column"
                               : "; one payment date, --date 2025-11-10");
  printf("  %-28s %12s %10s %10s %16s %10s\n", "roster", "rows/s", "ns/row", "x hand C",
         "CPU ns/row (x)", "peak RSS");
  double rps[2][2] = {{0, 0}, {0, 0}};
  int batch_checked = 0;
  long peak[2][2] = {{0, 0}, {0, 0}};
  for (int si = 0; si < 2; si++) {
    size_t n = sizes[si];
    roster_resident *r = malloc(n * sizeof *r);
    if (r == NULL)
      die("out of memory");
    roster_generate(r, n, ROSTER_SEED + 1, 2026);
    snprintf(csv, sizeof csv, "%s/roster-%zu.csv", o->out_dir, n);
    snprintf(outp, sizeof outp, "%s/batch-%zu.out", o->out_dir, n);
    FILE *f = fopen(csv, "w");
    if (f == NULL || roster_write_csv(f, r, n, 1, date_column) != 0 || fclose(f) != 0)
      die("cannot write %s", csv);
    free(r);
    for (int j = 1; j <= (jobs ? 2 : 1); j++) {
      char jobs_arg[16];
      snprintf(jobs_arg, sizeof jobs_arg, "%d", j);
      char *argv[16];
      int a = 0;
      argv[a++] = (char *)o->polc;
      argv[a++] = "batch";
      argv[a++] = (char *)ps->path;
      argv[a++] = csv;
      argv[a++] = date_column ? "--date-column" : "--date";
      argv[a++] = date_column ? "paid_on" : "2025-11-10";
      argv[a++] = "-o";
      argv[a++] = outp;
      if (jobs) {
        argv[a++] = "--jobs";
        argv[a++] = jobs_arg;
      }
      argv[a] = NULL;
      double best = 0, best_cpu = 0;
      long rss = 0;
      int status = 0;
      for (int k = 0; k < 3; k++) {
        double ns, cpu;
        long kb;
        status = run_process(argv, &ns, &cpu, &kb, NULL);
        if (status < 0 || status > 1)
          break;
        if (k == 0 || ns < best)
          best = ns;
        if (k == 0 || cpu < best_cpu)
          best_cpu = cpu;
        if (kb > rss)
          rss = kb;
      }
      char name[96];
      snprintf(name, sizeof name, "%zu rows%s", n, jobs ? (j == 1 ? ", --jobs 1" : ", --jobs 2") : "");
      if (status < 0 || status > 1) {
        printf("  %-28s failed (exit status %d)\n", name, status);
        continue;
      }
      double ns_row = best / (double)n;
      rps[si][j - 1] = 1e9 / ns_row;
      peak[si][j - 1] = rss;
      if (si == 0) {
        /* the small roster's answers, row by row, against the hand C */
        roster_resident *again = malloc(n * sizeof *again);
        if (again == NULL)
          die("out of memory");
        roster_generate(again, n, ROSTER_SEED + 1, 2026);
        int32_t fixed;
        pol_date_parse("2025-11-10", &fixed);
        long bad = check_batch_output(outp, again, n, date_column, fixed);
        free(again);
        if (bad < 0)
          printf("  (%s: answers not checked: no CSV answers with the expected columns)\n",
                 name);
        else if (bad > 0) {
          fprintf(stderr, "bench: polc batch DISAGREES with the hand C on %ld of %zu rows\n",
                  bad, n);
          exit(1);
        } else
          batch_checked = 1;
      }
      double cpu_row = best_cpu / (double)n;
      printf("  %-28s %12.0f %10.1f %9.2fx %8.1f (%5.1fx) %7.1f MB\n", name, 1e9 / ns_row,
             ns_row, ns_row / hand_ns, cpu_row, cpu_row / hand_ns, (double)rss / 1024.0);
    }
  }
  if (batch_checked)
    printf("  the answers of the %zu-row roster (every --jobs) agree with the hand C row by row\n",
           sizes[0]);
  /* issue #15: >= 5,000,000 rows/s on one core, --jobs 2 >= 1.7x that, peak memory flat
   * and under 20 MB from the small roster to the large one */
  if (rps[1][0] > 0) {
    printf("  target >= 5,000,000 rows/s: %s", rps[1][0] >= 5e6 ? "met" : "NOT MET");
    if (jobs && rps[1][1] > 0)
      printf("; --jobs 2 >= 1.7x: %.2fx, %s", rps[1][1] / rps[1][0],
             rps[1][1] >= 1.7 * rps[1][0] ? "met" : "NOT MET");
    printf("; peak memory < 20 MB and flat (%.1f -> %.1f MB): %s\n", peak[0][0] / 1024.0,
           peak[1][0] / 1024.0,
           peak[1][0] < 20 * 1024 && peak[1][0] < peak[0][0] + 2048 ? "met" : "NOT MET");
  }
}

/* ---- main ---------------------------------------------------------------------------------------- */

static void open_policy(policy *pol, const char *path, const options *o) {
  memset(pol, 0, sizeof *pol);
  pol->path = path;
  pol->src = read_file(path, &pol->len);
  if (pol->src == NULL)
    die("cannot read %s: %s", path, strerror(errno));
  pol_diags *d = NULL;
  if (pol_compile(path, pol->src, pol->len, &pol->p, &d) != POL_OK) {
    char *text = d != NULL ? pol_diags_render(d, POL_FMT_TEXT) : NULL;
    fprintf(stderr, "%s", text ? text : "");
    free(text);
    die("%s does not compile", path);
  }
  pol_diags_free(d);
  pol->ev = pol_eval_new(pol->p);
  if (pol->ev == NULL)
    die("out of memory");
  policy_handles(pol);
  pol->year = pol_program_year(pol->p);
  pol->roster = malloc(o->residents * sizeof *pol->roster);
  if (pol->roster == NULL)
    die("out of memory");
  roster_generate(pol->roster, o->residents, ROSTER_SEED, pol->year);
}

static void close_policy(policy *pol) {
  free(pol->roster);
  pol_eval_free(pol->ev);
  pol_program_free(pol->p);
  free(pol->src);
}

static size_t count_arg(const char *s) {
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end != '\0' || v == 0)
    die("expected a positive count, got %s", s);
  return (size_t)v;
}

static int write_csv_mode(int argc, char **argv) {
  const char *out = NULL;
  size_t rows = 4096;
  int year = 2026, paid_on = 0, paid_normal = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc)
      out = argv[++i];
    else if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
      rows = count_arg(argv[++i]);
    else if (strcmp(argv[i], "--year") == 0 && i + 1 < argc)
      year = (int)count_arg(argv[++i]);
    else if (strcmp(argv[i], "--paid-on") == 0)
      paid_on = 1;
    else if (strcmp(argv[i], "--paid-normal") == 0)
      paid_normal = 1;
    else
      die("unknown argument %s", argv[i]);
  }
  if (out == NULL)
    die("--csv needs a file name (or -)");
  roster_resident *r = malloc(rows * sizeof *r);
  if (r == NULL)
    die("out of memory");
  roster_generate(r, rows, ROSTER_SEED, year);
  FILE *f = strcmp(out, "-") == 0 ? stdout : fopen(out, "w");
  if (f == NULL || roster_write_csv(f, r, rows, paid_normal, paid_on) != 0 ||
      (f != stdout && fclose(f) != 0))
    die("cannot write %s", out);
  free(r);
  return 0;
}

int main(int argc, char **argv) {
  options o = {50, 7, 4096, 100000, 256, 1000000, "bench/lua/pingshun.lua", "build/polc",
               "build/bench"};
  const char *paths[MAX_POLICIES];
  int npaths = 0;
  const char *only = NULL;
  size_t quotes = 0;
  int agree_only = 0;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--csv") == 0)
      return write_csv_mode(argc, argv);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int more = i + 1 < argc;
    if (strcmp(a, "--repeat") == 0 && more)
      o.repeat = (int)count_arg(argv[++i]);
    else if (strcmp(a, "--runs") == 0 && more)
      o.runs = (int)count_arg(argv[++i]);
    else if (strcmp(a, "--residents") == 0 && more)
      o.residents = count_arg(argv[++i]);
    else if (strcmp(a, "--agree") == 0 && more)
      o.agree = count_arg(argv[++i]);
    else if (strcmp(a, "--cli") == 0 && more)
      o.cli = count_arg(argv[++i]);
    else if (strcmp(a, "--batch-rows") == 0 && more)
      o.batch_rows = count_arg(argv[++i]);
    else if (strcmp(a, "--lua") == 0 && more)
      o.lua_script = argv[++i];
    else if (strcmp(a, "--polc") == 0 && more)
      o.polc = argv[++i];
    else if (strcmp(a, "--out") == 0 && more)
      o.out_dir = argv[++i];
    else if (strcmp(a, "--agree-only") == 0)
      agree_only = 1;
    else if (strcmp(a, "--only") == 0 && more)
      only = argv[++i];
    else if (strcmp(a, "--quotes") == 0 && more)
      quotes = count_arg(argv[++i]);
    else if (a[0] == '-')
      die("unknown option %s", a);
    else if (npaths < MAX_POLICIES)
      paths[npaths++] = a;
  }
  if (npaths == 0)
    die("usage: bench [options] POLICY.pol...");
  check_keys();

  policy pols[MAX_POLICIES];
  const policy *ps = NULL;
  for (int i = 0; i < npaths; i++) {
    open_policy(&pols[i], paths[i], &o);
    if (strcmp(pol_program_id(pols[i].p), PINGSHUN_ID) == 0)
      ps = &pols[i];
  }
  if (ps == NULL)
    die("no %s among the policies", PINGSHUN_ID);
  char err[512];
  lua_peer *lp = lua_peer_open(o.lua_script, err, sizeof err);
  if (lp == NULL)
    die("lua: %s", err);
  char **json = roster_jsons(ps->roster, o.residents, 1);
  uint64_t sum = 0;

  if (only != NULL) {
    /* One path, `quotes` quotes (default: one pass), for callgrind --toggle-collect. */
    path x = {PATH_HAND, ps, lp, json, ps->roster, o.residents};
    if (strcmp(only, "lua") == 0)
      x.kind = PATH_LUA;
    else if (strcmp(only, "json") == 0)
      x.kind = PATH_JSON;
    else if (strcmp(only, "hand") != 0) {
      x.kind = PATH_TYPED;
      x.pol = NULL;
      for (int i = 0; i < npaths; i++)
        if (strcmp(paths[i], only) == 0)
          x.pol = &pols[i];
      if (x.pol == NULL)
        die("--only %s: not a path, lua, json or hand", only);
    }
    size_t todo = quotes ? quotes : o.residents;
    for (size_t done = 0; done < todo; done += x.n) {
      if (todo - done < x.n)
        x.n = todo - done;
      sum += run_pass(&x);
    }
    printf("%s: %zu quotes (checksum %llu)\n", only, todo, (unsigned long long)sum);
  } else {
    /* 1. agreement: the bench's own residents, then a wider roster */
    coverage cov;
    memset(&cov, 0, sizeof cov);
    tally t = agree(ps, lp, ps->roster, o.residents, &cov);
    roster_resident *wide = malloc(o.agree * sizeof *wide);
    if (wide == NULL)
      die("out of memory");
    roster_generate(wide, o.agree, ROSTER_SEED + 2, 2026);
    tally w = agree(ps, lp, wide, o.agree, &cov);
    free(wide);
    tally c = agree_cli(&o, ps, ps->roster, o.cli < o.residents ? o.cli : o.residents);
    if (t.failed + w.failed + c.failed > 0) {
      fprintf(stderr, "bench: the hand C, Lua and the VM DISAGREE on %zu of %zu residents\n",
              t.failed + w.failed + c.failed, t.checked + w.checked + c.checked);
      return 1;
    }
    printf("agreement: hand C, Lua, VM (typed API) and VM (JSON API) agree on all %zu "
           "generated residents of %s,\n  and `polc quote` (one process each) on the first %zu\n"
           "  (category, matched, individual, each fund, start, end, wait, window, payable)\n",
           t.checked + w.checked, PINGSHUN_ID, c.checked);
    if (report_coverage(&cov, t.checked + w.checked) > 0) {
      fprintf(stderr, "bench: the generated roster misses a category, window, refusal or "
                      "rule effect (0 above): agreement would prove less than it says\n");
      return 1;
    }
    printf("\n");
    if (agree_only)
      goto done;

    /* 2. ns per quote */
    printf("ns per quote: %zu residents x %d, best of %d runs; ratio to the hand C\n",
           o.residents, o.repeat, o.runs);
    path hand = {PATH_HAND, ps, lp, json, ps->roster, o.residents};
    double hand_ns = time_path(&hand, &o, &sum);
    row("hand C, pingshun-2026", hand_ns, hand_ns, 0);
    path lua = {PATH_LUA, ps, lp, json, ps->roster, o.residents};
    row("Lua 5.4, pingshun-2026", time_path(&lua, &o, &sum), hand_ns, 0);
    for (int i = 0; i < npaths; i++) {
      path x = {PATH_TYPED, &pols[i], lp, json, pols[i].roster, o.residents};
      char name[128];
      snprintf(name, sizeof name, "polc typed API, %s", pol_program_id(pols[i].p));
      /* issue #15: Pingshun <= 2x the hand C, no bundled policy above 3x */
      row(name, time_path(&x, &o, &sum), hand_ns, &pols[i] == ps ? 2 : 3);
    }
    options oj = o;
    oj.repeat = o.repeat / 10 ? o.repeat / 10 : 1;
    path js = {PATH_JSON, ps, lp, json, ps->roster, o.residents};
    row("polc JSON API (in+out), pingshun-2026", time_path(&js, &oj, &sum), hand_ns, 0);

    /* 3. compile and check, in process */
    printf("\ncompile and check in process (pol_compile from source; the first pol_eval_new,\n"
           "which builds the decision structure; pol_check), CPU time, best of %d\n",
           o.runs);
    printf("  %-28s %10s %17s %10s %10s\n", "policy", "compile", "+ 1st context", "= ready",
           "check");
    double ctot = 0, ftot = 0, ktot = 0;
    for (int i = 0; i < npaths; i++) {
      double c = 0, f = 0, k = time_check(&pols[i], o.runs);
      time_compile(&pols[i], o.runs, &c, &f);
      ctot += c;
      ftot += f;
      ktot += k;
      printf("  %-28s %7.3f ms %14.3f ms %7.3f ms %7.3f ms\n", pol_program_id(pols[i].p),
             c / 1e6, f / 1e6, (c + f) / 1e6, k / 1e6);
    }
    printf("  %-28s %7.3f ms %14.3f ms %7.3f ms %7.3f ms\n", "all together", ctot / 1e6,
           ftot / 1e6, (ctot + ftot) / 1e6, ktot / 1e6);
    /* the first context builds the decision structure the policy compiles to, so the
     * compile target is judged on the program ready to quote */
    printf("  target (issue #15): compile < 5 ms (judged on `ready`): %s; check < 20 ms: %s\n",
           ctot + ftot < 5e6 ? "met" : "NOT MET", ktot < 20e6 ? "met" : "NOT MET");

    /* 4. polc batch */
    bench_batch(&o, ps, hand_ns);
    printf("\n(checksum %llu)\n", (unsigned long long)sum);
  }

done:
  for (size_t i = 0; i < o.residents; i++)
    free(json[i]);
  free(json);
  lua_peer_close(lp);
  for (int i = 0; i < npaths; i++)
    close_policy(&pols[i]);
  return 0;
}
