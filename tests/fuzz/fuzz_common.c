/*
 * fuzz_common.c — what the harnesses share: the bundled policies, residents and dates
 * drawn from fuzz bytes, a quote with its invariants checked, the .polb round trip.
 * The harnesses are test code: they may read the program and evaluation context
 * (program.h, eval.h) to check invariants the public API does not expose as one value.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calendar.h"
#include "eval.h"
#include "fuzz.h"
#include "money.h"

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

/* The input being replayed (replay.c), or NULL under libFuzzer, which names it itself. */
static const char *input_name;

void fuzz_set_input_name(const char *name) { input_name = name; }

void fuzz_fail(const char *file, int line, const char *what, const char *detail) {
  if (input_name) fprintf(stderr, "input %s:\n", input_name);
  fprintf(stderr, "%s:%d: invariant broken: %s\n%s%s", file, line, what, detail ? detail : "",
          detail && *detail && detail[strlen(detail) - 1] != '\n' ? "\n" : "");
  abort();
}

uint8_t fuzz_u8(fuzz_bytes *b) { return b->at < b->n ? b->p[b->at++] : 0; }

uint32_t fuzz_u32(fuzz_bytes *b) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v = v << 8 | fuzz_u8(b);
  return v;
}

/* ---- text building ----------------------------------------------------------------- */

typedef struct {
  char *s;
  size_t len, cap;
} buf;

static void add(buf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(buf *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  FUZZ_ASSERT(n >= 0, "vsnprintf");
  if (o->len + (size_t)n + 1 > o->cap) {
    size_t cap = (o->cap ? o->cap * 2 : 256) + (size_t)n;
    char *s = realloc(o->s, cap);
    FUZZ_ASSERT(s != NULL, "out of memory in the harness");
    o->s = s;
    o->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(o->s + o->len, o->cap - o->len, fmt, ap);
  va_end(ap);
  o->len += (size_t)n;
}

/* ---- the bundled policies ---------------------------------------------------------- */

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_dir(const char *root, const char *dir, char ***paths, size_t *n) {
  char full[4096];
  snprintf(full, sizeof full, "%s/%s", root, dir);
  DIR *d = opendir(full);
  FUZZ_ASSERT(d != NULL, full);
  size_t first = *n;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    size_t len = strlen(e->d_name);
    if (len < 5 || strcmp(e->d_name + len - 4, ".pol") != 0) continue;
    char **grown = realloc(*paths, (*n + 1) * sizeof **paths);
    FUZZ_ASSERT(grown != NULL, "out of memory in the harness");
    *paths = grown;
    (*paths)[*n] = malloc(strlen(full) + len + 2);
    FUZZ_ASSERT((*paths)[*n] != NULL, "out of memory in the harness");
    sprintf((*paths)[*n], "%s/%s", full, e->d_name);
    (*n)++;
  }
  closedir(d);
  qsort(*paths + first, *n - first, sizeof **paths, by_name);
}

/* Compiled on first use and kept for the life of the process (never freed: LeakSanitizer
 * does not report memory still reachable from a static). */
static fuzz_policy *bundled;
static size_t nbundled;

size_t fuzz_policies(const fuzz_policy **out) {
  if (!bundled) {
    const char *root = getenv("POLC_ROOT");
    if (!root || !*root) root = FUZZ_ROOT;
    char **paths = NULL;
    size_t n = 0;
    add_dir(root, "policies", &paths, &n);
    add_dir(root, "examples/patterns", &paths, &n);
    FUZZ_ASSERT(n > 0, "no bundled policy found (set POLC_ROOT to the source tree)");
    bundled = calloc(n, sizeof *bundled);
    FUZZ_ASSERT(bundled != NULL, "out of memory in the harness");
    for (size_t i = 0; i < n; i++) {
      pol_diags *d = NULL;
      pol_status st = pol_open(paths[i], &bundled[i].compiled, &d);
      char *text = d ? pol_diags_render(d, POL_FMT_TEXT) : NULL;
      FUZZ_ASSERT(st == POL_OK, text);
      free(text);
      pol_diags_free(d);
      bundled[i].path = paths[i];
      bundled[i].loaded = fuzz_round_trip(bundled[i].compiled);
      pol_diags *c = NULL;
      bundled[i].clean = pol_check(bundled[i].compiled, NULL, 0, 0, &c) == POL_OK;
      pol_diags_free(c);
    }
    free(paths);
    nbundled = n;
  }
  *out = bundled;
  return nbundled;
}

/* ---- residents and dates ----------------------------------------------------------- */

int32_t fuzz_date(const pol_program *p, fuzz_bytes *b) {
  uint8_t pick = fuzz_u8(b);
  int32_t anchor;
  uint32_t nanchors = 4 + 2 * p->nwindows;
  uint32_t k = pick % nanchors;
  int year = p->year >= 2 && p->year <= 9998 ? (int)p->year : 2025;
  if (k == 0) anchor = cal_from_ymd(year, 1, 1);
  else if (k == 1) anchor = cal_from_ymd(year, 12, 31);
  else if (k == 2) anchor = p->coll_lo <= p->coll_hi ? p->coll_lo : cal_from_ymd(year - 1, 9, 1);
  else if (k == 3) anchor = p->coll_lo <= p->coll_hi ? p->coll_hi : cal_from_ymd(year, 2, 28);
  else if ((k - 4) % 2 == 0) anchor = p->windows[(k - 4) / 2].lo;
  else anchor = p->windows[(k - 4) / 2].hi;
  int32_t off = (int8_t)fuzz_u8(b);
  if (pick >= 0xf0) off *= 37; /* now and then far from the anchor */
  int64_t d = (int64_t)anchor + off;
  if (d < CAL_MIN_DAY) d = CAL_MIN_DAY;
  if (d > CAL_MAX_DAY) d = CAL_MAX_DAY;
  return (int32_t)d;
}

static void add_date(buf *o, int32_t day) {
  char s[11];
  cal_format(day, s);
  add(o, "\"%s\"", s);
}

/* One value of attribute a, inside its type (and range unless wild). */
static void add_value(buf *o, const pol_program *p, const prg_attr *a, fuzz_bytes *b, int wild) {
  uint8_t how = fuzz_u8(b);
  if (wild && how >= 0xf8) { /* the wrong type or an impossible value */
    static const char *const odd[] = {"null", "\"\"", "-1", "1e400", "\"2025-02-30\"",
                                      "[1]", "{}", "9223372036854775807"};
    add(o, "%s", odd[how & 7]);
    return;
  }
  if (a->is_identities) {
    add(o, "[");
    uint64_t mask = (uint64_t)fuzz_u32(b) << 32 | fuzz_u32(b);
    int first = 1;
    for (uint32_t i = 0; i < p->nidentities && i < 64; i++) {
      if (!(mask >> i & 1)) continue;
      /* mostly few identities: drop each with 3/4 chance unless the byte says keep all */
      if (!(how & 0x80) && (mask >> ((i + 17) % 64) & 3) != 0) continue;
      add(o, "%s\"%s\"", first ? "" : ",", prg_str(p, p->identities[i].key));
      first = 0;
    }
    if (wild && (how & 0x40) && (how & 0x20)) add(o, "%s\"no_such_identity\"", first ? "" : ",");
    add(o, "]");
    return;
  }
  if (a->presence == PRESENCE_OPTIONAL && (how & 7) == 0) {
    add(o, "null");
    return;
  }
  switch (a->type) {
  case TY_BOOL: add(o, "%s", how & 1 ? "true" : "false"); break;
  case TY_DATE: {
    int32_t day;
    if (strcmp(prg_str(p, a->key), "birth_date") == 0) {
      int year = (p->year >= 200 && p->year <= 9999 ? (int)p->year : 2025) - fuzz_u8(b) % 110;
      int m = 1 + fuzz_u8(b) % 12;
      day = cal_from_ymd(year, m, 1 + fuzz_u8(b) % cal_days_in_month(year, m));
    } else {
      day = fuzz_date(p, b);
    }
    add_date(o, day);
    break;
  }
  case TY_MONEY: {
    char s[MONEY_MAX_TEXT];
    money_format((int64_t)(fuzz_u32(b) % 10000000), s);
    add(o, "%s", s);
    break;
  }
  case TY_ENUM:
    if (a->enum_count == 0 || (wild && how >= 0xf0)) {
      add(o, "\"no_such_value\"");
    } else {
      uint32_t i = fuzz_u8(b) % a->enum_count;
      add(o, "\"%s\"", prg_str(p, p->enum_values[2 * (a->enum_first + i)]));
    }
    break;
  default: {
    int64_t lo = a->lo, hi = a->hi;
    if (a->type != TY_INT || lo > hi) lo = 0, hi = 1000;
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    int64_t v = (int64_t)((uint64_t)lo + (span == UINT64_MAX ? fuzz_u32(b) : fuzz_u32(b) % (span + 1)));
    if (wild && how >= 0xf0) v = how & 1 ? hi + 1 : lo - 1;
    add(o, "%lld", (long long)v);
    break;
  }
  }
}

char *fuzz_resident(const pol_program *p, fuzz_bytes *b, int wild) {
  buf o = {0};
  add(&o, "{");
  int first = 1;
  for (uint32_t i = 0; i < p->nattrs; i++) {
    const prg_attr *a = &p->attrs[i];
    uint8_t keep = fuzz_u8(b);
    int required = a->presence == PRESENCE_REQUIRED;
    /* a required key is left out only by a wild resident; others now and then */
    if (required ? wild && keep == 0xff : keep >= 0xc0) continue;
    add(&o, "%s\"%s\":", first ? "" : ",", prg_str(p, a->key));
    first = 0;
    add_value(&o, p, a, b, wild);
  }
  if (wild && fuzz_u8(b) >= 0xf0) add(&o, "%s\"no_such_key\":1", first ? "" : ",");
  add(&o, "}");
  return o.s;
}

/* ---- a quote and its invariants ---------------------------------------------------- */

/* What every successful answer must satisfy, whatever the policy and resident; read
 * through the typed API (pol.h), the way a service reads it. */
static void check_answer(pol_eval *ev, const char *json, int32_t date, int *empty) {
  const pol_program *p = ev->p;
  char detail[4096];
  snprintf(detail, sizeof detail, "policy %s, date %d, resident %s", prg_str(p, p->id),
           (int)date, json);
  FUZZ_ASSERT(ev->has_answer, detail);
  int payable = pol_answer_payable(ev);
  /* a chosen category is one whose `when` holds; none chosen: not payable, none holds */
  pol_handle cat = pol_answer_category(ev);
  if (pol_handle_is_null(cat)) {
    FUZZ_ASSERT(!payable, detail);
    for (uint32_t i = 0; i < pol_count(p, POL_CATEGORY); i++)
      FUZZ_ASSERT(!pol_answer_matched(ev, pol_handle_at(p, POL_CATEGORY, i)), detail);
  } else {
    FUZZ_ASSERT(pol_answer_matched(ev, cat) == 1, detail);
  }
  /* parts add up: individual + funding == worth, every part >= 0 */
  int64_t sum = pol_answer_individual(ev);
  FUZZ_ASSERT(sum >= 0, detail);
  for (uint32_t s = 0; s < pol_count(p, POL_SOURCE); s++) {
    int64_t f = pol_answer_funding(ev, pol_handle_at(p, POL_SOURCE, s));
    FUZZ_ASSERT(f >= 0, detail);
    FUZZ_ASSERT(!__builtin_add_overflow(sum, f, &sum), detail);
  }
  FUZZ_ASSERT(sum == pol_answer_worth(ev), detail);
  /* a payable answer buys some benefit: it starts no later than it ends */
  const char *reason = pol_answer_reason(ev);
  if (payable) {
    if (empty && pol_answer_start(ev) > pol_answer_end(ev)) *empty = 1;
    else FUZZ_ASSERT(pol_answer_start(ev) <= pol_answer_end(ev), detail);
    FUZZ_ASSERT(reason[0] == '\0', detail);
  }
  /* (a refusal's reason may be empty: a policy may write `not payable ""`) */
  for (uint32_t i = 0; i < pol_count(p, POL_ADDON); i++) {
    pol_handle payer;
    FUZZ_ASSERT(pol_answer_addon(ev, pol_handle_at(p, POL_ADDON, i), &payer) >= -1, detail);
  }
  /* the answer JSON is JSON and says the same */
  for (int kind = 0; kind < 2; kind++) {
    char *text = pol_answer_json(ev, (pol_answer_kind)kind);
    FUZZ_ASSERT(text != NULL, detail);
    json_error_t err;
    json_t *o = json_loads(text, 0, &err);
    FUZZ_ASSERT(o != NULL, text);
    /* null only where the notice does not state the payment dates (#19 B3) */
    FUZZ_ASSERT(json_is_boolean(json_object_get(o, "payable")) ||
                    (json_is_null(json_object_get(o, "payable")) &&
                     pol_answer_unstated(ev, POL_VALUE_PAYABLE, (pol_handle){0}) != NULL),
                text);
    FUZZ_ASSERT(json_is_true(json_object_get(o, "payable")) == payable, text);
    json_decref(o);
    free(text);
  }
}

char *fuzz_quote(pol_eval *ev, const char *json, int32_t date, const char *const *addons,
                 size_t naddons, int *empty) {
  buf o = {0};
  pol_status st = pol_resident_json(ev, json, date);
  if (st != POL_OK) {
    FUZZ_ASSERT(st == POL_EINPUT, json);
    FUZZ_ASSERT(pol_eval_error(ev)[0] != '\0', json);
    add(&o, "resident: %d %s", (int)st, pol_eval_error(ev));
    return o.s;
  }
  for (size_t i = 0; i < naddons; i++) {
    st = pol_buy_addon(ev, addons[i]);
    if (st != POL_OK) {
      FUZZ_ASSERT(st == POL_EINPUT, addons[i]);
      FUZZ_ASSERT(pol_eval_error(ev)[0] != '\0', addons[i]);
      add(&o, "addon %s: %d %s\n", addons[i], (int)st, pol_eval_error(ev));
    }
  }
  st = pol_quote(ev, date);
  if (st != POL_OK) {
    FUZZ_ASSERT(st == POL_EINPUT || st == POL_ERUNTIME, json);
    FUZZ_ASSERT(pol_eval_error(ev)[0] != '\0', json);
    FUZZ_ASSERT(!ev->has_answer, json);
    add(&o, "quote: %d %s", (int)st, pol_eval_error(ev));
    return o.s;
  }
  check_answer(ev, json, date, empty);
  char *q = pol_answer_json(ev, POL_ANSWER_QUOTE);
  char *e = pol_answer_json(ev, POL_ANSWER_ELIGIBLE);
  add(&o, "%s\n%s", q, e);
  free(q);
  free(e);
  return o.s;
}

pol_program *fuzz_round_trip(const pol_program *p) {
  unsigned char *b1 = NULL, *b2 = NULL;
  size_t n1 = 0, n2 = 0;
  FUZZ_ASSERT(pol_save(p, &b1, &n1) == POL_OK, "pol_save");
  pol_program *q = NULL;
  pol_diags *d = NULL;
  pol_status st = pol_load("round-trip.polb", b1, n1, &q, &d);
  if (st != POL_OK) {
    char *text = d ? pol_diags_render(d, POL_FMT_TEXT) : NULL;
    fuzz_fail(__FILE__, __LINE__, "a saved program loads", text);
  }
  pol_diags_free(d);
  FUZZ_ASSERT(pol_save(q, &b2, &n2) == POL_OK, "pol_save of the reloaded program");
  FUZZ_ASSERT(n1 == n2 && memcmp(b1, b2, n1) == 0, "save(load(save(p))) == save(p)");
  free(b1);
  free(b2);
  return q;
}
