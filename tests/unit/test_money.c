/*
 * test_money.c — unit tests for stdlib/money.c.
 * Rounding is cross-checked against a reference written differently from the library
 * (non-negative floor division of doubled values), over a small exhaustive grid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "money.h"

enum { HALF_UP = 0, HALF_EVEN = 1, DOWN = 2, UP = 3 };

static void assert_formats(int64_t fen, const char *text)
{
    char buf[MONEY_MAX_TEXT];
    memset(buf, 'x', sizeof buf);
    money_format(fen, buf);
    assert_string_equal(buf, text);
}

static void assert_parses(const char *s, int64_t want)
{
    int64_t fen = 12345;
    if (!money_parse(s, strlen(s), &fen))
        fail_msg("money_parse rejected \"%s\"", s);
    assert_int_equal(fen, want);
}

static void assert_parse_fails(const char *s)
{
    int64_t fen = 12345;
    if (money_parse(s, strlen(s), &fen))
        fail_msg("money_parse accepted \"%s\"", s);
    assert_int_equal(fen, 12345);
}

static void assert_ratio(const char *s, int64_t want)
{
    int64_t r = -7;
    if (!ratio_parse(s, strlen(s), &r))
        fail_msg("ratio_parse rejected \"%s\"", s);
    assert_int_equal(r, want);
}

static void assert_ratio_fails(const char *s)
{
    int64_t r = -7;
    if (ratio_parse(s, strlen(s), &r))
        fail_msg("ratio_parse accepted \"%s\"", s);
    assert_int_equal(r, -7);
}

/* Expected results in mode order half_up, half_even, down, up. */
static void assert_modes(int64_t fen, int64_t millionths, int64_t hu, int64_t he, int64_t dn,
                         int64_t up)
{
    const int64_t want[4] = {hu, he, dn, up};
    for (int mode = 0; mode < 4; mode++) {
        int64_t out = 999;
        if (!money_ratio(fen, millionths, mode, &out))
            fail_msg("money_ratio(%lld, %lld, %d) failed", (long long)fen,
                     (long long)millionths, mode);
        if (out != want[mode])
            fail_msg("money_ratio(%lld, %lld, %d) = %lld, want %lld", (long long)fen,
                     (long long)millionths, mode, (long long)out, (long long)want[mode]);
    }
}

static void assert_ratio_overflows(int64_t fen, int64_t millionths, int mode)
{
    int64_t out = 999;
    assert_false(money_ratio(fen, millionths, mode, &out));
    assert_int_equal(out, 999);
}

static void test_format(void **state)
{
    (void)state;
    assert_formats(8000, "80");
    assert_formats(8050, "80.5");
    assert_formats(8005, "80.05");
    assert_formats(-150, "-1.5");
    assert_formats(0, "0");
    assert_formats(1, "0.01");
    assert_formats(-1, "-0.01");
    assert_formats(10, "0.1");
    assert_formats(-5, "-0.05");
    assert_formats(99, "0.99");
    assert_formats(100, "1");
    assert_formats(-100, "-1");
    assert_formats(40000, "400");
    assert_formats(123456789, "1234567.89");
    assert_formats(100000000000, "1000000000");
    assert_formats(INT64_MAX, "92233720368547758.07");
    assert_formats(INT64_MIN, "-92233720368547758.08");
    assert_formats(INT64_MIN + 2, "-92233720368547758.06");
    assert_formats(INT64_MIN + 8, "-92233720368547758");
    char buf[MONEY_MAX_TEXT];
    money_format(INT64_MIN, buf);
    assert_true(strlen(buf) < MONEY_MAX_TEXT);
}

static void test_parse_valid(void **state)
{
    (void)state;
    assert_parses("80", 8000);
    assert_parses("80.5", 8050);
    assert_parses("80.05", 8005);
    assert_parses("80.50", 8050);
    assert_parses("-3", -300);
    assert_parses("-1.5", -150);
    assert_parses("0", 0);
    assert_parses("-0", 0);
    assert_parses("0.01", 1);
    assert_parses("-0.01", -1);
    assert_parses("0.1", 10);
    assert_parses("400", 40000);
    assert_parses("007.10", 710);
    assert_parses("92233720368547758.07", INT64_MAX);
    assert_parses("-92233720368547758.08", INT64_MIN);
    assert_parses("92233720368547758", 9223372036854775800);
    assert_parses("0000000000000000000000000001", 100);
    /* Only the first n bytes are read. */
    int64_t fen = 0;
    assert_true(money_parse("80.5 yuan", 4, &fen));
    assert_int_equal(fen, 8050);
}

static void test_parse_rejects(void **state)
{
    (void)state;
    static const char *bad[] = {
        "",         "-",        ".5",        "-.5",       "80.",       "-80.",
        "80.123",   "80.001",   "1e3",       "+5",        " 5",        "5 ",
        "5 .5",     "1.2.3",    "--1",       "1-",        "80,5",      "0x10",
        "five",     "5%",       "- 5",       ".",         "80.5.",     "1_000",
        "92233720368547758.08", "-92233720368547758.09", "92233720368547759",
        "-92233720368547759",   "99999999999999999999999", "18446744073709551616",
        "184467440737095516.16",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_parse_fails(bad[i]);
    int64_t fen = 12345;
    assert_false(money_parse("8\0", 2, &fen));
    assert_false(money_parse("80", 0, &fen));
    assert_int_equal(fen, 12345);
}

static void round_trip(int64_t fen)
{
    char buf[MONEY_MAX_TEXT];
    money_format(fen, buf);
    int64_t back = fen == 0 ? 1 : 0;
    if (!money_parse(buf, strlen(buf), &back) || back != fen)
        fail_msg("round trip failed for %lld (\"%s\")", (long long)fen, buf);
}

static void test_round_trip(void **state)
{
    (void)state;
    for (int64_t fen = -200000; fen <= 200000; fen++)
        round_trip(fen);
    for (int64_t k = 0; k < 2000; k++) {
        round_trip(INT64_MAX - k);
        round_trip(INT64_MIN + k);
    }
    /* Powers of ten and their neighbours. */
    for (int64_t p = 1; p <= INT64_MAX / 10; p *= 10) {
        round_trip(p);
        round_trip(p - 1);
        round_trip(p + 1);
        round_trip(-p);
        round_trip(-p + 1);
        round_trip(-p - 1);
    }
}

static void test_ratio_parse(void **state)
{
    (void)state;
    assert_ratio("50", 500000);
    assert_ratio("33.33", 333300);
    assert_ratio("12.3456", 123456);
    assert_ratio("0", 0);
    assert_ratio("0.0", 0);
    assert_ratio("100", 1000000);
    assert_ratio("5.5", 55000);
    assert_ratio("0.0001", 1);
    assert_ratio("0.001", 10);
    assert_ratio("007", 70000);
    assert_ratio("99999.9999", 999999999);
    assert_ratio("100000", 1000000000);
    assert_ratio("100000.0000", 1000000000);
    assert_ratio("0000000000000000000000000000000050", 500000);
    int64_t r = 0;
    assert_true(ratio_parse("50%", 2, &r));
    assert_int_equal(r, 500000);
}

static void test_ratio_parse_rejects(void **state)
{
    (void)state;
    static const char *bad[] = {
        "",       ".5",          "5.",       "12.34567", "-5",   "+5",
        "-0",     "100000.0001", "100001",   "1e3",      " 5",   "5 ",
        "5%",     "1.2.3",       "99999999999999999999999999", "1,5",
        ".",      "0x1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_ratio_fails(bad[i]);
    int64_t r = -7;
    assert_false(ratio_parse("5\0", 2, &r));
    assert_false(ratio_parse("50", 0, &r));
    assert_int_equal(r, -7);
}

static void test_ratio_rounding(void **state)
{
    (void)state;
    /*                 fen   millionths   half_up half_even down up */
    assert_modes(8000, 500000, 4000, 4000, 4000, 4000);
    assert_modes(0, 333300, 0, 0, 0, 0);
    assert_modes(1, 500000, 1, 0, 0, 1);           /* 0.5 */
    assert_modes(3, 500000, 2, 2, 1, 2);           /* 1.5 */
    assert_modes(5, 500000, 3, 2, 2, 3);           /* 2.5 */
    assert_modes(-1, 500000, -1, 0, 0, -1);        /* -0.5 */
    assert_modes(-3, 500000, -2, -2, -1, -2);      /* -1.5 */
    assert_modes(-5, 500000, -3, -2, -2, -3);      /* -2.5 */
    assert_modes(5, -500000, -3, -2, -2, -3);      /* negative ratio */
    assert_modes(100, 333300, 33, 33, 33, 34);     /* 33.33 */
    assert_modes(-100, 333300, -33, -33, -33, -34);
    assert_modes(10000, 123456, 1235, 1235, 1234, 1235); /* 1234.56 */
    assert_modes(7, 1, 0, 0, 0, 1);                /* 0.000007 */
    assert_modes(-7, 1, 0, 0, 0, -1);
    assert_modes(4999, 100, 0, 0, 0, 1);           /* 0.4999 */
    assert_modes(5001, 100, 1, 1, 0, 1);           /* 0.5001 */
    assert_modes(40000, 1000000, 40000, 40000, 40000, 40000); /* 100% */
    assert_modes(1, 1000000000, 1000, 1000, 1000, 1000);      /* 100000% = x1000 */
    assert_modes(INT64_MAX, 1000000, INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX);
    assert_modes(INT64_MIN, 1000000, INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN);
    assert_modes(INT64_MAX, 0, 0, 0, 0, 0);
    assert_modes(INT64_MIN, 500000, INT64_MIN / 2, INT64_MIN / 2, INT64_MIN / 2,
                 INT64_MIN / 2);
    /* INT64_MAX * 50% = 4611686018427387903.5 */
    assert_modes(INT64_MAX, 500000, 4611686018427387904, 4611686018427387904,
                 4611686018427387903, 4611686018427387904);
}

static void test_ratio_overflow(void **state)
{
    (void)state;
    for (int mode = 0; mode < 4; mode++) {
        assert_ratio_overflows(INT64_MAX, 1000001, mode);
        assert_ratio_overflows(INT64_MIN, 1000001, mode);
        assert_ratio_overflows(INT64_MIN, -1000000, mode); /* 2^63 */
        assert_ratio_overflows(INT64_MAX, 1000000000, mode);
        assert_ratio_overflows(INT64_MIN, INT64_MIN, mode);
        assert_ratio_overflows(INT64_MAX, INT64_MAX, mode);
        assert_ratio_overflows(INT64_MIN, INT64_MAX, mode);
    }
    /* (2^64 - 1) / 3 fen at 150% is INT64_MAX + 0.5: only rounding down fits. */
    const int64_t third = 6148914691236517205;
    int64_t out = 999;
    assert_true(money_ratio(third, 1500000, DOWN, &out));
    assert_int_equal(out, INT64_MAX);
    assert_ratio_overflows(third, 1500000, HALF_UP);
    assert_ratio_overflows(third, 1500000, HALF_EVEN); /* INT64_MAX is odd */
    assert_ratio_overflows(third, 1500000, UP);
    /* The negative mirror is -(INT64_MAX + 0.5): rounding away lands exactly on INT64_MIN. */
    assert_modes(-third, 1500000, INT64_MIN, INT64_MIN, -INT64_MAX, INT64_MIN);
}

static void test_ratio_bad_mode(void **state)
{
    (void)state;
    int64_t out = 999;
    assert_false(money_ratio(100, 500000, 4, &out));
    assert_false(money_ratio(100, 500000, -1, &out));
    assert_int_equal(out, 999);
}

/* Reference: with a = |fen * m| and D = 10^6, floor(a / D) is the truncated magnitude;
 * half_up is floor((2a + D) / 2D); half_even takes the truncation when 2a mod 2D
 * compares below D, or equal with an even truncation. */
static int64_t reference(int64_t fen, int64_t m, int mode)
{
    const int64_t D = 1000000;
    int64_t p = fen * m;
    int64_t a = p < 0 ? -p : p;
    int64_t t = a / D, res;
    switch (mode) {
    case HALF_UP: res = (2 * a + D) / (2 * D); break;
    case HALF_EVEN: {
        int64_t twice = 2 * a - 2 * D * t; /* 2 * fractional part, in millionths */
        res = twice < D || (twice == D && t % 2 == 0) ? t : t + 1;
        break;
    }
    case DOWN: res = t; break;
    default: res = t * D == a ? t : t + 1; break;
    }
    return p < 0 ? -res : res;
}

static void test_ratio_against_reference(void **state)
{
    (void)state;
    static const int64_t ratios[] = {0,      1,      7,      99,     100,    125000,
                                     250000, 333300, 500000, 666700, 750000, 999999,
                                     1000000, 1234567, 1500000, 33333333, 1000000000,
                                     -1,     -500000, -333300};
    for (size_t i = 0; i < sizeof ratios / sizeof ratios[0]; i++) {
        for (int64_t fen = -3000; fen <= 3000; fen++) {
            for (int mode = 0; mode < 4; mode++) {
                int64_t out;
                assert_true(money_ratio(fen, ratios[i], mode, &out));
                int64_t want = reference(fen, ratios[i], mode);
                if (out != want)
                    fail_msg("money_ratio(%lld, %lld, %d) = %lld, want %lld", (long long)fen,
                             (long long)ratios[i], mode, (long long)out, (long long)want);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_ratio_parse),
        cmocka_unit_test(test_ratio_parse_rejects),
        cmocka_unit_test(test_ratio_rounding),
        cmocka_unit_test(test_ratio_overflow),
        cmocka_unit_test(test_ratio_bad_mode),
        cmocka_unit_test(test_ratio_against_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
