/*
 * quote.c — evaluation contexts and the quote (docs/LANGUAGE.md): lets, categories and the
 * choice among them, the payment window, rules, add-ons.
 *
 * Invariants:
 *  - every buffer of a pol_eval is sized from its program at pol_eval_new; pol_quote
 *    writes only into those buffers and never allocates;
 *  - money is int64 fen throughout and every sum is checked for overflow: a quote either
 *    fails with POL_ERUNTIME or its amounts are exact;
 *  - ev->has_answer is true only after a pol_quote that returned POL_OK; after a failed
 *    quote the answer fields are meaningless and pol_answer_json returns NULL;
 *  - absent sections (start == end == 0) are never run: an absent `when` of a rule or a
 *    `paid by` holds, an absent worth is the sum of the parts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "eval.h"
#include "money.h"
#include "plan.h"

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* ---- allocation --------------------------------------------------------------------- */

/* At least one element, so that NULL always means out of memory. */
static void *alloc_n(size_t n, size_t size) {
  return calloc(n ? n : 1, size);
}

pol_eval *eval_new(const pol_program *p, bool planned) {
  if (p == NULL)
    return NULL;
  pol_eval *ev = calloc(1, sizeof *ev);
  if (ev == NULL)
    return NULL;
  ev->p = p;
  ev->plan = planned ? plan_of(p) : NULL;
  ev->slots = alloc_n(eval_slot_count(p), sizeof *ev->slots);
  ev->resident = alloc_n(eval_slot_count(p), sizeof *ev->resident);
  ev->resident0 = alloc_n(eval_slot_count(p), sizeof *ev->resident0);
  ev->bought = alloc_n(p->naddons, sizeof *ev->bought);
  ev->given = alloc_n(p->nattrs, sizeof *ev->given);
  ev->qdate = alloc_n(p->nattrs, sizeof *ev->qdate);
  ev->setters = alloc_n(p->nattrs, sizeof *ev->setters);
  ev->scratch = alloc_n(p->nsources, sizeof *ev->scratch);
  ev->matched = alloc_n(p->ncategories, sizeof *ev->matched);
  ev->funding = alloc_n(p->nsources, sizeof *ev->funding);
  ev->applied = alloc_n(p->nrules, sizeof *ev->applied);
  ev->addon_amount = alloc_n(p->naddons, sizeof *ev->addon_amount);
  ev->addon_payer = alloc_n(p->naddons, sizeof *ev->addon_payer);
  ev->addon_individual = alloc_n(p->naddons, sizeof *ev->addon_individual);
  ev->unst_funding = alloc_n(p->nsources, sizeof *ev->unst_funding);
  ev->period_on = alloc_n(p->nperiods, sizeof *ev->period_on);
  ev->period_worth = alloc_n(p->nperiods, sizeof *ev->period_worth);
  ev->period_individual = alloc_n(p->nperiods, sizeof *ev->period_individual);
  ev->period_funding = alloc_n((size_t)p->nperiods * p->nsources, sizeof *ev->period_funding);
  ev->period_start = alloc_n(p->nperiods, sizeof *ev->period_start);
  ev->period_end = alloc_n(p->nperiods, sizeof *ev->period_end);
  ev->main_funding = alloc_n(p->nsources, sizeof *ev->main_funding);
  ev->instead = PRG_NONE;
  if (!ev->period_on || !ev->period_worth || !ev->period_individual || !ev->period_funding ||
      !ev->period_start || !ev->period_end || !ev->main_funding) {
    pol_eval_free(ev);
    return NULL;
  }
  if (!ev->addon_individual || !ev->unst_funding || !ev->slots || !ev->resident || !ev->resident0 || !ev->qdate || !ev->setters || !ev->bought || !ev->given || !ev->scratch || !ev->matched ||
      !ev->funding || !ev->applied || !ev->addon_amount || !ev->addon_payer) {
    pol_eval_free(ev);
    return NULL;
  }
  for (uint32_t i = 0; i < p->naddons; i++) {
    ev->bought[i] = -1;
    ev->addon_amount[i] = -1;
    ev->addon_payer[i] = PRG_NONE;
  }
  ev->window = PRG_NONE;
  ev->category = PRG_NONE;
  ev->unst_individual = ev->unst_worth = ev->unst_start = ev->unst_end = ev->unst_wait =
      ev->unst_surcharge = PRG_NONE;
  for (uint32_t s = 0; s < p->nsources; s++)
    ev->unst_funding[s] = PRG_NONE;
  eval_resident_init(ev);
  ev->dom_day = INT64_MIN; /* no day looked up yet */
  for (uint32_t i = 0; i < p->nattrs; i++)
    if (p->attrs[i].presence == PRESENCE_QUERY_DATE && !p->attrs[i].is_identities)
      ev->qdate[ev->nqdate++] = i;
  if (cal_valid(p->year, 1, 1)) {
    ev->year_start = cal_from_ymd(p->year, 1, 1);
    ev->year_end = cal_from_ymd(p->year, 12, 31);
  }
  return ev;
}

/* A program with externs needs its host functions: pol_eval_open (api/host.c). */
pol_eval *pol_eval_new(const pol_program *p) {
  return p == NULL || p->nexterns > 0 ? NULL : eval_new(p, true);
}

void pol_eval_free(pol_eval *ev) {
  if (ev == NULL)
    return;
  free(ev->slots);
  free(ev->resident);
  free(ev->resident0);
  free(ev->bought);
  free(ev->given);
  free(ev->qdate);
  free(ev->setters);
  free(ev->scratch);
  free(ev->matched);
  free(ev->funding);
  free(ev->applied);
  free(ev->addon_amount);
  free(ev->addon_payer);
  free(ev->addon_individual);
  free(ev->unst_funding);
  free(ev->period_on);
  free(ev->period_worth);
  free(ev->period_individual);
  free(ev->period_funding);
  free(ev->period_start);
  free(ev->period_end);
  free(ev->main_funding);
  free(ev->calls);
  free(ev);
}

const char *pol_eval_error(const pol_eval *ev) {
  return ev ? ev->error : "no evaluation context";
}

/* ---- helpers ------------------------------------------------------------------------ */

static pol_status fail(pol_eval *ev, pol_status st, const char *fmt, ...) PRINTF_LIKE(3, 4);

static pol_status fail(pol_eval *ev, pol_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ev->error, sizeof ev->error, fmt, ap);
  va_end(ap);
  return st;
}

/* start == end == 0 marks an absent section; any empty one has no code to run. */
static bool absent(prg_section s) {
  return s.start >= s.end;
}

static bool add_ok(int64_t a, int64_t b, int64_t *out) {
  if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
    return false;
  *out = a + b;
  return true;
}

static bool sub_ok(int64_t a, int64_t b, int64_t *out) {
  if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b))
    return false;
  *out = a - b;
  return true;
}

static bool is_day(int64_t v) {
  return v >= CAL_MIN_DAY && v <= CAL_MAX_DAY;
}

static const char *source_key(const pol_program *p, uint32_t source) {
  return source == PRG_NONE ? "individual" : prg_str(p, p->sources[source].key);
}

/* ---- values the notice does not state (#19 B3) ------------------------------------------ */

uint32_t eval_unstated(const pol_program *p, uint8_t what, uint32_t index) {
  for (uint32_t i = 0; i < p->nunstated; i++)
    if (p->unstated[i].what == what && p->unstated[i].index == index)
      return i;
  return PRG_NONE;
}

bool eval_unstated_fund(const pol_program *p, uint32_t ci) {
  const prg_category *cat = &p->categories[ci];
  for (uint32_t k = 0; p->nunstated > 0 && k < cat->part_count; k++)
    if (p->parts[cat->part_first + k].source != PRG_NONE &&
        eval_unstated(p, UNST_PART, cat->part_first + k) != PRG_NONE)
      return true;
  return false;
}

/* The first unstated entry among category ci's worth and parts, or PRG_NONE. */
static uint32_t category_unstated(const pol_program *p, uint32_t ci) {
  const prg_category *cat = &p->categories[ci];
  uint32_t u = eval_unstated(p, UNST_WORTH, ci);
  for (uint32_t k = 0; u == PRG_NONE && k < cat->part_count; k++)
    u = eval_unstated(p, UNST_PART, cat->part_first + k);
  return u;
}

/* ---- categories --------------------------------------------------------------------- */

/* Worth (section `worth`) and parts (p->parts[first .. +count), `rest` the index of the
 * rest among them or PRG_NONE) of `what` `key` (a category or a period) into *a and
 * funding[nsources].  Parts must add up to the worth and none may be negative
 * (LANGUAGE.md "Categories"), unless `unknown` (an unstated amount: its stand-in need not
 * add up); when they do not, *bad is set and ev->error says why, so that `polc check` can
 * report it as a finding. */
static pol_status eval_parts(pol_eval *ev, const char *what, const char *key, prg_section worth,
                             uint32_t first, uint32_t count, uint32_t rest, bool unknown,
                             eval_amounts *a, int64_t *funding, bool *bad) {
  const pol_program *p = ev->p;
  char x[MONEY_MAX_TEXT], y[MONEY_MAX_TEXT];
  pol_status st;

  *bad = false;
  memset(funding, 0, p->nsources * sizeof *funding);
  a->individual = 0;
  a->funding = 0;
  if ((st = vm_run(ev, worth, &a->worth)) != POL_OK)
    return st;

  /* Every part in file order, then the rest; the first negative one is reported after
   * the sum. */
  int64_t sum = 0, neg_value = 0;
  uint32_t neg_source = PRG_NONE;
  bool has_neg = false;
  for (uint32_t k = 0; k <= count; k++) {
    bool is_rest = k == count;
    if (is_rest ? rest == PRG_NONE : k == rest)
      continue;
    const prg_part *part = &p->parts[first + (is_rest ? rest : k)];
    int64_t v;
    if (!is_rest) {
      if ((st = vm_run(ev, part->value, &v)) != POL_OK)
        return st;
    } else if (!sub_ok(a->worth, sum, &v)) {
      return fail(ev, POL_ERUNTIME, "%s %s: the rest overflows", what, key);
    }
    int64_t *to = part->source == PRG_NONE ? &a->individual : &funding[part->source];
    if (!add_ok(*to, v, to) || !add_ok(sum, v, &sum))
      return fail(ev, POL_ERUNTIME, "%s %s: parts overflow", what, key);
    if (v < 0 && !has_neg) {
      has_neg = true;
      neg_source = part->source;
      neg_value = v;
    }
  }
  if (sum != a->worth && !unknown) {
    money_format(sum, x);
    money_format(a->worth, y);
    *bad = true;
    fail(ev, POL_ERUNTIME, "%s %s: parts add up to %s yuan, not its worth %s yuan", what, key,
         x, y);
    return POL_OK;
  }
  if (has_neg) {
    money_format(neg_value, x);
    *bad = true;
    fail(ev, POL_ERUNTIME, "%s %s: part %s is negative (%s yuan)", what, key,
         source_key(p, neg_source), x);
    return POL_OK;
  }
  for (uint32_t s = 0; s < p->nsources; s++)
    if (!add_ok(a->funding, funding[s], &a->funding))
      return fail(ev, POL_ERUNTIME, "%s %s: funding overflows", what, key);
  return POL_OK;
}

/* Worth and parts of category ci (eval_parts).  The verifier guarantees a worth section
 * and a section for every part but the rest.  A category with an unstated amount is not
 * checked: its stand-in (0) need not add up. */
pol_status eval_category(pol_eval *ev, uint32_t ci, eval_amounts *a, int64_t *funding,
                         bool *bad) {
  const pol_program *p = ev->p;
  const prg_category *cat = &p->categories[ci];
  bool unknown = p->nunstated > 0 && category_unstated(p, ci) != PRG_NONE;
  return eval_parts(ev, "category", prg_str(p, cat->key), cat->worth, cat->part_first,
                    cat->part_count, cat->rest_part, unknown, a, funding, bad);
}

pol_status eval_period(pol_eval *ev, uint32_t i, eval_amounts *a, int64_t *funding, bool *bad) {
  const pol_program *p = ev->p;
  const prg_period *pd = &p->periods[i];
  return eval_parts(ev, "period", prg_str(p, pd->key), pd->worth, pd->part_first,
                    pd->part_count, pd->rest_part, false, a, funding, bad);
}

static int cmp64(int64_t a, int64_t b) {
  return (a > b) - (a < b);
}

/* > 0 if candidate c (index ci) beats the best so far b (index bi < ci) under the
 * program's choose keys; ties left by the keys go to the lower index, i.e. to b. */
static int better(const pol_program *p, const eval_amounts *c, const int64_t *cf, uint32_t ci,
                  const eval_amounts *b, const int64_t *bf, uint32_t bi) {
  for (uint32_t k = 0; k < p->nchoose; k++) {
    const prg_choose_key *key = &p->choose[k];
    int64_t cv = 0, bv = 0;
    int dir = 1; /* +1: highest wins, -1: lowest wins */
    switch (key->kind) {
    case KEY_LOWEST_INDIVIDUAL: dir = -1; /* fall through */
    case KEY_HIGHEST_INDIVIDUAL:
      cv = c->individual;
      bv = b->individual;
      break;
    case KEY_LOWEST_FUNDING: dir = -1; /* fall through */
    case KEY_HIGHEST_FUNDING:
      cv = c->funding;
      bv = b->funding;
      break;
    case KEY_LOWEST_SOURCE: dir = -1; /* fall through */
    case KEY_HIGHEST_SOURCE:
      if (key->source < p->nsources) {
        cv = cf[key->source];
        bv = bf[key->source];
      }
      break;
    case KEY_FIRST: return ci < bi ? 1 : -1;
    case KEY_LAST: return ci > bi ? 1 : -1;
    default: break;
    }
    int r = dir * cmp64(cv, bv);
    if (r != 0)
      return r;
  }
  return ci < bi ? 1 : -1;
}

/* ---- effects ------------------------------------------------------------------------ */

typedef eval_effects effects;

void eval_effect(eval_effects *e, uint8_t kind, int64_t v, int64_t counted) {
  switch (kind) {
  case EFF_START: e->start = (int32_t)v; break;
  case EFF_END: e->end = (int32_t)v; break;
  case EFF_WAIT_MONTHS: e->wait_months = v; e->wait_days = 0; e->wait_counts = WAIT_COUNTS_BOTH; break;
  case EFF_WAIT_DAYS: e->wait_days = v; e->wait_months = 0; e->wait_counts = WAIT_COUNTS_BOTH; break;
  case EFF_WAIT_MONTHS_AS_DAYS:
    e->wait_months = v;
    e->wait_days = counted;
    e->wait_counts = WAIT_COUNTS_DAYS;
    break;
  case EFF_WAIT_DAYS_AS_MONTHS:
    e->wait_days = v;
    e->wait_months = counted;
    e->wait_counts = WAIT_COUNTS_MONTHS;
    break;
  case EFF_SURCHARGE: e->surcharge = v; break;
  case EFF_FREE: e->free = true; break;
  default: break;
  }
}

/* The lets, once per quote: the planned quote needs them only where a section that is
 * neither a constant nor an input runs. */
static pol_status ensure_lets(pol_eval *ev) {
  const pol_program *p = ev->p;
  pol_status st;
  if (ev->lets_done)
    return POL_OK;
  for (uint32_t i = 0; i < p->nlets; i++)
    if ((st = vm_run(ev, p->lets[i].value, &ev->slots[p->lets[i].slot])) != POL_OK)
      return st;
  ev->lets_done = true;
  return POL_OK;
}

/* Runs section s (after the lets). */
static pol_status run(pol_eval *ev, prg_section s, int64_t *v) {
  pol_status st = ensure_lets(ev);
  return st != POL_OK ? st : vm_run(ev, s, v);
}

pol_status eval_effect_value(pol_eval *ev, uint32_t effect, int64_t *v) {
  const prg_effect *eff = &ev->p->effects[effect];
  *v = 0;
  if (!prg_effect_valued(eff->kind) || (ev->plan && plan_effect_value(ev->plan, ev, effect, v)))
    return POL_OK;
  return run(ev, eff->value, v);
}

pol_status eval_assumed(pol_eval *ev, uint32_t *broken) {
  const pol_program *p = ev->p;
  *broken = PRG_NONE;
  for (uint32_t i = 0; i < p->nassumes; i++) {
    int64_t holds = 0;
    pol_status st;
    if (ev->plan && !ev->slow && plan_assumed(ev->plan, i, ev->slots))
      continue;
    if ((st = vm_run(ev, p->assumes[i].holds, &holds)) != POL_OK)
      return st;
    if (!holds) {
      *broken = i;
      return POL_OK;
    }
  }
  return POL_OK;
}

pol_status eval_effect_counted(pol_eval *ev, uint32_t effect, int64_t *v) {
  const prg_effect *eff = &ev->p->effects[effect];
  *v = 0;
  if (eff->kind != EFF_WAIT_MONTHS_AS_DAYS && eff->kind != EFF_WAIT_DAYS_AS_MONTHS)
    return POL_OK;
  return run(ev, eff->counted, v);
}

static pol_status apply_effects(pol_eval *ev, const char *what, prg_strref who, uint32_t first,
                                uint32_t count, effects *e) {
  const pol_program *p = ev->p;
  for (uint32_t i = 0; i < count; i++) {
    const prg_effect *eff = &p->effects[first + i];
    int64_t v = 0, counted = 0;
    pol_status st;
    if (prg_effect_valued(eff->kind) &&
        !(ev->plan && plan_effect_value(ev->plan, ev, first + i, &v)) &&
        (st = run(ev, eff->value, &v)) != POL_OK)
      return st;
    if ((st = eval_effect_counted(ev, first + i, &counted)) != POL_OK)
      return st;
    if (p->nunstated > 0 && eff->kind <= EFF_SURCHARGE) {
      /* a later effect replaces an earlier one, stated or not */
      uint32_t u = eval_unstated(p, UNST_EFFECT, first + i);
      uint32_t *to = eff->kind == EFF_START ? &ev->unst_start
                     : eff->kind == EFF_END ? &ev->unst_end
                     : eff->kind == EFF_SURCHARGE ? &ev->unst_surcharge
                                                  : &ev->unst_wait;
      *to = u;
    }
    switch (eff->kind) {
    case EFF_START:
    case EFF_END:
      if (!is_day(v))
        return fail(ev, POL_ERUNTIME, "%s %s: benefit %s is not a date", what, prg_str(p, who),
                    eff->kind == EFF_START ? "start" : "end");
      eval_effect(e, eff->kind, v, 0);
      break;
    case EFF_WAIT_MONTHS:
    case EFF_WAIT_DAYS:
    case EFF_WAIT_MONTHS_AS_DAYS:
    case EFF_WAIT_DAYS_AS_MONTHS:
    case EFF_SURCHARGE:
    case EFF_FREE:
      eval_effect(e, eff->kind, v, counted);
      break;
    case EFF_PAYABLE:
      ev->payable = true;
      ev->rsn_kind = RSN_NONE;
      break;
    case EFF_NOT_PAYABLE:
      ev->payable = false;
      ev->rsn_kind = RSN_TEXT;
      ev->rsn_arg = eff->reason;
      break;
    default:
      return fail(ev, POL_ERUNTIME, "%s %s: unknown effect %u", what, prg_str(p, who),
                  (unsigned)eff->kind);
    }
  }
  return POL_OK;
}

/* ---- overrides ---------------------------------------------------------------------- */

void eval_overrides(const pol_program *p, uint8_t *applies) {
  for (uint32_t r = p->nrules; r-- > 0;)
    if (applies[r])
      for (uint32_t k = 0; k < p->rules[r].ovr_count; k++)
        applies[p->overrides[p->rules[r].ovr_first + k]] = 0;
}

uint64_t eval_overrides_mask(const pol_program *p, uint64_t applies) {
  for (uint32_t r = p->nrules < 64 ? p->nrules : 64; r-- > 0;)
    if ((applies >> r) & 1)
      for (uint32_t k = 0; k < p->rules[r].ovr_count; k++) {
        uint32_t o = p->overrides[p->rules[r].ovr_first + k];
        if (o < 64)
          applies &= ~((uint64_t)1 << o);
      }
  return applies;
}

/* ---- windows ------------------------------------------------------------------------ */

uint32_t eval_window_at(const pol_program *p, int32_t date) {
  for (uint32_t i = 0; i < p->nwindows; i++)
    if (p->windows[i].lo <= date && date <= p->windows[i].hi)
      return i;
  return PRG_NONE;
}

/* Payable and reason for window ev->window (PRG_NONE: no window holds the date).  A
 * window whose dates are unstated neither accepts nor refuses: RSN_UNSTATED. */
static void window_reason(pol_eval *ev, bool day_ok) {
  const pol_program *p = ev->p;
  if (ev->window != PRG_NONE) {
    uint32_t u = p->nunstated ? eval_unstated(p, UNST_WINDOW, ev->window) : PRG_NONE;
    ev->payable = day_ok && u == PRG_NONE;
    ev->rsn_kind = u != PRG_NONE ? RSN_UNSTATED : day_ok ? RSN_NONE : RSN_DAYS;
    ev->rsn_arg = u != PRG_NONE ? u : ev->window;
    return;
  }
  /* No window holds the date; it may still lie between two of them. */
  bool before = false, after = false;
  for (uint32_t i = 0; i < p->nwindows; i++) {
    const prg_window *w = &p->windows[i];
    if (w->lo > w->hi)
      continue;
    before = before || ev->date >= w->lo;
    after = after || ev->date <= w->hi;
  }
  ev->payable = false;
  ev->rsn_kind = !before && after ? RSN_BEFORE : before && !after ? RSN_AFTER : RSN_OUTSIDE;
}

/* ---- the quote ---------------------------------------------------------------------- */

static void reset_answer(pol_eval *ev, int32_t date) {
  const pol_program *p = ev->p;
  ev->has_answer = false;
  ev->date = date;
  ev->payable = false;
  ev->rsn_kind = RSN_NONE;
  ev->window = PRG_NONE;
  ev->category = PRG_NONE;
  ev->matched_known = false;
  ev->lets_done = false;
  memset(ev->funding, 0, p->nsources * sizeof *ev->funding);
  memset(ev->applied, 0, p->nrules * sizeof *ev->applied);
  ev->worth = 0;
  ev->individual = 0;
  ev->start = 0;
  ev->end = 0;
  ev->wait_months = 0;
  ev->wait_days = 0;
  for (uint32_t i = 0; i < p->naddons; i++) {
    ev->addon_amount[i] = -1;
    ev->addon_payer[i] = PRG_NONE;
    ev->addon_individual[i] = 0;
  }
  ev->unst_individual = ev->unst_worth = ev->unst_start = ev->unst_end = ev->unst_wait =
      ev->unst_surcharge = PRG_NONE;
  for (uint32_t s = 0; s < p->nsources; s++)
    ev->unst_funding[s] = PRG_NONE;
  if (p->nperiods > 0)
    memset(ev->period_on, 0, p->nperiods);
  ev->instead = PRG_NONE;
  ev->main_worth = ev->main_individual = 0;
  memset(ev->main_funding, 0, p->nsources * sizeof *ev->main_funding);
}

/* Step c: which categories hold (ev->matched).  Lazy on the planned path. */
static pol_status match_categories(pol_eval *ev) {
  const pol_program *p = ev->p;
  pol_status st;
  bool any = false;
  uint32_t otherwise = PRG_NONE;
  if ((st = ensure_lets(ev)) != POL_OK)
    return st;
  for (uint32_t i = 0; i < p->ncategories; i++) {
    const prg_category *cat = &p->categories[i];
    ev->matched[i] = 0;
    if (cat->otherwise) {
      if (otherwise == PRG_NONE)
        otherwise = i;
      continue;
    }
    int64_t v;
    if ((st = vm_run(ev, cat->when, &v)) != POL_OK)
      return st;
    ev->matched[i] = v != 0;
    any = any || v != 0;
  }
  if (!any && otherwise != PRG_NONE)
    ev->matched[otherwise] = 1;
  ev->matched_known = true;
  return POL_OK;
}

pol_status eval_matched(pol_eval *ev) {
  return ev->matched_known ? POL_OK : match_categories(ev);
}

/* Slots CATEGORY and SUBSIDIZED for the rules, from ev->category and ev->funding. */
static void chosen_slots(pol_eval *ev) {
  const pol_program *p = ev->p;
  bool subsidized = false;
  for (uint32_t s = 0; s < p->nsources; s++)
    subsidized = subsidized || ev->funding[s] > 0;
  subsidized = subsidized || (ev->category != PRG_NONE && eval_unstated_fund(p, ev->category));
  /* -1 is outside 0..63, so `category in {…}` (OP_INSET) is false without a category. */
  ev->slots[SLOT_CATEGORY] = ev->category == PRG_NONE ? -1 : (int64_t)ev->category;
  ev->slots[SLOT_SUBSIDIZED] = subsidized;
}

/* Steps d–e on the planned path: the category the plan chose, its constant amounts. */
static void planned_category(pol_eval *ev, uint32_t ci) {
  const pol_program *p = ev->p;
  bool subsidized = false;
  ev->category = ci;
  if (ci != PRG_NONE) {
    const int64_t *funding;
    const eval_amounts *a = plan_amounts(ev->plan, ci, &funding);
    ev->worth = a->worth;
    ev->individual = a->individual;
    memcpy(ev->funding, funding, p->nsources * sizeof *ev->funding);
    subsidized = a->funding > 0; /* parts are never negative in a planned program */
  }
  ev->slots[SLOT_CATEGORY] = ci == PRG_NONE ? -1 : (int64_t)ci;
  ev->slots[SLOT_SUBSIDIZED] = subsidized;
}

/* Which amounts of the answer are unstated (#19 B3): the chosen category's unstated
 * worth and parts (a `rest` part is unknown when any other part or the worth is), an
 * unstated surcharge (individual and worth), none in a payment worth nothing. */
static void unstated_amounts(pol_eval *ev, bool free) {
  const pol_program *p = ev->p;
  if (ev->category == PRG_NONE || free)
    return;
  const prg_category *cat = &p->categories[ev->category];
  uint32_t first = ev->unst_worth = eval_unstated(p, UNST_WORTH, ev->category);
  for (uint32_t k = 0; k < cat->part_count; k++) {
    uint32_t u = eval_unstated(p, UNST_PART, cat->part_first + k);
    if (k == cat->rest_part || u == PRG_NONE)
      continue;
    uint32_t src = p->parts[cat->part_first + k].source;
    *(src == PRG_NONE ? &ev->unst_individual : &ev->unst_funding[src]) = u;
    first = first == PRG_NONE ? u : first;
  }
  if (cat->rest_part != PRG_NONE && first != PRG_NONE) {
    uint32_t src = p->parts[cat->part_first + cat->rest_part].source;
    *(src == PRG_NONE ? &ev->unst_individual : &ev->unst_funding[src]) = first;
  }
  if (ev->unst_surcharge != PRG_NONE) {
    if (ev->unst_individual == PRG_NONE)
      ev->unst_individual = ev->unst_surcharge;
    if (ev->unst_worth == PRG_NONE)
      ev->unst_worth = ev->unst_surcharge;
  }
}

/* Steps c–e: which categories hold and which one is chosen; slots CATEGORY, SUBSIDIZED. */
static pol_status choose_category(pol_eval *ev) {
  const pol_program *p = ev->p;
  pol_status st;
  if ((st = match_categories(ev)) != POL_OK)
    return st;

  /* ev->funding holds the best so far, ev->scratch the candidate; they swap roles
     * when the candidate wins, so no copy and no allocation is needed. */
  eval_amounts best = {0, 0, 0}, cand;
  for (uint32_t i = 0; i < p->ncategories; i++) {
    if (!ev->matched[i])
      continue;
    bool bad;
    if ((st = eval_category(ev, i, &cand, ev->scratch, &bad)) != POL_OK)
      return st;
    if (bad)
      return POL_ERUNTIME;
    if (ev->category == PRG_NONE ||
        better(p, &cand, ev->scratch, i, &best, ev->funding, ev->category) > 0) {
      int64_t *t = ev->funding;
      ev->funding = ev->scratch;
      ev->scratch = t;
      best = cand;
      ev->category = i;
    }
  }
  ev->worth = best.worth;
  ev->individual = best.individual;
  if (ev->category == PRG_NONE)
    memset(ev->funding, 0, p->nsources * sizeof *ev->funding);
  chosen_slots(ev);
  return POL_OK;
}

/* A compulsory add-on (`required`, LANGUAGE.md "Add-ons") of `amount` fen: the source
 * pays its part when `paid` (all of it, or `paid by S AMOUNT`), the resident the rest;
 * both count in the answer's individual, funding and worth. */
static pol_status required_addon(pol_eval *ev, uint32_t i, int64_t amount, bool paid) {
  const pol_program *p = ev->p;
  const prg_addon *a = &p->addons[i];
  int64_t part = 0;
  pol_status st;
  if (paid && a->paid_by != PRG_NONE) {
    part = amount;
    if (!absent(a->paid_amount) && (st = run(ev, a->paid_amount, &part)) != POL_OK)
      return st;
    if (part < 0 || part > amount) {
      char x[MONEY_MAX_TEXT], y[MONEY_MAX_TEXT];
      money_format(part, x);
      money_format(amount, y);
      return fail(ev, POL_ERUNTIME, "add-on %s: the part paid by %s (%s yuan) is not within "
                  "its amount 0 .. %s yuan", prg_str(p, a->key), source_key(p, a->paid_by), x, y);
    }
  }
  ev->addon_amount[i] = amount;
  ev->addon_payer[i] = part > 0 ? a->paid_by : PRG_NONE;
  ev->addon_individual[i] = amount - part;
  if (!add_ok(ev->individual, amount - part, &ev->individual) ||
      (part > 0 && !add_ok(ev->funding[a->paid_by], part, &ev->funding[a->paid_by])) ||
      !add_ok(ev->worth, amount, &ev->worth))
    return fail(ev, POL_ERUNTIME, "add-on %s: the amounts overflow", prg_str(p, a->key));
  return POL_OK;
}

/* Step i: add-ons included for this resident, and who pays them (paid: from the plan,
 * or NULL: run `paid when`).  A payment worth nothing (`free`) includes no compulsory
 * add-on: nothing is paid with it. */
static pol_status eval_addons(pol_eval *ev, const plan_cell *cell, bool free) {
  const pol_program *p = ev->p;
  for (uint32_t i = 0; i < p->naddons; i++) {
    const prg_addon *a = &p->addons[i];
    int64_t paid = 0;
    pol_status st;
    if (a->required && free)
      continue;
    if (a->paid_by != PRG_NONE) {
      paid = 1; /* `paid by S` without `when`: always */
      if (cell)
        paid = (cell->addons >> i) & 1;
      else if (!absent(a->paid_when) && (st = run(ev, a->paid_when, &paid)) != POL_OK)
        return st;
    }
    if (a->required) {
      int64_t amount = ev->bought[i] >= 0  ? ev->bought[i]
                       : a->tier_count > 0 ? p->tiers[a->tier_first].amount
                                           : 0;
      if ((st = required_addon(ev, i, amount, paid != 0)) != POL_OK)
        return st;
      continue;
    }
    if (paid) {
      ev->addon_amount[i] = ev->bought[i] >= 0  ? ev->bought[i]
                            : a->tier_count > 0 ? p->tiers[a->tier_first].amount
                                                : 0;
      ev->addon_payer[i] = a->paid_by;
    } else if (ev->bought[i] >= 0) {
      ev->addon_amount[i] = ev->bought[i];
      ev->addon_payer[i] = PRG_NONE;
      ev->addon_individual[i] = ev->bought[i];
    }
  }
  return POL_OK;
}

/* Step h2 (#19 B4): the periods the payment buys besides (or, `instead`, in place of)
 * the policy's benefit year, each with its own amounts and dates; the answer's
 * individual, funding and worth become the whole payment's.  After the policy's own
 * amounts (main_*), before the add-ons.  An instead period takes the answer's benefit
 * dates, without a wait: the window's and the rules' effects were the policy's year's. */
static pol_status eval_periods(pol_eval *ev) {
  const pol_program *p = ev->p;
  pol_status st;
  if ((st = ensure_lets(ev)) != POL_OK)
    return st;
  ev->main_worth = ev->worth;
  ev->main_individual = ev->individual;
  memcpy(ev->main_funding, ev->funding, p->nsources * sizeof *ev->funding);
  for (uint32_t i = 0; i < p->nperiods; i++) {
    const prg_period *pd = &p->periods[i];
    int64_t holds = 0, start = 0, end = 0;
    if ((st = vm_run(ev, pd->when, &holds)) != POL_OK)
      return st;
    if (!holds || (pd->instead && ev->instead != PRG_NONE))
      continue; /* only the first `instead` period that holds is bought */
    eval_amounts a;
    bool bad;
    if ((st = eval_period(ev, i, &a, &ev->period_funding[(size_t)i * p->nsources], &bad)) != POL_OK)
      return st;
    if (bad)
      return POL_ERUNTIME;
    if ((st = vm_run(ev, pd->start, &start)) != POL_OK || (st = vm_run(ev, pd->end, &end)) != POL_OK)
      return st;
    if (!is_day(start) || !is_day(end))
      return fail(ev, POL_ERUNTIME, "period %s: benefit %s is not a date", prg_str(p, pd->key),
                  is_day(start) ? "end" : "start");
    ev->period_on[i] = 1;
    ev->period_worth[i] = a.worth;
    ev->period_individual[i] = a.individual;
    ev->period_start[i] = (int32_t)start;
    ev->period_end[i] = (int32_t)end;
    if (pd->instead)
      ev->instead = i;
  }
  if (ev->instead != PRG_NONE) {
    ev->worth = ev->individual = 0;
    memset(ev->funding, 0, p->nsources * sizeof *ev->funding);
    ev->unst_individual = ev->unst_worth = ev->unst_start = ev->unst_end = ev->unst_wait = PRG_NONE;
    for (uint32_t s = 0; s < p->nsources; s++)
      ev->unst_funding[s] = PRG_NONE;
    ev->start = ev->period_start[ev->instead];
    ev->end = ev->period_end[ev->instead];
    ev->wait_months = ev->wait_days = 0;
  }
  for (uint32_t i = 0; i < p->nperiods; i++) {
    if (!ev->period_on[i])
      continue;
    bool ok = add_ok(ev->worth, ev->period_worth[i], &ev->worth) &&
              add_ok(ev->individual, ev->period_individual[i], &ev->individual);
    for (uint32_t s = 0; ok && s < p->nsources; s++)
      ok = add_ok(ev->funding[s], ev->period_funding[(size_t)i * p->nsources + s], &ev->funding[s]);
    if (!ok)
      return fail(ev, POL_ERUNTIME, "period %s: the payment's amounts overflow",
                  prg_str(p, p->periods[i].key));
  }
  return POL_OK;
}

/* The owner of effect i (the window or rule that states it), for messages. */
static void effect_owner(const pol_program *p, uint32_t i, const char **what, prg_strref *who) {
  for (uint32_t w = 0; w < p->nwindows; w++)
    if (i - p->windows[w].eff_first < p->windows[w].eff_count) {
      *what = "window";
      *who = p->windows[w].key;
      return;
    }
  for (uint32_t r = 0; r < p->nrules; r++)
    if (i - p->rules[r].eff_first < p->rules[r].eff_count) {
      *what = "rule";
      *who = p->rules[r].key;
      return;
    }
  *what = "effect";
  *who = PRG_NONE;
}

/* Steps f–g from a plan's cell whose effects are resolved: only the last effect of each
 * kind is evaluated (the same result as replaying them all, plan.h). */
static pol_status resolved_effects(pol_eval *ev, const plan_cell *cell, eval_effects *e) {
  const pol_program *p = ev->p;
  const plan_effects *fx = cell->fx;
  const uint32_t idx[] = {fx->start, fx->end, fx->wait, fx->surcharge};
  ev->window = cell->window;
  window_reason(ev, cell->day_ok);
  if (fx->payable == 1) {
    ev->payable = true;
    ev->rsn_kind = RSN_NONE;
  } else if (fx->payable == 2) {
    ev->payable = false;
    ev->rsn_kind = RSN_TEXT;
    ev->rsn_arg = fx->reason;
  }
  for (uint32_t k = 0; k < sizeof idx / sizeof *idx; k++) {
    if (idx[k] == PRG_NONE)
      continue;
    const prg_effect *eff = &p->effects[idx[k]];
    int64_t v, counted;
    pol_status st;
    if (!plan_effect_value(ev->plan, ev, idx[k], &v) && (st = run(ev, eff->value, &v)) != POL_OK)
      return st;
    if ((st = eval_effect_counted(ev, idx[k], &counted)) != POL_OK)
      return st;
    if ((eff->kind == EFF_START || eff->kind == EFF_END) && !is_day(v)) {
      const char *what;
      prg_strref who;
      effect_owner(p, idx[k], &what, &who);
      return fail(ev, POL_ERUNTIME, "%s %s: benefit %s is not a date", what, prg_str(p, who),
                  eff->kind == EFF_START ? "start" : "end");
    }
    eval_effect(e, eff->kind, v, counted);
  }
  e->free = fx->free;
  for (uint64_t m = cell->rules; m; m &= m - 1)
    ev->applied[__builtin_ctzll(m)] = 1;
  return POL_OK;
}

/* Steps f–g: the window of `date`, then every rule in file order (after reset_answer);
 * from the plan's cell, or (cell NULL) by running the rules' `when`. */
static pol_status window_rules(pol_eval *ev, int32_t date, eval_effects *e,
                               const plan_cell *cell) {
  const pol_program *p = ev->p;
  pol_status st;
  *e = (effects){ev->year_start, ev->year_end, 0, 0, 0, false, WAIT_COUNTS_BOTH};
  if (cell && cell->fx)
    return resolved_effects(ev, cell, e);
  if (cell) {
    ev->window = cell->window;
    window_reason(ev, cell->day_ok);
  } else {
    ev->window = eval_window_at(p, date);
    window_reason(ev, ev->window != PRG_NONE && vm_in_window(&p->windows[ev->window], date));
  }
  if (ev->window != PRG_NONE) {
    const prg_window *w = &p->windows[ev->window];
    if ((st = apply_effects(ev, "window", w->key, w->eff_first, w->eff_count, e)) != POL_OK)
      return st;
  }
  /* With overrides, every `when` first, then the overridden rules dropped (the plan's
   * cells hold the resolved set), then the effects in file order.  Without, one pass. */
  bool two_pass = p->noverrides > 0 && !cell;
  for (uint32_t pass = two_pass ? 0 : 1; pass < 2; pass++) {
    if (pass == 1 && two_pass)
      eval_overrides(p, ev->applied);
    for (uint32_t i = 0; i < p->nrules; i++) {
      const prg_rule *r = &p->rules[i];
      int64_t holds = 1;
      if (r->after)
        continue; /* after_rules, once the dates are known */
      if (pass == 1 && two_pass)
        holds = ev->applied[i];
      else if (cell)
        holds = (cell->rules >> i) & 1;
      else if (!absent(r->when) && (st = run(ev, r->when, &holds)) != POL_OK)
        return st;
      if (!holds)
        continue;
      ev->applied[i] = 1;
      if (pass == 0)
        continue;
      if ((st = apply_effects(ev, "rule", r->key, r->eff_first, r->eff_count, e)) != POL_OK)
        return st;
    }
  }
  return POL_OK;
}

/* A wait counted in days adds only its days, one counted in months only its months; a
 * plain wait has one of the two 0. */
/* The rules that read the answer's dates (prg_rule.after), in file order, after every
 * other rule: ev->start, end, wait_months and wait_days hold the answer's (OP_ANSWER reads
 * them).  They may only refuse (the compiler and the verifier see to it), so the dates
 * they read are final. */
static pol_status after_rules(pol_eval *ev) {
  const pol_program *p = ev->p;
  bool any = false;
  for (uint32_t i = 0; i < p->nrules; i++) {
    const prg_rule *r = &p->rules[i];
    int64_t holds = 1;
    pol_status st;
    if (!r->after)
      continue;
    if (!absent(r->when) && (st = run(ev, r->when, &holds)) != POL_OK)
      return st;
    ev->applied[i] = holds != 0;
    any = any || holds;
  }
  if (!any)
    return POL_OK;
  eval_overrides(p, ev->applied); /* after rules override only after rules */
  for (uint32_t i = 0; i < p->nrules; i++) {
    const prg_rule *r = &p->rules[i];
    pol_status st;
    if (!r->after || !ev->applied[i])
      continue;
    effects unused = {0, 0, 0, 0, 0, false, WAIT_COUNTS_BOTH}; /* only not payable */
    if ((st = apply_effects(ev, "rule", r->key, r->eff_first, r->eff_count, &unused)) != POL_OK)
      return st;
  }
  return POL_OK;
}

bool eval_benefit_start(const eval_effects *e, int32_t *start) {
  int32_t after_months = e->start;
  int64_t s;
  int64_t months = e->wait_counts == WAIT_COUNTS_DAYS ? 0 : e->wait_months;
  int64_t days = e->wait_counts == WAIT_COUNTS_MONTHS ? 0 : e->wait_days;
  if ((months != 0 && !cal_add_months(e->start, months, &after_months)) ||
      !add_ok(after_months, days, &s) || !is_day(s))
    return false;
  *start = (int32_t)s;
  return true;
}

static pol_status quote(pol_eval *ev, int32_t date) {
  if (ev == NULL)
    return POL_EINPUT;
  if (ev->refused[0]) /* pol_eval_open refused it: no code of this program may run */
    return fail(ev, POL_EINPUT, "%s", ev->refused);
  const pol_program *p = ev->p;
  pol_status st;
  reset_answer(ev, date);
  if (!ev->has_resident)
    return fail(ev, POL_EINPUT, "no resident");
  if (ev->missing)
    for (uint32_t i = 0; i < p->nattrs; i++)
      if (p->attrs[i].presence == PRESENCE_REQUIRED && !ev->given[i])
        return fail(ev, POL_EINPUT, "resident: missing required key \"%s\"",
                    prg_str(p, p->attrs[i].key));
  if (!is_day(date))
    return fail(ev, POL_EINPUT, "payment date out of range");
  if (ev->year_start == 0)
    return fail(ev, POL_ERUNTIME, "benefit year %d out of range", (int)p->year);

  /* a. inputs */
  memcpy(ev->slots, ev->resident, eval_slot_count(p) * sizeof *ev->slots);
  ev->slots[SLOT_PAID_ON] = date;
  for (uint32_t i = 0; i < ev->nqdate; i++)
    if (!ev->given[ev->qdate[i]])
      ev->slots[p->attrs[ev->qdate[i]].slot] = date;

  /* the policy's and the prelude's assumptions: a resident outside them is bad input */
  uint32_t broken;
  if ((st = eval_assumed(ev, &broken)) != POL_OK)
    return st;
  if (broken != PRG_NONE)
    return fail(ev, POL_EINPUT, "resident: contradicts assumption `%s` (%s)",
                prg_str(p, p->assumes[broken].key), prg_str(p, p->assumes[broken].label));

  /* b–g. the planned path decides category, window and rules in one walk; else lets
   * (in order: a let may use the ones before it), categories, the window, the rules */
  plan_cell cell;
  const plan_cell *planned = NULL;
  if (ev->plan && !ev->slow && plan_decide(ev->plan, ev, &cell)) {
    planned = &cell;
    planned_category(ev, cell.category);
  } else if ((st = choose_category(ev)) != POL_OK) {
    return st;
  }
  effects e;
  if ((st = window_rules(ev, date, &e, planned)) != POL_OK)
    return st;

  /* h. benefit dates, then the rules that read them, then amounts */
  int32_t start;
  if (!eval_benefit_start(&e, &start))
    return fail(ev, POL_ERUNTIME, "the benefit start after the waiting period is not a date");
  ev->start = start;
  ev->end = e.end;
  ev->wait_months = e.wait_months;
  ev->wait_days = e.wait_days;
  if (p->has_after && (st = after_rules(ev)) != POL_OK)
    return st;
  if (p->nunstated > 0)
    unstated_amounts(ev, e.free);
  if (ev->category == PRG_NONE) {
    ev->payable = false;
    ev->rsn_kind = RSN_NO_CATEGORY;
  } else if (e.free) {
    ev->worth = 0;
    ev->individual = 0;
    memset(ev->funding, 0, p->nsources * sizeof *ev->funding);
  } else if (!add_ok(ev->individual, e.surcharge, &ev->individual) ||
             !add_ok(ev->worth, e.surcharge, &ev->worth)) {
    return fail(ev, POL_ERUNTIME, "the surcharge overflows");
  }

  /* h2. periods: none without a category */
  if (p->nperiods > 0 && ev->category != PRG_NONE && (st = eval_periods(ev)) != POL_OK)
    return st;

  /* i. add-ons: none without a category, whose answer is negative */
  if (ev->category != PRG_NONE && (st = eval_addons(ev, planned, e.free)) != POL_OK)
    return st;
  /* j. a refused payment buys no benefit period (QUERY.md "Not payable"): the dates
   * computed above served the rules that read them, and are not part of the answer */
  if (!ev->payable && ev->rsn_kind != RSN_UNSTATED) { /* unknown (#19 B3) is no refusal */
    ev->start = EVAL_NO_DATE;
    ev->end = EVAL_NO_DATE;
    for (uint32_t i = 0; i < p->nperiods; i++) /* nor of the periods it would buy (#19 B4) */
      ev->period_start[i] = ev->period_end[i] = EVAL_NO_DATE;
  }
  ev->has_answer = true;
  return POL_OK;
}

/* A planned quote that fails at run time is answered again by the interpreter, so that
 * every run-time error is the interpreter's, with its message (plan.h). */
pol_status pol_quote(pol_eval *ev, int32_t date) {
  pol_status st = quote(ev, date);
  if (st == POL_ERUNTIME && ev->plan && !ev->slow) {
    ev->slow = true;
    st = quote(ev, date);
    ev->slow = false;
  }
  return st;
}
