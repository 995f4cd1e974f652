/*
 * pingshun.c — Pingshun 2026 by hand (see pingshun.h).  Every decision below is the one
 * policies/pingshun-2026.pol takes and quotes beside its rules; the clause cited is the
 * notice's (平顺县医疗保障局《关于认真做好2026年度全县城乡居民基本医疗保险征缴工作的通知》
 * 政策解读): "二、2" is 主要内容 2 (缴费标准 and its 温馨提示), "二、3" is 征收期限.
 *
 * Invariants: money is int64 fen; dates are day numbers since 1970-01-01 (proleptic
 * Gregorian); nothing is allocated and nothing outside *a is written.  Inputs are in the
 * schema's ranges (disability_grade 0..4, lapsed_years 0..200, dates in years 1..9999).
 */
#include "pingshun.h"

#include <stdbool.h>

_Static_assert(PS_CAT_EXTREME_POVERTY - PS_ID_EXTREME_POVERTY == 2 &&
                   PS_CAT_SUDDEN_HARDSHIP - PS_ID_SUDDEN_HARDSHIP == 2 &&
                   PS_ID_SUDDEN_HARDSHIP == 5 && PS_ID_STABLE_OUT_OF_POVERTY == 6 &&
                   PS_CAT_STABLE_OUT_OF_POVERTY == 1,
               "identities 0..5 are categories 2..7, identity 6 is category 1");

const char *const ps_identity_key[PS_NIDENTITIES] = {
  "extreme_poverty", "subsistence_allowance", "returned_to_poverty",
  "unstable_out_of_poverty", "marginal_poverty", "sudden_hardship", "stable_out_of_poverty",
  "family_planning_hardship", "family_planning_household", "veteran_priority", "student",
};
const char *const ps_category_key[PS_NCATEGORIES] = {
  "ordinary", "stable_out_of_poverty", "extreme_poverty", "subsistence_allowance",
  "returned_to_poverty", "unstable_out_of_poverty", "marginal_poverty", "sudden_hardship",
  "severe_disability", "infant",
};
const char *const ps_source_key[PS_NSOURCES] = {
  "medical_assistance", "disability_fund", "local_finance",
};
const char *const ps_window_key[PS_NWINDOWS] = { "main", "extended", "late" };

#define YUAN(y) ((int64_t)(y) * 100)

/* ---- calendar (H. Hinnant's days_from_civil / civil_from_days) ---------------------- */

static inline int32_t ymd(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;                                     /* 0..399 */
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;  /* 0..365 */
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            /* 0..146096 */
  return era * 146097 + doe - 719468;
}

static inline void civil(int32_t z, int *y, int *m, int *d) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2);
}

static inline int days_in_month(int y, int m) {
  static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : dim[m - 1];
}

/* y-m-d + n months, the day clamped to the end of a shorter month (the language's
 * `d + n months`: 2025-11-30 + 3 months = 2026-02-28). */
static inline int32_t add_months(int y, int m, int d, int n) {
  const int idx = y * 12 + (m - 1) + n;
  const int ny = idx / 12, nm = idx % 12 + 1;
  const int dim = days_in_month(ny, nm);
  return ymd(ny, nm, d < dim ? d : dim);
}

/* The months every date of the policy falls in, 2025-10 .. 2026-12 (the collection period
 * opens 2025-10-17, the benefit year ends 2026-12-31): the first day of month k as an
 * offset from SPAN_FIRST = 2025-10-01; SPAN_MONTH_OFF[15] is 2027-01-01.  Within the span
 * the day of the month is a subtraction instead of a civil-date conversion; outside it the
 * general calendar answers.  bench.c checks the table against the calendar. */
#define SPAN_MONTHS 15
static const int16_t SPAN_MONTH_OFF[SPAN_MONTHS + 1] = {
  0, 31, 61, 92, 123, 151, 182, 212, 243, 273, 304, 335, 365, 396, 426, 457,
};
static inline int32_t span_first(void) { return ymd(2025, 10, 1); }

/* The month of the span holding day offset `off` (0 <= off < 457).  A month has at most
 * 31 days, so off / 31 is never past it, and at most one step short over 15 months. */
static inline int span_month(int off) {
  int k = off / 31;
  while (off >= SPAN_MONTH_OFF[k + 1])
    k++;
  return k;
}

/* The day `n` months after the day of month `d` of span month k (n >= 0). */
static inline int32_t span_add_months(int k, int d, int n) {
  const int t = k + n;
  if (t < SPAN_MONTHS) {
    const int dim = SPAN_MONTH_OFF[t + 1] - SPAN_MONTH_OFF[t];
    return span_first() + SPAN_MONTH_OFF[t] + (d < dim ? d : dim) - 1;
  }
  return add_months(2025 + (9 + k) / 12, (9 + k) % 12 + 1, d, n);
}

/* ---- the quote ------------------------------------------------------------------------ */

void ps_quote(const ps_resident *r, int32_t paid_on, ps_answer *a) {
  /* The policy's dates; constant-folded. */
  const int32_t COLLECTION_OPEN = ymd(2025, 10, 17), MAIN_END = ymd(2025, 12, 31);
  const int32_t YEAR_START = ymd(2026, 1, 1), EXTENDED_END = ymd(2026, 2, 25);
  const int32_t YEAR_END = ymd(2026, 12, 31), PREV_YEAR_START = ymd(2025, 1, 1);
  const int32_t INFANT_BORN_FROM = ymd(2023, 1, 1);

  const int32_t birth = r->birth_date;
  const uint32_t id = r->identities;
  /* registered_on defaults to the payment date (prelude). */
  const int32_t registered = r->registered_on == PS_ABSENT ? paid_on : r->registered_on;
  /* day of month pd; month pk of the span (-1 outside it) */
  int pd, pk = -1;
  if (paid_on >= span_first() && paid_on - span_first() < SPAN_MONTH_OFF[SPAN_MONTHS]) {
    const int off = paid_on - span_first();
    pk = span_month(off);
    pd = off - SPAN_MONTH_OFF[pk] + 1;
  } else {
    int py, pm;
    civil(paid_on, &py, &pm, &pd);
  }

  /* lets */
  const bool born_in_benefit_year = birth >= YEAR_START && birth <= YEAR_END;
  const bool born_prev_year = birth >= PREV_YEAR_START && birth < YEAR_START;
  /* "出生后90天内参保缴费的不受集中缴费期限制": 90 days counted from the day after birth
   * (last day birth + 90); it lifts the period's end and its 1-25 rule, not its start. */
  const bool newborn_90 = paid_on >= birth && paid_on <= birth + 90 &&
                          paid_on >= COLLECTION_OPEN && (born_in_benefit_year || born_prev_year);

  /* ---- categories (二、2 缴费标准), `matched` in file order ---- */
  /* The six identities 特困 .. 突发 (bits 0..5) are categories 2..7 in the same order, and
   * 稳定脱贫 (bit 6) is category 1: two shifts (the enums' orders are asserted below). */
  uint32_t matched = (id & 0x3fu) << 2 | (id >> 6 & 1u) << 1;
  /* 1、2级重度残疾人 */
  if (r->disability_grade >= 1 && r->disability_grade <= 2)
    matched |= 1u << PS_CAT_SEVERE_DISABILITY;
  /* 婴幼儿 (二、2 温馨提示): born 2023-01-01 or later, under 3 on the payment date, registered
   * no later than the end of the collection period (2026-02-25). */
  if (birth >= INFANT_BORN_FROM && registered <= EXTENDED_END) {
    /* under 3 on paid_on: before the third birthday; a 29 Feb birthday falls on 1 Mar in
     * a non-leap year (whole years of `age`) */
    int by, bm, bd;
    civil(birth, &by, &bm, &bd);
    const int32_t third = bm == 2 && bd == 29 && days_in_month(by + 3, 2) == 28
                              ? ymd(by + 3, 3, 1)
                              : ymd(by + 3, bm, bd);
    if (paid_on < third)
      matched |= 1u << PS_CAT_INFANT;
  }
  /* 普通人员: `when otherwise` */
  if (matched == 0)
    matched = 1u << PS_CAT_ORDINARY;

  /* `choose lowest individual then highest medical_assistance then first`, settled once
   * for the table: individual 0 (特困 400 MA before 婴幼儿 400 local), 40 (返贫), 80 (低保
   * 320 MA before 残疾 320 disability fund), 120 (脱贫不稳定, 边缘, 突发: file order),
   * 400 (稳定脱贫, 普通: exclusive). */
  int cat;
  int64_t individual, ma = 0, dis = 0, local = 0;
  if (matched == 1u << PS_CAT_ORDINARY) { /* most residents */
    cat = PS_CAT_ORDINARY, individual = YUAN(400);
  } else if (matched & (1u << PS_CAT_EXTREME_POVERTY)) {
    cat = PS_CAT_EXTREME_POVERTY, individual = 0, ma = YUAN(400);
  } else if (matched & (1u << PS_CAT_INFANT)) {
    cat = PS_CAT_INFANT, individual = 0, local = YUAN(400);
  } else if (matched & (1u << PS_CAT_RETURNED_TO_POVERTY)) {
    cat = PS_CAT_RETURNED_TO_POVERTY, individual = YUAN(40), ma = YUAN(360);
  } else if (matched & (1u << PS_CAT_SUBSISTENCE_ALLOWANCE)) {
    cat = PS_CAT_SUBSISTENCE_ALLOWANCE, individual = YUAN(80), ma = YUAN(320);
  } else if (matched & (1u << PS_CAT_SEVERE_DISABILITY)) {
    cat = PS_CAT_SEVERE_DISABILITY, individual = YUAN(80), dis = YUAN(320);
  } else if (matched & (1u << PS_CAT_UNSTABLE_OUT_OF_POVERTY)) {
    cat = PS_CAT_UNSTABLE_OUT_OF_POVERTY, individual = YUAN(120), ma = YUAN(280);
  } else if (matched & (1u << PS_CAT_MARGINAL_POVERTY)) {
    cat = PS_CAT_MARGINAL_POVERTY, individual = YUAN(120), ma = YUAN(280);
  } else if (matched & (1u << PS_CAT_SUDDEN_HARDSHIP)) {
    cat = PS_CAT_SUDDEN_HARDSHIP, individual = YUAN(120), ma = YUAN(280);
  } else if (matched & (1u << PS_CAT_STABLE_OUT_OF_POVERTY)) {
    cat = PS_CAT_STABLE_OUT_OF_POVERTY, individual = YUAN(400);
  } else {
    cat = PS_CAT_ORDINARY, individual = YUAN(400);
  }
  const bool subsidized = ma + dis + local > 0;

  /* ---- the window (二、3 征收期限): the range decides the effects, days 1-25 payability */
  const bool days_ok = pd <= 25; /* days 1..25 */
  int win;
  int32_t start = YEAR_START; /* default: 1 January of the benefit year */
  bool payable;
  ps_refusal refusal = PS_OK;
  if (paid_on < COLLECTION_OPEN) {
    win = PS_WIN_NONE, payable = false, refusal = PS_REF_BEFORE;
  } else if (paid_on <= MAIN_END) {
    win = PS_WIN_MAIN, payable = days_ok; /* 2025年底前: from 2026-01-01 */
  } else if (paid_on <= EXTENDED_END) {
    win = PS_WIN_EXTENDED, payable = days_ok, start = paid_on; /* from the payment date */
  } else if (paid_on <= YEAR_END) {
    win = PS_WIN_LATE, payable = days_ok, start = paid_on;
  } else {
    win = PS_WIN_NONE, payable = false, refusal = PS_REF_AFTER;
  }
  if (win != PS_WIN_NONE && !payable)
    refusal = PS_REF_DAYS;

  /* ---- rules, in file order (二、2 温馨提示); a later effect replaces an earlier one ---- */
  int64_t surcharge = 0;
  int wait = 0;
  bool free_ = false;
  /* `paid_on in late` is the window's range and its days 1-25. */
  if (win == PS_WIN_LATE && days_ok && !subsidized && !newborn_90) {
    /* late_surcharge: 财政补助和个人缴费部分由个人全额补缴 (700 yuan), not for a child born
     * in 2026 (its payment is worth nothing) */
    if (!born_in_benefit_year)
      surcharge = YUAN(700);
    /* late_wait: 3 months, plus 1 for every lapsed year beyond the first */
    wait = 2 + (r->lapsed_years > 1 ? r->lapsed_years : 1);
    /* late_wait_past_year: no benefit day left in 2026.  The late window lies in the
     * span, so pk >= 0; its start is paid_on, which no later rule moves when a wait is
     * set (the newborn rules that set start exclude newborn_90 from the late rules). */
    start = span_add_months(pk, pd, wait);
    if (start > YEAR_END)
      payable = false, refusal = PS_REF_WAIT_PAST;
  }
  /* newborn_free: 出生当年不缴纳基本医疗保险费即可享受 */
  if (born_in_benefit_year && paid_on >= birth)
    free_ = true;
  /* newborn_90_birth_year: covered from birth, no wait */
  if (newborn_90 && born_in_benefit_year)
    payable = true, refusal = PS_OK, start = birth;
  /* newborn_90_next_year: born 2025, paid within 90 days: from 2026-01-01 */
  if (newborn_90 && born_prev_year && !(r->paid_normal_rate && subsidized))
    payable = true, refusal = PS_OK, start = YEAR_START;
  /* normal_payment_final: 一旦办理正常缴费，将无法再办理特殊缴费 */
  if (r->paid_normal_rate && subsidized && !born_in_benefit_year)
    payable = false, refusal = PS_REF_NORMAL_FINAL;
  /* unborn: nobody pays before being born */
  if (paid_on < birth)
    payable = false, refusal = PS_REF_UNBORN;

  /* ---- amounts and dates ---- */
  if (free_) {
    individual = 0, ma = dis = local = 0;
  } else {
    individual += surcharge;
  }
  a->payable = payable;
  a->category = cat;
  a->matched = matched;
  a->subsidized = subsidized;
  a->window = win;
  a->refusal = refusal;
  a->individual = individual;
  a->funding[PS_SRC_MEDICAL_ASSISTANCE] = ma;
  a->funding[PS_SRC_DISABILITY_FUND] = dis;
  a->funding[PS_SRC_LOCAL_FINANCE] = local;
  /* a refused payment buys no benefit period (docs/QUERY.md): no start, no end */
  a->start = payable ? start : INT32_MIN;
  a->end = payable ? YEAR_END : INT32_MIN;
  a->wait_months = wait;
}

int32_t ps_span_month_start(int k) {
  return k >= 0 && k <= SPAN_MONTHS ? span_first() + SPAN_MONTH_OFF[k] : INT32_MIN;
}
