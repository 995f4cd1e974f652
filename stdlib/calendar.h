/*
 * calendar.h — proleptic Gregorian dates as day numbers (days since 1970-01-01).
 * Dates are int32_t; valid years are 1..9999.  Pure functions, no state.
 */
#ifndef POL_CALENDAR_H
#define POL_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAL_MIN_DAY (-719162)  /* 0001-01-01 */
#define CAL_MAX_DAY 2932896    /* 9999-12-31 */

bool cal_valid(int y, int m, int d);
int32_t cal_from_ymd(int y, int m, int d);           /* requires cal_valid */
void cal_to_ymd(int32_t day, int *y, int *m, int *d); /* requires CAL_MIN_DAY..CAL_MAX_DAY */
int cal_days_in_month(int y, int m);
/* Whole years from birth to on (negative if on < birth).  Someone born on 29 Feb is a year
 * older on 1 Mar of a non-leap year. */
int64_t cal_age(int32_t birth, int32_t on);
/* day + n months, clamped to the end of a shorter month; false if out of range. */
bool cal_add_months(int32_t day, int64_t n, int32_t *out);
int32_t cal_end_of_month(int32_t day);
/* Parse exactly "YYYY-MM-DD" (n bytes, not NUL-terminated); false if malformed or impossible. */
bool cal_parse(const char *s, size_t n, int32_t *day);
/* Format as "YYYY-MM-DD"; buf must hold 11 bytes. */
void cal_format(int32_t day, char buf[11]);

#endif
