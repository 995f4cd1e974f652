/*
 * money.c — exact decimal text for fen amounts and percentage ratios, and exact
 * ratio application.  All arithmetic is integer; no function keeps state.
 */
#include "money.h"

/* GCC/Clang extension; marked so -pedantic builds stay quiet. */
__extension__ typedef __int128 i128;

#define FEN_PER_YUAN 100
#define MILLIONTHS 1000000
/* A percentage point is 10^4 millionths; 4 decimals of a percent are whole millionths. */
#define MILLIONTHS_PER_PERCENT 10000
#define RATIO_MAX_PERCENT 100000
#define RATIO_MAX_DECIMALS 4
#define MONEY_MAX_DECIMALS 2

/* Rounding modes, numbered as prg_rounding in vm/program.h. */
enum { MODE_HALF_UP = 0, MODE_HALF_EVEN = 1, MODE_DOWN = 2, MODE_UP = 3 };

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Writes the decimal digits of v (no NUL) and returns how many were written. */
static size_t put_u64(char *buf, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

/* The longest output is INT64_MIN: "-92233720368547758.08" (21 bytes + NUL). */
void money_format(int64_t fen, char buf[MONEY_MAX_TEXT])
{
    /* Magnitude in unsigned arithmetic so INT64_MIN does not overflow. */
    uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    uint64_t whole = mag / FEN_PER_YUAN;
    unsigned frac = (unsigned)(mag % FEN_PER_YUAN);
    size_t n = 0;
    if (fen < 0)
        buf[n++] = '-';
    n += put_u64(buf + n, whole);
    if (frac != 0) {
        buf[n++] = '.';
        buf[n++] = (char)('0' + frac / 10);
        if (frac % 10 != 0)
            buf[n++] = (char)('0' + frac % 10);
    }
    buf[n] = '\0';
}

/*
 * Grammar: '-'? DIGIT+ ('.' DIGIT{1,2})?  — leading zeros allowed, no '+', no spaces,
 * no exponent.  The magnitude is accumulated in fen as uint64 and checked against the
 * bound of the sign (2^63 - 1, or 2^63 for '-') before every step, so INT64_MIN
 * round-trips and nothing overflows.  *fen is written only on success.
 */
bool money_parse(const char *s, size_t n, int64_t *fen)
{
    if (s == NULL)
        return false;
    size_t i = 0;
    bool neg = false;
    if (i < n && s[i] == '-') {
        neg = true;
        i++;
    }
    const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t whole = 0;
    size_t int_start = i;
    for (; i < n && is_digit(s[i]); i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (whole > (limit / FEN_PER_YUAN - d) / 10)
            return false;
        whole = whole * 10 + d;
    }
    if (i == int_start)
        return false;
    unsigned frac = 0;
    if (i < n) {
        if (s[i] != '.')
            return false;
        i++;
        size_t frac_start = i;
        for (; i < n && is_digit(s[i]); i++) {
            if (i - frac_start >= MONEY_MAX_DECIMALS)
                return false;
            frac = frac * 10 + (unsigned)(s[i] - '0');
        }
        size_t k = i - frac_start;
        if (k == 0 || i != n)
            return false;
        if (k == 1)
            frac *= 10;
    }
    /* whole <= limit / 100, so whole * 100 cannot wrap. */
    uint64_t mag = whole * FEN_PER_YUAN;
    if (frac > limit - mag)
        return false;
    mag += frac;
    /* For neg, mag - 1 <= INT64_MAX, so the negation is formed without overflow. */
    *fen = !neg ? (int64_t)mag : mag == 0 ? 0 : -(int64_t)(mag - 1) - 1;
    return true;
}

/*
 * Grammar: DIGIT+ ('.' DIGIT{1,4})? — no sign.  The integer part is bounded by
 * RATIO_MAX_PERCENT as it is read, so no intermediate exceeds about 10^10.
 * *millionths is written only on success.
 */
bool ratio_parse(const char *s, size_t n, int64_t *millionths)
{
    if (s == NULL)
        return false;
    size_t i = 0;
    int64_t whole = 0;
    for (; i < n && is_digit(s[i]); i++) {
        whole = whole * 10 + (s[i] - '0');
        if (whole > RATIO_MAX_PERCENT)
            return false;
    }
    if (i == 0)
        return false;
    int64_t frac = 0;
    if (i < n) {
        if (s[i] != '.')
            return false;
        i++;
        size_t frac_start = i;
        for (; i < n && is_digit(s[i]); i++) {
            if (i - frac_start >= RATIO_MAX_DECIMALS)
                return false;
            frac = frac * 10 + (s[i] - '0');
        }
        size_t k = i - frac_start;
        if (k == 0 || i != n)
            return false;
        for (; k < RATIO_MAX_DECIMALS; k++)
            frac *= 10;
    }
    int64_t v = whole * MILLIONTHS_PER_PERCENT + frac;
    if (v > (int64_t)RATIO_MAX_PERCENT * MILLIONTHS_PER_PERCENT)
        return false;
    *millionths = v;
    return true;
}

/*
 * The product fen * millionths is formed in __int128, where |product| <= 2^126 always
 * fits.  q and r are the truncating quotient and remainder by 10^6, so r has the sign
 * of the product and |r| < 10^6; every mode then moves q at most one step away from
 * zero.  *out is written only on success; an unknown mode fails.
 */
bool money_ratio(int64_t fen, int64_t millionths, int mode, int64_t *out)
{
    i128 p = (i128)fen * millionths;
    i128 q = p / MILLIONTHS;
    i128 r = p % MILLIONTHS;
    i128 ar = r < 0 ? -r : r;
    int sign = p < 0 ? -1 : 1;
    bool away;
    switch (mode) {
    case MODE_HALF_UP:
        away = 2 * ar >= MILLIONTHS;
        break;
    case MODE_HALF_EVEN:
        away = 2 * ar > MILLIONTHS || (2 * ar == MILLIONTHS && q % 2 != 0);
        break;
    case MODE_DOWN:
        away = false;
        break;
    case MODE_UP:
        away = ar != 0;
        break;
    default:
        return false;
    }
    if (away)
        q += sign;
    if (q > INT64_MAX || q < INT64_MIN)
        return false;
    *out = (int64_t)q;
    return true;
}
