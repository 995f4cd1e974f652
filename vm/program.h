/*
 * program.h — a compiled policy: immutable after pol_compile/pol_load, shared by threads.
 *
 * Invariants (established by the compiler, re-checked by the verifier for loaded files):
 *  - every string reference is an offset of a NUL-terminated string in `strings`;
 *  - every section [start, end) lies inside `code` and ends with OP_RET on every path;
 *  - every constant, slot, window and identity operand is in range;
 *  - jumps go forward and stay inside their section;
 *  - the stack never exceeds PRG_STACK_MAX;
 *  - every value the evaluator or `polc check` reads is in its domain: the year within
 *    PRG_YEAR_MIN..PRG_YEAR_MAX, periods within PRG_PERIOD_YEARS of it, dates valid day
 *    numbers, day-of-month filters within 1..31, enum values below their count, attribute
 *    defaults within their type, add-on amounts non-negative (docs/BYTECODE.md lists each).
 * Nothing in here is written after construction; an evaluation keeps its own state
 * (api/eval.h: pol_eval).
 *
 * Every stored field is also listed in vm/vmint.h (PRG_*_FIELDS), from which the .polb
 * writer, reader and prg_free are generated: a field added here goes there too, and
 * PRG_VERSION goes up.
 */
#ifndef POL_PROGRAM_H
#define POL_PROGRAM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"

#define PRG_MAGIC "POLB"
#define PRG_VERSION 10
#define PRG_STACK_MAX 32
/* The benefit year: year - 1 and year + 1 are calendar years too (calendar.h: 1..9999). */
#define PRG_YEAR_MIN 1900
#define PRG_YEAR_MAX 9998
/* Every period (collection, window, restatement) lies within 1 January of year -
 * PRG_PERIOD_YEARS .. 31 December of year + PRG_PERIOD_YEARS (within the calendar), so
 * that a walk over a period's days is bounded by about 21 years. */
#define PRG_PERIOD_YEARS 10
#define PRG_MAX_IDENTITIES 64
#define PRG_ABSENT INT64_MIN /* the value of an optional attribute not given */
#define PRG_NONE UINT32_MAX  /* "no section" / "no source" / "no string" */

/* Fixed context slots; attributes and lets follow. */
enum {
  SLOT_PAID_ON,    /* payment date of the query */
  SLOT_IDENTITIES, /* bit i set: resident holds identity i */
  SLOT_CATEGORY,   /* chosen category index (rules only) */
  SLOT_SUBSIDIZED, /* chosen category has a non-zero funding part (rules only) */
  SLOT__FIXED
};

typedef enum { TY_BOOL, TY_INT, TY_MONEY, TY_DATE, TY_RATIO, TY_DAYS, TY_MONTHS, TY_ENUM, TY_CATEGORY } prg_type;
typedef enum { PRESENCE_REQUIRED, PRESENCE_DEFAULT, PRESENCE_OPTIONAL, PRESENCE_QUERY_DATE } prg_presence;
typedef enum { ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN, ROUND_UP } prg_rounding;

typedef uint32_t prg_strref; /* offset into prg.strings, or PRG_NONE */

typedef struct { uint32_t start, end; } prg_section; /* start == end == 0: absent */

typedef struct {
  prg_strref key, label;
} prg_name;

typedef struct {
  prg_strref key, label;
  uint8_t type;     /* prg_type; TY_ENUM: values are 0..count-1 */
  uint8_t presence; /* prg_presence */
  uint32_t slot;
  int64_t lo, hi;   /* TY_INT range; TY_ENUM: 0..count-1 */
  int64_t dflt;     /* PRESENCE_DEFAULT */
  uint32_t enum_first, enum_count; /* TY_ENUM: value i (0-based) has key
                                      enum_values[2*(enum_first+i)], label at +1 */
  uint8_t is_identities; /* the `identities` array attribute (slot SLOT_IDENTITIES) */
} prg_attr;

typedef struct {
  uint32_t source;  /* index in prg.sources, or PRG_NONE for the individual */
  prg_section value;
} prg_part;

typedef struct {
  prg_strref key, label, cite;
  uint8_t otherwise;   /* holds exactly when no other category holds */
  prg_section when;    /* bool; absent when otherwise */
  prg_section worth;   /* money */
  uint32_t part_first, part_count; /* in prg.parts; exactly one may be the rest */
  uint32_t rest_part;  /* index among this category's parts that is `rest`, or PRG_NONE */
  uint32_t line;       /* source line, for messages */
  uint32_t pos;        /* byte offset of the declaration in the policy source */
} prg_category;

/* The order is pol_effect's (api/pol.h), so kinds are only ever appended. */
typedef enum {
  EFF_START, EFF_END, EFF_WAIT_MONTHS, EFF_WAIT_DAYS, EFF_SURCHARGE, EFF_FREE,
  EFF_PAYABLE, EFF_NOT_PAYABLE,
  /* `wait N months counted as D days` ("3个月(按90天计算)"): value the stated months,
   * counted the days the benefit start counts */
  EFF_WAIT_MONTHS_AS_DAYS,
  /* `wait D days counted as N months`: value the stated days, counted the months */
  EFF_WAIT_DAYS_AS_MONTHS
} prg_effect_kind;
#define EFF__COUNT (EFF_WAIT_DAYS_AS_MONTHS + 1)

typedef struct {
  uint8_t kind;        /* prg_effect_kind */
  prg_section value;   /* absent for FREE, PAYABLE, NOT_PAYABLE */
  prg_strref reason;   /* NOT_PAYABLE */
  prg_section counted; /* EFF_WAIT_*_AS_*: the wait in the unit it is counted in; else absent */
} prg_effect;

/* The effect has a value section (every kind but FREE, PAYABLE, NOT_PAYABLE). */
static inline int prg_effect_valued(uint8_t kind) {
  return kind <= EFF_SURCHARGE || kind == EFF_WAIT_MONTHS_AS_DAYS ||
         kind == EFF_WAIT_DAYS_AS_MONTHS;
}
/* The effect sets the wait (either unit, counted or not). */
static inline int prg_effect_is_wait(uint8_t kind) {
  return kind == EFF_WAIT_MONTHS || kind == EFF_WAIT_DAYS || kind == EFF_WAIT_MONTHS_AS_DAYS ||
         kind == EFF_WAIT_DAYS_AS_MONTHS;
}

typedef struct {
  prg_strref key, label, cite;
  int32_t lo, hi;       /* inclusive date range */
  uint8_t dlo, dhi;     /* day-of-month filter, 1..31 when none */
  uint32_t eff_first, eff_count; /* in prg.effects */
  uint32_t pos;
} prg_window;

/* A rule whose `when` reads the answer's dates (benefit_start, benefit_end,
 * waiting_months, waiting_days: OP_ANSWER) is an *after* rule: it runs after every other
 * rule, once the answer's dates are known, and may only refuse (EFF_NOT_PAYABLE); no
 * other section reads OP_ANSWER (docs/LANGUAGE.md "Rules that read the answer"). */
typedef struct {
  prg_strref key, label, cite;
  prg_section when;
  uint32_t eff_first, eff_count;
  uint32_t pos;
  uint8_t after;        /* 1: reads the answer's dates, runs after the other rules */
  /* `overrides a, b`: rules (indices in prg.overrides, each below this rule's own, so
   * overrides never form a cycle) that do not apply when this one applies */
  uint32_t ovr_first, ovr_count;
} prg_rule;

typedef enum {
  KEY_LOWEST_INDIVIDUAL, KEY_HIGHEST_INDIVIDUAL, KEY_LOWEST_FUNDING, KEY_HIGHEST_FUNDING,
  KEY_LOWEST_SOURCE, KEY_HIGHEST_SOURCE, KEY_FIRST, KEY_LAST
} prg_choose_kind;

typedef struct { uint8_t kind; uint32_t source; } prg_choose_key;

typedef struct {
  prg_strref key, label;
  int64_t amount; /* fen */
} prg_tier;

typedef struct {
  prg_strref key, label, cite;
  uint32_t tier_first, tier_count;
  uint32_t paid_by;     /* source, or PRG_NONE */
  prg_section paid_when; /* bool */
  uint32_t pos;
  /* `required`: compulsory with every payment (0 or 1): included without being bought,
   * its parts counted in the answer's individual, funding and worth. */
  uint8_t required;
  /* `paid by S AMOUNT when …` (money; only on a required add-on with a payer): the part
   * S pays, the resident the rest; absent: S pays the whole amount. */
  prg_section paid_amount;
} prg_addon;

typedef struct { prg_strref key; uint32_t slot; prg_section value; prg_strref label; } prg_let;

/* `assume NAME "label" EXPR`: what every resident satisfies (the prelude's: lapsed years
 * within the years since birth, registration on or before the payment).  `holds` reads
 * attributes, the payment date and constants only (no let, no category: the verifier
 * checks), and is run before anything else of a quote: a resident for whom it is false
 * is refused as bad input, naming it.  `polc check` analyses only residents that satisfy
 * every assumption, so its witnesses do too. */
typedef struct { prg_strref key, label, cite; prg_section holds; uint32_t pos; } prg_assume;

/* `restate`: a clause of the notice that states again a period the policy defines
 * elsewhere.  It has no effect on answers; `polc check` reports one that differs from
 * the period it restates (a contradiction in the notice). */
typedef struct {
  uint32_t target;      /* window index, or PRG_NONE: the collection period */
  int32_t lo, hi;       /* inclusive date range */
  uint8_t dlo, dhi;     /* day-of-month filter, 1..31 when none */
  prg_strref label, cite;
  prg_strref accepted;  /* `accepted "reason"`: a known contradiction (empty: not acknowledged) */
  uint32_t pos;
} prg_restate;

/* Inline examples: `polc test`.  Each expectation is (field, arg, value). */
typedef enum {
  EXP_PAYABLE, EXP_CATEGORY, EXP_INDIVIDUAL, EXP_FUNDING_ALL, EXP_FUNDING, EXP_START,
  EXP_END, EXP_WAIT_MONTHS, EXP_WAIT_DAYS, EXP_MATCHED, EXP_SUBSIDIZED, EXP_ADDON,
  EXP_PERIOD /* `period { KEY individual, … }`: opened by arg PRG_NONE, like EXP_ADDON */
} prg_expect_kind;

typedef struct { uint8_t kind; uint32_t arg; int64_t value; } prg_expect;
typedef struct { uint32_t attr; int64_t value; } prg_given;
typedef struct { uint32_t addon; int64_t amount; } prg_buy;

typedef struct {
  prg_strref name;
  uint32_t line;
  int32_t paid_on;
  uint32_t given_first, given_count;   /* attribute values (identities: a bit mask) */
  uint32_t buy_first, buy_count;
  uint32_t expect_first, expect_count;
} prg_example;

/* `extern NAME "label" (T, ...) -> T`: a host function (api/host.c) called by OP_CALL.
 * Types are TY_BOOL, TY_INT, TY_MONEY, TY_DATE or TY_ENUM (then `en` is the attribute
 * that declares the enum).  The verifier checks every type, the argument range and the
 * arity of every call; pol_eval_open checks that the host binds each extern by name
 * with this signature. */
#define PRG_MAX_EXTERN_ARGS 8
typedef struct { uint8_t type; uint32_t en; } prg_ext_type;
typedef struct {
  prg_strref key, label, cite;
  prg_ext_type result;
  uint32_t arg_first, arg_count; /* in prg.ext_args; arg_count <= PRG_MAX_EXTERN_ARGS */
  uint32_t pos;
} prg_extern;

/* `unstated "sentence"` (docs/LANGUAGE.md "Facts the notice does not state"): a value
 * the notice does not state.  Its section (a worth, a part, an effect's value) holds a
 * neutral stand-in — 0 yuan, 1 January / 31 December of the benefit year, a wait of 0 —
 * so that everything computed with it is well defined; the quote reports the answer
 * values it decides as unstated (null), naming the sentence.  An unstated window covers
 * 1 January of year - 1 .. 31 December of year, and a date it answers is neither
 * accepted nor refused.  At most one entry per (what, index). */
typedef enum { UNST_WORTH, UNST_PART, UNST_EFFECT, UNST_WINDOW } prg_unstated_kind;
typedef struct {
  uint8_t what;         /* prg_unstated_kind */
  uint32_t index;       /* category, part, effect (start, end, wait, surcharge) or window */
  prg_strref sentence;  /* the notice's words, e.g. "按规定予以资助" */
  prg_strref cite;      /* the clause of the declaration it is in (may be PRG_NONE) */
  uint32_t pos;
} prg_unstated;

/* `period NAME "label" year Y [instead] when COND { worth … parts start … end … }`: a
 * benefit year other than the policy's that the same payment buys where `when` holds
 * (docs/LANGUAGE.md "Periods").  Its parts are p->parts[part_first .. +part_count) like a
 * category's (at most one `rest`); start and end always have sections (the compiler
 * writes 1 January and 31 December of `year` when the policy gives none).  `instead`:
 * the first such period that holds is bought instead of the policy's benefit year. */
typedef struct {
  prg_strref key, label, cite;
  int32_t year;        /* within PRG_PERIOD_YEARS of the benefit year, not equal to it */
  uint8_t instead;     /* 0 or 1 */
  prg_section when, worth, start, end;
  uint32_t part_first, part_count, rest_part; /* rest_part: index among its parts, or PRG_NONE */
  uint32_t pos;
} prg_period;

typedef struct pol_program {
  /* header */
  prg_strref id, title, issuer, document, file;
  int32_t year;
  uint8_t rounding;
  int32_t coll_lo, coll_hi; uint8_t coll_dlo, coll_dhi; /* collection period; lo > hi: none */
  prg_strref coll_label, coll_cite;
  uint32_t coll_pos;
  prg_strref choose_cite;

  char *strings; uint32_t nstrings;
  int64_t *consts; uint32_t nconsts;
  uint32_t *code; uint32_t ncode;
  uint32_t nslots;

  prg_attr *attrs; uint32_t nattrs;
  prg_strref *enum_values; uint32_t nenum_values;   /* key, label pairs: 2 per value */
  prg_name *identities; uint32_t nidentities;
  prg_name *sources; uint32_t nsources;
  prg_let *lets; uint32_t nlets;
  prg_category *categories; uint32_t ncategories;
  prg_part *parts; uint32_t nparts;
  prg_choose_key *choose; uint32_t nchoose;
  prg_window *windows; uint32_t nwindows;
  prg_rule *rules; uint32_t nrules;
  uint32_t *overrides; uint32_t noverrides; /* rule indices: prg_rule.ovr_first/ovr_count */
  prg_effect *effects; uint32_t neffects;
  prg_addon *addons; uint32_t naddons;
  prg_tier *tiers; uint32_t ntiers;
  prg_example *examples; uint32_t nexamples;
  prg_given *givens; uint32_t ngivens;
  prg_buy *buys; uint32_t nbuys;
  uint32_t *unlisted; uint32_t nunlisted; /* identities the notice does not list: `unlisted` */
  prg_restate *restates; uint32_t nrestates;
  prg_expect *expects; uint32_t nexpects;
  prg_extern *externs; uint32_t nexterns;       /* host functions, called by OP_CALL */
  prg_ext_type *ext_args; uint32_t next_args;   /* their argument types */
  prg_assume *assumes; uint32_t nassumes;       /* `assume` */
  prg_unstated *unstated; uint32_t nunstated;   /* values the notice does not state */
  prg_period *periods; uint32_t nperiods;       /* other benefit years a payment buys */

  /* Derived, never stored: */
  uint32_t stamp;            /* hash of the names, never 0: tells handles apart (pol.h);
                                set when the program is made */
  bool has_after;            /* some rule has `after` (reads the answer's dates); ditto */
  /* The decision structure (api/plan.c): NULL until the first evaluation context is
   * made, then built once (concurrent builders race with a compare-and-swap; the loser
   * frees its copy), or plan_none() when the program has none.  A cache: the program is
   * otherwise immutable. */
  _Atomic(struct pol_plan *) plan;
} pol_program;

static inline const char *prg_str(const pol_program *p, prg_strref r) {
  return r == PRG_NONE ? "" : p->strings + r;
}

/* The first and last day a period may cover in a program of benefit year `year`
 * (PRG_YEAR_MIN..PRG_YEAR_MAX): PRG_PERIOD_YEARS either side, within the calendar. */
static inline void prg_period_limits(int32_t year, int32_t *lo, int32_t *hi) {
  int first = (int)year - PRG_PERIOD_YEARS, last = (int)year + PRG_PERIOD_YEARS;
  *lo = first < 1 ? CAL_MIN_DAY : cal_from_ymd(first, 1, 1);
  *hi = last > 9999 ? CAL_MAX_DAY : cal_from_ymd(last, 12, 31);
}

#endif
