/*
 * examples.c — pol_test: run a policy's inline examples.  Each example's resident goes
 * through the same JSON decoder as a query's (pol_resident_json), so an example checks
 * exactly what a service would get.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "eval.h"
#include "money.h"

static void fmt_money(int64_t fen, char *buf) { money_format(fen, buf); }
/* A date, or "none" (a refused answer's benefit start and end) */
static void fmt_date(int64_t d, char *buf) {
  if (d == EVAL_NO_DATE)
    snprintf(buf, 64, "none (a refused answer has no benefit period)");
  else
    cal_format((int32_t)d, buf);
}

typedef struct { FILE *f; const pol_program *p; const prg_example *ex; int fails; } run;

static void fail(run *r, const char *what, const char *want, const char *got) {
  if (r->fails++ == 0)
    fprintf(r->f, "%s:%u: example \"%s\" FAILED\n", prg_str(r->p, r->p->file), r->ex->line,
            prg_str(r->p, r->ex->name));
  fprintf(r->f, "    %s: expected %s, got %s\n", what, want, got);
}

/* An expectation against a value the notice may not state (#19 B3): `unstated` is written
 * PRG_ABSENT.  True when settled here (passed or reported), false to compare values. */
static bool unstated_check(run *r, const char *what, int64_t want, bool unknown,
                           const char *got_text) {
  if (want == PRG_ABSENT) {
    if (!unknown) fail(r, what, "unstated", got_text);
    return true;
  }
  if (!unknown) return false;
  fail(r, what, "a stated value", "unstated");
  return true;
}

static void check_money(run *r, const char *what, int64_t want, int64_t got, bool unknown) {
  char g[MONEY_MAX_TEXT];
  fmt_money(got, g);
  if (unstated_check(r, what, want, unknown, g)) return;
  if (want == got) return;
  char a[MONEY_MAX_TEXT], b[MONEY_MAX_TEXT];
  fmt_money(want, a);
  fmt_money(got, b);
  fail(r, what, a, b);
}

static void check_int(run *r, const char *what, int64_t want, int64_t got, bool unknown) {
  char g[32];
  snprintf(g, sizeof g, "%lld", (long long)got);
  if (unstated_check(r, what, want, unknown, g)) return;
  if (want == got) return;
  char a[32], b[32];
  snprintf(a, sizeof a, "%lld", (long long)want);
  snprintf(b, sizeof b, "%lld", (long long)got);
  fail(r, what, a, b);
}

static void check_date(run *r, const char *what, int64_t want, int64_t got, bool unknown) {
  char g[64];
  fmt_date(got, g);
  if (unstated_check(r, what, want, unknown, g)) return;
  if (want == got) return;
  char a[64], b[64];
  fmt_date(want, a);
  fmt_date(got, b);
  fail(r, what, a, b);
}

static const char *cat_key(const pol_program *p, uint32_t c) {
  return c == PRG_NONE ? "(none)" : prg_str(p, p->categories[c].key);
}

/* matched { … }: the listed set must equal the matched set */
static uint32_t check_matched(run *r, pol_eval *ev, uint32_t i, uint32_t end) {
  const pol_program *p = r->p;
  char want[1024] = "", got[1024] = "";
  uint8_t listed[4096] = {0};
  uint32_t j = i + 1;
  for (; j < end && r->p->expects[j].kind == EXP_MATCHED && r->p->expects[j].arg != PRG_NONE; j++) {
    uint32_t c = r->p->expects[j].arg;
    if (c < sizeof listed) listed[c] = 1;
    snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s", want[0] ? ", " : "",
             cat_key(p, c));
  }
  bool same = eval_matched(ev) == POL_OK;
  for (uint32_t c = 0; c < p->ncategories; c++) {
    if (ev->matched[c])
      snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", got[0] ? ", " : "",
               cat_key(p, c));
    if (c < sizeof listed && listed[c] != ev->matched[c]) same = false;
  }
  if (!same) fail(r, "matched", want[0] ? want : "(none)", got[0] ? got : "(none)");
  return j - 1;
}

static void check_example(run *r, pol_eval *ev) {
  const pol_program *p = r->p;
  const prg_example *ex = r->ex;
  uint32_t end = ex->expect_first + ex->expect_count;
  for (uint32_t i = ex->expect_first; i < end; i++) {
    const prg_expect *x = &p->expects[i];
    switch (x->kind) {
    case EXP_PAYABLE:
      if (x->value == PRG_ABSENT || ev->rsn_kind == RSN_UNSTATED)
        unstated_check(r, "payable", x->value, ev->rsn_kind == RSN_UNSTATED,
                       ev->payable ? "true" : "false");
      else if (x->value != ev->payable)
      {
        /* a refusal is shown with its reason: "false (… is after the last payment date …)" */
        char got[EVAL_MSG + 16];
        const char *why = ev->payable ? "" : pol_answer_reason(ev);
        snprintf(got, sizeof got, "%s%s%s%s", ev->payable ? "true" : "false", *why ? " (" : "",
                 why, *why ? ")" : "");
        fail(r, "payable", x->value ? "true" : "false", got);
      }
      break;
    case EXP_SUBSIDIZED: {
      bool sub = false;
      for (uint32_t s = 0; s < p->nsources; s++)
        sub |= ev->funding[s] > 0 || ev->unst_funding[s] != PRG_NONE; /* an unstated fund pays */
      if (x->value != sub) fail(r, "subsidized", x->value ? "true" : "false", sub ? "true" : "false");
      break;
    }
    case EXP_CATEGORY:
      if (x->arg != ev->category) fail(r, "category", cat_key(p, x->arg), cat_key(p, ev->category));
      break;
    case EXP_INDIVIDUAL:
      check_money(r, "individual", x->value, ev->individual, ev->unst_individual != PRG_NONE);
      break;
    case EXP_FUNDING_ALL: {
      /* the listed sources, and 0 for every other */
      uint32_t j = i + 1;
      for (uint32_t s = 0; s < p->nsources; s++) {
        int64_t want = 0;
        for (uint32_t k = i + 1; k < end && p->expects[k].kind == EXP_FUNDING; k++)
          if (p->expects[k].arg == s) want = p->expects[k].value;
        char what[128];
        snprintf(what, sizeof what, "funding %s", prg_str(p, p->sources[s].key));
        check_money(r, what, want, ev->funding[s], ev->unst_funding[s] != PRG_NONE);
      }
      while (j < end && p->expects[j].kind == EXP_FUNDING) j++;
      i = j - 1;
      break;
    }
    case EXP_FUNDING: break;
    case EXP_START:
      check_date(r, "start", x->value, ev->start,
                 ev->unst_start != PRG_NONE || ev->unst_wait != PRG_NONE);
      break;
    case EXP_END: check_date(r, "end", x->value, ev->end, ev->unst_end != PRG_NONE); break;
    case EXP_WAIT_MONTHS:
      check_int(r, x->value == PRG_ABSENT ? "wait" : "wait (months)", x->value, ev->wait_months,
                ev->unst_wait != PRG_NONE);
      break;
    case EXP_WAIT_DAYS:
      check_int(r, "wait (days)", x->value, ev->wait_days, ev->unst_wait != PRG_NONE);
      break;
    case EXP_MATCHED: i = check_matched(r, ev, i, end); break;
    case EXP_PERIOD: {
      /* period { … }: the listed periods bought, each at its individual amount, no other */
      uint32_t j = i + 1;
      while (j < end && p->expects[j].kind == EXP_PERIOD && p->expects[j].arg != PRG_NONE) j++;
      for (uint32_t a = 0; a < p->nperiods; a++) {
        bool listed = false;
        int64_t want = 0;
        for (uint32_t k = i + 1; k < j; k++)
          if (p->expects[k].arg == a) listed = true, want = p->expects[k].value;
        bool on = ev->category != PRG_NONE && ev->period_on[a];
        char what[128], wb[MONEY_MAX_TEXT], gb[MONEY_MAX_TEXT];
        snprintf(what, sizeof what, "period %s", prg_str(p, p->periods[a].key));
        if (listed == on && (!on || want == ev->period_individual[a])) continue;
        if (listed) fmt_money(want, wb);
        if (on) fmt_money(ev->period_individual[a], gb);
        fail(r, what, listed ? wb : "not bought", on ? gb : "not bought");
      }
      i = j - 1;
      break;
    }
    case EXP_ADDON: {
      /* addons { … }: the listed add-ons at their amounts, and no other included */
      uint32_t j = i + 1;
      while (j < end && p->expects[j].kind == EXP_ADDON && p->expects[j].arg != PRG_NONE) j++;
      for (uint32_t a = 0; a < p->naddons; a++) {
        int64_t want = -1;
        for (uint32_t k = i + 1; k < j; k++)
          if (p->expects[k].arg == a) want = p->expects[k].value;
        char what[128], wb[MONEY_MAX_TEXT], gb[MONEY_MAX_TEXT];
        snprintf(what, sizeof what, "add-on %s", prg_str(p, p->addons[a].key));
        int64_t got = ev->addon_amount[a];
        if (want == got) continue;
        if (want >= 0) fmt_money(want, wb);
        if (got >= 0) fmt_money(got, gb);
        fail(r, what, want >= 0 ? wb : "not included", got >= 0 ? gb : "not included");
      }
      i = j - 1;
      break;
    }
    }
  }
}

/* Set the example's resident and add-ons on ev.  POL_ENOMEM when memory ran out before
 * anything could be built (nothing reported: the whole test run is then POL_ENOMEM);
 * another failure is reported on f.  jansson answers -1 both for memory and for a key
 * that is not UTF-8 (a corrupt .polb the verifier let through): that is reported as a
 * failed example naming both causes, never as POL_ENOMEM. */
static pol_status set_resident(pol_eval *ev, const prg_example *ex, FILE *f) {
  const pol_program *p = ev->p;
  json_t *obj = json_object();
  if (obj == NULL)
    return POL_ENOMEM;
  bool ok = true;
  for (uint32_t g = ex->given_first; ok && g < ex->given_first + ex->given_count; g++)
    ok = json_object_set_new(obj, prg_str(p, p->attrs[p->givens[g].attr].key),
                             eval_value_json(p, &p->attrs[p->givens[g].attr],
                                             p->givens[g].value)) == 0;
  char *text = ok ? json_dumps(obj, JSON_COMPACT) : NULL;
  json_decref(obj);
  if (text == NULL) {
    fprintf(f, "%s:%u: example \"%s\" FAILED\n    its resident cannot be written as JSON "
               "(out of memory, or a key or value that is not UTF-8)\n",
            prg_str(p, p->file), ex->line, prg_str(p, ex->name));
    return POL_EINPUT;
  }
  pol_status st = pol_resident_json(ev, text, ex->paid_on);
  free(text);
  for (uint32_t b = ex->buy_first; st == POL_OK && b < ex->buy_first + ex->buy_count; b++) {
    char amount[MONEY_MAX_TEXT], spec[256];
    money_format(p->buys[b].amount, amount);
    snprintf(spec, sizeof spec, "%s=%s", prg_str(p, p->addons[p->buys[b].addon].key), amount);
    st = pol_buy_addon(ev, spec);
  }
  if (st != POL_OK && st != POL_ENOMEM)
    fprintf(f, "%s:%u: example \"%s\" FAILED\n    %s\n", prg_str(p, p->file), ex->line,
            prg_str(p, ex->name), pol_eval_error(ev));
  return st;
}

pol_status pol_test(const pol_program *p, char **report) {
  return pol_test_host(p, NULL, report, NULL, NULL);
}

pol_status pol_test_counted(const pol_program *p, char **report, uint32_t *examples,
                            uint32_t *failures) {
  return pol_test_host(p, NULL, report, examples, failures);
}

pol_status pol_test_host(const pol_program *p, const pol_host *h, char **report,
                         uint32_t *examples, uint32_t *failures) {
  char *out = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&out, &n);
  pol_eval *ev = NULL;
  pol_status open = pol_eval_open(p, h, &ev);
  if (open == POL_EINPUT && f && ev) { /* an extern unbound or bound otherwise */
    fprintf(f, "%s: %s\n", prg_str(p, p->file), pol_eval_error(ev));
    fclose(f);
    pol_eval_free(ev);
    *report = out;
    return POL_EINPUT;
  }
  if (!f || !ev) {
    if (f) fclose(f);
    free(out);
    pol_eval_free(ev);
    return POL_ENOMEM;
  }
  uint32_t failed = 0;
  for (uint32_t e = 0; e < p->nexamples; e++) {
    const prg_example *ex = &p->examples[e];
    run r = {f, p, ex, 0};
    pol_status st = set_resident(ev, ex, f);
    if (st == POL_ENOMEM) {
      fclose(f);
      free(out);
      pol_eval_free(ev);
      return POL_ENOMEM;
    }
    if (st != POL_OK) {
      failed++;
      continue;
    }
    if (pol_quote(ev, ex->paid_on) != POL_OK) {
      fprintf(f, "%s:%u: example \"%s\" FAILED\n    %s\n", prg_str(p, p->file), ex->line,
              prg_str(p, ex->name), pol_eval_error(ev));
      failed++;
      continue;
    }
    check_example(&r, ev);
    if (r.fails) failed++;
  }
  fprintf(f, "%s: %u examples, %u passed, %u failed\n", prg_str(p, p->id), p->nexamples,
          p->nexamples - failed, failed);
  fclose(f);
  pol_eval_free(ev);
  *report = out;
  if (examples) *examples = p->nexamples;
  if (failures) *failures = failed;
  return failed ? POL_NEGATIVE : POL_OK;
}
