/*
 * calendar.c — proleptic Gregorian day numbers (days since 1970-01-01).
 *
 * Conversions follow Howard Hinnant's days_from_civil / civil_from_days: the year is
 * shifted to start on 1 March so that the leap day is the last day of the shifted year,
 * and dates are split into 400-year eras of exactly 146097 days.  Every function is
 * pure; none keeps state.
 */
#include "calendar.h"

/* Days from 0000-03-01 (the start of shifted era 0) to 1970-01-01. */
#define EPOCH_SHIFT 719468
#define DAYS_PER_ERA 146097
#define MIN_YEAR 1
#define MAX_YEAR 9999
#define MONTHS_PER_YEAR 12

static bool is_leap(int y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* 0 for a month outside 1..12. */
int cal_days_in_month(int y, int m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && is_leap(y))
        return 29;
    return days[m - 1];
}

bool cal_valid(int y, int m, int d)
{
    return y >= MIN_YEAR && y <= MAX_YEAR && m >= 1 && m <= 12 && d >= 1 &&
           d <= cal_days_in_month(y, m);
}

static bool day_in_range(int32_t day)
{
    return day >= CAL_MIN_DAY && day <= CAL_MAX_DAY;
}

int32_t cal_from_ymd(int y, int m, int d)
{
    /* Shifted year: January and February belong to the previous year. */
    int32_t sy = (int32_t)y - (m <= 2);
    int32_t era = (sy >= 0 ? sy : sy - 399) / 400;
    int32_t yoe = sy - era * 400;                                   /* 0..399 */
    int32_t mp = m > 2 ? m - 3 : m + 9;                             /* 0 = March */
    int32_t doy = (153 * mp + 2) / 5 + (int32_t)d - 1;              /* 0..365 */
    int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            /* 0..146096 */
    return era * DAYS_PER_ERA + doe - EPOCH_SHIFT;
}

void cal_to_ymd(int32_t day, int *y, int *m, int *d)
{
    int32_t z = day + EPOCH_SHIFT;
    int32_t era = (z >= 0 ? z : z - (DAYS_PER_ERA - 1)) / DAYS_PER_ERA;
    int32_t doe = z - era * DAYS_PER_ERA;                                   /* 0..146096 */
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;    /* 0..399 */
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                  /* 0..365 */
    int32_t mp = (5 * doy + 2) / 153;                                       /* 0 = March */
    int32_t mm = mp < 10 ? mp + 3 : mp - 9;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)mm;
    *y = (int)(yoe + era * 400 + (mm <= 2));
}

/* Floor semantics: the result is negative whenever on < birth (one day before birth is
 * -1).  A birthday of 29 Feb is reached on 1 Mar in non-leap years because the
 * comparison is on (month, day) pairs, and (2,28) < (2,29) <= (3,1). */
int64_t cal_age(int32_t birth, int32_t on)
{
    int by, bm, bd, oy, om, od;
    cal_to_ymd(birth, &by, &bm, &bd);
    cal_to_ymd(on, &oy, &om, &od);
    int64_t years = (int64_t)oy - by;
    if (om < bm || (om == bm && od < bd))
        years--;
    return years;
}

/* *out is written only on success.  Fails if day is outside CAL_MIN_DAY..CAL_MAX_DAY or
 * the resulting year is outside 1..9999. */
bool cal_add_months(int32_t day, int64_t n, int32_t *out)
{
    /* Any |n| beyond the whole supported span is out of range; bounding it first keeps
     * the arithmetic below far from int64 overflow. */
    const int64_t span = (int64_t)(MAX_YEAR - MIN_YEAR + 1) * MONTHS_PER_YEAR;
    if (!day_in_range(day) || n > span || n < -span)
        return false;
    int y, m, d;
    cal_to_ymd(day, &y, &m, &d);
    int64_t idx = (int64_t)y * MONTHS_PER_YEAR + (m - 1) + n;  /* months since 0000-01 */
    if (idx < (int64_t)MIN_YEAR * MONTHS_PER_YEAR ||
        idx > (int64_t)MAX_YEAR * MONTHS_PER_YEAR + (MONTHS_PER_YEAR - 1))
        return false;
    int ny = (int)(idx / MONTHS_PER_YEAR);
    int nm = (int)(idx % MONTHS_PER_YEAR) + 1;
    int dim = cal_days_in_month(ny, nm);
    *out = cal_from_ymd(ny, nm, d < dim ? d : dim);
    return true;
}

/* Requires CAL_MIN_DAY..CAL_MAX_DAY. */
int32_t cal_end_of_month(int32_t day)
{
    int y, m, d;
    cal_to_ymd(day, &y, &m, &d);
    return cal_from_ymd(y, m, cal_days_in_month(y, m));
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads len ASCII digits known to be digits. */
static int read_digits(const char *s, int len)
{
    int v = 0;
    for (int i = 0; i < len; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Accepts exactly 10 bytes: four digits, '-', two digits, '-', two digits, forming a
 * date that cal_valid accepts.  *day is written only on success. */
bool cal_parse(const char *s, size_t n, int32_t *day)
{
    if (s == NULL || n != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (i != 4 && i != 7 && !is_digit(s[i]))
            return false;
    int y = read_digits(s, 4);
    int m = read_digits(s + 5, 2);
    int d = read_digits(s + 8, 2);
    if (!cal_valid(y, m, d))
        return false;
    *day = cal_from_ymd(y, m, d);
    return true;
}

static void write_digits(char *buf, int v, int len)
{
    for (int i = len - 1; i >= 0; i--) {
        buf[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* Always writes 11 bytes including the NUL.  A day outside CAL_MIN_DAY..CAL_MAX_DAY
 * (a precondition violation) yields "0000-00-00", which cal_parse rejects. */
void cal_format(int32_t day, char buf[11])
{
    if (!day_in_range(day)) {
        static const char bad[11] = "0000-00-00";
        for (int i = 0; i < 11; i++)
            buf[i] = bad[i];
        return;
    }
    int y, m, d;
    cal_to_ymd(day, &y, &m, &d);
    write_digits(buf, y, 4);
    buf[4] = '-';
    write_digits(buf + 5, m, 2);
    buf[7] = '-';
    write_digits(buf + 8, d, 2);
    buf[10] = '\0';
}
