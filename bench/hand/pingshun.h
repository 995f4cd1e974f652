/*
 * pingshun.h — Pingshun 2026 (policies/pingshun-2026.pol) written by hand in C: the
 * practical lower bound of a quote.  No allocation, no global state, integer fen and day
 * numbers (days since 1970-01-01, the day numbers of pol.h).
 *
 * The fields are those of the typed API (api/pol.h): a resident set value by value, an
 * answer read field by field.  Indices follow the policy's declaration order, so the
 * bench maps them to handles by key (ps_category_key, ps_source_key, ps_identity_key).
 */
#ifndef BENCH_PINGSHUN_H
#define BENCH_PINGSHUN_H

#include <stdint.h>

/* Identities, as bits of ps_resident.identities, in the prelude's order. */
enum {
  PS_ID_EXTREME_POVERTY,
  PS_ID_SUBSISTENCE_ALLOWANCE,
  PS_ID_RETURNED_TO_POVERTY,
  PS_ID_UNSTABLE_OUT_OF_POVERTY,
  PS_ID_MARGINAL_POVERTY,
  PS_ID_SUDDEN_HARDSHIP,
  PS_ID_STABLE_OUT_OF_POVERTY,
  PS_ID_FAMILY_PLANNING_HARDSHIP,
  PS_ID_FAMILY_PLANNING_HOUSEHOLD,
  PS_ID_VETERAN_PRIORITY,
  PS_ID_STUDENT,
  PS_NIDENTITIES
};

/* Categories in file order (pol_handle_at(p, POL_CATEGORY, i) has key ps_category_key[i]). */
enum {
  PS_CAT_ORDINARY,
  PS_CAT_STABLE_OUT_OF_POVERTY,
  PS_CAT_EXTREME_POVERTY,
  PS_CAT_SUBSISTENCE_ALLOWANCE,
  PS_CAT_RETURNED_TO_POVERTY,
  PS_CAT_UNSTABLE_OUT_OF_POVERTY,
  PS_CAT_MARGINAL_POVERTY,
  PS_CAT_SUDDEN_HARDSHIP,
  PS_CAT_SEVERE_DISABILITY,
  PS_CAT_INFANT,
  PS_NCATEGORIES
};

/* The funding sources Pingshun pays from (the others of the prelude are always 0). */
enum { PS_SRC_MEDICAL_ASSISTANCE, PS_SRC_DISABILITY_FUND, PS_SRC_LOCAL_FINANCE, PS_NSOURCES };

/* Payment windows in file order; PS_WIN_NONE: no window's range holds the date. */
enum { PS_WIN_MAIN, PS_WIN_EXTENDED, PS_WIN_LATE, PS_NWINDOWS, PS_WIN_NONE = -1 };

/* Why a date is refused (the VM words these as sentences). */
typedef enum {
  PS_OK,               /* payable */
  PS_REF_DAYS,         /* inside a window, not on days 1-25 */
  PS_REF_BEFORE,       /* before the collection period opens */
  PS_REF_AFTER,        /* after the last payment date */
  PS_REF_WAIT_PAST,    /* rule late_wait_past_year */
  PS_REF_NORMAL_FINAL, /* rule normal_payment_final */
  PS_REF_UNBORN        /* rule unborn */
} ps_refusal;

#define PS_ABSENT INT32_MIN /* an optional date not given */

typedef struct {
  int32_t birth_date;     /* required */
  uint32_t identities;    /* bit PS_ID_x set: holds identity x */
  int32_t disability_grade; /* 0..4 */
  int32_t lapsed_years;   /* 0..200 */
  int32_t registered_on;  /* PS_ABSENT: the payment date */
  int32_t paid_normal_rate; /* 0 or 1 */
} ps_resident;

typedef struct {
  int32_t payable;        /* 0 or 1 */
  int32_t category;       /* PS_CAT_x (every resident has one: ordinary is the catch-all) */
  uint32_t matched;       /* bit PS_CAT_x: its `when` holds */
  int32_t subsidized;     /* the chosen category has a funding part (before `free`) */
  int32_t window;         /* PS_WIN_x or PS_WIN_NONE */
  ps_refusal refusal;
  int64_t individual;     /* fen, surcharge included */
  int64_t funding[PS_NSOURCES]; /* fen */
  int32_t start, end;     /* benefit start (wait included) and end, day numbers; INT32_MIN
                             when not payable (a refused payment has no benefit period) */
  int64_t wait_months;
} ps_answer;

extern const char *const ps_identity_key[PS_NIDENTITIES];
extern const char *const ps_category_key[PS_NCATEGORIES];
extern const char *const ps_source_key[PS_NSOURCES];
extern const char *const ps_window_key[PS_NWINDOWS];

/* The answer for resident r paying on day paid_on.  Pure: r and paid_on in, *a out. */
void ps_quote(const ps_resident *r, int32_t paid_on, ps_answer *a);

/* The first day of month k of the span 2025-10 .. 2027-01 the quote's table holds
 * (k = 0..15), for the bench to check the table against the calendar. */
int32_t ps_span_month_start(int k);

#endif
