/*
 * diff.c — `polc diff OLD NEW [--format text|json]`: what changed between two policies
 * (benefit year, collection period, categories and their standards and splits, the choice
 * rule, windows, rules and their effects such as waits and surcharges, add-ons) and, for
 * each change, a concrete resident and payment date whose answer differs, replayed on both
 * policies through the API.  Uses only the public API (pol.h).
 *
 * How witnesses are found: a fixed family of residents (an adult; each identity both
 * policies know; each disability grade; each boolean attribute set; children born in and
 * before the benefit year) is quoted on a family of dates (the first days, the 10th of
 * every month and the last day of every window of either policy, and the day after the
 * 25th), simplest resident first.  When the benefit years differ by N, the old policy is
 * asked about a date and the new one about the same day N years later, and a resident's
 * birth date relative to the benefit year moves with it; both are printed.
 *
 * Invariants:
 *  - a change is reported only with a witness on which the two answers differ, except
 *    those the policies state outright (a period, a window's dates, a category, rule or
 *    add-on added or removed, the choose keys), which carry a witness when one is found;
 *  - every answer printed is read from the API after pol_quote on that policy.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#include <stdarg.h>

#define MAXR 256 /* residents */

/* snprintf that may cut (every buffer here holds far more than a policy's names). */
static void setf(char *buf, size_t cap, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void setf(char *buf, size_t cap, const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  vsnprintf(buf, cap, f, ap);
  va_end(ap);
}
#define MAXD 512 /* dates */

/* ---- dates -------------------------------------------------------------------------- */

/* day moved by `years` years (29 February becomes the 28th when needed). */
static int32_t shift_years(int32_t day, int years) {
  char buf[16];
  int y, m, d;
  pol_date_format(day, buf);
  if (sscanf(buf, "%d-%d-%d", &y, &m, &d) != 3) return day;
  int32_t out;
  setf(buf, sizeof buf, "%04d-%02d-%02d", y + years, m, d);
  if (pol_date_parse(buf, &out) == POL_OK) return out;
  setf(buf, sizeof buf, "%04d-%02d-%02d", y + years, m, 28);
  return pol_date_parse(buf, &out) == POL_OK ? out : day;
}

static int32_t ymd(int y, int m, int d) {
  char buf[16];
  int32_t out = 0;
  setf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  if (pol_date_parse(buf, &out) != POL_OK) out = 0;
  return out;
}

static void add_date(int32_t *ds, int *n, int32_t d) {
  for (int i = 0; i < *n; i++)
    if (ds[i] == d) return;
  if (*n < MAXD) ds[(*n)++] = d;
}

static int cmp_day(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

/* Dates of one period [lo, hi] moved by `years`: first and last day, the 10th and 26th of
 * every month in it. */
static void period_dates(int32_t *ds, int *n, int32_t lo, int32_t hi, int years) {
  if (lo > hi) return;
  add_date(ds, n, shift_years(lo, years));
  add_date(ds, n, shift_years(hi, years));
  char buf[16];
  int y, m, d;
  pol_date_format(lo, buf);
  if (sscanf(buf, "%d-%d-%d", &y, &m, &d) != 3) return;
  for (int k = 0; k < 24; k++) {
    int32_t t10 = ymd(y, m, 10), t26 = ymd(y, m, 26);
    if (t10 > hi) break;
    if (t10 >= lo) add_date(ds, n, shift_years(t10, years));
    if (t26 >= lo && t26 <= hi) add_date(ds, n, shift_years(t26, years));
    if (++m > 12) m = 1, y++;
  }
}

static void policy_dates(const pol_program *p, int32_t *ds, int *n, int years) {
  int32_t lo, hi;
  int dlo, dhi;
  if (pol_period(p, (pol_handle){0}, &lo, &hi, &dlo, &dhi) == POL_OK)
    period_dates(ds, n, lo, hi, years);
  for (uint32_t w = 0; w < pol_count(p, POL_WINDOW); w++)
    if (pol_period(p, pol_handle_at(p, POL_WINDOW, w), &lo, &hi, &dlo, &dhi) == POL_OK)
      period_dates(ds, n, lo, hi, years);
}

/* ---- residents ------------------------------------------------------------------------ */

/* A resident of the family: attributes set besides birth_date, and the birth date as an
 * offset from 1 January of the benefit year in years and days (adult: fixed 1980-01-01). */
typedef struct {
  const char *identity; /* or NULL */
  const char *attr;     /* a bool or int attribute set, or NULL */
  int64_t value;        /* its value (a bool: 0 or 1) */
  int is_bool;
  int birth;
  const char *identity2; /* a second identity, or NULL */
  /* birth: 0 adult; 1 born 1 June two years before the benefit year; 2 born 1 June of
                the year before; 3 born 5 January of the benefit year */
} resident;

static json_t *resident_json(const resident *r, int year) {
  json_t *o = json_object();
  int32_t b = r->birth == 0   ? ymd(1980, 1, 1)
              : r->birth == 1 ? ymd(year - 2, 6, 1)
              : r->birth == 2 ? ymd(year - 1, 6, 1)
                              : ymd(year, 1, 5);
  json_object_set_new(o, "birth_date", cli_date(b));
  if (r->identity && r->identity2)
    json_object_set_new(o, "identities", json_pack("[ss]", r->identity, r->identity2));
  else if (r->identity)
    json_object_set_new(o, "identities", json_pack("[s]", r->identity));
  if (r->attr)
    json_object_set_new(o, r->attr, r->is_bool ? json_boolean(r->value) : json_integer(r->value));
  return o;
}

/* The family over the attributes and identities both policies know. */
static int residents(const pol_program *a, const pol_program *b, resident *rs) {
  int n = 0;
  rs[n++] = (resident){NULL, NULL, 0, 0, 0, NULL};
  for (int birth = 1; birth <= 3; birth++) rs[n++] = (resident){NULL, NULL, 0, 0, birth, NULL};
  int first_id = n;
  for (uint32_t i = 0; i < pol_count(a, POL_IDENTITY) && n < MAXR; i++) {
    const char *k = pol_key(a, pol_handle_at(a, POL_IDENTITY, i));
    if (!pol_handle_is_null(pol_find(b, POL_IDENTITY, k))) rs[n++] = (resident){k, NULL, 0, 0, 0, NULL};
  }
  int end_id = n;
  for (uint32_t i = 0; i < pol_count(a, POL_ATTRIBUTE) && n < MAXR; i++) {
    pol_handle h = pol_handle_at(a, POL_ATTRIBUTE, i);
    const char *k = pol_key(a, h);
    pol_handle g = pol_find(b, POL_ATTRIBUTE, k);
    if (pol_handle_is_null(g) || pol_attr_type(a, h) != pol_attr_type(b, g)) continue;
    if (pol_attr_type(a, h) == POL_T_BOOL) {
      rs[n++] = (resident){NULL, k, 1, 1, 0, NULL}; /* true: the defaults are false */
    } else if (pol_attr_type(a, h) == POL_T_INT && strcmp(k, "disability_grade") == 0) {
      for (int64_t g2 = 1; g2 <= 4 && n < MAXR; g2++) rs[n++] = (resident){NULL, k, g2, 0, 0, NULL};
    } else if (pol_attr_type(a, h) == POL_T_INT && strcmp(k, "lapsed_years") == 0) {
      rs[n++] = (resident){NULL, k, 2, 0, 0, NULL};
    }
  }
  /* two identities at once, and an identity with a grade-2 disability: where the choice
   * between categories shows */
  for (int i = first_id; i < end_id; i++)
    for (int j = i + 1; j < end_id && n < MAXR; j++)
      rs[n++] = (resident){rs[i].identity, NULL, 0, 0, 0, rs[j].identity};
  for (int i = first_id; i < end_id && n < MAXR; i++)
    rs[n++] = (resident){rs[i].identity, "disability_grade", 2, 0, 0, NULL};
  return n;
}

/* ---- one answer ----------------------------------------------------------------------- */

typedef struct {
  int ok;
  int payable;
  const char *category; /* key, "" for none; owned by the program */
  const char *window;
  int64_t worth, individual, cat_worth, cat_individual;
  char funding[256], cat_funding[256]; /* "medical_assistance 320, ..." */
  int32_t start, end;   /* as answered */
  int64_t wm, wd;
  char matched[512];    /* matched category keys */
  char effects[1024];   /* "rule: effect value; ..." of every applied rule */
  char reason[256];
} answer;

static void append(char *buf, size_t cap, const char *s) {
  size_t n = strlen(buf);
  setf(buf + n, cap - n, "%s", s);
}

static void money_list(const pol_program *p, const int64_t *f, char *buf, size_t cap) {
  buf[0] = 0;
  for (uint32_t s = 0; s < pol_count(p, POL_SOURCE); s++) {
    if (!f[s]) continue;
    char m[32], t[128];
    pol_money_format(f[s], m);
    setf(t, sizeof t, "%s%s %s", buf[0] ? ", " : "", pol_key(p, pol_handle_at(p, POL_SOURCE, s)), m);
    append(buf, cap, t);
  }
}

static const char *effect_word(pol_effect k) {
  switch (k) {
  case POL_EFFECT_START: return "start";
  case POL_EFFECT_END: return "end";
  case POL_EFFECT_WAIT_MONTHS: return "wait months";
  case POL_EFFECT_WAIT_DAYS: return "wait days";
  case POL_EFFECT_SURCHARGE: return "surcharge";
  case POL_EFFECT_FREE: return "free";
  case POL_EFFECT_PAYABLE: return "payable";
  case POL_EFFECT_NOT_PAYABLE: return "not payable";
  case POL_EFFECT_WAIT_MONTHS_AS_DAYS: return "wait months counted as days";
  case POL_EFFECT_WAIT_DAYS_AS_MONTHS: return "wait days counted as months";
  }
  return "?";
}

/* The effects rule `key` applied in this answer, as text ("" if it did not apply). */
static void rule_effects(const char *all, const char *key, char *out, size_t cap) {
  out[0] = 0;
  size_t kl = strlen(key);
  for (const char *s = all; *s;) {
    const char *e = strchr(s, '\n');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    if (len > kl && strncmp(s, key, kl) == 0 && s[kl] == ':')
      setf(out, cap, "%.*s", (int)(len - kl - 2), s + kl + 2);
    s += len + (e != NULL);
  }
}

static void quote(pol_program *p, pol_eval *ev, const char *json, int32_t day, answer *a) {
  memset(a, 0, sizeof *a);
  a->category = a->window = "";
  if (pol_resident_json(ev, json, day) != POL_OK || pol_quote(ev, day) != POL_OK) return;
  a->ok = 1;
  a->payable = pol_answer_payable(ev);
  setf(a->reason, sizeof a->reason, "%s", pol_answer_reason(ev));
  pol_handle c = pol_answer_category(ev), w = pol_answer_window(ev);
  a->category = pol_key(p, c);
  a->window = pol_key(p, w);
  a->worth = pol_answer_worth(ev);
  a->individual = pol_answer_individual(ev);
  uint32_t ns = pol_count(p, POL_SOURCE);
  int64_t f[64] = {0};
  for (uint32_t s = 0; s < ns && s < 64; s++) f[s] = pol_answer_funding(ev, pol_handle_at(p, POL_SOURCE, s));
  money_list(p, f, a->funding, sizeof a->funding);
  if (!pol_handle_is_null(c) && ns <= 64 &&
      pol_answer_amounts(ev, c, &a->cat_worth, &a->cat_individual, f) == POL_OK)
    money_list(p, f, a->cat_funding, sizeof a->cat_funding);
  a->start = pol_answer_start(ev);
  a->end = pol_answer_end(ev);
  a->wm = pol_answer_wait_months(ev);
  a->wd = pol_answer_wait_days(ev);
  for (uint32_t i = 0; i < pol_count(p, POL_CATEGORY); i++) {
    pol_handle h = pol_handle_at(p, POL_CATEGORY, i);
    if (pol_answer_matched(ev, h)) {
      append(a->matched, sizeof a->matched, a->matched[0] ? " " : "");
      append(a->matched, sizeof a->matched, pol_key(p, h));
    }
  }
  /* "rule: kind value; kind value\n" per applied rule, in file order */
  uint32_t ne = pol_answer_effect_count(ev), last = POL_NO_RULE;
  for (uint32_t i = 0; i < ne; i++) {
    pol_effect k;
    int64_t v;
    uint32_t r;
    const char *why = "";
    if (pol_answer_effect(ev, i, &k, &v, &r, &why) != POL_OK || r == POL_NO_RULE) continue;
    char t[256], m[32];
    if (r != last) {
      setf(t, sizeof t, "%s%s: ", last == POL_NO_RULE ? "" : "\n", pol_rule_key(p, r));
      append(a->effects, sizeof a->effects, t);
    } else {
      append(a->effects, sizeof a->effects, "; ");
    }
    last = r;
    if (k == POL_EFFECT_SURCHARGE) pol_money_format(v, m), setf(t, sizeof t, "surcharge %s yuan", m);
    else if (k == POL_EFFECT_START || k == POL_EFFECT_END) setf(t, sizeof t, "%s (a date)", effect_word(k));
    else if (k == POL_EFFECT_WAIT_MONTHS) setf(t, sizeof t, "wait %" PRId64 " months", v);
    else if (k == POL_EFFECT_WAIT_DAYS) setf(t, sizeof t, "wait %" PRId64 " days", v);
    else if (k == POL_EFFECT_WAIT_MONTHS_AS_DAYS || k == POL_EFFECT_WAIT_DAYS_AS_MONTHS) {
      int64_t n = 0;
      int mo = k == POL_EFFECT_WAIT_MONTHS_AS_DAYS;
      pol_answer_effect_counted(ev, i, &n);
      setf(t, sizeof t, "wait %" PRId64 " %s counted as %" PRId64 " %s", v, mo ? "months" : "days",
           n, mo ? "days" : "months");
    }
    else setf(t, sizeof t, "%s", effect_word(k));
    append(a->effects, sizeof a->effects, t);
  }
}

/* The answer in one line, as a clerk reads it. */
static char *answer_text(const answer *a) {
  if (!a->ok) return cli_fmt("%s", "cannot be quoted");
  char m[32], s[11], e[11];
  pol_money_format(a->individual, m);
  pol_date_format(a->start, s);
  pol_date_format(a->end, e);
  char wait[48] = "";
  if (a->wm) setf(wait, sizeof wait, ", wait %" PRId64 " months", a->wm);
  else if (a->wd) setf(wait, sizeof wait, ", wait %" PRId64 " days", a->wd);
  if (!a->payable)
    return cli_fmt("not payable (%s); category %s, individual %s yuan", a->reason,
                   *a->category ? a->category : "none", m);
  return cli_fmt("payable; category %s, individual %s yuan%s%s%s, benefits %s .. %s%s",
                 a->category, m, a->funding[0] ? ", funding " : "", a->funding,
                 "", s, e, wait);
}

/* The main fields of an answer as JSON (the full answer: polc quote with the witness). */
static json_t *answer_json(const answer *a) {
  if (!a->ok) return json_null();
  json_t *o = json_object();
  json_object_set_new(o, "payable", json_boolean(a->payable));
  json_object_set_new(o, "reason", a->payable ? json_null() : json_string(a->reason));
  json_object_set_new(o, "category", *a->category ? json_string(a->category) : json_null());
  json_object_set_new(o, "individual", cli_money(a->individual));
  json_object_set_new(o, "funding", json_string(a->funding));
  /* a refused answer has no benefit period: null, as in polc quote */
  json_object_set_new(o, "benefit_start", a->start == INT32_MIN ? json_null() : cli_date(a->start));
  json_object_set_new(o, "benefit_end", a->end == INT32_MIN ? json_null() : cli_date(a->end));
  json_object_set_new(o, "waiting_months", json_integer(a->wm));
  json_object_set_new(o, "waiting_days", json_integer(a->wd));
  return o;
}

/* Whether two answers differ once the new one's dates are moved back by `years`. */
static int differ(const answer *o, const answer *n, int years) {
  if (o->ok != n->ok) return 1;
  if (!o->ok) return 0;
  return o->payable != n->payable || strcmp(o->category, n->category) ||
         o->individual != n->individual || strcmp(o->funding, n->funding) ||
         (o->payable && (o->start != shift_years(n->start, -years) ||
                         o->end != shift_years(n->end, -years))) ||
         o->wm != n->wm || o->wd != n->wd;
}

/* Whether two answers differ in what a window or a rule decides (payable, the benefit
 * dates and wait, what is added to the category's own amounts), so that a change of
 * standard alone does not witness a change of dates. */
static int differ_terms(const answer *o, const answer *n, int years) {
  if (o->ok != n->ok) return 1;
  if (!o->ok) return 0;
  if (o->payable != n->payable) return 1;
  if (!o->payable) return strcmp(o->reason, n->reason) != 0; /* refused for another reason */
  return o->start != shift_years(n->start, -years) || o->end != shift_years(n->end, -years) ||
         o->wm != n->wm || o->wd != n->wd ||
         o->individual - o->cat_individual != n->individual - n->cat_individual;
}

/* ---- changes -------------------------------------------------------------------------- */

typedef enum {
  CH_YEAR, CH_PERIOD, CH_CAT_ADDED, CH_CAT_REMOVED, CH_CAT_AMOUNTS, CH_CHOOSE,
  CH_WIN_ADDED, CH_WIN_REMOVED, CH_WIN_CHANGED, CH_RULE_ADDED, CH_RULE_REMOVED,
  CH_RULE_CHANGED, CH_ADDON_ADDED, CH_ADDON_REMOVED
} change_kind;

typedef struct {
  change_kind kind;
  const char *key;    /* category, window, rule or add-on key (owned by a program) */
  const char *label;
  char what[512];     /* the change in words */
  int stated;         /* reported even without a witness */
  int found;
  int res, date;      /* the witness: resident index, date index (old frame) */
  answer o, n;
} change;

static const char *kind_name(change_kind k) {
  static const char *names[] = {"benefit_year", "collection", "category_added",
                                "category_removed", "category_amounts", "choose",
                                "window_added", "window_removed", "window_changed",
                                "rule_added", "rule_removed", "rule_changed",
                                "addon_added", "addon_removed"};
  return names[k];
}

static char *period_text(const pol_program *p, pol_handle w) {
  int32_t lo, hi;
  int dlo, dhi;
  if (pol_period(p, w, &lo, &hi, &dlo, &dhi) != POL_OK) return cli_fmt("%s", "none");
  char a[11], b[11];
  pol_date_format(lo, a);
  pol_date_format(hi, b);
  if (dlo != 1 || dhi != 31) return cli_fmt("%s .. %s days %d..%d", a, b, dlo, dhi);
  return cli_fmt("%s .. %s", a, b);
}

/* The same period in both after moving the old one by `years`. */
static int same_period(const pol_program *o, pol_handle ow, const pol_program *n, pol_handle nw,
                       int years) {
  int32_t a, b, c, d;
  int e, f, g, h;
  int so = pol_period(o, ow, &a, &b, &e, &f) == POL_OK;
  int sn = pol_period(n, nw, &c, &d, &g, &h) == POL_OK;
  if (so != sn) return 0;
  return !so || (shift_years(a, years) == c && shift_years(b, years) == d && e == g && f == h);
}


static void choose_text(const pol_program *p, char *buf, size_t cap) {
  buf[0] = 0;
  for (uint32_t i = 0; i < pol_choose_count(p); i++) {
    pol_handle s;
    pol_choose k = pol_choose_at(p, i, &s);
    if (i) append(buf, cap, " then ");
    append(buf, cap, cli_choose_name(k));
    if (!pol_handle_is_null(s)) {
      append(buf, cap, " ");
      append(buf, cap, pol_key(p, s));
    }
  }
}

static change *add_change(change *cs, int *n, int cap, change_kind k, const char *key,
                          const char *label, int stated) {
  if (*n >= cap) return NULL;
  change *c = &cs[(*n)++];
  memset(c, 0, sizeof *c);
  c->kind = k;
  c->key = key;
  c->label = label;
  c->stated = stated;
  return c;
}

/* The changes the two programs state, and the candidates a witness must confirm. */
static int list_changes(pol_program *o, pol_program *n, int years, change *cs, int cap) {
  int nc = 0;
  change *c;
  if (years) {
    c = add_change(cs, &nc, cap, CH_YEAR, "", "", 1);
    if (c) setf(c->what, sizeof c->what, "benefit year %d -> %d", (int)pol_program_year(o),
                    (int)pol_program_year(n));
  }
  if (!same_period(o, (pol_handle){0}, n, (pol_handle){0}, years)) {
    char *a = period_text(o, (pol_handle){0}), *b = period_text(n, (pol_handle){0});
    c = add_change(cs, &nc, cap, CH_PERIOD, "collection", pol_period_label(n), 1);
    if (c) setf(c->what, sizeof c->what, "collection period %s -> %s", a, b);
    free(a);
    free(b);
  }
  for (uint32_t i = 0; i < pol_count(o, POL_CATEGORY); i++) {
    pol_handle h = pol_handle_at(o, POL_CATEGORY, i);
    pol_handle g = pol_find(n, POL_CATEGORY, pol_key(o, h));
    int gone = pol_handle_is_null(g);
    c = add_change(cs, &nc, cap, gone ? CH_CAT_REMOVED : CH_CAT_AMOUNTS, pol_key(o, h),
                   pol_label(gone ? o : n, gone ? h : g), gone);
    if (c && gone) setf(c->what, sizeof c->what, "category %s (%s) removed", c->key, c->label);
  }
  for (uint32_t i = 0; i < pol_count(n, POL_CATEGORY); i++) {
    pol_handle h = pol_handle_at(n, POL_CATEGORY, i);
    if (!pol_handle_is_null(pol_find(o, POL_CATEGORY, pol_key(n, h)))) continue;
    c = add_change(cs, &nc, cap, CH_CAT_ADDED, pol_key(n, h), pol_label(n, h), 1);
    if (c) setf(c->what, sizeof c->what, "category %s (%s) added", c->key, c->label);
  }
  char ca[256], cb[256];
  choose_text(o, ca, sizeof ca);
  choose_text(n, cb, sizeof cb);
  if (strcmp(ca, cb)) {
    c = add_change(cs, &nc, cap, CH_CHOOSE, "choose", "", 1);
    if (c) /* a policy of one category may have no choose */
      setf(c->what, sizeof c->what, "%s%s -> %s%s", ca[0] ? "choose " : "no choose", ca,
           cb[0] ? "choose " : "no choose", cb);
  }
  for (uint32_t i = 0; i < pol_count(o, POL_WINDOW); i++) {
    pol_handle h = pol_handle_at(o, POL_WINDOW, i);
    pol_handle g = pol_find(n, POL_WINDOW, pol_key(o, h));
    if (pol_handle_is_null(g)) {
      char *a = period_text(o, h);
      c = add_change(cs, &nc, cap, CH_WIN_REMOVED, pol_key(o, h), pol_label(o, h), 1);
      if (c) setf(c->what, sizeof c->what, "window %s (%s, %s) removed", c->key, c->label, a);
      free(a);
      continue;
    }
    int same = same_period(o, h, n, g, years);
    c = add_change(cs, &nc, cap, CH_WIN_CHANGED, pol_key(o, h), pol_label(n, g), !same);
    if (!c) continue;
    char *a = period_text(o, h), *b = period_text(n, g);
    if (!same) setf(c->what, sizeof c->what, "window %s (%s): %s -> %s", c->key, c->label, a, b);
    else setf(c->what, sizeof c->what, "window %s (%s): what it gives changed", c->key, c->label);
    free(a);
    free(b);
  }
  for (uint32_t i = 0; i < pol_count(n, POL_WINDOW); i++) {
    pol_handle h = pol_handle_at(n, POL_WINDOW, i);
    if (!pol_handle_is_null(pol_find(o, POL_WINDOW, pol_key(n, h)))) continue;
    char *a = period_text(n, h);
    c = add_change(cs, &nc, cap, CH_WIN_ADDED, pol_key(n, h), pol_label(n, h), 1);
    if (c) setf(c->what, sizeof c->what, "window %s (%s, %s) added", c->key, c->label, a);
    free(a);
  }
  for (uint32_t i = 0; i < pol_rule_count(o); i++) {
    const char *k = pol_rule_key(o, i);
    int in_new = 0;
    for (uint32_t j = 0; j < pol_rule_count(n); j++) in_new |= !strcmp(k, pol_rule_key(n, j));
    c = add_change(cs, &nc, cap, in_new ? CH_RULE_CHANGED : CH_RULE_REMOVED, k,
                   pol_rule_label(o, i), !in_new);
    if (c && !in_new) setf(c->what, sizeof c->what, "rule %s (%s) removed", k, c->label);
  }
  for (uint32_t j = 0; j < pol_rule_count(n); j++) {
    const char *k = pol_rule_key(n, j);
    int in_old = 0;
    for (uint32_t i = 0; i < pol_rule_count(o); i++) in_old |= !strcmp(k, pol_rule_key(o, i));
    if (in_old) continue;
    c = add_change(cs, &nc, cap, CH_RULE_ADDED, k, pol_rule_label(n, j), 1);
    if (c) setf(c->what, sizeof c->what, "rule %s (%s) added", k, c->label);
  }
  for (uint32_t i = 0; i < pol_count(o, POL_ADDON); i++) {
    pol_handle h = pol_handle_at(o, POL_ADDON, i);
    if (!pol_handle_is_null(pol_find(n, POL_ADDON, pol_key(o, h)))) continue;
    c = add_change(cs, &nc, cap, CH_ADDON_REMOVED, pol_key(o, h), pol_label(o, h), 1);
    if (c) setf(c->what, sizeof c->what, "add-on %s (%s) removed", c->key, c->label);
  }
  for (uint32_t i = 0; i < pol_count(n, POL_ADDON); i++) {
    pol_handle h = pol_handle_at(n, POL_ADDON, i);
    if (!pol_handle_is_null(pol_find(o, POL_ADDON, pol_key(n, h)))) continue;
    c = add_change(cs, &nc, cap, CH_ADDON_ADDED, pol_key(n, h), pol_label(n, h), 1);
    if (c) setf(c->what, sizeof c->what, "add-on %s (%s) added (bought with --addon)", c->key,
                    c->label);
  }
  return nc;
}

/* Whether the scenario (o, n answers) witnesses change c; fills c->what for the changes
 * whose words come from the witness. */
static int witnesses(change *c, const answer *o, const answer *n, int years) {
  if (!differ(o, n, years)) return 0;
  char x[32], y[32], ea[256], eb[256];
  switch (c->kind) {
  case CH_YEAR: return 0; /* stated; every date is compared across it */
  case CH_PERIOD: return o->payable != n->payable;
  case CH_CAT_REMOVED: return !strcmp(o->category, c->key);
  case CH_CAT_ADDED: return !strcmp(n->category, c->key);
  case CH_CAT_AMOUNTS:
    if (strcmp(o->category, c->key) || strcmp(n->category, c->key)) return 0;
    if (o->cat_worth != n->cat_worth) {
      pol_money_format(o->cat_worth, x);
      pol_money_format(n->cat_worth, y);
      setf(c->what, sizeof c->what, "standard of category %s (%s): worth %s -> %s yuan",
               c->key, c->label, x, y);
      return 1;
    }
    if (o->cat_individual != n->cat_individual || strcmp(o->cat_funding, n->cat_funding)) {
      pol_money_format(o->cat_individual, x);
      pol_money_format(n->cat_individual, y);
      setf(c->what, sizeof c->what,
               "split of category %s (%s): individual %s%s%s -> individual %s%s%s", c->key,
               c->label, x, o->cat_funding[0] ? ", " : "", o->cat_funding, y,
               n->cat_funding[0] ? ", " : "", n->cat_funding);
      return 1;
    }
    return 0;
  case CH_CHOOSE:
    return o->matched[0] && strchr(o->matched, ' ') && !strcmp(o->matched, n->matched) &&
           strcmp(o->category, n->category);
  case CH_WIN_ADDED: return !strcmp(n->window, c->key) && differ_terms(o, n, years);
  case CH_WIN_REMOVED: return !strcmp(o->window, c->key) && differ_terms(o, n, years);
  case CH_WIN_CHANGED:
    return (!strcmp(o->window, c->key) || !strcmp(n->window, c->key)) &&
           differ_terms(o, n, years);
  case CH_RULE_ADDED:
    rule_effects(n->effects, c->key, eb, sizeof eb);
    return eb[0] != 0 && differ_terms(o, n, years);
  case CH_RULE_REMOVED:
    rule_effects(o->effects, c->key, ea, sizeof ea);
    return ea[0] != 0 && differ_terms(o, n, years);
  case CH_RULE_CHANGED:
    rule_effects(o->effects, c->key, ea, sizeof ea);
    rule_effects(n->effects, c->key, eb, sizeof eb);
    if (!ea[0] && !eb[0]) return 0;
    if ((ea[0] && eb[0] && !strcmp(ea, eb)) || !differ_terms(o, n, years)) return 0;
    setf(c->what, sizeof c->what, "rule %s (%s): %s -> %s", c->key, c->label,
             ea[0] ? ea : "does not apply", eb[0] ? eb : "does not apply");
    return 1;
  case CH_ADDON_ADDED:
  case CH_ADDON_REMOVED: return 0;
  }
  return 0;
}

int cmd_diff(int argc, char **argv) {
  const char *paths[2] = {NULL, NULL}, *format = "text";
  int np = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--format") == 0) {
      if (i + 1 >= argc) return cli_usage_error("diff", "%s needs a value", "--format");
      format = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1]) {
      return cli_usage_error("diff", "unknown option '%s'", argv[i]);
    } else if (np < 2) {
      paths[np++] = argv[i];
    } else {
      return cli_usage_error("diff", "unexpected argument '%s'", argv[i]);
    }
  }
  if (np < 2) return cli_usage_error("diff", "%s", "expected two policies: OLD NEW");
  int json = strcmp(format, "json") == 0;
  if (!json && strcmp(format, "text") != 0)
    return cli_usage_error("diff", "--format: expected text or json, got '%s'", format);
  pol_program *o = cli_open_policy(paths[0]);
  pol_program *n = o ? cli_open_policy(paths[1]) : NULL;
  pol_eval *eo = n ? pol_eval_new(o) : NULL, *en = eo ? pol_eval_new(n) : NULL;
  change *cs = calloc(256, sizeof *cs);
  resident *rs = calloc(MAXR, sizeof *rs);
  int32_t *ds = calloc(MAXD, sizeof *ds);
  int rc = CLI_BAD;
  if (!en || !cs || !rs || !ds) {
    if (n) fprintf(stderr, "polc diff: out of memory\n");
    goto done;
  }
  int years = (int)(pol_program_year(n) - pol_program_year(o));
  int nc = list_changes(o, n, years, cs, 256);
  int nr = residents(o, n, rs), nd = 0;
  policy_dates(o, ds, &nd, 0);
  policy_dates(n, ds, &nd, -years);
  qsort(ds, (size_t)nd, sizeof *ds, cmp_day);

  /* the witnesses: simplest resident first, then the earliest date */
  int left = 0;
  for (int i = 0; i < nc; i++)
    left += cs[i].kind != CH_YEAR && cs[i].kind != CH_ADDON_ADDED && cs[i].kind != CH_ADDON_REMOVED;
  answer ao, an;
  for (int r = 0; r < nr && left; r++) {
    json_t *jo = resident_json(&rs[r], (int)pol_program_year(o));
    json_t *jn = resident_json(&rs[r], (int)pol_program_year(n));
    char *so = json_dumps(jo, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *sn = json_dumps(jn, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(jo);
    json_decref(jn);
    for (int d = 0; d < nd && left && so && sn; d++) {
      quote(o, eo, so, ds[d], &ao);
      quote(n, en, sn, shift_years(ds[d], years), &an);
      for (int i = 0; i < nc; i++) {
        if (cs[i].found || !witnesses(&cs[i], &ao, &an, years)) continue;
        cs[i].found = 1;
        cs[i].res = r;
        cs[i].date = d;
        cs[i].o = ao;
        cs[i].n = an;
        left--;
      }
    }
    free(so);
    free(sn);
  }

  /* the report */
  json_t *root = json_object(), *list = json_array();
  json_object_set_new(root, "old", json_string(pol_program_id(o)));
  json_object_set_new(root, "new", json_string(pol_program_id(n)));
  json_object_set_new(root, "years_between", json_integer(years));
  json_object_set_new(root, "changes", list);
  int shown = 0;
  for (int i = 0; i < nc; i++) {
    change *c = &cs[i];
    if (!c->stated && !c->found) continue;
    json_t *e = json_object();
    json_object_set_new(e, "change", json_string(kind_name(c->kind)));
    if (c->key[0]) json_object_set_new(e, "key", json_string(c->key));
    json_object_set_new(e, "text", json_string(c->what));
    if (c->found) {
      int32_t d = ds[c->date];
      json_t *w = json_object();
      json_object_set_new(w, "old_resident", resident_json(&rs[c->res], (int)pol_program_year(o)));
      json_object_set_new(w, "old_date", cli_date(d));
      json_object_set_new(w, "new_resident", resident_json(&rs[c->res], (int)pol_program_year(n)));
      json_object_set_new(w, "new_date", cli_date(shift_years(d, years)));
      char *ta = answer_text(&c->o), *tb = answer_text(&c->n);
      json_object_set_new(w, "old", json_string(ta ? ta : ""));
      json_object_set_new(w, "new", json_string(tb ? tb : ""));
      json_object_set_new(w, "old_answer", answer_json(&c->o));
      json_object_set_new(w, "new_answer", answer_json(&c->n));
      free(ta);
      free(tb);
      json_object_set_new(e, "witness", w);
    } else {
      json_object_set_new(e, "witness", json_null());
    }
    json_array_append_new(list, e);
    shown++;
  }
  rc = shown ? CLI_NEGATIVE : CLI_OK;
  if (json) {
    char *s = cli_dump(root);
    if (s) printf("%s\n", s);
    free(s);
  } else {
    printf("polc diff: %s (benefit year %d) -> %s (benefit year %d): %d change%s\n",
           pol_program_id(o), (int)pol_program_year(o), pol_program_id(n),
           (int)pol_program_year(n), shown, shown == 1 ? "" : "s");
    if (years)
      printf("(each old date is compared with the same day %d year%s later, and birth dates "
             "relative to the benefit year move with it)\n",
             years < 0 ? -years : years, years == 1 || years == -1 ? "" : "s");
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
      printf("\n%zu. %s\n", i + 1, json_string_value(json_object_get(e, "text")));
      json_t *w = json_object_get(e, "witness");
      const char *kind = json_string_value(json_object_get(e, "change"));
      if (!json_is_object(w)) {
        if (!strcmp(kind, "addon_added") || !strcmp(kind, "addon_removed"))
          printf("   no answer differs unless it is bought\n");
        else if (strcmp(kind, "benefit_year"))
          printf("   no resident tried gets a different answer from it\n");
        continue;
      }
      char *ro = json_dumps(json_object_get(w, "old_resident"), JSON_COMPACT | JSON_PRESERVE_ORDER);
      char *rn = json_dumps(json_object_get(w, "new_resident"), JSON_COMPACT | JSON_PRESERVE_ORDER);
      if (ro && rn && strcmp(ro, rn) == 0)
        printf("   resident %s\n", ro);
      else
        printf("   resident %s (old), %s (new)\n", ro ? ro : "?", rn ? rn : "?");
      printf("   old, paying on %s: %s\n", json_string_value(json_object_get(w, "old_date")),
             json_string_value(json_object_get(w, "old")));
      printf("   new, paying on %s: %s\n", json_string_value(json_object_get(w, "new_date")),
             json_string_value(json_object_get(w, "new")));
      free(ro);
      free(rn);
    }
    json_decref(root);
  }
done:
  free(cs);
  free(rs);
  free(ds);
  pol_eval_free(eo);
  pol_eval_free(en);
  pol_program_free(o);
  pol_program_free(n);
  return rc;
}
