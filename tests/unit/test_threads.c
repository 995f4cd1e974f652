/*
 * test_threads.c — one program shared read-only by many threads, one evaluation context
 * each (api/pol.h): 16 threads quote residents of every bundled policy through the typed
 * API and every answer must equal the single-thread answer for the same resident.
 * `make tsan` runs it under ThreadSanitizer with 100,000 quotes a thread
 * (POL_THREAD_QUOTES); `make check` with fewer.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pol.h"

#define THREADS 16
#define RESIDENTS 512
#define NPOLICIES 5

static const char *const paths[NPOLICIES] = {
    "policies/changzhi-2024.pol", "policies/qinyuan-2025.pol", "policies/tunliu-2025.pol",
    "policies/pingshun-2026.pol", "policies/shanyin-2026.pol"};

static const char *const identities[] = {"extreme_poverty", "subsistence_allowance",
                                         "returned_to_poverty", "marginal_poverty",
                                         "stable_out_of_poverty", "student"};

typedef struct {
  int32_t birth, paid;
  int64_t grade;
  uint32_t ids; /* bit i: identities[i] */
} resident;

/* One answer reduced to its typed fields. */
typedef struct {
  int status, payable;
  uint64_t category;
  int64_t individual, worth, funding;
  int32_t start, end;
  int64_t wait;
} answer;

typedef struct {
  pol_program *p[NPOLICIES];
  resident r[RESIDENTS];
  answer want[NPOLICIES][RESIDENTS];
  long quotes;
} shared;

static answer quote_one(const pol_program *p, pol_eval *ev, const resident *r) {
  answer a;
  memset(&a, 0, sizeof a);
  pol_resident_clear(ev);
  pol_set(ev, pol_find(p, POL_ATTRIBUTE, "birth_date"), r->birth);
  pol_set(ev, pol_find(p, POL_ATTRIBUTE, "disability_grade"), r->grade);
  for (uint32_t i = 0; i < sizeof identities / sizeof *identities; i++)
    if ((r->ids >> i) & 1)
      pol_set(ev, pol_find(p, POL_IDENTITY, identities[i]), 1);
  a.status = pol_quote(ev, r->paid);
  a.payable = pol_answer_payable(ev);
  a.category = pol_answer_category(ev).bits;
  a.individual = pol_answer_individual(ev);
  a.worth = pol_answer_worth(ev);
  for (uint32_t s = 0; s < pol_count(p, POL_SOURCE); s++)
    a.funding = a.funding * 31 + pol_answer_funding(ev, pol_handle_at(p, POL_SOURCE, s));
  a.start = pol_answer_start(ev);
  a.end = pol_answer_end(ev);
  a.wait = pol_answer_wait_months(ev) * 1000 + pol_answer_wait_days(ev);
  return a;
}

typedef struct {
  shared *sh;
  unsigned seed;
  long mismatches;
} worker;

static void *work(void *arg) {
  worker *w = arg;
  shared *sh = w->sh;
  pol_eval *ev[NPOLICIES];
  for (int k = 0; k < NPOLICIES; k++)
    ev[k] = pol_eval_new(sh->p[k]);
  for (long q = 0; q < sh->quotes; q++) {
    unsigned i = (unsigned)(q * 7919 + w->seed) % RESIDENTS;
    int k = (int)((q + w->seed) % NPOLICIES);
    answer a = quote_one(sh->p[k], ev[k], &sh->r[i]);
    if (memcmp(&a, &sh->want[k][i], sizeof a) != 0)
      w->mismatches++;
  }
  for (int k = 0; k < NPOLICIES; k++)
    pol_eval_free(ev[k]);
  return NULL;
}

static void test_threads_agree(void **state) {
  (void)state;
  shared *sh = calloc(1, sizeof *sh);
  assert_non_null(sh);
  const char *env = getenv("POL_THREAD_QUOTES");
  sh->quotes = env ? atol(env) : 5000;
  uint64_t x = 0x2545F4914F6CDD1Dull;
  for (int i = 0; i < RESIDENTS; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    int32_t y2020;
    assert_int_equal(pol_date_parse("2020-01-01", &y2020), POL_OK);
    sh->r[i].birth = y2020 - (int32_t)(x % 36500);
    sh->r[i].paid = y2020 + 1300 + (int32_t)((x >> 20) % 1200);
    sh->r[i].grade = (int64_t)((x >> 40) % 5);
    sh->r[i].ids = (uint32_t)((x >> 44) % 8 == 0 ? (x >> 48) % 64 : 0);
  }
  /* the answers from a copy of each program; the threads' programs are untouched until
     they start, so that their first contexts build each plan concurrently */
  for (int k = 0; k < NPOLICIES; k++) {
    pol_diags *d = NULL;
    pol_program *copy = NULL;
    assert_int_equal(pol_open(paths[k], &sh->p[k], &d), POL_OK);
    pol_diags_free(d);
    assert_int_equal(pol_open(paths[k], &copy, &d), POL_OK);
    pol_diags_free(d);
    pol_eval *ev = pol_eval_new(copy);
    for (int i = 0; i < RESIDENTS; i++)
      sh->want[k][i] = quote_one(copy, ev, &sh->r[i]);
    pol_eval_free(ev);
    pol_program_free(copy);
  }
  pthread_t t[THREADS];
  worker w[THREADS];
  for (int i = 0; i < THREADS; i++) {
    w[i] = (worker){sh, (unsigned)i * 104729u, 0};
    assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
  }
  long bad = 0;
  for (int i = 0; i < THREADS; i++) {
    pthread_join(t[i], NULL);
    bad += w[i].mismatches;
  }
  assert_int_equal(bad, 0);
  for (int k = 0; k < NPOLICIES; k++)
    pol_program_free(sh->p[k]);
  free(sh);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_threads_agree)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
