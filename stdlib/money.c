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
 * The one decimal grammar of money and percentages: exactly n bytes of
 * DIGIT+ ('.' DIGIT{1,decimals})?, leading zeros allowed, nothing else.  The integer
 * part is checked against max_whole before every step, so it never exceeds it; the
 * fraction comes back scaled to `decimals` digits ("5" of two decimals is 50).
 */
static bool parse_decimal(const char *s, size_t n, uint64_t max_whole, unsigned decimals,
                          uint64_t *whole, uint64_t *frac)
{
    size_t i = 0;
    uint64_t w = 0, f = 0;
    for (; i < n && is_digit(s[i]); i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d > max_whole || (max_whole - d) / 10 < w) /* w * 10 + d > max_whole */
            return false;
        w = w * 10 + d;
    }
    if (i == 0)
        return false;
    unsigned k = 0;
    if (i < n) {
        if (s[i] != '.')
            return false;
        for (i++; i < n && is_digit(s[i]); i++, k++) {
            if (k >= decimals)
                return false;
            f = f * 10 + (unsigned)(s[i] - '0');
        }
        if (k == 0 || i != n)
            return false;
    }
    for (; k < decimals; k++)
        f *= 10;
    *whole = w;
    *frac = f;
    return true;
}

/*
 * Grammar: '-'? then the decimal grammar with at most 2 decimals — no '+', no spaces,
 * no exponent.  The magnitude in fen is bounded by that of the sign (2^63 - 1, or 2^63
 * for '-'), so INT64_MIN round-trips and nothing overflows.  *fen is written only on
 * success.
 */
bool money_parse(const char *s, size_t n, int64_t *fen)
{
    if (s == NULL)
        return false;
    bool neg = n > 0 && s[0] == '-';
    const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t whole, frac;
    if (!parse_decimal(s + neg, n - neg, limit / FEN_PER_YUAN, MONEY_MAX_DECIMALS, &whole, &frac))
        return false;
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
 * Grammar: the decimal grammar with at most 4 decimals — no sign; at most
 * RATIO_MAX_PERCENT.  *millionths is written only on success.
 */
bool ratio_parse(const char *s, size_t n, int64_t *millionths)
{
    if (s == NULL)
        return false;
    uint64_t whole, frac;
    if (!parse_decimal(s, n, RATIO_MAX_PERCENT, RATIO_MAX_DECIMALS, &whole, &frac))
        return false;
    int64_t v = (int64_t)(whole * MILLIONTHS_PER_PERCENT + frac);
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
