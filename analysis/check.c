/*
 * check.c — `polc check` (pol_check): exact analysis of a compiled policy over a partition
 * of its inputs, every finding proven by a witness replayed on the VM.
 *
 * Inputs ("dims"): the payment date, every resident attribute some section reads, and every
 * identity bit some section tests.  For each dim, candidate values are chosen so that every
 * atomic condition of the bytecode is constant between consecutive candidates: constants
 * of the sections that read the dim (+-1), offsets before ADDDAYS/ADDMONS and ages taken
 * relative to the payment date, window bounds and day filters.
 *
 * Enumeration is factored in two stages:
 *  A  categories (when, worth, parts): categories that share no input apart from the
 *     payment date and the inputs shared with stage B are independent components; each is
 *     enumerated alone and its distinct results kept with a representative.  Combinations
 *     of component results are analysed with every component at its weakest result and at
 *     most two moved away from it (complete: see stage_a), not as the full product;
 *  B  windows, rules, add-ons: evaluated for each reachable (category, subsidized) outcome
 *     of stage A at each value of the inputs both stages read, times the inputs only B reads.
 * Both stages evaluate incrementally: a let, category or rule is re-run only when an input
 * it loads itself changed (chk_stale()).
 * Findings are collected, replayed through pol_resident_json + pol_quote, sorted by position
 * and written as diagnostics.  No global mutable state: everything lives in a chk.
 */
#include "check_int.h"

/* ---- findings ------------------------------------------------------------------------ */

/* The resident at slots as a resident JSON object: required keys and every value that
 * differs from its default, each rendered by eval_value_json.  NULL, with c->oom set,
 * when out of memory. */
json_t *chk_resident_json(chk *c, const int64_t *slots) {
  const pol_program *p = c->p;
  json_t *o = json_object();
  bool ok = o != NULL;
  for (uint32_t i = 0; ok && i < p->nattrs; i++) {
    const prg_attr *a = &p->attrs[i];
    int64_t v = a->is_identities ? slots[SLOT_IDENTITIES] : slots[a->slot];
    if (a->is_identities) {
      if (!v) continue;
    } else if (a->presence == PRESENCE_DEFAULT && v == a->dflt) {
      continue;
    } else if (a->presence == PRESENCE_OPTIONAL && v == PRG_ABSENT) {
      continue;
    } else if (a->presence == PRESENCE_QUERY_DATE && v == slots[SLOT_PAID_ON]) {
      continue;
    }
    ok = json_object_set_new(o, prg_str(p, a->key), eval_value_json(p, a, v)) == 0;
  }
  if (ok) return o;
  json_decref(o);
  c->oom = true;
  return NULL;
}


finding *chk_add_finding(chk *c, diag_severity sev, const char *rule, uint32_t pos, int rk,
                            uint32_t a, uint32_t b, const int64_t *slots, const char *fmt, ...) {
  if (c->nf == c->capf) {
    uint32_t cap = c->capf ? c->capf * 2 : 16;
    finding *f = realloc(c->f, cap * sizeof *f);
    if (!f) {
      c->oom = true;
      return NULL;
    }
    c->f = f;
    c->capf = cap;
  }
  finding *f = &c->f[c->nf];
  memset(f, 0, sizeof *f);
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  f->sev = sev;
  f->rule = rule;
  f->pos = pos;
  f->order = c->nf;
  f->msg = chk_xstrdup(buf);
  if (!f->msg) c->oom = true;
  f->rk = rk;
  f->a = a;
  f->b = b;
  if (slots) { /* NULL: c->oom */
    f->resident = chk_resident_json(c, slots);
    f->date = (int32_t)slots[SLOT_PAID_ON];
  }
  c->nf++;
  return f;
}

/* A resident for date-only findings: required attributes only (NULL, c->oom set, when
 * out of memory). */
int64_t *chk_plain_slots(chk *c, int32_t date) {
  const pol_program *p = c->p;
  int64_t *s = calloc(p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots, sizeof *s);
  if (!s) {
    c->oom = true;
    return NULL;
  }
  s[SLOT_PAID_ON] = date;
  for (uint32_t i = 0; i < p->nattrs; i++) {
    const prg_attr *a = &p->attrs[i];
    if (a->is_identities) continue;
    int64_t v = a->presence == PRESENCE_DEFAULT    ? a->dflt
                : a->presence == PRESENCE_OPTIONAL ? PRG_ABSENT
                : a->presence == PRESENCE_QUERY_DATE ? date
                : a->type == TY_DATE                 ? cal_from_ymd(1980, 1, 1)
                                                     : a->lo;
    s[a->slot] = v;
  }
  return s;
}

/* ---- findings that do not need the enumeration ------------------------------------------ */

/* Identities no condition tests (unless declared `unlisted`).  Unused declarations are
 * the compiler's warnings, which `polc check` reports with these findings. */
static void identity_findings(chk *c, bool tested) {
  const pol_program *p = c->p;
  uint32_t n = p->ncategories;
  uint32_t where = n ? p->categories[0].pos : 0;
  for (uint32_t i = 0; i < n; i++)
    if (p->categories[i].otherwise) { where = p->categories[i].pos; break; }
  int32_t day = chk_first_payable(p);
  for (uint32_t i = 0; i < p->nidentities && i < 64; i++) {
    bool listed = false;
    for (uint32_t k = 0; k < p->nunlisted; k++) listed = listed || p->unlisted[k] == i;
    if (listed || (c->dim_of_bit[i] >= 0) != tested || (tested && (c->ident_gives >> i) & 1)) continue;
    int64_t *w = chk_plain_slots(c, day);
    if (w) w[SLOT_IDENTITIES] = (int64_t)(1ull << i);
    chk_add_finding(c, DIAG_WARNING, "missing", where, 8, i, 0, w,
                tested ? "residents holding `%s` (%s) are treated as if they held no identity: the policy "
                         "tests it, but no category, rule or add-on gives them anything for it (it only "
                         "takes something away, as in `not …`, or changes nothing) (if the notice does not "
                         "list them, say `unlisted { %s }`)"
                       : "residents holding `%s` (%s) are treated as if they held no identity: the policy "
                         "never tests it (if the notice does not list them, say `unlisted { %s }`)",
                prg_str(p, p->identities[i].key), prg_str(p, p->identities[i].label),
                prg_str(p, p->identities[i].key));
    free(w);
  }
}

/* Identities no condition tests (before the enumeration; see identity_findings). */
/* Each value the notice does not state (#19 B3), listed so that it is decided knowingly:
 * a warning at the `unstated`, saying what answers give null for it.  The rest of the
 * analysis runs with its neutral stand-in, so no other finding is caused by it. */
static void unstated_findings(chk *c) {
  const pol_program *p = c->p;
  static const char *const what[] = {"the worth of category", "a part of category",
                                     "an effect of", "the payment dates of window"};
  for (uint32_t i = 0; i < p->nunstated; i++) {
    const prg_unstated *u = &p->unstated[i];
    const char *owner = "";
    if (u->what == UNST_WORTH && u->index < p->ncategories)
      owner = chk_ckey(c, u->index);
    else if (u->what == UNST_PART)
      for (uint32_t k = 0; k < p->ncategories; k++) {
        const prg_category *cat = &p->categories[k];
        if (u->index - cat->part_first < cat->part_count) owner = chk_ckey(c, k);
      }
    else if (u->what == UNST_EFFECT) {
      for (uint32_t w = 0; w < p->nwindows; w++)
        if (u->index - p->windows[w].eff_first < p->windows[w].eff_count)
          owner = prg_str(p, p->windows[w].key);
      for (uint32_t r = 0; r < p->nrules; r++)
        if (u->index - p->rules[r].eff_first < p->rules[r].eff_count)
          owner = prg_str(p, p->rules[r].key);
    } else if (u->what == UNST_WINDOW && u->index < p->nwindows)
      owner = prg_str(p, p->windows[u->index].key);
    chk_add_finding(c, DIAG_WARNING, "unstated", u->pos, 0, 0, 0, NULL,
                    "the notice does not state %s `%s` (\u201c%s\u201d): answers give null for "
                    "what it decides, and the rest of the analysis uses a neutral stand-in (%s)",
                    u->what <= UNST_WINDOW ? what[u->what] : "a value", owner,
                    prg_str(p, u->sentence),
                    u->what == UNST_WINDOW ? "the window's dates analysed as accepted"
                    : u->what == UNST_EFFECT ? "the default start or end, no wait, no surcharge"
                                             : "0 yuan");
  }
}

static void static_findings(chk *c) {
  identity_findings(c, false);
  unstated_findings(c);
}

static bool dom_ok(uint8_t dlo, uint8_t dhi, int32_t day) {
  int y, m, d;
  cal_to_ymd(day, &y, &m, &d);
  return d >= dlo && d <= dhi;
}

static void gap_finding(chk *c, uint32_t pos, int32_t a, int32_t b, const char *why) {
  char x[11], y[11];
  cal_format(a, x);
  cal_format(b, y);
  int64_t *s = chk_plain_slots(c, a);
  if (!s) return;
  if (a == b)
    chk_add_finding(c, DIAG_ERROR, "dates", pos, 6, 0, 0, s, "gap: payment date %s lies in no window (%s)", x, why);
  else
    chk_add_finding(c, DIAG_ERROR, "dates", pos, 6, 0, 0, s, "gap: payment dates %s .. %s lie in no window (%s)", x, y, why);
  free(s);
}

static void date_findings(chk *c) {
  const pol_program *p = c->p;
  int32_t ylo = cal_from_ymd(p->year - 1, 1, 1), yhi = cal_from_ymd(p->year, 12, 31);
  char x[11], y[11];
  /* gaps inside the collection period */
  if (p->coll_lo <= p->coll_hi) {
    int32_t start = 0;
    bool run = false;
    for (int32_t d = p->coll_lo; d <= p->coll_hi + 1; d = chk_next_change(p, NULL, 0, d)) {
      bool gap = d <= p->coll_hi && dom_ok(p->coll_dlo, p->coll_dhi, d) && eval_window_at(p, d) == PRG_NONE;
      if (gap && !run) { start = d; run = true; }
      if (!gap && run) {
        gap_finding(c, p->coll_pos, start, d - 1, start == d - 1 ? "inside the collection period, whose days filter accepts it"
                                                        : "inside the collection period, whose days filter accepts them");
        run = false;
      }
      if (d > p->coll_hi) break;
    }
  }
  /* gaps between consecutive windows (by start date) */
  for (uint32_t i = 0; i < p->nwindows; i++) {
    const prg_window *a = &p->windows[i];
    if (a->lo > a->hi) continue;
    /* the next window after a */
    const prg_window *b = NULL;
    uint32_t bi = 0;
    for (uint32_t j = 0; j < p->nwindows; j++) {
      const prg_window *w = &p->windows[j];
      if (j == i || w->lo > w->hi || w->lo <= a->hi) continue;
      if (!b || w->lo < b->lo) { b = w; bi = j; }
    }
    if (!b) continue;
    (void)bi;
    bool covered = false; /* another window reaches further from inside a: report there */
    for (uint32_t j = 0; j < p->nwindows && !covered; j++) {
      const prg_window *w = &p->windows[j];
      covered = j != i && w->lo <= w->hi && w->hi > a->hi && w->lo <= a->hi + 1;
      if (j != i && w->lo <= w->hi && w->hi == a->hi && w->lo <= a->hi && j < i) covered = true;
    }
    if (covered) continue;
    int32_t start = 0;
    bool run = false;
    prg_window ab[2] = {*a, *b}; /* their day filters over the dates between them */
    ab[0].lo = ab[1].lo = a->hi + 1;
    ab[0].hi = ab[1].hi = b->lo;
    for (int32_t d = a->hi + 1; d <= b->lo; d = chk_next_change(p, ab, 2, d)) {
      bool inside_coll = p->coll_lo <= p->coll_hi && d >= p->coll_lo && d <= p->coll_hi;
      bool gap = d < b->lo && eval_window_at(p, d) == PRG_NONE && !inside_coll &&
                 (dom_ok(a->dlo, a->dhi, d) || dom_ok(b->dlo, b->dhi, d));
      if (gap && !run) { start = d; run = true; }
      if (!gap && run) {
        char an[128], bn[256];
        snprintf(an, sizeof an, "between windows `%s` and `%s`", prg_str(p, a->key), prg_str(p, b->key));
        snprintf(bn, sizeof bn, "%s, and a window beside them accepts those days of the month", an);
        gap_finding(c, b->pos, start, d - 1, bn);
        run = false;
      }
    }
  }
  /* overlaps, shadowed windows, implausible dates */
  for (uint32_t i = 0; i < p->nwindows; i++) {
    const prg_window *w = &p->windows[i];
    if (w->lo > w->hi) continue;
    for (uint32_t j = 0; j < i; j++) {
      const prg_window *v = &p->windows[j];
      if (v->lo > v->hi || v->hi < w->lo || w->hi < v->lo) continue;
      int32_t a = w->lo > v->lo ? w->lo : v->lo, b = w->hi < v->hi ? w->hi : v->hi;
      cal_format(a, x);
      cal_format(b, y);
      int64_t *s = chk_plain_slots(c, a);
      if (s)
      {
        finding *f = chk_add_finding(c, DIAG_WARNING, "dates", w->pos, 13, j, i, s,
                                 "window `%s` overlaps window `%s` on %s .. %s; the earlier one, `%s`, "
                                 "wins there (no answer changes: their effects agree there and no rule that applies there tests them)",
                                 prg_str(p, w->key), prg_str(p, v->key), x, y, prg_str(p, v->key));
        if (f) f->rel = v->pos, f->has_rel = true;
      }
      free(s);
    }
    bool reach = false; /* some date of its range is answered by it, not an earlier one */
    for (int32_t d = w->lo; d <= w->hi && !reach; d = chk_next_bound(p, d)) reach = eval_window_at(p, d) == i;
    if (!reach) { /* witness: its first date, answered by an earlier window */
      int64_t *s = chk_plain_slots(c, w->lo);
      chk_add_finding(c, DIAG_WARNING, "dates", w->pos, 7, eval_window_at(p, w->lo), 0, s,
                  "window `%s` is never used: earlier windows hold every one of its dates", prg_str(p, w->key));
      free(s);
    }
    if (w->lo < ylo || w->hi > yhi) { /* witness: a date outside the range it answers */
      int32_t d = w->lo < ylo ? w->lo : w->hi;
      cal_format(w->lo, x);
      cal_format(w->hi, y);
      int64_t *s = chk_plain_slots(c, d);
      chk_add_finding(c, DIAG_WARNING, "dates", w->pos, 7, eval_window_at(p, d), 0, s,
                  "window `%s` (%s .. %s) reaches outside %d-01-01 .. %d-12-31, the plausible range for benefit year %d",
                  prg_str(p, w->key), x, y, p->year - 1, p->year, p->year);
      free(s);
    }
  }
  if (p->coll_lo <= p->coll_hi && (p->coll_lo < ylo || p->coll_hi > yhi)) {
    cal_format(p->coll_lo, x);
    cal_format(p->coll_hi, y);
    chk_add_finding(c, DIAG_WARNING, "dates", p->coll_pos, 0, 0, 0, NULL,
                "the collection period (%s .. %s) reaches outside %d-01-01 .. %d-12-31, the plausible range for benefit year %d",
                x, y, p->year - 1, p->year, p->year);
  }
}

/* "2024-09-01 .. 2024-12-25 days 1..25" (no day filter: without `days`). */
static void period_text(const prg_window *w, char *buf, size_t n) {
  char a[11], b[11];
  cal_format(w->lo, a);
  cal_format(w->hi, b);
  if (w->dlo <= 1 && w->dhi >= 31) snprintf(buf, n, "%s .. %s", a, b);
  else snprintf(buf, n, "%s .. %s days %u..%u", a, b, (unsigned)w->dlo, (unsigned)w->dhi);
}

/* The period a restatement restates and the restated one, as windows (span only). */
static void restate_spans(const pol_program *p, const prg_restate *r, prg_window *t, prg_window *s) {
  memset(t, 0, sizeof *t);
  memset(s, 0, sizeof *s);
  if (r->target == PRG_NONE) {
    t->lo = p->coll_lo; t->hi = p->coll_hi; t->dlo = p->coll_dlo; t->dhi = p->coll_dhi;
  } else {
    *t = p->windows[r->target];
  }
  s->lo = r->lo; s->hi = r->hi; s->dlo = r->dlo; s->dhi = r->dhi;
}

/* A restatement that does not accept exactly the dates of the period it restates is a
 * contradiction in the notice (Tunliu 2025: the newborn clause's "集中缴费期" ends on
 * 12-25, its 二 says 02-25).  The witness is the first date the two statements disagree
 * on; the policy's answers follow the period it defines. */
static void restate_findings(chk *c) {
  const pol_program *p = c->p;
  for (uint32_t i = 0; i < p->nrestates; i++) {
    const prg_restate *r = &p->restates[i];
    prg_window t, s;
    restate_spans(p, r, &t, &s);
    int32_t lo = t.lo < s.lo ? t.lo : s.lo, hi = t.hi > s.hi ? t.hi : s.hi;
    int32_t first = 0, run_end = 0;
    uint32_t ndiff = 0;
    prg_window ts[2] = {t, s};
    for (int32_t d = lo; d <= hi;) {
      int32_t e = chk_next_change(p, ts, 2, d); /* d .. e-1 agree or disagree alike */
      int32_t last = e - 1 < hi ? e - 1 : hi;
      if (vm_in_window(&t, d) != vm_in_window(&s, d)) {
        uint32_t run = (uint32_t)(last - d + 1);
        if (ndiff == 0) { first = d; run_end = last; }
        else if (run_end == d - 1 && first + (int32_t)ndiff - 1 == d - 1) run_end = last;
        ndiff += run;
      }
      if (e > hi) break;
      d = e;
    }
    if (!ndiff) continue;
    char tt[64], st[64], a[11], b[11];
    period_text(&t, tt, sizeof tt);
    period_text(&s, st, sizeof st);
    cal_format(first, a);
    cal_format(run_end, b);
    const char *what = r->target == PRG_NONE ? "the collection period" : "window";
    const char *name = r->target == PRG_NONE ? prg_str(p, p->coll_label) : prg_str(p, p->windows[r->target].key);
    const char *cite = r->target == PRG_NONE ? prg_str(p, p->coll_cite) : prg_str(p, p->windows[r->target].cite);
    char who[200], own[200], at[40];
    if (*prg_str(p, r->cite)) snprintf(who, sizeof who, "clause %s", prg_str(p, r->cite));
    else snprintf(who, sizeof who, "the restatement");
    if (*cite) snprintf(own, sizeof own, "the policy's (%s)", cite);
    else snprintf(own, sizeof own, "the policy's");
    if (run_end != first) snprintf(at, sizeof at, "%s .. %s", a, b);
    else snprintf(at, sizeof at, "%s", a);
    /* acknowledged (`accepted "reason"`): a note that keeps the contradiction visible */
    const char *why = prg_str(p, r->accepted);
    char ack[600] = "";
    if (*why) snprintf(ack, sizeof ack, " (accepted by the policy: %s)", why);
    int64_t *w = chk_plain_slots(c, first);
    chk_add_finding(c, *why ? DIAG_NOTE : DIAG_WARNING, "dates", r->pos, 9, i, 0, w,
                "the notice states %s `%s` twice, differently: %s says %s, %s is %s; they disagree "
                "on %u payment date%s, first %s%s",
                what, name, who, st, own, tt, ndiff, ndiff == 1 ? "" : "s", at, ack);
    free(w);
  }
}

static void final_findings(chk *c) {
  const pol_program *p = c->p;
  uint32_t n = p->ncategories;
  /* every claim below is about all payment dates: none from an empty set of them */
  if (c->paid.n == 0) return;
  for (uint32_t i = 0; i < n; i++) {
    /* "never" is a claim about every resident: not made for a partly enumerated one */
    if (c->amount_done[i] || c->cat_partial[i]) continue;
    if (!c->cat_holds[i]) {
      chk_add_finding(c, DIAG_WARNING, "dead", p->categories[i].pos, 0, 0, 0, NULL,
                  p->categories[i].otherwise
                      ? "category `%s` never holds: every resident holds another category"
                      : "category `%s` never holds: no resident and payment date satisfy its `when`",
                  chk_ckey(c, i));
    } else if (!c->cat_chosen[i]) {
      char names[512];
      size_t k = 0;
      names[0] = 0;
      for (uint32_t w = 0; w < n; w++)
        if (c->cat_loses_to[(size_t)i * n + w])
          k += (size_t)snprintf(names + k, k < sizeof names ? sizeof names - k : 0, "%s`%s`", k ? ", " : "", chk_ckey(c, w));
      finding *f = chk_add_finding(c, DIAG_WARNING, "dead", p->categories[i].pos, 4, i, 0, NULL,
                               "category `%s` holds for some residents but is never chosen: it always "
                               "loses to %s",
                               chk_ckey(c, i), names);
      if (f && c->lose_res[i]) {
        f->resident = c->lose_res[i];
        f->date = c->lose_date[i];
        c->lose_res[i] = NULL;
      }
    } else if (!c->cat_holds_acc[i] || !c->cat_chosen_acc[i]) {
      /* it applies to no accepted payment: the dates it holds (or wins) on are refused */
      bool holds = c->cat_holds_acc[i];
      finding *f = chk_add_finding(c, DIAG_WARNING, "dead", p->categories[i].pos, 14, i, 0, NULL,
                               holds ? "category `%s` applies to no accepted payment: it is chosen only "
                                       "on payment dates that are refused (no window accepts them and no "
                                       "rule makes them `payable`)"
                                     : "category `%s` applies to no accepted payment: it holds only on "
                                       "payment dates that are refused (no window accepts them and no "
                                       "rule makes them `payable`)",
                               chk_ckey(c, i));
      if (f && c->held_res[i]) {
        f->resident = c->held_res[i];
        f->date = c->held_date[i];
        c->held_res[i] = NULL;
      }
    }
  }
  for (uint32_t i = 0; i < p->naddons && !c->incomplete_ids; i++)
    if (!chk_absent_sec(p->addons[i].paid_when) && p->addons[i].paid_by != PRG_NONE && !(c->addon_acc[i] & 1))
      chk_add_finding(c, DIAG_WARNING, "dead", p->addons[i].pos, 0, 0, 0, NULL,
                  "add-on `%s`: `%s` pays it for no accepted payment: its `paid when` holds for no "
                  "resident whose payment is accepted",
                  prg_str(p, p->addons[i].key), prg_str(p, p->sources[p->addons[i].paid_by].key));
  for (uint32_t r = 0; r < p->nrules && !c->incomplete_ids; r++)
    if (!c->rule_applied[r] && c->rule_held[r]) {
      /* its `when` holds, but always with a rule that overrides it */
      sbuf who = {.oom = &c->oom};
      for (uint32_t o = r + 1; o < p->nrules; o++)
        for (uint32_t k = 0; k < p->rules[o].ovr_count; k++)
          if (p->overrides[p->rules[o].ovr_first + k] == r)
            chk_sb(&who, "%s`%s`", who.s ? ", " : "", prg_str(p, p->rules[o].key));
      chk_add_finding(c, DIAG_WARNING, "dates", p->rules[r].pos, 0, 0, 0, NULL,
                  "rule `%s` never applies: wherever its `when` holds, a rule that overrides it "
                  "applies (%s)",
                  prg_str(p, p->rules[r].key), who.s ? who.s : "");
      free(who.s);
    } else if (!c->rule_applied[r])
      chk_add_finding(c, DIAG_WARNING, "dates", p->rules[r].pos, 0, 0, 0, NULL,
                  "rule `%s` never applies: no resident and payment date satisfy its `when`",
                  prg_str(p, p->rules[r].key));
    else if (!c->rule_on_payable[r])
      chk_add_finding(c, DIAG_WARNING, "dates", p->rules[r].pos, 0, 0, 0, NULL,
                  "rule `%s` applies only on payment dates that are refused: no window accepts "
                  "them and no rule makes them `payable`",
                  prg_str(p, p->rules[r].key));
}

/* A witness for "holds but always loses": replayed below like the others. */

/* ---- replay ------------------------------------------------------------------------------ */

/* The witness, decoded as `polc quote --resident` decodes its text (the object itself:
 * under memory pressure jansson's parser drops a byte it cannot store, or aborts on a
 * failed assertion in a long number), then quoted. */
static bool replay(chk *c, pol_eval *ev, finding *f) {
  const pol_program *p = c->p;
  if (f->rk == 0) return true;
  if (f->rk < 0 || !f->resident) return false;
  if (eval_resident_obj(ev, f->resident, f->date) != POL_OK) return false;
  pol_status st = pol_quote(ev, f->date);
  if (st == POL_ENOMEM) c->oom = true;
  switch (f->rk) {
  case 1:
    return st == POL_OK && ev->matched[f->a] && ev->matched[f->b] &&
           (ev->category == f->a || ev->category == f->b);
  case 2: return st == POL_OK && ev->category == PRG_NONE;
  case 3: { /* b: 1 parts (the message becomes the VM's, with its figures: "parts add up
             * to 390 yuan, not its worth 400 yuan"), 2 amounts fail, 3 `when` fails (the
             * VM's message is appended) */
    char pre[300];
    snprintf(pre, sizeof pre, "category %s: ", chk_ckey(c, f->a));
    if (st != POL_ERUNTIME || (f->b == 1 && strncmp(ev->error, pre, strlen(pre)) != 0)) return false;
    sbuf m = {.oom = &c->oom};
    if (f->b == 1) chk_sb(&m, "category `%s`: %s", chk_ckey(c, f->a), ev->error + strlen(pre));
    else chk_sb(&m, "%s: %s", f->msg, ev->error);
    if (m.s) { free(f->msg); f->msg = m.s; }
    return true;
  }
  case 4: return st == POL_OK && ev->matched[f->a] && ev->category != f->a;
  /* a date of a window whose dates are unstated is analysed as accepted (#19 B3) */
  case 10: return st == POL_OK && (ev->payable || ev->rsn_kind == RSN_UNSTATED) && ev->start > ev->end;
  case 9: {
    prg_window t, s;
    restate_spans(p, &p->restates[f->a], &t, &s);
    return st == POL_OK && vm_in_window(&t, f->date) != vm_in_window(&s, f->date);
  }
  case 8: { /* the same category without the identity */
    uint32_t with = ev->category;
    ev->slots[SLOT_IDENTITIES] &= ~(int64_t)(1ull << f->a);
    pol_status again = st == POL_OK ? pol_quote(ev, f->date) : st;
    if (again == POL_ENOMEM) c->oom = true;
    return again == POL_OK && ev->category == with;
  }
  case 5: return st == POL_OK && ev->applied[f->a] && ev->applied[f->b];
  case 6: return st == POL_OK && ev->window == PRG_NONE;
  case 7: return st == POL_OK && ev->window == f->a;
  case 13: return st == POL_OK && ev->window == f->a;
  case 14: return st == POL_OK && ev->matched[f->a] && !ev->payable;
  case 15: return st == POL_OK; /* the figures are the effect's own at this resident */
  case 11:
    return st == POL_OK && (ev->payable || ev->rsn_kind == RSN_UNSTATED) && ev->window == f->a &&
           ev->applied[f->b];
  case 12: return st == POL_OK && ev->window == f->a && f->date >= p->windows[f->b].lo && f->date <= p->windows[f->b].hi;
  default: (void)p; return false;
  }
}

static int cmp_finding(const void *a, const void *b) {
  const finding *x = a, *y = b;
  if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

/* What each rule id of check reports (SARIF help text). */
static void describe_rules(pol_diags *d) {
  static const char *const help[][2] = {
      {"overlap", "Two categories hold for one resident. An error when only file order decides between "
                  "them and their money or funding differ; a note when `choose` settles it."},
      {"missing", "A resident no category covers, or an identity the policy never tests (its holders are "
                  "treated as holding no identity)."},
      {"amounts", "A category whose parts do not add up to its worth, are negative or cannot be evaluated."},
      {"dates", "Payment dates: gaps, overlapping windows (an error when a rule or the windows' effects "
                "change an accepted answer there), rules in conflict or never applying, restated periods."},
      {"dead", "A category, rule or add-on that applies to no accepted payment."},
      {"coverage", "The analysis did not cover every resident and payment date; what was left out."},
      {"unused", "A declaration nothing uses."},
      {"host", "A host function (extern) check cannot see inside, or one the host does not bind."},
      {"unstated", "A value the notice does not state (`unstated`): answers give null for it."},
  };
  for (size_t i = 0; i < sizeof help / sizeof help[0]; i++) diag_describe_rule(d, help[i][0], help[i][1]);
}

/* ---- entry --------------------------------------------------------------------------- */

/* ---- host functions --------------------------------------------------------------------
 * check cannot see inside an extern: its contexts answer each with the host's function or
 * a stand-in (eval_open_standin).  What that makes incomplete is said, never hidden: one
 * note per extern that is called, naming what calls it, and every finding that can depend
 * on one names it.  A category finding depends on the externs the categories call; any
 * other finding (windows, rules, dates) also on those the windows and rules call. */

static void host_names(chk *c, uint64_t mask, char *buf, size_t n) {
  size_t k = 0;
  buf[0] = 0;
  for (uint32_t i = 0; i < c->p->nexterns && i < 64; i++)
    if ((mask >> (i < 63 ? i : 63)) & 1)
      k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "%s`%s`", k ? ", " : "",
                            prg_str(c->p, c->p->externs[i].key));
}

static void host_findings(chk *c, bool bound) {
  const pol_program *p = c->p;
  for (uint32_t i = 0; i < c->nf; i++) {
    finding *f = &c->f[i];
    bool cat = false;
    for (uint32_t k = 0; k < p->ncategories && !cat; k++) cat = p->categories[k].pos == f->pos && f->pos;
    uint64_t mask = cat ? c->A.ext : c->A.ext | c->B.ext;
    if (!mask) continue;
    char names[256];
    host_names(c, mask, names, sizeof names);
    sbuf m = {.oom = &c->oom};
    chk_sb(&m, "%s (depends on host function %s)", f->msg, names);
    if (m.s) { free(f->msg); f->msg = m.s; }
  }
  for (uint32_t x = 0; x < p->nexterns; x++) {
    uint64_t bit = 1ull << (x < 63 ? x : 63);
    if (!((c->A.ext | c->B.ext) & bit)) continue;
    sbuf who = {.oom = &c->oom};
    for (uint32_t l = 0; l < p->nlets; l++)
      if (c->let_info[l].ext & bit) chk_sb(&who, "%slet `%s`", who.s ? ", " : "", prg_str(p, p->lets[l].key));
    for (uint32_t k = 0; k < p->ncategories; k++)
      if (c->cat_info[k].ext & bit) chk_sb(&who, "%scategory `%s`", who.s ? ", " : "", chk_ckey(c, k));
    if (c->win_info.ext & bit) chk_sb(&who, "%sa window's effects", who.s ? ", " : "");
    for (uint32_t r = 0; r < p->nrules; r++)
      if (c->rule_info[r].ext & bit) chk_sb(&who, "%srule `%s`", who.s ? ", " : "", prg_str(p, p->rules[r].key));
    if (who.s == NULL) chk_sb(&who, "an add-on's `paid by`");
    chk_add_finding(c, DIAG_NOTE, "host", p->externs[x].pos, 0, 0, 0, NULL,
                "polc check cannot see inside host function `%s`: it was answered by %s, not "
                "with every answer it may give, so findings about %s may change with the host's "
                "answers; each such finding says it depends on `%s`",
                prg_str(p, p->externs[x].key),
                bound ? "the plugin's function"
                      : "a stand-in (its first argument of the result's type, unchanged; else "
                        "false, 0, the first enum value or 1 January of the benefit year)",
                who.s ? who.s : "it", prg_str(p, p->externs[x].key));
    free(who.s);
  }
}

pol_status pol_check(const pol_program *p, const char *source, size_t len, int verbose, pol_diags **out) {
  return pol_check_host(p, NULL, source, len, verbose, out);
}

pol_status pol_check_host(const pol_program *p, const pol_host *h, const char *source, size_t len,
                          int verbose, pol_diags **out) {
  pol_diags *d = *out ? *out : diag_new();
  if (!d) return POL_ENOMEM;
  *out = d;
  uint32_t src = diag_add_source(d, prg_str(p, p->file), source, len);
  if (h) { /* an extern the host does not bind, or binds otherwise: said, not analysed */
    pol_eval *t = NULL;
    pol_status st = pol_eval_open(p, h, &t);
    if (st == POL_EINPUT && t)
      diag_add(d, DIAG_ERROR, src, 0, 0, "host", "%s", pol_eval_error(t));
    pol_eval_free(t);
    if (st != POL_OK) return st;
  }
  chk *c = calloc(1, sizeof *c);
  if (!c) return POL_ENOMEM;
  pol_status rc = POL_ENOMEM;
  size_t ns = p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots;
  uint32_t n = p->ncategories;
  c->p = p;
  c->verbose = verbose;
  chk_payment_span(c);
  c->ev = eval_open_standin(p, h);
  pol_eval *rev = eval_open_standin(p, h);
  /* witnesses are replayed on the interpreter, whose run-time failures check reports */
  if (rev) rev->slow = true;
  c->dim_of_slot = calloc(ns, sizeof *c->dim_of_slot);
  c->let_info = calloc(p->nlets ? p->nlets : 1, sizeof *c->let_info);
  c->cat_info = calloc(n ? n : 1, sizeof *c->cat_info);
  uint32_t nr = p->nrules ? p->nrules : 1;
  c->rule_info = calloc(nr, sizeof *c->rule_info);
  c->rule_when = calloc(nr, sizeof *c->rule_when);
  c->rule_eff = calloc((size_t)nr * NEFF, sizeof *c->rule_eff);
  c->blet = calloc(p->nlets ? p->nlets : 1, sizeof *c->blet);
  c->base = calloc(ns, sizeof *c->base);
  c->row = calloc((size_t)(n ? n : 1) * (4 + p->nsources), sizeof *c->row);
  c->cat_holds = calloc(n ? n : 1, 1);
  c->cat_chosen = calloc(n ? n : 1, 1);
  c->cat_holds_acc = calloc(n ? n : 1, 1);
  c->cat_chosen_acc = calloc(n ? n : 1, 1);
  c->held_res = calloc(n ? n : 1, sizeof *c->held_res);
  c->held_date = calloc(n ? n : 1, sizeof *c->held_date);
  c->addon_acc = calloc(p->naddons ? p->naddons : 1, 1);
  c->period_done = calloc(p->nperiods ? p->nperiods : 1, 1);
  c->amount_done = calloc(n ? n : 1, 1);
  c->cat_loses_to = calloc((size_t)(n ? n : 1) * (n ? n : 1), 1);
  c->rule_on_payable = calloc(p->nrules ? p->nrules : 1, 1);
  c->cat_partial = calloc(n ? n : 1, 1);
  c->late_start_done = calloc(p->nwindows + 1, 1);
  c->counted_done = calloc(p->neffects ? p->neffects : 1, 1);
  c->rule_applies = calloc(p->nrules ? p->nrules : 1, 1);
  c->rule_held = calloc(p->nrules ? p->nrules : 1, 1);
  c->lose_res = calloc(n ? n : 1, sizeof *c->lose_res);
  c->lose_date = calloc(n ? n : 1, sizeof *c->lose_date);
  c->pair_done = calloc((size_t)(n ? n : 1) * (n ? n : 1), 1);
  c->rule_applied = calloc(p->nrules ? p->nrules : 1, 1);
  c->rule_pair_done = calloc((size_t)(p->nrules ? p->nrules : 1) * (p->nrules ? p->nrules : 1), 1);
  c->win_pair_done = calloc((size_t)(p->nwindows ? p->nwindows : 1) * (p->nwindows ? p->nwindows : 1), 1);
  if (!c->ev || !rev || !c->dim_of_slot || !c->let_info || !c->cat_info || !c->base || !c->row ||
      !c->cat_holds || !c->cat_chosen || !c->amount_done || !c->cat_loses_to || !c->pair_done ||
      !c->rule_applied || !c->rule_pair_done || !c->rule_info || !c->rule_when ||
      !c->rule_eff || !c->blet || !c->lose_res || !c->lose_date || !c->rule_on_payable || !c->cat_partial ||
      !c->late_start_done || !c->counted_done || !c->rule_applies || !c->rule_held || !c->win_pair_done || !c->cat_holds_acc || !c->cat_chosen_acc ||
      !c->held_res || !c->held_date || !c->addon_acc || !c->period_done || n > 256)
    goto done;
  if (!chk_make_dims(c)) goto done;
  chk_scan_program(c);
  if (c->oom || chk_lists_oom(c)) goto done;
  for (uint32_t k = 1; k < c->nd; k++)
    if (ds_has(&c->A.reads, k) && ds_has(&c->B.reads, k)) ds_add(&c->shared, k);
  c->sdims = malloc(MAXD * sizeof *c->sdims);
  c->bdims = malloc(MAXD * sizeof *c->bdims);
  if (!c->sdims || !c->bdims) goto done;
  for (uint32_t k = 1; k < c->nd; k++) {
    if (ds_has(&c->shared, k)) c->sdims[c->nsd++] = k;
    else if (ds_has(&c->B.reads, k)) c->bdims[c->nbd++] = k;
  }
  if (!chk_order_bdims(c)) goto done;
  for (uint32_t b = 0; b < 64; b++)
    if (c->dim_of_bit[b] >= 0 && ds_has(&c->B.reads, (uint32_t)c->dim_of_bit[b])) c->b_bits |= 1ull << b;
  if (!chk_build_components(c)) goto done;
  for (uint32_t i = 0; i < p->neffects; i++) c->rules_pay |= p->effects[i].kind == EFF_PAYABLE;
  chk_paid_candidates(c);
  if (c->oom || chk_lists_oom(c)) goto done;

  static_findings(c);
  date_findings(c);
  restate_findings(c);
  chk_enumerate(c);
  final_findings(c);
  /* tested identities that give nothing: a claim about every point, so only when complete */
  if (!c->incomplete_ids && c->paid.n) identity_findings(c, true);

  /* what was not covered: said in every format (diag_incomplete) and by the exit status */
  if (c->incomplete_ids) {
    sbuf m = {.oom = &c->oom};
    chk_sb(&m, "%s: residents holding more than 3 of the identities tested together by categories ",
       prg_str(p, p->file));
    for (uint32_t i = 0, k = 0; i < n; i++)
      if (c->cat_partial[i]) chk_sb(&m, "%s`%s`", k++ ? ", " : "", chk_ckey(c, i));
    chk_sb(&m, " were not enumerated: findings about them (amounts, overlaps, categories never holding or "
           "chosen, rules never applying) may be missing");
    if (m.s) diag_incomplete(d, m.s);
    free(m.s);
  }
  if (c->incomplete_combo) {
    sbuf m = {.oom = &c->oom};
    chk_sb(&m, "%s: too many combinations of independent categories: overlaps between categories of "
           "different groups were not all analysed (categories, rules and dates were)", prg_str(p, p->file));
    if (m.s) diag_incomplete(d, m.s);
    free(m.s);
  }
  if (c->paid.n == 0) {
    sbuf m = {.oom = &c->oom};
    chk_sb(&m, "%s: no payment date to analyse: no claim about every payment was made", prg_str(p, p->file));
    if (m.s) diag_incomplete(d, m.s);
    free(m.s);
  }

  if (p->nexterns) host_findings(c, h != NULL);
  /* answered by stand-ins, findings about what a host function decides are guesses: the
   * analysis is partial (with the plugin bound, its real answers are used: a note says
   * what check cannot see) */
  if (!h && ((c->A.ext | c->B.ext) != 0)) {
    sbuf m = {.oom = &c->oom};
    chk_sb(&m, "%s: host functions answered by stand-ins, not by the host (pass the plugin with "
           "--plugin): ", prg_str(p, p->file));
    for (uint32_t x = 0, k = 0; x < p->nexterns; x++)
      if ((c->A.ext | c->B.ext) & (1ull << (x < 63 ? x : 63)))
        chk_sb(&m, "%s`%s`", k++ ? ", " : "", prg_str(p, p->externs[x].key));
    chk_sb(&m, "; findings that depend on their answers may be missing or wrong");
    if (m.s) diag_incomplete(d, m.s);
    free(m.s);
  }

  /* replay, sort, emit */
  uint32_t k = 0;
  for (uint32_t i = 0; i < c->nf; i++) {
    if (replay(c, rev, &c->f[i])) c->f[k++] = c->f[i];
    else { free(c->f[i].msg); json_decref(c->f[i].resident); }
  }
  c->nf = k;
  if (c->nf > 1) qsort(c->f, c->nf, sizeof *c->f, cmp_finding);
  describe_rules(d);
  for (uint32_t i = 0; i < c->nf; i++) {
    finding *f = &c->f[i];
    diag_add(d, f->sev, src, f->pos, f->pos, f->rule, "%s", f->msg);
    if (f->has_rel) diag_related(d, f->rel, f->rel);
    if (f->resident) {
      char date[11];
      cal_format(f->date, date);
      char *res = diag_json_dump(f->resident, JSON_COMPACT | JSON_PRESERVE_ORDER);
      sbuf w = {.oom = &c->oom};
      if (res) chk_sb(&w, "polc quote %s --resident '%s' --date %s", prg_str(p, p->file), res, date);
      else c->oom = true;
      if (w.s) diag_witness_fields(d, f->resident, res, date, w.s);
      free(w.s);
      free(res);
    }
  }
  /* a partial analysis cannot show the policy clean: negative, like an error */
  rc = c->oom || chk_lists_oom(c) || d->oom ? POL_ENOMEM
       : pol_diags_count(d, 1) || d->incomplete ? POL_NEGATIVE : POL_OK;
done:
  for (uint32_t i = 0; i < c->nf; i++) { free(c->f[i].msg); json_decref(c->f[i].resident); }
  free(c->f);
  for (uint32_t i = 0; i < c->ncomp; i++) {
    free(c->comps[i].cats); free(c->comps[i].dims); free(c->comps[i].moved); free(c->comps[i].vecs);
    free(c->comps[i].reps); free(c->comps[i].stamp); free(c->comps[i].cur);
  }
  free(c->comps);
  for (uint32_t i = 0; i < c->ncache; i++) {
    for (uint32_t o = 0; o < c->cache[i].nouts; o++) free(c->cache[i].outs[o].vids);
    free(c->cache[i].outs);
    free(c->cache[i].key);
  }
  free(c->cache);
  chk_comp_dd_free(c);
  for (uint32_t i = 0; i < c->nd; i++) { info_free(&c->d[i].in); il_free(&c->d[i].cand); }
  if (c->let_info) for (uint32_t i = 0; i < p->nlets; i++) info_free(&c->let_info[i]);
  if (c->cat_info) for (uint32_t i = 0; i < n; i++) info_free(&c->cat_info[i]);
  if (c->rule_info) for (uint32_t i = 0; i < p->nrules; i++) info_free(&c->rule_info[i]);
  if (c->lose_res) for (uint32_t i = 0; i < n; i++) json_decref(c->lose_res[i]);
  if (c->held_res) for (uint32_t i = 0; i < n; i++) json_decref(c->held_res[i]);
  free(c->held_res); free(c->held_date); free(c->cat_holds_acc); free(c->cat_chosen_acc); free(c->addon_acc); free(c->period_done);
  free(c->lose_res); free(c->lose_date); free(c->rule_on_payable); free(c->cat_partial); free(c->late_start_done);
  free(c->rule_info); free(c->rule_when); free(c->rule_eff); free(c->blet); free(c->moved);
  free(c->counted_done); free(c->rule_applies); free(c->rule_held);
  info_free(&c->A);
  info_free(&c->win_info);
  info_free(&c->B);
  il_free(&c->paid);
  free(c->let_info); free(c->cat_info); free(c->dim_of_slot); free(c->base); free(c->row);
  free(c->cat_holds); free(c->cat_chosen); free(c->amount_done); free(c->cat_loses_to);
  free(c->pair_done); free(c->win_pair_done); free(c->rule_applied); free(c->rule_pair_done); free(c->sdims); free(c->bdims);
  pol_eval_free(c->ev);
  pol_eval_free(rev);
  free(c);
  return rc;
}
