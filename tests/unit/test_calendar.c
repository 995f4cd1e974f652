/*
 * test_calendar.c — unit tests for stdlib/calendar.c.
 * Expected day numbers were computed independently (Python datetime.date differences
 * from 1970-01-01); the exhaustive tests check the closed-form conversions against a
 * day-by-day walk that uses only cal_days_in_month.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"

static int32_t D(int y, int m, int d)
{
    assert_true(cal_valid(y, m, d));
    return cal_from_ymd(y, m, d);
}

static void assert_ymd(int32_t day, int y, int m, int d)
{
    int yy, mm, dd;
    cal_to_ymd(day, &yy, &mm, &dd);
    assert_int_equal(yy, y);
    assert_int_equal(mm, m);
    assert_int_equal(dd, d);
}

static void assert_formats(int32_t day, const char *text)
{
    char buf[11];
    memset(buf, 'x', sizeof buf);
    cal_format(day, buf);
    assert_int_equal(buf[10], '\0');
    assert_string_equal(buf, text);
}

static bool parse_str(const char *s, int32_t *day)
{
    return cal_parse(s, strlen(s), day);
}

static const struct known {
    int y, m, d;
    int32_t day;
} KNOWN[] = {
    {1970, 1, 1, 0},        {1969, 12, 31, -1},       {2000, 2, 29, 11016},
    {2000, 3, 1, 11017},    {2026, 2, 28, 20512},     {1, 1, 1, -719162},
    {9999, 12, 31, 2932896}, {1900, 1, 1, -25567},    {1900, 3, 1, -25508},
    {2100, 2, 28, 47540},   {2100, 12, 31, 47846},    {2024, 2, 29, 19782},
    {2025, 11, 30, 20422},  {2024, 1, 31, 19753},     {1600, 2, 29, -135081},
    {2026, 1, 31, 20484},
};

static void test_known_day_numbers(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++) {
        const struct known *k = &KNOWN[i];
        assert_int_equal(cal_from_ymd(k->y, k->m, k->d), k->day);
        assert_ymd(k->day, k->y, k->m, k->d);
    }
    assert_int_equal(cal_from_ymd(1, 1, 1), CAL_MIN_DAY);
    assert_int_equal(cal_from_ymd(9999, 12, 31), CAL_MAX_DAY);
}

static void test_leap_years_and_month_lengths(void **state)
{
    (void)state;
    assert_int_equal(cal_days_in_month(2024, 2), 29);
    assert_int_equal(cal_days_in_month(2023, 2), 28);
    assert_int_equal(cal_days_in_month(2000, 2), 29); /* divisible by 400 */
    assert_int_equal(cal_days_in_month(1900, 2), 28); /* divisible by 100 only */
    assert_int_equal(cal_days_in_month(2100, 2), 28);
    assert_int_equal(cal_days_in_month(1600, 2), 29);
    assert_int_equal(cal_days_in_month(4, 2), 29);
    assert_int_equal(cal_days_in_month(1, 2), 28);
    static const int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; m++)
        assert_int_equal(cal_days_in_month(2025, m), lengths[m - 1]);
    assert_int_equal(cal_days_in_month(2025, 0), 0);
    assert_int_equal(cal_days_in_month(2025, 13), 0);

    /* Exactly 97 leap years per 400. */
    int leaps = 0;
    for (int y = 1601; y <= 2000; y++)
        leaps += cal_days_in_month(y, 2) == 29;
    assert_int_equal(leaps, 97);
}

static void test_valid(void **state)
{
    (void)state;
    assert_true(cal_valid(2024, 2, 29));
    assert_false(cal_valid(2023, 2, 29));
    assert_false(cal_valid(1900, 2, 29));
    assert_true(cal_valid(2000, 2, 29));
    assert_false(cal_valid(2026, 2, 30));
    assert_false(cal_valid(2025, 4, 31));
    assert_true(cal_valid(2025, 12, 31));
    assert_false(cal_valid(2025, 13, 1));
    assert_false(cal_valid(2025, 0, 1));
    assert_false(cal_valid(2025, 1, 0));
    assert_false(cal_valid(2025, 1, 32));
    assert_false(cal_valid(0, 1, 1));
    assert_false(cal_valid(-1, 1, 1));
    assert_true(cal_valid(1, 1, 1));
    assert_true(cal_valid(9999, 12, 31));
    assert_false(cal_valid(10000, 1, 1));
}

/* Walks every day from 0001-01-01 to 9999-12-31, advancing (y, m, d) by hand, and
 * checks both closed-form conversions agree with the walk. */
static void test_every_day_matches_walk(void **state)
{
    (void)state;
    int y = 1, m = 1, d = 1;
    for (int32_t day = CAL_MIN_DAY; day <= CAL_MAX_DAY; day++) {
        if (cal_from_ymd(y, m, d) != day)
            fail_msg("from_ymd(%d-%d-%d) != %d", y, m, d, (int)day);
        int yy, mm, dd;
        cal_to_ymd(day, &yy, &mm, &dd);
        if (yy != y || mm != m || dd != d)
            fail_msg("to_ymd(%d) = %d-%d-%d, want %d-%d-%d", (int)day, yy, mm, dd, y, m, d);
        if (++d > cal_days_in_month(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    assert_int_equal(y, 10000);
    assert_int_equal(m, 1);
    assert_int_equal(d, 1);
}

static void test_format(void **state)
{
    (void)state;
    assert_formats(0, "1970-01-01");
    assert_formats(-1, "1969-12-31");
    assert_formats(20512, "2026-02-28");
    assert_formats(11016, "2000-02-29");
    assert_formats(CAL_MIN_DAY, "0001-01-01");
    assert_formats(CAL_MAX_DAY, "9999-12-31");
    assert_formats(D(999, 9, 9), "0999-09-09");
    assert_formats(D(10, 10, 10), "0010-10-10");
}

static void test_parse_valid(void **state)
{
    (void)state;
    int32_t day = 12345;
    assert_true(parse_str("1970-01-01", &day));
    assert_int_equal(day, 0);
    assert_true(parse_str("2026-02-28", &day));
    assert_int_equal(day, 20512);
    assert_true(parse_str("2000-03-01", &day));
    assert_int_equal(day, 11017);
    assert_true(parse_str("2024-02-29", &day));
    assert_int_equal(day, 19782);
    assert_true(parse_str("0001-01-01", &day));
    assert_int_equal(day, CAL_MIN_DAY);
    assert_true(parse_str("9999-12-31", &day));
    assert_int_equal(day, CAL_MAX_DAY);
    /* Only the first n bytes are read. */
    assert_true(cal_parse("2025-10-17T00:00", 10, &day));
    assert_int_equal(day, D(2025, 10, 17));
}

static void test_parse_rejects(void **state)
{
    (void)state;
    static const char *bad[] = {
        "2026-02-30", "2025-13-01", "0000-01-01", "2023-02-29", "1900-02-29",
        "2025-00-10", "2025-01-00", "2025-01-32", "2025-04-31", "",
        "2025-1-01",  "2025-01-1",  "225-01-01",  "02025-01-01", "2025-01-011",
        "+025-01-01", "-025-01-01", "2025-+1-01", "2025-01--1", " 2025-01-01",
        "2025-01-01 ", "2025 01-01", "2025/01/01", "2025-01-0a", "20250101xx",
        "2025-01-0 ", "2025--01-01", "ABCD-EF-GH",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int32_t day = 777;
        if (parse_str(bad[i], &day))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(day, 777); /* untouched on failure */
    }
    int32_t day = 777;
    /* Right text, wrong length. */
    assert_false(cal_parse("2025-01-01", 9, &day));
    assert_false(cal_parse("2025-01-01", 0, &day));
    /* An embedded NUL is a malformed byte, not a terminator. */
    assert_false(cal_parse("2025-01-0\0", 10, &day));
    assert_int_equal(day, 777);
}

static void test_round_trip_1900_2100(void **state)
{
    (void)state;
    int32_t first = D(1900, 1, 1), last = D(2100, 12, 31);
    assert_int_equal(last - first + 1, 73414); /* 201 * 365 + 49 leap days (1904..2096) */
    char buf[11];
    for (int32_t day = first; day <= last; day++) {
        cal_format(day, buf);
        int32_t back = INT32_MIN;
        if (!cal_parse(buf, 10, &back) || back != day)
            fail_msg("round trip failed for %d (%s)", (int)day, buf);
    }
}

static void test_round_trip_all_days(void **state)
{
    (void)state;
    char buf[11];
    for (int32_t day = CAL_MIN_DAY; day <= CAL_MAX_DAY; day++) {
        cal_format(day, buf);
        int32_t back = INT32_MIN;
        if (!cal_parse(buf, 10, &back) || back != day)
            fail_msg("round trip failed for %d (%s)", (int)day, buf);
    }
}

static void test_age(void **state)
{
    (void)state;
    int32_t b = D(1980, 5, 1);
    assert_int_equal(cal_age(b, b), 0);
    assert_int_equal(cal_age(b, D(1981, 4, 30)), 0);
    assert_int_equal(cal_age(b, D(1981, 5, 1)), 1);
    assert_int_equal(cal_age(b, D(2026, 4, 30)), 45);
    assert_int_equal(cal_age(b, D(2026, 5, 1)), 46);
    assert_int_equal(cal_age(b, D(2026, 12, 31)), 46);

    /* Born 29 Feb. */
    int32_t leap = D(2000, 2, 29);
    assert_int_equal(cal_age(leap, D(2001, 2, 28)), 0);
    assert_int_equal(cal_age(leap, D(2001, 3, 1)), 1);
    assert_int_equal(cal_age(leap, D(2003, 2, 28)), 2);
    assert_int_equal(cal_age(leap, D(2003, 3, 1)), 3);
    assert_int_equal(cal_age(leap, D(2004, 2, 28)), 3);
    assert_int_equal(cal_age(leap, D(2004, 2, 29)), 4);
    assert_int_equal(cal_age(leap, D(2100, 2, 28)), 99);  /* 2100 is not leap */
    assert_int_equal(cal_age(leap, D(2100, 3, 1)), 100);

    /* Born 28 Feb / 1 Mar around a leap day. */
    assert_int_equal(cal_age(D(2003, 2, 28), D(2004, 2, 28)), 1);
    assert_int_equal(cal_age(D(2003, 3, 1), D(2004, 2, 29)), 0);
    assert_int_equal(cal_age(D(2003, 3, 1), D(2004, 3, 1)), 1);

    /* Born 31 Dec, measured on 1 Jan. */
    assert_int_equal(cal_age(D(1999, 12, 31), D(2000, 1, 1)), 0);
    assert_int_equal(cal_age(D(1999, 12, 31), D(2000, 12, 31)), 1);

    /* on < birth: negative (floor of the elapsed years). */
    assert_int_equal(cal_age(b, b - 1), -1);
    assert_int_equal(cal_age(b, D(1979, 5, 1)), -1);
    assert_int_equal(cal_age(b, D(1979, 4, 30)), -2);

    /* Extremes of the range. */
    assert_int_equal(cal_age(CAL_MIN_DAY, CAL_MAX_DAY), 9998);
    assert_int_equal(cal_age(CAL_MAX_DAY, CAL_MIN_DAY), -9999);
}

static void assert_add(int32_t from, int64_t n, int32_t want)
{
    int32_t out = INT32_MIN;
    assert_true(cal_add_months(from, n, &out));
    assert_int_equal(out, want);
}

static void assert_add_fails(int32_t from, int64_t n)
{
    int32_t out = 4242;
    assert_false(cal_add_months(from, n, &out));
    assert_int_equal(out, 4242);
}

static void test_add_months(void **state)
{
    (void)state;
    assert_add(D(2025, 11, 30), 3, D(2026, 2, 28));
    assert_add(D(2025, 11, 30), 3, 20512);
    assert_add(D(2024, 1, 31), 1, D(2024, 2, 29));
    assert_add(D(2024, 1, 31), 13, D(2025, 2, 28));
    assert_add(D(2024, 1, 31), 2, D(2024, 3, 31));
    assert_add(D(2025, 1, 31), 3, D(2025, 4, 30));
    assert_add(D(2024, 3, 31), -1, D(2024, 2, 29));
    assert_add(D(2024, 3, 31), -13, D(2023, 2, 28));
    assert_add(D(2024, 2, 29), 12, D(2025, 2, 28));
    assert_add(D(2024, 2, 29), 48, D(2028, 2, 29));
    assert_add(D(2025, 10, 17), 0, D(2025, 10, 17));
    assert_add(D(2025, 10, 17), 3, D(2026, 1, 17));
    assert_add(D(2025, 10, 17), -10, D(2024, 12, 17));
    assert_add(D(2025, 10, 17), -22, D(2023, 12, 17));
    assert_add(D(2025, 10, 17), 1200, D(2125, 10, 17));
    assert_add(D(2025, 1, 1), -12, D(2024, 1, 1));
    assert_add(D(2025, 12, 15), 1, D(2026, 1, 15));
    assert_add(D(2026, 1, 15), -1, D(2025, 12, 15));

    /* Range edges. */
    assert_add(D(9999, 11, 30), 1, D(9999, 12, 30));
    assert_add(D(9999, 1, 15), -(9998 * 12), D(1, 1, 15));
    assert_add(D(1, 1, 31), 9998 * 12 + 11, D(9999, 12, 31));
    assert_add(D(1, 12, 31), -11, D(1, 1, 31));
    assert_add_fails(CAL_MAX_DAY, 1);
    assert_add_fails(D(9999, 12, 1), 1);
    assert_add_fails(CAL_MIN_DAY, -1);
    assert_add_fails(D(1, 1, 31), -1);
    assert_add_fails(D(2025, 1, 1), 8000 * 12);
    assert_add_fails(D(2025, 1, 1), -2025 * 12);
    assert_add_fails(D(2025, 1, 1), INT64_MAX);
    assert_add_fails(D(2025, 1, 1), INT64_MIN);
    assert_add_fails(D(2025, 1, 1), INT64_MAX / 12);
    assert_add_fails(CAL_MAX_DAY + 1, 0);
    assert_add_fails(CAL_MIN_DAY - 1, 0);
}

/* Every day of 2023..2025 plus -30..30 months agrees with the definition: same day of
 * month, clamped to the target month's length. */
static void test_add_months_property(void **state)
{
    (void)state;
    for (int32_t day = D(2023, 1, 1); day <= D(2025, 12, 31); day++) {
        int y, m, d;
        cal_to_ymd(day, &y, &m, &d);
        for (int n = -30; n <= 30; n++) {
            int idx = y * 12 + (m - 1) + n;
            int ty = idx / 12, tm = idx % 12 + 1;
            int dim = cal_days_in_month(ty, tm);
            int32_t out;
            assert_true(cal_add_months(day, n, &out));
            assert_int_equal(out, cal_from_ymd(ty, tm, d < dim ? d : dim));
            if (d <= 28) {
                int32_t back;
                assert_true(cal_add_months(out, -n, &back));
                assert_int_equal(back, day);
            }
        }
    }
}

static void test_end_of_month(void **state)
{
    (void)state;
    assert_int_equal(cal_end_of_month(D(2024, 2, 1)), D(2024, 2, 29));
    assert_int_equal(cal_end_of_month(D(2026, 2, 14)), 20512);
    assert_int_equal(cal_end_of_month(D(1900, 2, 28)), D(1900, 2, 28));
    assert_int_equal(cal_end_of_month(D(2025, 4, 30)), D(2025, 4, 30));
    assert_int_equal(cal_end_of_month(D(2025, 12, 1)), D(2025, 12, 31));
    assert_int_equal(cal_end_of_month(CAL_MIN_DAY), D(1, 1, 31));
    assert_int_equal(cal_end_of_month(D(9999, 12, 5)), CAL_MAX_DAY);
    for (int32_t day = D(1999, 1, 1); day <= D(2001, 12, 31); day++) {
        int32_t e = cal_end_of_month(day);
        int y, m, d, ey, em, ed;
        cal_to_ymd(day, &y, &m, &d);
        cal_to_ymd(e, &ey, &em, &ed);
        assert_int_equal(ey, y);
        assert_int_equal(em, m);
        assert_int_equal(ed, cal_days_in_month(y, m));
        assert_true(e >= day);
        assert_int_equal(e + 1, cal_from_ymd(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_day_numbers),
        cmocka_unit_test(test_leap_years_and_month_lengths),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_every_day_matches_walk),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_round_trip_1900_2100),
        cmocka_unit_test(test_round_trip_all_days),
        cmocka_unit_test(test_age),
        cmocka_unit_test(test_add_months),
        cmocka_unit_test(test_add_months_property),
        cmocka_unit_test(test_end_of_month),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
