/*
 * explain.c — what `polc explain` and `polc diff` need beyond the answer (api/pol.h
 * "explanations"): the clauses a policy cites, its periods, rules and choose keys, and,
 * for the last answer on a context, what each matched category would cost and which
 * effects the window and the rules applied, with their values.
 *
 * Invariants:
 *  - nothing here changes an answer: the accessors read the program, or run sections of
 *    the verified program on the context's slots, which pol_quote left holding the
 *    resident, the payment date, the chosen category and `subsidized` on both paths
 *    (planned and interpreted).  The lets are run first if the planned path skipped them
 *    (the same values the interpreter would have computed: a let depends only on inputs
 *    and earlier lets);
 *  - effects are listed in the order pol_quote applies them (the window's, then every
 *    applied rule's in file order), so the last one of a kind is the one that counts;
 *  - every index and handle is checked before a table is read; out of range gives the
 *    "none" value ("" or 0) or POL_EINPUT.
 */
#include <string.h>

#include "calendar.h"
#include "eval.h"
#include "money.h"

static bool answered(const pol_eval *ev) {
  return ev != NULL && ev->has_answer;
}

/* The lets of the last answer, as the interpreter's ensure_lets computes them. */
static pol_status lets(pol_eval *ev) {
  const pol_program *p = ev->p;
  if (ev->lets_done)
    return POL_OK;
  for (uint32_t i = 0; i < p->nlets; i++) {
    pol_status st = vm_run(ev, p->lets[i].value, &ev->slots[p->lets[i].slot]);
    if (st != POL_OK)
      return st;
  }
  ev->lets_done = true;
  return POL_OK;
}

const char *pol_program_title(const pol_program *p) {
  return p ? prg_str(p, p->title) : "";
}

const char *pol_program_issuer(const pol_program *p) {
  return p ? prg_str(p, p->issuer) : "";
}

const char *pol_cite(const pol_program *p, pol_handle h) {
  uint32_t i;
  if (eval_handle_index(p, h, POL_CATEGORY, &i))
    return prg_str(p, p->categories[i].cite);
  if (eval_handle_index(p, h, POL_WINDOW, &i))
    return prg_str(p, p->windows[i].cite);
  if (eval_handle_index(p, h, POL_ADDON, &i))
    return prg_str(p, p->addons[i].cite);
  return "";
}

pol_status pol_period(const pol_program *p, pol_handle window, int32_t *lo, int32_t *hi,
                      int *dlo, int *dhi) {
  uint32_t i;
  if (p == NULL)
    return POL_EINPUT;
  if (pol_handle_is_null(window)) {
    if (p->coll_lo > p->coll_hi)
      return POL_EINPUT; /* no `collection` */
    *lo = p->coll_lo;
    *hi = p->coll_hi;
    *dlo = p->coll_dlo;
    *dhi = p->coll_dhi;
    return POL_OK;
  }
  if (!eval_handle_index(p, window, POL_WINDOW, &i))
    return POL_EINPUT;
  *lo = p->windows[i].lo;
  *hi = p->windows[i].hi;
  *dlo = p->windows[i].dlo;
  *dhi = p->windows[i].dhi;
  return POL_OK;
}

const char *pol_period_label(const pol_program *p) {
  return p ? prg_str(p, p->coll_label) : "";
}

const char *pol_period_cite(const pol_program *p) {
  return p ? prg_str(p, p->coll_cite) : "";
}

int pol_category_otherwise(const pol_program *p, pol_handle category) {
  uint32_t i;
  return eval_handle_index(p, category, POL_CATEGORY, &i) && p->categories[i].otherwise;
}

/* ---- rules ---------------------------------------------------------------------------- */

uint32_t pol_rule_count(const pol_program *p) {
  return p ? p->nrules : 0;
}

static const prg_rule *rule_at(const pol_program *p, uint32_t i) {
  return p && i < p->nrules ? &p->rules[i] : NULL;
}

const char *pol_rule_key(const pol_program *p, uint32_t rule) {
  const prg_rule *r = rule_at(p, rule);
  return r ? prg_str(p, r->key) : "";
}

const char *pol_rule_label(const pol_program *p, uint32_t rule) {
  const prg_rule *r = rule_at(p, rule);
  return r ? prg_str(p, r->label) : "";
}

const char *pol_rule_cite(const pol_program *p, uint32_t rule) {
  const prg_rule *r = rule_at(p, rule);
  return r ? prg_str(p, r->cite) : "";
}

int pol_answer_rule_applied(const pol_eval *ev, uint32_t rule) {
  return answered(ev) && rule < ev->p->nrules && ev->applied[rule] != 0;
}

/* ---- the choice ----------------------------------------------------------------------- */

uint32_t pol_choose_count(const pol_program *p) {
  return p ? p->nchoose : 0;
}

pol_choose pol_choose_at(const pol_program *p, uint32_t i, pol_handle *source) {
  if (source)
    *source = (pol_handle){0};
  if (p == NULL || i >= p->nchoose)
    return POL_CHOOSE_NONE;
  const prg_choose_key *k = &p->choose[i];
  if (source && k->source < p->nsources)
    *source = eval_handle(p, POL_SOURCE, k->source);
  /* prg_choose_kind and pol_choose list the keys in the same order, from 0 and 1 */
  return (pol_choose)(k->kind + 1);
}

const char *pol_choose_cite(const pol_program *p) {
  return p ? prg_str(p, p->choose_cite) : "";
}

pol_status pol_answer_amounts(pol_eval *ev, pol_handle category, int64_t *worth,
                              int64_t *individual, int64_t *funding) {
  uint32_t ci;
  pol_status st;
  if (!answered(ev) || !eval_handle_index(ev->p, category, POL_CATEGORY, &ci))
    return POL_EINPUT;
  if ((st = lets(ev)) != POL_OK)
    return st;
  eval_amounts a;
  bool bad;
  if ((st = eval_category(ev, ci, &a, funding, &bad)) != POL_OK)
    return st;
  if (bad)
    return POL_ERUNTIME;
  *worth = a.worth;
  *individual = a.individual;
  return POL_OK;
}

/* ---- effects -------------------------------------------------------------------------- */

/* Effect number n of the last answer (window first, then applied rules): its index in
 * p->effects and its owner (*rule: PRG_NONE for the window), or false past the last. */
static bool nth_effect(const pol_eval *ev, uint32_t n, uint32_t *eff, uint32_t *rule) {
  const pol_program *p = ev->p;
  if (ev->window != PRG_NONE) {
    const prg_window *w = &p->windows[ev->window];
    if (n < w->eff_count) {
      *eff = w->eff_first + n;
      *rule = PRG_NONE;
      return true;
    }
    n -= w->eff_count;
  }
  for (uint32_t r = 0; r < p->nrules; r++) {
    if (!ev->applied[r])
      continue;
    if (n < p->rules[r].eff_count) {
      *eff = p->rules[r].eff_first + n;
      *rule = r;
      return true;
    }
    n -= p->rules[r].eff_count;
  }
  return false;
}

uint32_t pol_answer_effect_count(const pol_eval *ev) {
  uint32_t n = 0, eff, rule;
  if (!answered(ev))
    return 0;
  while (nth_effect(ev, n, &eff, &rule))
    n++;
  return n;
}

pol_status pol_answer_effect(pol_eval *ev, uint32_t i, pol_effect *kind, int64_t *value,
                             uint32_t *rule, const char **reason) {
  uint32_t eff, owner;
  pol_status st;
  if (!answered(ev) || !nth_effect(ev, i, &eff, &owner))
    return POL_EINPUT;
  const pol_program *p = ev->p;
  const prg_effect *e = &p->effects[eff];
  *kind = (pol_effect)(e->kind + 1); /* prg_effect_kind and pol_effect in the same order */
  *value = 0;
  *rule = owner == PRG_NONE ? POL_NO_RULE : owner;
  if (reason)
    *reason = e->kind == EFF_NOT_PAYABLE ? prg_str(p, e->reason) : "";
  if (prg_effect_valued(e->kind)) {
    if ((st = lets(ev)) != POL_OK || (st = vm_run(ev, e->value, value)) != POL_OK)
      return st;
  }
  return POL_OK;
}

pol_status pol_answer_effect_counted(pol_eval *ev, uint32_t i, int64_t *counted) {
  uint32_t eff, owner;
  pol_status st;
  *counted = 0;
  if (!answered(ev) || !nth_effect(ev, i, &eff, &owner))
    return POL_EINPUT;
  const prg_effect *e = &ev->p->effects[eff];
  if (e->kind != EFF_WAIT_MONTHS_AS_DAYS && e->kind != EFF_WAIT_DAYS_AS_MONTHS)
    return POL_OK;
  if ((st = lets(ev)) != POL_OK)
    return st;
  return vm_run(ev, e->counted, counted);
}

/* ---- text of money ---------------------------------------------------------- */

void pol_money_format(int64_t fen, char buf[32]) {
  money_format(fen, buf);
}
