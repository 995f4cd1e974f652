/*
 * answer.c — the typed API's output side: accessors of the last answer, and the two
 * texts an answer has (the reason, the `why` lines), formatted only when asked for into
 * buffers owned by the evaluation context.  api/json.c renders answers through these.
 *
 * Invariant: before a successful pol_quote (ev->has_answer false) every accessor returns
 * its "none" value and reads no answer field.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "eval.h"
#include "money.h"

#define NO_DATE INT32_MIN

static bool answered(const pol_eval *ev) {
  return ev != NULL && ev->has_answer;
}

int pol_answer_payable(const pol_eval *ev) {
  return answered(ev) && ev->payable;
}

pol_handle pol_answer_category(const pol_eval *ev) {
  if (!answered(ev) || ev->category == PRG_NONE)
    return (pol_handle){0};
  return eval_handle(ev->p, POL_CATEGORY, ev->category);
}

int pol_answer_matched(pol_eval *ev, pol_handle category) {
  uint32_t i;
  if (!answered(ev) || !eval_handle_index(ev->p, category, POL_CATEGORY, &i) ||
      eval_matched(ev) != POL_OK)
    return 0;
  return ev->matched[i] != 0;
}

int pol_answer_subsidized(const pol_eval *ev) {
  return answered(ev) && ev->slots[SLOT_SUBSIDIZED] != 0;
}

pol_handle pol_answer_window(const pol_eval *ev) {
  if (!answered(ev) || ev->window == PRG_NONE)
    return (pol_handle){0};
  return eval_handle(ev->p, POL_WINDOW, ev->window);
}

/* An unstated value (#19 B3) reads as its "none" value: pol_answer_unstated names it. */
int64_t pol_answer_individual(const pol_eval *ev) {
  return answered(ev) && ev->unst_individual == PRG_NONE ? ev->individual : 0;
}

int64_t pol_answer_funding(const pol_eval *ev, pol_handle source) {
  uint32_t s;
  if (!answered(ev) || !eval_handle_index(ev->p, source, POL_SOURCE, &s) ||
      ev->unst_funding[s] != PRG_NONE)
    return 0;
  return ev->funding[s];
}

/* The p->unstated entry that makes value v of the last answer unknown, or PRG_NONE. */
static uint32_t unstated_entry(const pol_eval *ev, pol_value v, pol_handle source) {
  uint32_t s;
  switch (v) {
  case POL_VALUE_PAYABLE: return ev->rsn_kind == RSN_UNSTATED ? ev->rsn_arg : PRG_NONE;
  case POL_VALUE_INDIVIDUAL: return ev->unst_individual;
  case POL_VALUE_FUNDING:
    return eval_handle_index(ev->p, source, POL_SOURCE, &s) ? ev->unst_funding[s] : PRG_NONE;
  case POL_VALUE_WORTH: return ev->unst_worth;
  case POL_VALUE_START: return ev->unst_start != PRG_NONE ? ev->unst_start : ev->unst_wait;
  case POL_VALUE_END: return ev->unst_end;
  case POL_VALUE_WAIT: return ev->unst_wait;
  }
  return PRG_NONE;
}

const char *pol_answer_unstated(const pol_eval *ev, pol_value v, pol_handle source) {
  uint32_t u;
  if (!answered(ev) || (u = unstated_entry(ev, v, source)) == PRG_NONE || u >= ev->p->nunstated)
    return NULL;
  return prg_str(ev->p, ev->p->unstated[u].sentence);
}

const char *pol_answer_unstated_cite(const pol_eval *ev, pol_value v, pol_handle source) {
  uint32_t u;
  if (!answered(ev) || (u = unstated_entry(ev, v, source)) == PRG_NONE || u >= ev->p->nunstated)
    return NULL;
  return prg_str(ev->p, ev->p->unstated[u].cite);
}

int64_t pol_answer_worth(const pol_eval *ev) {
  return answered(ev) && ev->unst_worth == PRG_NONE ? ev->worth : 0;
}

int32_t pol_answer_start(const pol_eval *ev) {
  return answered(ev) && ev->unst_start == PRG_NONE && ev->unst_wait == PRG_NONE ? ev->start
                                                                                 : NO_DATE;
}

int32_t pol_answer_end(const pol_eval *ev) {
  return answered(ev) && ev->unst_end == PRG_NONE ? ev->end : NO_DATE;
}

int64_t pol_answer_wait_months(const pol_eval *ev) {
  return answered(ev) && ev->unst_wait == PRG_NONE ? ev->wait_months : 0;
}

int64_t pol_answer_wait_days(const pol_eval *ev) {
  return answered(ev) && ev->unst_wait == PRG_NONE ? ev->wait_days : 0;
}

int pol_answer_waiting(const pol_eval *ev) {
  return answered(ev) && ev->unst_wait == PRG_NONE && (ev->wait_months != 0 || ev->wait_days != 0);
}

int64_t pol_answer_addon(const pol_eval *ev, pol_handle addon, pol_handle *payer) {
  uint32_t a;
  if (payer)
    *payer = (pol_handle){0};
  if (!answered(ev) || !eval_handle_index(ev->p, addon, POL_ADDON, &a))
    return -1;
  if (payer && ev->addon_amount[a] >= 0 && ev->addon_payer[a] != PRG_NONE)
    *payer = eval_handle(ev->p, POL_SOURCE, ev->addon_payer[a]);
  return ev->addon_amount[a];
}

int64_t pol_answer_addon_individual(const pol_eval *ev, pol_handle addon) {
  uint32_t a;
  if (!answered(ev) || !eval_handle_index(ev->p, addon, POL_ADDON, &a) || ev->addon_amount[a] < 0)
    return -1;
  return ev->addon_individual[a];
}

int pol_addon_required(const pol_program *p, pol_handle addon) {
  uint32_t a;
  return eval_handle_index(p, addon, POL_ADDON, &a) && p->addons[a].required;
}

uint32_t pol_unstated_count(const pol_program *p) {
  return p ? p->nunstated : 0;
}

uint32_t pol_answer_period_count(const pol_eval *ev) {
  if (!answered(ev) || ev->p->nperiods == 0 || ev->category == PRG_NONE)
    return 0;
  uint32_t n = ev->instead == PRG_NONE;
  for (uint32_t i = 0; i < ev->p->nperiods; i++)
    n += ev->period_on[i] != 0;
  return n;
}

/* The i-th period of the answer as an index of p->periods, PRG_NONE for the policy's own
 * year; false past the last. */
static bool nth_period(const pol_eval *ev, uint32_t i, uint32_t *which) {
  if (i >= pol_answer_period_count(ev))
    return false;
  if (ev->instead == PRG_NONE && i-- == 0) {
    *which = PRG_NONE;
    return true;
  }
  for (uint32_t x = 0; x < ev->p->nperiods; x++)
    if (ev->period_on[x] && i-- == 0) {
      *which = x;
      return true;
    }
  return false;
}

int pol_answer_period(const pol_eval *ev, uint32_t i, pol_benefit_period *out) {
  uint32_t x;
  if (out == NULL || !nth_period(ev, i, &x))
    return 0;
  const pol_program *p = ev->p;
  bool main = x == PRG_NONE;
  /* the policy's own year reads its unstated values as "none", like the answer's */
  out->key = main ? NULL : prg_str(p, p->periods[x].key);
  out->label = main ? NULL : prg_str(p, p->periods[x].label);
  out->year = main ? p->year : p->periods[x].year;
  out->individual = !main ? ev->period_individual[x]
                    : ev->unst_individual == PRG_NONE ? ev->main_individual : 0;
  out->worth = !main ? ev->period_worth[x] : ev->unst_worth == PRG_NONE ? ev->main_worth : 0;
  out->start = !main ? ev->period_start[x]
               : ev->unst_start == PRG_NONE && ev->unst_wait == PRG_NONE ? ev->start : NO_DATE;
  out->end = !main ? ev->period_end[x] : ev->unst_end == PRG_NONE ? ev->end : NO_DATE;
  return 1;
}

int64_t pol_answer_period_funding(const pol_eval *ev, uint32_t i, pol_handle source) {
  uint32_t x, s;
  if (!nth_period(ev, i, &x) || !eval_handle_index(ev->p, source, POL_SOURCE, &s))
    return 0;
  if (x == PRG_NONE)
    return ev->unst_funding[s] == PRG_NONE ? ev->main_funding[s] : 0;
  return ev->period_funding[(size_t)x * ev->p->nsources + s];
}

/* ---- texts -------------------------------------------------------------------------- */

void eval_msg_add(eval_msg *m, const char *fmt, ...) {
  if (m->len + 1 >= m->cap)
    return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(m->buf + m->len, m->cap - m->len, fmt, ap);
  va_end(ap);
  if (n > 0)
    m->len = (size_t)n < m->cap - m->len ? m->len + (size_t)n : m->cap - 1;
}

typedef eval_msg msg;
#define msg_add eval_msg_add

/* First (last) day of w that its day filter admits; its lo (hi) if none within a month. */
static int32_t first_payable(const prg_window *w) {
  for (int32_t d = w->lo; d <= w->hi && d - w->lo < 31; d++)
    if (vm_in_window(w, d))
      return d;
  return w->lo;
}

static int32_t last_payable(const prg_window *w) {
  for (int32_t d = w->hi; d >= w->lo && w->hi - d < 31; d--)
    if (vm_in_window(w, d))
      return d;
  return w->hi;
}

const char *pol_answer_reason(pol_eval *ev) {
  if (!answered(ev) || ev->payable)
    return "";
  const pol_program *p = ev->p;
  const prg_window *earliest = NULL, *latest = NULL;
  char d[11], edge[11];
  msg m = {ev->reason, sizeof ev->reason, 0};
  ev->reason[0] = '\0';
  cal_format(ev->date, d);
  for (uint32_t i = 0; i < p->nwindows; i++) {
    const prg_window *w = &p->windows[i];
    if (w->lo > w->hi)
      continue;
    if (earliest == NULL || w->lo < earliest->lo)
      earliest = w;
    if (latest == NULL || w->hi > latest->hi)
      latest = w;
  }
  switch (ev->rsn_kind) {
  case RSN_DAYS: {
    const prg_window *w = &p->windows[ev->rsn_arg];
    msg_add(&m, "payments are accepted on days %u\u2013%u of each month", (unsigned)w->dlo,
            (unsigned)w->dhi);
    break;
  }
  case RSN_BEFORE:
    cal_format(first_payable(earliest), edge);
    msg_add(&m, "%s is before the collection period opens on %s", d, edge);
    break;
  case RSN_AFTER:
    cal_format(last_payable(latest), edge);
    msg_add(&m, "%s is after the last payment date %s", d, edge);
    break;
  case RSN_OUTSIDE: msg_add(&m, "%s is outside every payment window", d); break;
  case RSN_TEXT: msg_add(&m, "%s", prg_str(p, ev->rsn_arg)); break;
  case RSN_NO_CATEGORY: msg_add(&m, "no category of the policy applies to this resident"); break;
  case RSN_UNSTATED:
    if (ev->rsn_arg < p->nunstated) {
      const prg_unstated *u = &p->unstated[ev->rsn_arg];
      msg_add(&m, "the notice does not state when payments are accepted: \u201c%s\u201d",
              prg_str(p, u->sentence));
      if (*prg_str(p, u->cite))
        msg_add(&m, " [%s]", prg_str(p, u->cite));
    }
    break;
  default: break;
  }
  return ev->reason;
}

/* "KEY (LABEL) [CITE]", the label and cite left out when empty. */
static void decl_name(msg *m, const pol_program *p, prg_strref key, prg_strref label,
                      prg_strref cite) {
  msg_add(m, "%s", prg_str(p, key));
  if (*prg_str(p, label))
    msg_add(m, " (%s)", prg_str(p, label));
  if (*prg_str(p, cite))
    msg_add(m, " [%s]", prg_str(p, cite));
}

static const char *choose_dir(uint8_t kind) {
  switch (kind) {
  case KEY_LOWEST_INDIVIDUAL:
  case KEY_LOWEST_FUNDING:
  case KEY_LOWEST_SOURCE: return "lowest";
  case KEY_FIRST: return "first";
  case KEY_LAST: return "last";
  default: return "highest";
  }
}

static const char *choose_what(const pol_program *p, const prg_choose_key *k) {
  switch (k->kind) {
  case KEY_LOWEST_INDIVIDUAL:
  case KEY_HIGHEST_INDIVIDUAL: return "individual";
  case KEY_LOWEST_FUNDING:
  case KEY_HIGHEST_FUNDING: return "funding";
  case KEY_LOWEST_SOURCE:
  case KEY_HIGHEST_SOURCE:
    return k->source < p->nsources ? prg_str(p, p->sources[k->source].key) : "";
  default: return "";
  }
}

/* ": benefits from 2026-01-01, surcharge 700 yuan" — what the effects first..first+count
 * of a window or rule did for this answer. */
static void effects_text(pol_eval *ev, msg *m, uint32_t first, uint32_t count) {
  const pol_program *p = ev->p;
  uint32_t said = 0;
  for (uint32_t i = 0; i < count; i++) {
    const prg_effect *e = &p->effects[first + i];
    int64_t v;
    char t[MONEY_MAX_TEXT > 11 ? MONEY_MAX_TEXT : 11];
    /* a refused answer has no benefit period: `why` states none (an unknown payability,
     * #19 B3, is no refusal) */
    if (!ev->payable && ev->rsn_kind != RSN_UNSTATED && (e->kind == EFF_START || e->kind == EFF_END))
      continue;
    if (eval_effect_value(ev, first + i, &v) != POL_OK)
      return;
    msg_add(m, "%s", said++ ? ", " : ": ");
    uint32_t u = p->nunstated && e->kind <= EFF_SURCHARGE
                     ? eval_unstated(p, UNST_EFFECT, first + i) : PRG_NONE;
    if (u != PRG_NONE) {
      static const char *const what[] = {"benefit start", "benefit end", "wait", "wait",
                                         "surcharge"};
      msg_add(m, "%s not stated by the notice (\u201c%s\u201d)", what[e->kind],
              prg_str(p, p->unstated[u].sentence));
      continue;
    }
    switch (e->kind) {
    case EFF_START:
    case EFF_END:
      if (v >= CAL_MIN_DAY && v <= CAL_MAX_DAY)
        cal_format((int32_t)v, t);
      else
        snprintf(t, sizeof t, "?");
      msg_add(m, "benefits %s %s", e->kind == EFF_START ? "from" : "end", t);
      break;
    case EFF_WAIT_MONTHS: msg_add(m, "waits %lld months", (long long)v); break;
    case EFF_WAIT_DAYS: msg_add(m, "waits %lld days", (long long)v); break;
    case EFF_WAIT_MONTHS_AS_DAYS:
    case EFF_WAIT_DAYS_AS_MONTHS: {
      int64_t n;
      if (eval_effect_counted(ev, first + i, &n) != POL_OK)
        return;
      bool months = e->kind == EFF_WAIT_MONTHS_AS_DAYS;
      msg_add(m, "waits %lld %s (counted as %lld %s)", (long long)v, months ? "months" : "days",
              (long long)n, months ? "days" : "months");
      break;
    }
    case EFF_SURCHARGE:
      money_format(v, t);
      msg_add(m, "surcharge %s yuan", t);
      break;
    case EFF_FREE: msg_add(m, "owes nothing"); break;
    case EFF_PAYABLE: msg_add(m, "payable"); break;
    case EFF_NOT_PAYABLE: msg_add(m, "not payable: %s", prg_str(p, e->reason)); break;
    default: break;
    }
  }
}

/* The `why` lines: the category, the window, then each rule that applied, with what the
 * window and each rule did. */
uint32_t pol_answer_why_count(pol_eval *ev) {
  if (!answered(ev))
    return 0;
  uint32_t n = 2;
  for (uint32_t i = 0; i < ev->p->nrules; i++)
    n += ev->applied[i] != 0;
  for (uint32_t i = 0; i < ev->p->nperiods; i++)
    n += ev->period_on[i] != 0;
  return n;
}

/* The value of choose key k for amounts a and funding f (0 for the order keys). */
static int64_t key_value(const prg_choose_key *k, const eval_amounts *a, const int64_t *f,
                         uint32_t nsources) {
  switch (k->kind) {
  case KEY_LOWEST_INDIVIDUAL:
  case KEY_HIGHEST_INDIVIDUAL: return a->individual;
  case KEY_LOWEST_FUNDING:
  case KEY_HIGHEST_FUNDING: return a->funding;
  case KEY_LOWEST_SOURCE:
  case KEY_HIGHEST_SOURCE: return k->source < nsources ? f[k->source] : 0;
  default: return 0;
  }
}

/* A matched category other than the chosen one that ties with it on every choose key
 * before the first order key (`first`, `last`, or none at all): file order decided
 * between them.  PRG_NONE if the keys decided. */
static uint32_t order_tie(pol_eval *ev) {
  const pol_program *p = ev->p;
  uint32_t n = p->nsources;
  if (n > 64)
    return PRG_NONE;
  int64_t cf[n ? n : 1], of[n ? n : 1];
  eval_amounts ca, oa;
  bool bad;
  if (eval_category(ev, ev->category, &ca, cf, &bad) != POL_OK || bad)
    return PRG_NONE;
  for (uint32_t i = 0; i < p->ncategories; i++) {
    if (i == ev->category || !ev->matched[i])
      continue;
    if (eval_category(ev, i, &oa, of, &bad) != POL_OK || bad)
      continue;
    bool tie = true;
    for (uint32_t k = 0; k < p->nchoose && tie; k++) {
      const prg_choose_key *key = &p->choose[k];
      if (key->kind == KEY_FIRST || key->kind == KEY_LAST)
        break;
      tie = key_value(key, &ca, cf, n) == key_value(key, &oa, of, n);
    }
    if (tie)
      return i;
  }
  return PRG_NONE;
}

static void category_line(pol_eval *ev, msg *m) {
  const pol_program *p = ev->p;
  if (ev->category == PRG_NONE) {
    msg_add(m, "no category of the policy applies to this resident");
    return;
  }
  const prg_category *c = &p->categories[ev->category];
  msg_add(m, "category ");
  decl_name(m, p, c->key, c->label, c->cite);
  uint32_t nmatched = 0;
  if (eval_matched(ev) != POL_OK)
    return;
  for (uint32_t i = 0; i < p->ncategories; i++)
    nmatched += ev->matched[i] != 0;
  if (nmatched <= 1) {
    msg_add(m, ": the only category that applies");
    return;
  }
  msg_add(m, ": chosen by ");
  for (uint32_t k = 0; k < p->nchoose; k++) {
    const prg_choose_key *key = &p->choose[k];
    const char *what = choose_what(p, key);
    msg_add(m, "%s%s%s%s", k ? ", then " : "", choose_dir(key->kind), *what ? " " : "", what);
  }
  if (p->nchoose == 0)
    msg_add(m, "file order");
  msg_add(m, " among ");
  const char *sep = "";
  for (uint32_t i = 0; i < p->ncategories; i++)
    if (ev->matched[i]) {
      msg_add(m, "%s%s", sep, prg_str(p, p->categories[i].key));
      sep = ", ";
    }
  if (*prg_str(p, p->choose_cite))
    msg_add(m, " [%s]", prg_str(p, p->choose_cite));
  uint32_t tie = p->nchoose ? order_tie(ev) : PRG_NONE;
  if (tie != PRG_NONE)
    msg_add(m, "; tied with %s on the amounts: file order decided",
            prg_str(p, p->categories[tie].key));
}

const char *pol_answer_why(pol_eval *ev, uint32_t i) {
  if (i >= pol_answer_why_count(ev))
    return "";
  const pol_program *p = ev->p;
  msg m = {ev->why, sizeof ev->why, 0};
  ev->why[0] = '\0';
  if (i == 0) {
    category_line(ev, &m);
  } else if (i == 1) {
    if (ev->window != PRG_NONE) {
      const prg_window *w = &p->windows[ev->window];
      msg_add(&m, "window ");
      decl_name(&m, p, w->key, w->label, w->cite);
      effects_text(ev, &m, w->eff_first, w->eff_count);
    } else {
      char d[11];
      cal_format(ev->date, d);
      msg_add(&m, "no payment window contains %s", d);
    }
  } else {
    uint32_t k = i - 2;
    bool done = false;
    for (uint32_t r = 0; r < p->nrules && !done; r++)
      if (ev->applied[r] && k-- == 0) {
        msg_add(&m, "rule ");
        decl_name(&m, p, p->rules[r].key, p->rules[r].label, p->rules[r].cite);
        effects_text(ev, &m, p->rules[r].eff_first, p->rules[r].eff_count);
        done = true;
      }
    /* then each period bought (#19 B4): "period arrears (…) [二、4]: also buys 2025,
     * individual 380 yuan, benefits 2025-01-01 .. 2025-12-31" */
    for (uint32_t x = 0; x < p->nperiods && !done; x++)
      if (ev->period_on[x] && k-- == 0) {
        const prg_period *pd = &p->periods[x];
        char a[MONEY_MAX_TEXT], s[11], e[11];
        money_format(ev->period_individual[x], a);
        if (ev->period_start[x] != EVAL_NO_DATE) {
          cal_format(ev->period_start[x], s);
          cal_format(ev->period_end[x], e);
        }
        msg_add(&m, "period ");
        decl_name(&m, p, pd->key, pd->label, pd->cite);
        if (pd->instead)
          msg_add(&m, ": buys %d instead of %d", (int)pd->year, (int)p->year);
        else
          msg_add(&m, ": also buys %d", (int)pd->year);
        if (ev->period_start[x] == EVAL_NO_DATE) /* a refused answer's: no benefit period */
          msg_add(&m, ", individual %s yuan", a);
        else
          msg_add(&m, ", individual %s yuan, benefits %s .. %s", a, s, e);
        done = true;
      }
  }
  return ev->why;
}
