/*
 * plan.h — the quote's decision structure (prefix plan_), built once per program.
 *
 * The sections that decide a quote (categories' `when`, the window of the date, rules'
 * `when`, add-ons' `paid when`) are lifted from verified bytecode into formulas over
 * features of the inputs (an identity bit, an attribute, the payment date, the day of
 * its month, the difference of two dates, an age, or a piece of bytecode for what cannot
 * be tabulated).  Every feature is cut at the constants it is compared with; a
 * multi-valued decision diagram over the cut intervals (analysis/mdd.c) maps each cell
 * of that partition to one terminal: the chosen category, the window, whether the day
 * filter admits the date, which rules and which paid add-ons apply.  A quote walks the
 * diagram (one interval lookup per feature it needs) and then applies the effects of
 * the terminal, running bytecode only for effect values that are not constants.
 *
 * Invariant: for inputs inside the plan's guard (every date attribute and the payment
 * date at least guard_days inside the calendar), the walk reaches the terminal that the
 * interpreter's quote (api/quote.c, slow path) would compute.  Outside the guard, or when
 * a bytecode feature fails, plan_decide returns false and the quote takes the slow path,
 * so run-time errors are always the interpreter's.  A program whose amounts are not
 * constants, that calls host functions (`extern`), or whose diagram outgrows its bound,
 * has no plan.
 */
#ifndef POL_PLAN_H
#define POL_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "eval.h"

typedef struct pol_plan pol_plan;

/* The effects of a cell resolved at build time: later effects replace earlier ones, so
 * only the last of each kind is evaluated (an effect index, or PRG_NONE). */
typedef struct {
  uint32_t start, end, wait, surcharge; /* wait: the last EFF_WAIT_MONTHS or _DAYS */
  bool free;
  uint8_t payable;     /* 0: as the window's day filter says, 1: payable, 2: not payable */
  uint32_t reason;     /* payable == 2: the rule's reason (a string) */
} plan_effects;

/* What the walk decides. */
typedef struct {
  const plan_effects *fx; /* NULL: replay every effect in order (one may fail) */
  uint32_t category;   /* PRG_NONE: no category applies */
  uint32_t window;     /* PRG_NONE: no window holds the date */
  bool day_ok;         /* the window's day-of-month filter admits the date */
  uint64_t rules;      /* bit i: rule i applies */
  uint64_t addons;     /* bit i: add-on i is paid by its source */
} plan_cell;

/* Build the plan of p (NULL when p has none: see above; never an error). */
pol_plan *plan_build(const pol_program *p);
/* p's plan, built on first use (program.h); NULL when it has none. */
const pol_plan *plan_of(const pol_program *p);
/* Frees a plan (NULL and plan_none() are ignored). */
void plan_free(pol_plan *pl);

/* Assumption i holds for these slots without running it: its triggers are at their
 * defaults, where it holds whatever the other inputs are (decided at build time).  False:
 * run it. */
bool plan_assumed(const pol_plan *pl, uint32_t i, const int64_t *slots);

/* Walk the plan for ev's slots (inputs set, lets not needed).  False: take the slow
 * path (input outside the guard, or a bytecode feature failed). */
bool plan_decide(const pol_plan *pl, pol_eval *ev, plan_cell *out);

/* Precomputed amounts of category ci (its sections are constants in a planned program). */
const eval_amounts *plan_amounts(const pol_plan *pl, uint32_t ci, const int64_t **funding);

/* The value of an effect's section from the plan: a constant, a plain input, or its
 * lifted code (which needs no lets).  False: run the section itself (no plan for it, or
 * it failed at run time: the interpreter then gives the message). */
bool plan_effect_value(const pol_plan *pl, pol_eval *ev, uint32_t effect, int64_t *v);

/* Figures for `polc disasm` and the bench. */
void plan_stats(const pol_plan *pl, uint32_t *nodes, uint32_t *features, uint32_t *cells);

#endif
