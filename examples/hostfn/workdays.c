/*
 * workdays.c — a working-day calendar for policies whose deadlines move past holidays
 * (节假日顺延), as a polc plugin:
 *
 *   extern next_workday "当日或其后的第一个工作日" (date) -> date
 *
 *   cc -std=c11 -fPIC -shared -I api -o workdays.so examples/hostfn/workdays.c
 *   polc quote examples/hostfn/holiday-extension.pol --plugin ./workdays.so ...
 *
 * A working day is Monday to Friday, except the statutory holidays, plus the weekend days
 * declared working days (调休上班), as the State Council's notices on the holidays of
 * 2025 (国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号, 2024-11-12) and
 * 2026 (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04) set them.  Outside 2025 and
 * 2026 the calendar knows only weekends: extend the table before relying on other years.
 *
 * next_workday(d) is d itself when d is a working day, else the first working day after
 * it.  It is pure and thread-safe (it reads only the constant table below), as pol.h
 * requires of host functions.  Dates are day numbers: days since 1970-01-01.
 */
#include <stdbool.h>
#include <stdint.h>

#include "pol.h"

/* Day number of a civil date (proleptic Gregorian; H. Hinnant's days_from_civil). */
static int64_t day_of(int y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* Exceptions to "Monday to Friday": a first .. last run of days off (off = true) or a
 * weekend day worked (off = false, first == last). */
typedef struct { int y, m, d, days; bool off; } span;

static const span calendar[] = {
    /* 2025: 国办发明电〔2024〕12号 */
    {2025, 1, 1, 1, true},   /* 元旦 */
    {2025, 1, 26, 1, false}, /* 春节调休：周日上班 */
    {2025, 1, 28, 8, true},  /* 春节 1月28日至2月4日 */
    {2025, 2, 8, 1, false},  /* 周六上班 */
    {2025, 4, 4, 3, true},   /* 清明节 */
    {2025, 4, 27, 1, false}, /* 劳动节调休：周日上班 */
    {2025, 5, 1, 5, true},   /* 劳动节 */
    {2025, 5, 31, 3, true},  /* 端午节 */
    {2025, 9, 28, 1, false}, /* 国庆中秋调休：周日上班 */
    {2025, 10, 1, 8, true},  /* 国庆节、中秋节 */
    {2025, 10, 11, 1, false}, /* 周六上班 */
    /* 2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04) */
    {2026, 1, 1, 3, true},   /* 元旦 */
    {2026, 1, 4, 1, false},  /* 周日上班 */
    {2026, 2, 14, 1, false}, /* 春节调休：周六上班 */
    {2026, 2, 15, 9, true},  /* 春节 2月15日至23日 */
    {2026, 2, 28, 1, false}, /* 周六上班 */
    {2026, 4, 4, 3, true},   /* 清明节 */
    {2026, 5, 1, 5, true},   /* 劳动节 */
    {2026, 5, 9, 1, false},  /* 周六上班 */
    {2026, 6, 19, 3, true},  /* 端午节 */
    {2026, 9, 20, 1, false}, /* 国庆调休：周日上班 */
    {2026, 9, 25, 3, true},  /* 中秋节 */
    {2026, 10, 1, 7, true},  /* 国庆节 */
    {2026, 10, 10, 1, false}, /* 周六上班 */
};

static bool is_workday(int64_t day) {
  for (unsigned i = 0; i < sizeof calendar / sizeof calendar[0]; i++) {
    int64_t first = day_of(calendar[i].y, calendar[i].m, calendar[i].d);
    if (day >= first && day < first + calendar[i].days) return !calendar[i].off;
  }
  int64_t weekday = ((day % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday; 0 = Sunday */
  return weekday != 0 && weekday != 6;
}

/* The host function.  A day outside the calendar's days (0001..9999) cannot come in: the
 * VM passes only dates.  The loop ends within the longest run of days off (9). */
static int64_t next_workday(int64_t day) {
  while (!is_workday(day)) day++;
  return day;
}

/* The plugin entry polc looks up after dlopen. */
pol_status pol_plugin_bind(pol_host *h);

pol_status pol_plugin_bind(pol_host *h) {
  static const pol_type args[] = {POL_T_DATE};
  return pol_host_bind(h, "next_workday", (void (*)(void))next_workday, POL_T_DATE, 1, args);
}
