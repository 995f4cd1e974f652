/*
 * explain.c — `polc explain POLICY --resident R --date D [--format text|json]`: the
 * derivation of one answer, step by step, in the notice's words (labels) with the clause
 * each step rests on (cite).  Uses only the public API (pol.h).
 *
 * The explanation is built once as a JSON tree of steps; every step carries a "text" (the
 * sentence the text format prints) beside its data, so both formats say the same thing.
 * Invariants:
 *  - every number in it is read back from the API after the one pol_quote (answer
 *    accessors, pol_answer_amounts, pol_answer_effect), never recomputed here, except the
 *    comparison that says which choose key decided, which replays the program's own order
 *    (the keys in turn, then file order) on amounts the API gave;
 *  - money is fen until it is formatted; dates are day numbers until formatted.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ---- JSON helpers (shared through cli.h) ---------------------------------------------- */

/* Money enters the tree as the string "\x01" + its yuan text and is unquoted by
 * cli_dump, so that 80.5 is printed exactly and never goes through a double. */
json_t *cli_money(int64_t fen) {
  char buf[40] = "\x01";
  pol_money_format(fen, buf + 1);
  return json_string(buf);
}

json_t *cli_date(int32_t day) {
  char buf[11];
  pol_date_format(day, buf);
  return json_string(buf);
}

/* The tree as 2-space indented JSON in insertion order, money unquoted; decrefs root. */
char *cli_dump(json_t *root) {
  char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(root);
  if (!s) return NULL;
  /* "\u0001<digits>" -> <digits>; no other string contains U+0001 (labels are text) */
  char *w = s;
  for (const char *r = s; *r;) {
    if (strncmp(r, "\"\\u0001", 7) == 0) {
      r += 7;
      while (*r && *r != '"') *w++ = *r++;
      if (*r) r++;
    } else {
      *w++ = *r++;
    }
  }
  *w = 0;
  return s;
}

#define fmt cli_fmt
char *cli_fmt(const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  int n = vsnprintf(NULL, 0, f, ap);
  va_end(ap);
  char *s = n < 0 ? NULL : malloc((size_t)n + 1);
  if (!s) return NULL;
  va_start(ap, f);
  vsnprintf(s, (size_t)n + 1, f, ap);
  va_end(ap);
  return s;
}

/* Appends step {"step": kind, ...fields, "text": text} to steps; takes text. */
static json_t *step(json_t *steps, const char *kind, char *text) {
  json_t *o = json_object();
  json_object_set_new(o, "step", json_string(kind));
  json_array_append_new(steps, o);
  json_object_set_new(o, "text", json_string(text ? text : ""));
  free(text);
  return o;
}

/* json_object_set_new keeps insertion order; "text" should come last. */
static void set_before_text(json_t *o, const char *key, json_t *v) {
  json_t *text = json_incref(json_object_get(o, "text"));
  json_object_del(o, "text");
  json_object_set_new(o, key, v);
  json_object_set_new(o, "text", text);
}

static const char *yuan(int64_t fen, char buf[32]) {
  pol_money_format(fen, buf);
  return buf;
}

static const char *day_text(int32_t day, char buf[11]) {
  pol_date_format(day, buf);
  return buf;
}

/* "[二、2 缴费标准]" or "" */
static char *cite_text(const char *cite) {
  return *cite ? fmt(" [%s]", cite) : fmt("%s", "");
}

/* ---- the choice ----------------------------------------------------------------------- */

typedef struct {
  pol_handle h;
  uint32_t index; /* file order */
  int64_t worth, individual, funding_total;
  int64_t *funding; /* nsources */
} cand;

/* The words of a choose key ("lowest individual"); the source's key follows _SOURCE ones. */
const char *cli_choose_name(pol_choose k) {
  switch (k) {
  case POL_CHOOSE_LOWEST_INDIVIDUAL: return "lowest individual";
  case POL_CHOOSE_HIGHEST_INDIVIDUAL: return "highest individual";
  case POL_CHOOSE_LOWEST_FUNDING: return "lowest funding";
  case POL_CHOOSE_HIGHEST_FUNDING: return "highest funding";
  case POL_CHOOSE_LOWEST_SOURCE: return "lowest";
  case POL_CHOOSE_HIGHEST_SOURCE: return "highest";
  case POL_CHOOSE_FIRST: return "first";
  case POL_CHOOSE_LAST: return "last";
  case POL_CHOOSE_NONE: break;
  }
  return "?";
}

/* The name of key i as written after `choose` ("highest medical_assistance"). */
static char *key_text(const pol_program *p, uint32_t i) {
  pol_handle src;
  pol_choose k = pol_choose_at(p, i, &src);
  if (k == POL_CHOOSE_LOWEST_SOURCE || k == POL_CHOOSE_HIGHEST_SOURCE)
    return fmt("%s %s", cli_choose_name(k), pol_key(p, src));
  return fmt("%s", cli_choose_name(k));
}

/* The value a key compares for candidate c (and whether it compares amounts at all). */
static int key_value(const pol_program *p, uint32_t i, const cand *c, int64_t *v) {
  pol_handle src;
  pol_choose k = pol_choose_at(p, i, &src);
  switch (k) {
  case POL_CHOOSE_LOWEST_INDIVIDUAL:
  case POL_CHOOSE_HIGHEST_INDIVIDUAL: *v = c->individual; return 1;
  case POL_CHOOSE_LOWEST_FUNDING:
  case POL_CHOOSE_HIGHEST_FUNDING: *v = c->funding_total; return 1;
  case POL_CHOOSE_LOWEST_SOURCE:
  case POL_CHOOSE_HIGHEST_SOURCE:
    *v = 0;
    for (uint32_t s = 0; s < pol_count(p, POL_SOURCE); s++)
      if (pol_handle_at(p, POL_SOURCE, s).bits == src.bits) *v = c->funding[s];
    return 1;
  default: return 0;
  }
}

/* Why `win` beats `lose` under the program's keys: a sentence, and in *by_order whether
 * file order decided (every amount key tied, or a first/last key reached). */
static char *beats(const pol_program *p, const cand *win, const cand *lose, int *by_order) {
  char *tied = fmt("%s", "");
  for (uint32_t i = 0; i < pol_choose_count(p); i++) {
    int64_t a, b;
    char *k = key_text(p, i);
    if (!key_value(p, i, win, &a) || !key_value(p, i, lose, &b)) {
      /* first / last: file order */
      *by_order = 1;
      char *s = fmt("%s%s: %s %s %s in the policy (file order decided)", tied,
                    k, pol_key(p, win->h), win->index < lose->index ? "comes before" : "comes after",
                    pol_key(p, lose->h));
      free(k);
      free(tied);
      return s;
    }
    char x[32], y[32];
    if (a != b) {
      *by_order = 0;
      char *s = fmt("%s%s: %s %s yuan against %s %s yuan", tied, k, pol_key(p, win->h),
                    yuan(a, x), pol_key(p, lose->h), yuan(b, y));
      free(k);
      free(tied);
      return s;
    }
    char *t = fmt("%stied on %s (%s yuan each); ", tied, k, yuan(a, x));
    free(tied);
    free(k);
    tied = t;
  }
  *by_order = 1;
  char *s = fmt("%sno key is left: %s comes before %s in the policy (file order decided)", tied,
                pol_key(p, win->h), pol_key(p, lose->h));
  free(tied);
  return s;
}

/* ---- the explanation ------------------------------------------------------------------ */

static const char *effect_name(pol_effect k) {
  switch (k) {
  case POL_EFFECT_START: return "start";
  case POL_EFFECT_END: return "end";
  case POL_EFFECT_WAIT_MONTHS: return "wait_months";
  case POL_EFFECT_WAIT_DAYS: return "wait_days";
  case POL_EFFECT_SURCHARGE: return "surcharge";
  case POL_EFFECT_FREE: return "free";
  case POL_EFFECT_PAYABLE: return "payable";
  case POL_EFFECT_NOT_PAYABLE: return "not_payable";
  case POL_EFFECT_WAIT_MONTHS_AS_DAYS: return "wait_months_as_days";
  case POL_EFFECT_WAIT_DAYS_AS_MONTHS: return "wait_days_as_months";
  }
  return "?";
}

/* One effect as data and as a phrase, given what came before (running amounts). */
typedef struct {
  int64_t individual; /* the chosen category's individual part, then with the surcharge */
  int32_t start;      /* benefit start before the wait */
  int counted_in;     /* the last wait: 0 as stated, 1 counted in days, 2 counted in months */
} running;

static char *effect_phrase(pol_effect k, int64_t v, int64_t counted, const char *reason,
                           running *r, json_t *o) {
  char a[32], b[32], d[11];
  json_object_set_new(o, "effect", json_string(effect_name(k)));
  switch (k) {
  case POL_EFFECT_START:
    json_object_set_new(o, "date", cli_date((int32_t)v));
    r->start = (int32_t)v;
    return fmt("benefits start %s", day_text((int32_t)v, d));
  case POL_EFFECT_END:
    json_object_set_new(o, "date", cli_date((int32_t)v));
    return fmt("benefits end %s", day_text((int32_t)v, d));
  case POL_EFFECT_WAIT_MONTHS:
  case POL_EFFECT_WAIT_DAYS:
    r->counted_in = 0;
    json_object_set_new(o, k == POL_EFFECT_WAIT_MONTHS ? "months" : "days", json_integer(v));
    return fmt("a waiting period of %" PRId64 " %s", v,
               k == POL_EFFECT_WAIT_MONTHS ? (v == 1 ? "month" : "months")
                                           : (v == 1 ? "day" : "days"));
  case POL_EFFECT_WAIT_MONTHS_AS_DAYS:
  case POL_EFFECT_WAIT_DAYS_AS_MONTHS: {
    /* stated in one unit, counted in the other: both are reported, the second counts */
    int m = k == POL_EFFECT_WAIT_MONTHS_AS_DAYS;
    r->counted_in = m ? 1 : 2;
    json_object_set_new(o, "months", json_integer(m ? v : counted));
    json_object_set_new(o, "days", json_integer(m ? counted : v));
    json_object_set_new(o, "counted_in", json_string(m ? "days" : "months"));
    return fmt("a waiting period of %" PRId64 " %s, counted as %" PRId64 " %s", v,
               m ? (v == 1 ? "month" : "months") : (v == 1 ? "day" : "days"), counted,
               m ? (counted == 1 ? "day" : "days") : (counted == 1 ? "month" : "months"));
  }
  case POL_EFFECT_SURCHARGE: {
    json_object_set_new(o, "amount", cli_money(v));
    char c[32];
    int64_t before = r->individual;
    r->individual += v;
    return fmt("a surcharge of %s yuan paid by the resident (individual %s + %s = %s yuan)",
               yuan(v, a), yuan(before, b), a, yuan(r->individual, c));
  }
  case POL_EFFECT_FREE: return fmt("%s", "nothing to pay (free)");
  case POL_EFFECT_PAYABLE: return fmt("%s", "payable on this date");
  case POL_EFFECT_NOT_PAYABLE:
    json_object_set_new(o, "reason", json_string(reason));
    return fmt("not payable: %s", reason);
  }
  return fmt("%s", "?");
}

static json_t *explain(pol_program *p, pol_eval *ev, json_t *resident, int32_t day) {
  json_t *root = json_object(), *steps = json_array();
  char d1[11], d2[11], m1[32], m2[32];
  json_object_set_new(root, "policy", json_string(pol_program_id(p)));
  json_object_set_new(root, "title", json_string(pol_program_title(p)));
  json_object_set_new(root, "issuer", json_string(pol_program_issuer(p)));
  json_object_set_new(root, "benefit_year", json_integer(pol_program_year(p)));
  json_object_set_new(root, "resident", resident);
  json_object_set_new(root, "date", cli_date(day));
  json_object_set_new(root, "steps", steps);

  uint32_t nsrc = pol_count(p, POL_SOURCE), ncat = pol_count(p, POL_CATEGORY);

  /* 1. conditions: every category's `when`, held or not */
  cand *cands = calloc(ncat ? ncat : 1, sizeof *cands);
  int64_t *fund = calloc((size_t)(ncat ? ncat : 1) * (nsrc ? nsrc : 1), sizeof *fund);
  uint32_t nm = 0;
  if (!cands || !fund) goto oom;
  for (uint32_t i = 0; i < ncat; i++) {
    pol_handle c = pol_handle_at(p, POL_CATEGORY, i);
    int holds = pol_answer_matched(ev, c);
    char *ct = cite_text(pol_cite(p, c));
    int other = pol_category_otherwise(p, c);
    json_t *o = step(steps, "condition",
                     fmt("%s %s (%s)%s%s", holds ? "holds:        " : "does not hold:",
                         pol_key(p, c), pol_label(p, c), ct,
                         other ? (holds ? " — otherwise: no other category holds"
                                        : " — otherwise: another category holds")
                               : ""));
    free(ct);
    set_before_text(o, "category", json_string(pol_key(p, c)));
    set_before_text(o, "label", json_string(pol_label(p, c)));
    set_before_text(o, "cite", json_string(pol_cite(p, c)));
    set_before_text(o, "holds", json_boolean(holds));
    if (other) set_before_text(o, "otherwise", json_true());
    if (!holds) continue;
    cand *k = &cands[nm++];
    k->h = c;
    k->index = i;
    k->funding = fund + (size_t)i * (nsrc ? nsrc : 1);
    if (pol_answer_amounts(ev, c, &k->worth, &k->individual, k->funding) != POL_OK) {
      fprintf(stderr, "polc explain: %s\n", pol_eval_error(ev));
      goto fail;
    }
    for (uint32_t s = 0; s < nsrc; s++) k->funding_total += k->funding[s];
  }

  /* 2. the choice */
  pol_handle chosen = pol_answer_category(ev);
  const cand *win = NULL;
  for (uint32_t i = 0; i < nm; i++)
    if (cands[i].h.bits == chosen.bits) win = &cands[i];
  if (nm == 0 || !win) {
    step(steps, "choice", fmt("%s", "no category holds: the resident cannot be quoted"));
  } else if (nm == 1) {
    json_t *o = step(steps, "choice", fmt("%s is the only category that holds", pol_key(p, chosen)));
    set_before_text(o, "category", json_string(pol_key(p, chosen)));
    set_before_text(o, "file_order", json_false());
  } else {
    char *keys = fmt("%s", "");
    for (uint32_t i = 0; i < pol_choose_count(p); i++) {
      char *k = key_text(p, i);
      char *t = fmt("%s%s%s", keys, i ? " then " : "", k);
      free(k);
      free(keys);
      keys = t;
    }
    char *ct = cite_text(pol_choose_cite(p));
    json_t *o = step(steps, "choice", fmt("%u categories hold; `choose %s`%s picks %s", nm,
                                          keys, ct, pol_key(p, chosen)));
    free(ct);
    set_before_text(o, "category", json_string(pol_key(p, chosen)));
    set_before_text(o, "choose", json_string(keys));
    set_before_text(o, "cite", json_string(pol_choose_cite(p)));
    free(keys);
    json_t *against = json_array();
    int any_order = 0;
    for (uint32_t i = 0; i < nm; i++) {
      if (&cands[i] == win) continue;
      int by_order = 0;
      char *why = beats(p, win, &cands[i], &by_order);
      any_order |= by_order;
      json_t *r = json_object();
      json_object_set_new(r, "category", json_string(pol_key(p, cands[i].h)));
      json_object_set_new(r, "individual", cli_money(cands[i].individual));
      json_object_set_new(r, "worth", cli_money(cands[i].worth));
      json_object_set_new(r, "file_order", json_boolean(by_order));
      json_object_set_new(r, "text", json_string(why ? why : ""));
      free(why);
      json_array_append_new(against, r);
    }
    set_before_text(o, "file_order", json_boolean(any_order));
    set_before_text(o, "against", against);
  }

  /* 3. what the chosen category costs */
  if (win) {
    char *parts = fmt("individual %s yuan", yuan(win->individual, m1));
    json_t *f = json_object();
    for (uint32_t s = 0; s < nsrc; s++) {
      if (!win->funding[s]) continue;
      pol_handle sh = pol_handle_at(p, POL_SOURCE, s);
      char *t = fmt("%s, %s (%s) %s yuan", parts, pol_key(p, sh), pol_label(p, sh),
                    yuan(win->funding[s], m1));
      free(parts);
      parts = t;
      json_object_set_new(f, pol_key(p, sh), cli_money(win->funding[s]));
    }
    /* amounts the notice does not state (#19 B3): their figures above are stand-ins */
    const char *un = pol_answer_unstated(ev, POL_VALUE_INDIVIDUAL, (pol_handle){0});
    for (uint32_t s = 0; !un && s < nsrc; s++)
      un = pol_answer_unstated(ev, POL_VALUE_FUNDING, pol_handle_at(p, POL_SOURCE, s));
    if (un) {
      char *t = fmt("%s (not stated by the notice: \u201c%s\u201d; the answer gives null)", parts, un);
      free(parts);
      parts = t;
    }
    char *ct = cite_text(pol_cite(p, chosen));
    json_t *o = step(steps, "amounts", fmt("%s (%s) is worth %s yuan: %s%s", pol_key(p, chosen),
                                           pol_label(p, chosen), yuan(win->worth, m2), parts, ct));
    free(ct);
    free(parts);
    set_before_text(o, "category", json_string(pol_key(p, chosen)));
    set_before_text(o, "cite", json_string(pol_cite(p, chosen)));
    set_before_text(o, "worth", cli_money(win->worth));
    set_before_text(o, "individual", cli_money(win->individual));
    set_before_text(o, "funding", f);
  }

  /* 4. the window of the date, 5. the rules, with their effects in the order applied */
  running run = {win ? win->individual : 0, 0, 0};
  {
    int32_t y0;
    char jan1[16];
    snprintf(jan1, sizeof jan1, "%04d-01-01", (int)pol_program_year(p));
    run.start = pol_date_parse(jan1, &y0) == POL_OK ? y0 : 0;
  }
  pol_handle w = pol_answer_window(ev);
  json_t *wstep;
  if (!pol_handle_is_null(w)) {
    int32_t lo = 0, hi = 0;
    int dlo = 1, dhi = 31;
    pol_period(p, w, &lo, &hi, &dlo, &dhi);
    char days[32] = "";
    if (dlo != 1 || dhi != 31) snprintf(days, sizeof days, ", days %d-%d of the month", dlo, dhi);
    char *ct = cite_text(pol_cite(p, w));
    wstep = step(steps, "window",
                 fmt("%s falls in window %s (%s), %s .. %s%s%s", day_text(day, d1), pol_key(p, w),
                     pol_label(p, w), day_text(lo, d2), day_text(hi, m1), days, ct));
    free(ct);
    set_before_text(wstep, "window", json_string(pol_key(p, w)));
    set_before_text(wstep, "label", json_string(pol_label(p, w)));
    set_before_text(wstep, "cite", json_string(pol_cite(p, w)));
    set_before_text(wstep, "from", cli_date(lo));
    set_before_text(wstep, "to", cli_date(hi));
    set_before_text(wstep, "days", json_pack("[ii]", dlo, dhi));
  } else {
    wstep = step(steps, "window", fmt("%s falls in no payment window", day_text(day, d1)));
    set_before_text(wstep, "window", json_null());
  }
  json_t *rule_steps[1024];
  uint32_t nrules = pol_rule_count(p);
  for (uint32_t r = 0; r < nrules && r < 1024; r++) rule_steps[r] = NULL;
  json_t *weff = json_array();
  set_before_text(wstep, "effects", weff);
  json_t *not_applied = json_array();
  for (uint32_t r = 0; r < nrules && r < 1024; r++) {
    if (!pol_answer_rule_applied(ev, r)) {
      json_array_append_new(not_applied, json_string(pol_rule_key(p, r)));
      continue;
    }
    char *ct = cite_text(pol_rule_cite(p, r));
    rule_steps[r] = step(steps, "rule", fmt("rule %s (%s)%s applies", pol_rule_key(p, r),
                                            pol_rule_label(p, r), ct));
    free(ct);
    set_before_text(rule_steps[r], "rule", json_string(pol_rule_key(p, r)));
    set_before_text(rule_steps[r], "label", json_string(pol_rule_label(p, r)));
    set_before_text(rule_steps[r], "cite", json_string(pol_rule_cite(p, r)));
    set_before_text(rule_steps[r], "effects", json_array());
  }
  uint32_t neff = pol_answer_effect_count(ev);
  for (uint32_t i = 0; i < neff; i++) {
    pol_effect k;
    int64_t v;
    uint32_t r;
    const char *reason = "";
    int64_t counted = 0;
    if (pol_answer_effect(ev, i, &k, &v, &r, &reason) != POL_OK ||
        pol_answer_effect_counted(ev, i, &counted) != POL_OK) {
      fprintf(stderr, "polc explain: %s\n", pol_eval_error(ev));
      goto fail;
    }
    json_t *owner = r == POL_NO_RULE ? wstep : r < 1024 ? rule_steps[r] : NULL;
    if (!owner) continue;
    /* a refused answer has no benefit period (QUERY.md): its dates are not stated */
    if (!pol_answer_payable(ev) && (k == POL_EFFECT_START || k == POL_EFFECT_END)) continue;
    json_t *e = json_object();
    char *phrase = effect_phrase(k, v, counted, reason, &run, e);
    json_object_set_new(e, "text", json_string(phrase ? phrase : ""));
    json_array_append_new(json_object_get(owner, "effects"), e);
    /* the step's text gains the effect: "…: benefits start 2026-03-10" */
    const char *old = json_string_value(json_object_get(owner, "text"));
    char *t = fmt("%s%s %s", old, json_array_size(json_object_get(owner, "effects")) == 1 ? ":" : ";",
                  phrase ? phrase : "");
    free(phrase);
    json_object_set_new(owner, "text", json_string(t ? t : ""));
    free(t);
  }
  if (json_array_size(not_applied)) {
    char *list = fmt("%s", "");
    for (size_t i = 0; i < json_array_size(not_applied); i++) {
      char *t = fmt("%s%s%s", list, i ? ", " : "", json_string_value(json_array_get(not_applied, i)));
      free(list);
      list = t;
    }
    json_t *o = step(steps, "rules_not_applied", fmt("rules that do not apply: %s", list));
    free(list);
    set_before_text(o, "rules", not_applied);
  } else {
    json_decref(not_applied);
  }

  /* 6. the benefit start after the wait, and the answer */
  int64_t wm = pol_answer_wait_months(ev), wd = pol_answer_wait_days(ev);
  int32_t start = pol_answer_start(ev), end = pol_answer_end(ev);
  if (win && (wm || wd) && pol_answer_payable(ev)) {
    /* the unit the wait counts in: a wait stated in one unit and counted in the other
     * (`wait 3 months counted as 90 days`) counts the second */
    int days = run.counted_in == 1 || (run.counted_in == 0 && !wm);
    int64_t n = days ? wd : wm;
    char stated[64] = "";
    if (run.counted_in)
      snprintf(stated, sizeof stated, " (stated as %" PRId64 " %s)", days ? wm : wd,
               days ? "months" : "days");
    json_t *o = step(steps, "wait", fmt("benefits start %s + %" PRId64 " %s of waiting%s = %s",
                                        day_text(run.start, d1), n, days ? "days" : "months",
                                        stated, day_text(start, d2)));
    set_before_text(o, "from", cli_date(run.start));
    set_before_text(o, days ? "days" : "months", json_integer(n));
    set_before_text(o, "start", cli_date(start));
  }
  int payable = pol_answer_payable(ev);
  char *funds = fmt("%s", "");
  json_t *f = json_object();
  for (uint32_t s = 0; s < nsrc; s++) {
    pol_handle sh = pol_handle_at(p, POL_SOURCE, s);
    int64_t v = pol_answer_funding(ev, sh);
    if (!v) continue;
    char *t = fmt("%s, %s %s yuan", funds, pol_key(p, sh), yuan(v, m1));
    free(funds);
    funds = t;
    json_object_set_new(f, pol_key(p, sh), cli_money(v));
  }
  char *addons = fmt("%s", "");
  json_t *ad = json_array();
  for (uint32_t a = 0; a < pol_count(p, POL_ADDON); a++) {
    pol_handle ah = pol_handle_at(p, POL_ADDON, a), payer;
    int64_t amt = pol_answer_addon(ev, ah, &payer);
    if (amt < 0) continue;
    const char *who = pol_handle_is_null(payer) ? "individual" : pol_key(p, payer);
    char *t = fmt("%s; add-on %s (%s) %s yuan paid by %s", addons, pol_key(p, ah),
                  pol_label(p, ah), yuan(amt, m1), who);
    free(addons);
    addons = t;
    if (pol_addon_required(p, ah)) { /* #19 B2: part of the payment, maybe paid in part */
      t = fmt("%s (compulsory, in the amounts above; the resident's share %s yuan)", addons,
              yuan(pol_answer_addon_individual(ev, ah), m1));
      free(addons);
      addons = t;
    }
    json_array_append_new(ad, json_pack("{s:s,s:o,s:s}", "addon", pol_key(p, ah), "amount",
                                        cli_money(amt), "paid_by", who));
  }
  /* #19 B4: the other benefit years the payment buys (their amounts are in the totals) */
  for (uint32_t i = 0; payable && i < pol_answer_period_count(ev); i++) { /* refused: no dates */
    pol_benefit_period bp;
    char s1[11], s2[11];
    if (!pol_answer_period(ev, i, &bp) || !bp.key) continue;
    char *t = fmt("%s; %s %d (period %s, %s): individual %s yuan, benefits %s .. %s", addons,
                  i == 0 ? "buys instead" : "also buys", /* first: instead of the policy's */
                  (int)bp.year,
                  bp.key, bp.label, yuan(bp.individual, m1), day_text(bp.start, s1),
                  day_text(bp.end, s2));
    free(addons);
    addons = t;
  }
  json_t *o;
  if (payable)
    o = step(steps, "answer", fmt("payable: individual %s yuan%s; benefits %s .. %s%s%s",
                                  yuan(pol_answer_individual(ev), m2), funds, day_text(start, d1),
                                  day_text(end, d2), wm   ? " (after the wait)"
                                                     : wd ? " (after the wait)"
                                                          : "",
                                  addons));
  else
    o = step(steps, "answer", fmt("not payable: %s", pol_answer_reason(ev)));
  free(funds);
  free(addons);
  set_before_text(o, "payable", json_boolean(payable));
  set_before_text(o, "reason", payable ? json_null() : json_string(pol_answer_reason(ev)));
  set_before_text(o, "individual", cli_money(pol_answer_individual(ev)));
  set_before_text(o, "funding", f);
  set_before_text(o, "addons", ad);
  set_before_text(o, "benefit_start", payable ? cli_date(start) : json_null());
  set_before_text(o, "benefit_end", payable ? cli_date(end) : json_null());
  set_before_text(o, "waiting_months", json_integer(wm));
  set_before_text(o, "waiting_days", json_integer(wd));
  free(cands);
  free(fund);
  return root;
oom:
  fprintf(stderr, "polc explain: out of memory\n");
fail:
  free(cands);
  free(fund);
  json_decref(root);
  return NULL;
}

static void print_text(json_t *root) {
  printf("%s — %s (%s), benefit year %d\n", json_string_value(json_object_get(root, "policy")),
         json_string_value(json_object_get(root, "title")),
         json_string_value(json_object_get(root, "issuer")),
         (int)json_integer_value(json_object_get(root, "benefit_year")));
  char *r = json_dumps(json_object_get(root, "resident"), JSON_COMPACT | JSON_PRESERVE_ORDER);
  printf("resident %s, paying on %s\n", r ? r : "?",
         json_string_value(json_object_get(root, "date")));
  free(r);
  json_t *steps = json_object_get(root, "steps");
  size_t i;
  json_t *s;
  const char *last = "";
  static const struct { const char *kind, *title; } heads[] = {
      {"condition", "Which categories' conditions hold"},
      {"choice", "Which category is chosen"},
      {"amounts", "What it costs"},
      {"window", "The payment window of the date"},
      {"rule", "Rules"},
      {"rules_not_applied", "Rules"},
      {"wait", "The waiting period"},
      {"answer", "The answer"},
  };
  int n = 0;
  json_array_foreach(steps, i, s) {
    const char *kind = json_string_value(json_object_get(s, "step"));
    int same_head = 0;
    for (size_t h = 0; h < sizeof heads / sizeof *heads; h++)
      for (size_t g = 0; g < sizeof heads / sizeof *heads; g++)
        if (!strcmp(heads[h].kind, kind) && !strcmp(heads[g].kind, last) &&
            !strcmp(heads[h].title, heads[g].title))
          same_head = 1;
    if (!same_head)
      for (size_t h = 0; h < sizeof heads / sizeof *heads; h++)
        if (!strcmp(heads[h].kind, kind)) printf("\n%d. %s\n", ++n, heads[h].title);
    last = kind;
    printf("   %s\n", json_string_value(json_object_get(s, "text")));
    json_t *ag = json_object_get(s, "against");
    size_t j;
    json_t *a;
    json_array_foreach(ag, j, a) printf("     over %s: %s\n",
                                        json_string_value(json_object_get(a, "category")),
                                        json_string_value(json_object_get(a, "text")));
  }
}

int cmd_explain(int argc, char **argv) {
  const char *policy = NULL, *resident = NULL, *date = NULL, *format = "text";
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **dst = strcmp(a, "--resident") == 0 ? &resident
                       : strcmp(a, "--date") == 0   ? &date
                       : strcmp(a, "--format") == 0 ? &format
                                                    : NULL;
    if (dst) {
      if (i + 1 >= argc) return cli_usage_error("explain", "%s needs a value", a);
      *dst = argv[++i];
    } else if (a[0] == '-' && a[1]) {
      return cli_usage_error("explain", "unknown option '%s'", a);
    } else if (!policy) {
      policy = a;
    } else {
      return cli_usage_error("explain", "unexpected argument '%s'", a);
    }
  }
  if (!policy) return cli_usage_error("explain", "%s", "missing POLICY");
  if (!resident) return cli_usage_error("explain", "%s", "missing --resident R (JSON or @file.json)");
  if (!date) return cli_usage_error("explain", "%s", "missing --date YYYY-MM-DD");
  int json = strcmp(format, "json") == 0;
  if (!json && strcmp(format, "text") != 0)
    return cli_usage_error("explain", "--format: expected text or json, got '%s'", format);
  int32_t day;
  if (pol_date_parse(date, &day) != POL_OK) {
    fprintf(stderr, "polc explain: --date: expected a date \"YYYY-MM-DD\", got \"%s\"\n", date);
    return CLI_BAD;
  }
  pol_program *p = cli_open_policy(policy);
  if (!p) return CLI_BAD;
  int rc = CLI_BAD;
  pol_eval *ev = pol_eval_new(p);
  char *text = resident[0] == '@' ? cli_read_text(resident + 1) : NULL;
  json_t *given = json_loads(text ? text : resident, 0, NULL);
  free(text);
  if (!ev) {
    fprintf(stderr, "polc: out of memory\n");
  } else if (cli_set_resident(ev, "explain", resident, day) != CLI_OK) {
    /* message printed */
  } else if (pol_quote(ev, day) != POL_OK) {
    fprintf(stderr, "polc explain: %s: %s\n", policy, pol_eval_error(ev));
  } else {
    json_t *root = explain(p, ev, json_incref(given), day);
    if (root) {
      rc = pol_answer_payable(ev) ? CLI_OK : CLI_NEGATIVE;
      if (json) {
        char *s = cli_dump(root);
        if (s) printf("%s\n", s);
        free(s);
      } else {
        print_text(root);
        json_decref(root);
      }
    }
  }
  json_decref(given);
  pol_eval_free(ev);
  pol_program_free(p);
  return rc;
}
