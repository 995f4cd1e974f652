/*
 * roster.c — the generated roster (roster.h).  The generator's state lives in a local
 * struct (splitmix64): no global state, the same seed gives the same roster everywhere.
 */
#include "roster.h"

#include <string.h>

#include "calendar.h"

const char *const roster_identity_key[ROSTER_NIDENTITIES] = {
  "extreme_poverty", "subsistence_allowance", "returned_to_poverty",
  "unstable_out_of_poverty", "marginal_poverty", "sudden_hardship", "stable_out_of_poverty",
  "family_planning_hardship", "family_planning_household", "veteran_priority", "student",
};

typedef struct { uint64_t s; } rng;

static uint64_t next(rng *g) {
  uint64_t z = (g->s += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* Uniform in 0..n-1 (n > 0; the bias of the modulo is irrelevant here). */
static int32_t below(rng *g, int32_t n) { return (int32_t)(next(g) % (uint64_t)n); }
/* Uniform in lo..hi. */
static int32_t between(rng *g, int32_t lo, int32_t hi) { return lo + below(g, hi - lo + 1); }
/* True with probability per_mille / 1000. */
static int chance(rng *g, int per_mille) { return below(g, 1000) < per_mille; }

/* A day in lo..hi whose day of month is 1..25 (the windows' days), if there is one. */
static int32_t payable_day(rng *g, int32_t lo, int32_t hi) {
  for (int tries = 0; tries < 64; tries++) {
    int32_t d = between(g, lo, hi);
    int y, m, dd;
    cal_to_ymd(d, &y, &m, &dd);
    if (dd <= 25)
      return d;
  }
  return lo;
}

/* A day in lo..hi on day 26..31 of its month (refused by a 1..25 window). */
static int32_t refused_day(rng *g, int32_t lo, int32_t hi) {
  for (int tries = 0; tries < 256; tries++) {
    int32_t d = between(g, lo, hi);
    int y, m, dd;
    cal_to_ymd(d, &y, &m, &dd);
    if (dd > 25)
      return d;
  }
  return hi;
}

static int32_t day(int y, int m, int d) { return cal_from_ymd(y, m, d); }

void roster_generate(roster_resident *out, size_t n, uint64_t seed, int Y) {
  rng g = {seed};
  /* identity weights (per mille of residents holding at least one identity) */
  static const int id_weight[ROSTER_NIDENTITIES] = {
    90, 300, 50, 50, 50, 40, 200, 40, 60, 40, 80,
  };
  for (size_t i = 0; i < n; i++) {
    roster_resident *r = &out[i];
    memset(r, 0, sizeof *r);
    r->registered_on = ROSTER_ABSENT;

    /* birth */
    int kind = below(&g, 1000);
    int newborn = 0;
    if (kind < 700) {            /* adults */
      r->birth_date = between(&g, day(1935, 1, 1), day(Y - 19, 12, 31));
    } else if (kind < 800) {     /* children 3..18 */
      r->birth_date = between(&g, day(Y - 18, 1, 1), day(Y - 4, 12, 31));
    } else if (kind < 880) {     /* infants, around 2023-01-01 and the third birthday */
      r->birth_date = between(&g, day(Y - 4, 12, 1), day(Y - 1, 9, 30));
    } else if (kind < 940) {     /* born the year before the benefit year, late */
      r->birth_date = between(&g, day(Y - 1, 7, 1), day(Y - 1, 12, 31));
      newborn = 1;
    } else {                     /* born in the benefit year */
      r->birth_date = between(&g, day(Y, 1, 1), day(Y, 11, 30));
      newborn = 1;
    }

    /* identities: one in five holds one, a few of them two */
    if (chance(&g, 200)) {
      int holds = chance(&g, 150) ? 2 : 1;
      while (holds > 0) {
        int pick = below(&g, 1000), k = 0;
        while (k < ROSTER_NIDENTITIES - 1 && pick >= id_weight[k])
          pick -= id_weight[k++];
        if (!(r->identities & (1u << k))) {
          r->identities |= 1u << k;
          holds--;
        }
      }
    }
    if (chance(&g, 40))
      r->disability_grade = between(&g, 1, 4);
    int l = below(&g, 100);
    r->lapsed_years = l < 88 ? 0 : l < 94 ? 1 : l < 97 ? 2 : l < 99 ? 3 : between(&g, 4, 10);
    { /* within the years since birth (the prelude's assumption lapsed_since_birth) */
      int by, bm, bd;
      cal_to_ymd(r->birth_date, &by, &bm, &bd);
      if (r->lapsed_years > Y - by) r->lapsed_years = Y - by > 0 ? Y - by : 0;
    }
    r->local_hukou = chance(&g, 900);
    r->paid_normal_rate = chance(&g, r->identities ? 100 : 20);

    /* payment date */
    const int32_t open = day(Y - 1, 10, 17), main_end = day(Y - 1, 12, 31);
    const int32_t ext_end = day(Y, 2, 25), year_end = day(Y, 12, 31);
    int w = below(&g, 1000);
    if (newborn && w < 600) {
      /* a newborn's family pays soon after the birth, some after the 90 days, a few
       * before the birth (refused) */
      r->paid_on = chance(&g, 30) ? r->birth_date - between(&g, 1, 60)
                                  : r->birth_date + between(&g, 0, 130);
    } else if (w < 500) {
      r->paid_on = payable_day(&g, open, main_end);
    } else if (w < 680) {
      r->paid_on = payable_day(&g, main_end + 1, ext_end);
    } else if (w < 880) {
      r->paid_on = payable_day(&g, ext_end + 1, year_end);
    } else if (w < 920) {
      r->paid_on = between(&g, day(Y - 1, 9, 1), open - 1);        /* before the period */
    } else if (w < 960) {
      r->paid_on = between(&g, year_end + 1, day(Y + 1, 3, 31));   /* after the year */
    } else {
      r->paid_on = refused_day(&g, open, year_end);                /* days 26..31 */
    }
    /* nobody is enrolled before birth but by mistake (the 3 % above): a newborn whose
     * date fell before the birth enrols 0-200 days after it */
    if (newborn && w >= 600 && r->paid_on < r->birth_date)
      r->paid_on = r->birth_date + between(&g, 0, 200);

    /* registered_on: mostly not given (the payment date); some registered earlier (a
     * child registered as a newborn), some after the collection period */
    int reg = below(&g, 1000);
    if (reg < 150) {
      int32_t lo = r->birth_date > day(Y - 3, 1, 1) ? r->birth_date : day(Y - 3, 1, 1);
      int32_t hi = r->paid_on > lo ? r->paid_on : lo;
      r->registered_on = between(&g, lo, hi);
    } else if (reg < 200) {
      r->registered_on = between(&g, ext_end + 1, year_end);
    }
  }
}

static int put_identities(char *buf, size_t size, uint32_t ids, const char *sep,
                          const char *quote) {
  size_t used = 0;
  buf[0] = '\0';
  for (int k = 0; k < ROSTER_NIDENTITIES; k++) {
    if (!(ids & (1u << k)))
      continue;
    int w = snprintf(buf + used, size - used, "%s%s%s%s", used ? sep : "", quote,
                     roster_identity_key[k], quote);
    if (w < 0 || (size_t)w >= size - used)
      return -1;
    used += (size_t)w;
  }
  return (int)used;
}

int roster_write_csv(FILE *f, const roster_resident *r, size_t n, int with_paid_normal,
                     int with_paid_on) {
  fprintf(f, "birth_date,identities,disability_grade,local_hukou,lapsed_years,registered_on%s%s\n",
          with_paid_normal ? ",paid_normal_rate" : "", with_paid_on ? ",paid_on" : "");
  for (size_t i = 0; i < n; i++) {
    char birth[11], reg[11] = "", paid[11], ids[256];
    cal_format(r[i].birth_date, birth);
    if (r[i].registered_on != ROSTER_ABSENT)
      cal_format(r[i].registered_on, reg);
    cal_format(r[i].paid_on, paid);
    if (put_identities(ids, sizeof ids, r[i].identities, ";", "") < 0)
      return -1;
    fprintf(f, "%s,%s,%d,%s,%d,%s", birth, ids, (int)r[i].disability_grade,
            r[i].local_hukou ? "true" : "false", (int)r[i].lapsed_years, reg);
    if (with_paid_normal)
      fprintf(f, ",%s", r[i].paid_normal_rate ? "true" : "false");
    if (with_paid_on)
      fprintf(f, ",%s", paid);
    fputc('\n', f);
  }
  return ferror(f) ? -1 : 0;
}

int roster_json(const roster_resident *r, int with_paid_normal, char *buf, size_t size) {
  char birth[11], reg[11], ids[512];
  cal_format(r->birth_date, birth);
  if (put_identities(ids, sizeof ids, r->identities, ",", "\"") < 0)
    return -1;
  int w = snprintf(buf, size,
                   "{\"birth_date\":\"%s\",\"identities\":[%s],\"disability_grade\":%d,"
                   "\"local_hukou\":%s,\"lapsed_years\":%d",
                   birth, ids, (int)r->disability_grade, r->local_hukou ? "true" : "false",
                   (int)r->lapsed_years);
  if (w < 0 || (size_t)w >= size)
    return -1;
  size_t used = (size_t)w;
  if (r->registered_on != ROSTER_ABSENT) {
    cal_format(r->registered_on, reg);
    w = snprintf(buf + used, size - used, ",\"registered_on\":\"%s\"", reg);
    if (w < 0 || (size_t)w >= size - used)
      return -1;
    used += (size_t)w;
  }
  if (with_paid_normal) {
    w = snprintf(buf + used, size - used, ",\"paid_normal_rate\":%s",
                 r->paid_normal_rate ? "true" : "false");
    if (w < 0 || (size_t)w >= size - used)
      return -1;
    used += (size_t)w;
  }
  w = snprintf(buf + used, size - used, "}");
  if (w < 0 || (size_t)w >= size - used)
    return -1;
  return (int)(used + (size_t)w);
}
