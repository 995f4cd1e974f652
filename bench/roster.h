/*
 * roster.h — a generated roster for the bench: a fixed seed gives the same residents on
 * every machine.  The mix is that of a county's roster: mostly ordinary adults, some
 * subsidized identities (one in five, a few with two), some disability grades, children,
 * infants around the 未满3周岁 and 2023-01-01 edges, newborns of the benefit year and the
 * one before, and payment dates across the main, extended and late windows with some
 * refused (before the period, after it, days 26-31, before birth).
 *
 * Dates are day numbers (days since 1970-01-01); the roster for benefit year Y is the
 * Pingshun 2026 roster moved by Y - 2026 years, so every bundled policy gets one of the
 * same shape.
 */
#ifndef BENCH_ROSTER_H
#define BENCH_ROSTER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ROSTER_SEED 20261115u
#define ROSTER_ABSENT INT32_MIN /* registered_on not given: the payment date */

/* Identity bits in the prelude's order (stdlib/prelude.pol). */
#define ROSTER_NIDENTITIES 11
extern const char *const roster_identity_key[ROSTER_NIDENTITIES];

typedef struct {
  int32_t birth_date;
  uint32_t identities; /* bit i: holds roster_identity_key[i] */
  int32_t disability_grade;
  int32_t lapsed_years;
  int32_t local_hukou;
  int32_t paid_normal_rate;
  int32_t registered_on; /* or ROSTER_ABSENT */
  int32_t paid_on;       /* the payment date of this resident's quote */
} roster_resident;

/* Fill out[0..n) for benefit year `year` from `seed` (deterministic). */
void roster_generate(roster_resident *out, size_t n, uint64_t seed, int year);

/* CSV (docs/LANGUAGE.md, issue #15): a header of resident keys, identities `;`-separated,
 * absent registered_on as an empty cell.  paid_normal_rate only if with_paid_normal (a
 * Pingshun key); a last column `paid_on` if with_paid_on.  0 on success, -1 on a write
 * error. */
int roster_write_csv(FILE *f, const roster_resident *r, size_t n, int with_paid_normal,
                     int with_paid_on);

/* The resident as QUERY.md JSON into buf (without paid_on); the length, or -1 if it did
 * not fit. */
int roster_json(const roster_resident *r, int with_paid_normal, char *buf, size_t size);

#endif
