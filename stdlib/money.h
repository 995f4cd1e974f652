/*
 * money.h — money is int64_t fen (1 yuan = 100 fen); never a binary float.
 * Ratios are int64_t millionths (50% = 500000).
 */
#ifndef POL_MONEY_H
#define POL_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MONEY_MAX_TEXT 32

/* Yuan as the shortest exact decimal: 8000 -> "80", 8050 -> "80.5", 8005 -> "80.05",
 * -150 -> "-1.5".  buf holds MONEY_MAX_TEXT bytes. */
void money_format(int64_t fen, char buf[MONEY_MAX_TEXT]);
/* Parse yuan "80", "80.5", "80.05" (n bytes; at most 2 decimals; optional leading '-');
 * false if malformed or out of range. */
bool money_parse(const char *s, size_t n, int64_t *fen);
/* Parse a percentage "50", "33.33" (the text before '%'; at most 4 decimals) into
 * millionths; false if malformed or above 100000%. */
bool ratio_parse(const char *s, size_t n, int64_t *millionths);
/* money * ratio / 1e6, rounded by mode (prg_rounding: 0 half_up, 1 half_even, 2 down
 * (toward zero), 3 up (away from zero)); false on overflow. */
bool money_ratio(int64_t fen, int64_t millionths, int mode, int64_t *out);

#endif
