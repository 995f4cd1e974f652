/*
 * eval.h — an evaluation context (pol_eval, opaque in pol.h) and the interpreter entry.
 *
 * A pol_eval belongs to one thread; it points at an immutable program and owns every
 * buffer an evaluation writes: the context slots, the resident as given, the answer.
 * All buffers are sized from the program at pol_eval_new; a quote allocates nothing.
 */
#ifndef POL_EVAL_H
#define POL_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "pol.h"
#include "program.h"

#define EVAL_MSG 512

/* Why a date is not payable, kept as data and formatted only when asked for
 * (pol_answer_reason), so that a quote formats no text. */
typedef enum {
  RSN_NONE,        /* payable */
  RSN_DAYS,        /* outside the day-of-month filter of window rsn_arg */
  RSN_BEFORE,      /* before the first window opens */
  RSN_AFTER,       /* after the last window closes */
  RSN_OUTSIDE,     /* between windows */
  RSN_TEXT,        /* a rule's `not payable "…"`: rsn_arg is the string */
  RSN_NO_CATEGORY, /* no category applies */
  RSN_UNSTATED     /* the window's dates are unstated (rsn_arg: p->unstated index): the
                      answer's payable is null, neither accepted nor refused */
} eval_reason;

/* What pol_set accepts for one attribute, prepared per context. */
typedef struct {
  int64_t lo, hi;      /* accepted values (lo > hi: none, e.g. `identities`) */
  uint32_t slot;
  uint32_t required;   /* 1 if the attribute is required */
} eval_setter;

struct pol_eval {
  const pol_program *p;
  const struct pol_plan *plan; /* p's decision structure, or NULL (api/plan.h) */
  int64_t *slots;      /* nslots: fixed slots, attributes, lets */
  int64_t *resident;   /* nslots: the resident as set by pol_resident_json (inputs only) */
  int64_t *resident0;  /* nslots: every attribute at its default (eval_resident_init) */
  uint32_t missing0;   /* required attributes */
  uint32_t ids_attr;   /* the `identities` attribute, or PRG_NONE */
  eval_setter *setters; /* nattrs */
  bool has_resident;
  uint32_t missing;    /* required attributes not yet given since the last clear */
  int64_t *bought;     /* naddons: tier amount bought (fen), or -1 */
  uint8_t *given;      /* nattrs: 1 if the resident JSON gave attribute i */
  uint32_t *qdate, nqdate; /* attributes that default to the payment date */
  int64_t dom_day, dom_of; /* day of month dom_of of the last day dom_day looked up */
  int64_t *scratch;    /* nsources: funding of the category being compared (pol_quote) */
  bool has_answer;     /* the last pol_quote succeeded; the answer fields below hold it */
  int32_t year_start, year_end; /* 1 January and 31 December of the benefit year; 0 if
                                   the year is outside the calendar */

  /* the answer of the last pol_quote */
  int32_t date;
  bool payable;
  uint8_t rsn_kind;    /* eval_reason */
  uint32_t rsn_arg;
  char reason[EVAL_MSG]; /* pol_answer_reason's buffer */
  char why[1024];        /* pol_answer_why's buffer */
  bool lets_done;      /* the lets' slots hold this quote's values */
  bool slow;           /* never take the plan (tests compare both paths) */
  bool matched_known;  /* `matched` below was computed for this answer (it is lazy) */
  uint32_t window;     /* window whose range holds the date, or PRG_NONE */
  uint32_t category;   /* chosen category, or PRG_NONE */
  uint8_t *matched;    /* ncategories: 1 if its `when` holds (eval_matched) */
  int64_t worth, individual;
  int64_t *funding;    /* nsources, fen */
  int32_t start, end;  /* benefit start (wait included) and end */
  int64_t wait_months, wait_days;
  uint8_t *applied;    /* nrules: 1 if the rule applied */
  int64_t *addon_amount; /* naddons: fen, -1 if not included */
  uint32_t *addon_payer; /* naddons: source, or PRG_NONE for the individual */
  int64_t *addon_individual; /* naddons: the resident's share of addon_amount (fen) */
  /* Values of the answer the notice does not state (#19 B3): the p->unstated entry that
   * makes each unknown (null in JSON), or PRG_NONE.  A benefit start is unknown when the
   * start or the wait is. */
  uint32_t unst_individual, unst_worth, unst_start, unst_end, unst_wait, unst_surcharge;
  uint32_t *unst_funding; /* nsources */
  /* Periods (#19 B4): which the payment buys, each one's split and dates; the policy's
   * own year's amounts before the periods were added (main_*); `instead`: the period
   * bought instead of the policy's year, or PRG_NONE. */
  uint8_t *period_on;          /* nperiods */
  int64_t *period_worth, *period_individual, *period_funding; /* nperiods, ×nsources */
  int32_t *period_start, *period_end;                         /* nperiods */
  int64_t main_worth, main_individual, *main_funding;          /* nsources */
  uint32_t instead;

  char error[EVAL_MSG];

  /* Host functions (api/host.c), set by pol_eval_open: calls[i] is the host's binding of
   * extern i (owned by the pol_host, which outlives ev); a NULL entry answers with a
   * stand-in (only in the contexts of `polc check`, eval_open_standin).  NULL when the
   * program has no externs. */
  const struct host_fn **calls;
  /* Non-empty: pol_eval_open refused the context (an extern unbound or bound with another
   * signature); pol_quote fails with this message and runs nothing. */
  char refused[EVAL_MSG];
};

/* A context that builds p's plan if it has none yet (pol_eval_new), or (planned false)
 * one that always runs the interpreter and never builds it (`polc check`). */
pol_eval *eval_new(const pol_program *p, bool planned);

/* A bounded message being appended to (api/answer.c); output past the capacity is
 * dropped.  The reason, why lines and error messages are built with it. */
typedef struct {
  char *buf;
  size_t cap, len;
} eval_msg;
void eval_msg_add(eval_msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- api/resident.c ---- */
static inline size_t eval_slot_count(const pol_program *p) {
  return p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots;
}
pol_handle eval_handle(const pol_program *p, pol_kind kind, uint32_t i);

static inline uint32_t eval_kind_count(const pol_program *p, pol_kind kind) {
  switch (kind) {
  case POL_ATTRIBUTE: return p->nattrs;
  case POL_IDENTITY: return p->nidentities;
  case POL_SOURCE: return p->nsources;
  case POL_CATEGORY: return p->ncategories;
  case POL_ADDON: return p->naddons;
  case POL_WINDOW: return p->nwindows;
  }
  return 0;
}

/* The index of h if it is a handle of p of that kind (api/resident.c: the layout). */
static inline bool eval_handle_index(const pol_program *p, pol_handle h, pol_kind kind,
                                     uint32_t *i) {
  if (p == NULL || h.bits >> 32 != p->stamp || ((h.bits >> 24) & 0xff) != (uint64_t)kind)
    return false;
  *i = (uint32_t)(h.bits & 0xffffffu);
  return *i < eval_kind_count(p, kind);
}
/* Every attribute at its default, no identity, nothing bought. */
void eval_resident_clear(pol_eval *ev);
/* Makes the template eval_resident_clear copies (pol_eval_new). */
void eval_resident_init(pol_eval *ev);
/* Attribute `attr` given with value v (already checked against its type). */
void eval_resident_given(pol_eval *ev, uint32_t attr, int64_t v);

/* ---- api/quote.c ---- */
/* The p->unstated entry marking (what, index), or PRG_NONE. */
uint32_t eval_unstated(const pol_program *p, uint8_t what, uint32_t index);
/* Whether a funding source of category ci pays an unstated amount: the category is
 * subsidized though the stand-in is 0 (pol_quote and `polc check` both ask this). */
bool eval_unstated_fund(const pol_program *p, uint32_t ci);
/* Fills ev->matched for the last answer if not done yet (it is not part of the quote's
 * fast path).  POL_ERUNTIME if a `when` fails. */
pol_status eval_matched(pol_eval *ev);
/* The value of effect i for the last quote's resident and date (0 for effects without). */
pol_status eval_effect_value(pol_eval *ev, uint32_t effect, int64_t *v);
/* The value of an effect's `counted` section (EFF_WAIT_*_AS_*; 0 for other kinds). */
pol_status eval_effect_counted(pol_eval *ev, uint32_t effect, int64_t *v);
/* The program's assumptions on ev->slots (attributes and the date; their sections read
 * nothing else: the verifier checks): *broken = the first that is false, else PRG_NONE.
 * An error is returned as it is.  The plan skips those it has decided (plan_assumed). */
pol_status eval_assumed(pol_eval *ev, uint32_t *broken);

/* Calls extern i with args[arity] (bool 0/1; int, money, date, enum as int64) and stores
 * its result in *out, which may be args (the VM's stack: the result replaces them).  False, with a sentence in why, when the host answers a value
 * outside its result type (a bool other than 0/1 is read as true; an enum index outside
 * the enum or a date outside the calendar is an error).  Allocates nothing. */
bool eval_call(pol_eval *ev, uint32_t i, const int64_t *args, int64_t *out, char *why,
               size_t whysz);

/* A context for `polc check` of a program with externs: with a host, as pol_eval_open
 * (NULL if it refuses); without, every extern answers with a stand-in: its first
 * argument of the result's type unchanged, else false, 0, the enum's first value or
 * 1 January of the benefit year. */
pol_eval *eval_open_standin(const pol_program *p, const pol_host *h);


/* Run one section with ev->slots as context; the result is stored in *out.
 * POL_ERUNTIME on overflow or an invalid date, with ev->error set. */
pol_status vm_run(pol_eval *ev, prg_section s, int64_t *out);
/* Run code (of p's verified program, or of a plan: verified-equivalent code built from
 * it) from `start` to its RET. */
pol_status vm_exec(pol_eval *ev, const uint32_t *code, uint32_t start, int64_t *out);

/* What one category is worth and how it is split (funding: the sum over sources). */
typedef struct { int64_t worth, individual, funding; } eval_amounts;

/* Worth and parts of period i (as eval_category, messages naming the period). */
pol_status eval_period(pol_eval *ev, uint32_t i, eval_amounts *a, int64_t *funding, bool *bad);

/* Worth and parts of category ci at the point in ev->slots, funding by source into
 * funding[nsources].  An error status if a section fails or overflows; *bad (with the
 * message in ev->error) if the parts do not add up to the worth or one is negative.
 * The one place amounts are computed: pol_quote and `polc check` both call it. */
pol_status eval_category(pol_eval *ev, uint32_t ci, eval_amounts *a, int64_t *funding,
                         bool *bad);

/* The benefit start and end of a refused answer (docs/QUERY.md: a refused payment buys
 * no benefit period; JSON null, accessors INT32_MIN). */
#define EVAL_NO_DATE INT32_MIN

/* What the window and the rules decide; a later effect replaces an earlier one. */
typedef struct {
  int32_t start, end;
  int64_t wait_months, wait_days, surcharge;
  bool free;
  /* What the benefit start counts: WAIT_COUNTS_BOTH (a plain wait: one of the two is 0),
   * or only the days / only the months of a wait stated in one unit and counted in the
   * other (`wait 3 months counted as 90 days`: months 3 and days 90 are both reported). */
  uint8_t wait_counts;
} eval_effects;
enum { WAIT_COUNTS_BOTH, WAIT_COUNTS_DAYS, WAIT_COUNTS_MONTHS };

/* Applies one effect value to e (a later effect replaces an earlier one; any wait
 * replaces the whole earlier wait, both units).  v is the effect's value, counted the
 * value of its `counted` section (EFF_WAIT_*_AS_*; else ignored).  PAYABLE and
 * NOT_PAYABLE are left to the caller.  The one place effects are interpreted: pol_quote
 * and `polc check` both call it. */
void eval_effect(eval_effects *e, uint8_t kind, int64_t v, int64_t counted);

/* `overrides`: clears applies[o] for every rule o overridden by a rule that applies.
 * applies[nrules] holds 1 for each rule whose `when` holds; a rule overrides only rules
 * before it, so from the last rule to the first each is final when it is reached.  The
 * one place overrides are resolved: pol_quote, the plan and `polc check` all call it. */
void eval_overrides(const pol_program *p, uint8_t *applies);
/* The same on a mask of at most 64 rules (bit r: rule r). */
uint64_t eval_overrides_mask(const pol_program *p, uint64_t applies);

/* The window that answers `date`: the first whose range holds it, or PRG_NONE. */
uint32_t eval_window_at(const pol_program *p, int32_t date);

/* The benefit start after the wait: false if it is not a date. */
bool eval_benefit_start(const eval_effects *e, int32_t *start);

/* pol_resident_json on a parsed document (root is not changed): what a caller that built
 * the resident as JSON itself (polc check's witnesses) decodes without printing and
 * parsing it again (api/json.c). */
pol_status eval_resident_obj(pol_eval *ev, const json_t *root, int32_t query_date);

/* A value of attribute a as it is written in resident JSON (api/json.c). */
json_t *eval_value_json(const pol_program *p, const prg_attr *a, int64_t v);

/* Window membership used by OP_INWIN and the evaluator: range and day filter. */
bool vm_in_window(const prg_window *w, int32_t day);

#endif
