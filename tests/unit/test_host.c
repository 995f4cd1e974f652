/*
 * test_host.c — host functions (`extern`, api/host.c): binding and its misuse, contexts
 * refused before any code runs, calls through libffi with every argument and result type,
 * results outside their type, and .polb files whose extern signatures do not match their
 * code or are not signatures at all.
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
#include <jansson.h>

#include "pol.h"
#include "vmint.h" /* polb_seal */

#define POLICY                                                                             \
  "policy { title \"t\" year 2026 }\n"                                                     \
  "const standard = 400 yuan\n"                                                            \
  "attribute tier \"档次\" : one of { low \"低档\", high \"高档\" } = low\n"               \
  "attribute span_months \"月数\" : int 0..600 = 0\n"                                           \
  "extern next_workday \"下一个工作日\" (date) -> date\n"                                  \
  "extern discount \"减免\" (bool, int, money) -> money\n"                                 \
  "extern upgrade \"升档\" (tier) -> tier\n"                                               \
  "extern is_even \"偶数\" (int) -> bool\n"                                                \
  "category ordinary \"o\" {\n"                                                           \
  "  when otherwise worth standard - discount(is_even(span_months), span_months, 10 yuan)\n"        \
  "  individual rest\n"                                                                    \
  "}\n"                                                                                    \
  "window main \"m\" 2025-10-17 .. 2026-12-31 { start next_workday(paid_on) }\n"           \
  "rule up \"r\" when upgrade(tier) == high { surcharge 1 yuan }\n"

static const pol_type T_DATE1[] = {POL_T_DATE};
static const pol_type T_DISCOUNT[] = {POL_T_BOOL, POL_T_INT, POL_T_MONEY};
static const pol_type T_ENUM1[] = {POL_T_ENUM};
static const pol_type T_INT1[] = {POL_T_INT};

/* Host functions: each result shows which arguments arrived, in which C types. */
static int64_t plus_two(int64_t day) { return day + 2; }
static int64_t discount(int even, int64_t months, int64_t fen) {
  return (even ? 100 : 0) + months * 10 + fen / 1000; /* (1, 6, 1000): 161 fen */
}
static int64_t to_high(int64_t tier) { return tier == 0 ? 1 : 0; }
static int64_t to_seven(int64_t tier) { return tier + 7; }
static int is_even(int64_t n) { return n % 2 == 0 ? 2 : 0; } /* 2: any non-zero is true */
static int64_t far_future(int64_t day) { return day + 1000000000; }
static int64_t never_called(int64_t day) {
  fail_msg("a host function of a refused context was called");
  return day;
}

typedef void (*fnptr)(void);
#define FN(f) ((fnptr)(f))

static pol_program *compile_ok(const char *src) {
  pol_program *p = NULL;
  pol_diags *d = NULL;
  if (pol_compile("t.pol", src, strlen(src), &p, &d) != POL_OK) {
    char *text = pol_diags_render(d, POL_FMT_TEXT);
    fail_msg("does not compile:\n%s", text ? text : "?");
  }
  pol_diags_free(d);
  return p;
}

/* Every extern of POLICY bound right, except those the caller binds itself first. */
static pol_host *host_all(pol_host *h) {
  if (!h) h = pol_host_new();
  assert_non_null(h);
  pol_host_bind(h, "next_workday", FN(plus_two), POL_T_DATE, 1, T_DATE1);
  pol_host_bind(h, "discount", FN(discount), POL_T_MONEY, 3, T_DISCOUNT);
  pol_host_bind(h, "upgrade", FN(to_high), POL_T_ENUM, 1, T_ENUM1);
  pol_host_bind(h, "is_even", FN(is_even), POL_T_BOOL, 1, T_INT1);
  return h;
}

static int32_t day_of(const char *s) {
  int32_t d;
  assert_int_equal(pol_date_parse(s, &d), POL_OK);
  return d;
}

/* The last answer's individual part in fen and benefit start, through its JSON. */
static void answer(pol_eval *ev, long long *fen, char start[11]) {
  char *s = pol_answer_json(ev, POL_ANSWER_QUOTE);
  assert_non_null(s);
  json_t *o = json_loads(s, 0, NULL);
  free(s);
  assert_non_null(o);
  double x = json_number_value(json_object_get(o, "individual")) * 100.0;
  *fen = (long long)(x + 0.5);
  snprintf(start, 11, "%s", json_string_value(json_object_get(o, "benefit_start")));
  json_decref(o);
}

/* ---- binding --------------------------------------------------------------------------- */

static void test_bind_misuse(void **state) {
  (void)state;
  pol_host *h = pol_host_new();
  assert_non_null(h);
  pol_type bad[] = {POL_T_DATE, POL_T_IDENTITIES};
  assert_int_equal(pol_host_bind(NULL, "f", FN(plus_two), POL_T_DATE, 1, T_DATE1), POL_EINPUT);
  assert_string_equal(pol_host_error(NULL), "no host");

  assert_int_equal(pol_host_bind(h, NULL, FN(plus_two), POL_T_DATE, 1, T_DATE1), POL_EINPUT);
  assert_string_equal(pol_host_error(h), "pol_host_bind: no name");
  assert_int_equal(pol_host_bind(h, "", FN(plus_two), POL_T_DATE, 1, T_DATE1), POL_EINPUT);
  assert_string_equal(pol_host_error(h), "pol_host_bind: no name");
  assert_int_equal(pol_host_bind(h, "f", NULL, POL_T_DATE, 1, T_DATE1), POL_EINPUT);
  assert_string_equal(pol_host_error(h), "pol_host_bind f: no function");
  assert_int_equal(pol_host_bind(h, "f", FN(plus_two), POL_T_IDENTITIES, 1, T_DATE1), POL_EINPUT);
  assert_string_equal(pol_host_error(h), "pol_host_bind f: result type 6 is not POL_T_BOOL, "
                                         "POL_T_INT, POL_T_DATE, POL_T_MONEY or POL_T_ENUM");
  assert_int_equal(pol_host_bind(h, "f", FN(plus_two), POL_T_DATE, 2, bad), POL_EINPUT);
  assert_string_equal(pol_host_error(h), "pol_host_bind f: argument 2 has type 6, not "
                                         "POL_T_BOOL, POL_T_INT, POL_T_DATE, POL_T_MONEY or "
                                         "POL_T_ENUM");
  assert_int_equal(pol_host_bind(h, "f", FN(plus_two), POL_T_DATE, 1, NULL), POL_EINPUT);
  assert_string_equal(pol_host_error(h), "pol_host_bind f: no argument types");
  pol_type nine[9] = {POL_T_INT, POL_T_INT, POL_T_INT, POL_T_INT, POL_T_INT,
                      POL_T_INT, POL_T_INT, POL_T_INT, POL_T_INT};
  assert_int_equal(pol_host_bind(h, "f", FN(plus_two), POL_T_INT, 9, nine), POL_EINPUT);
  assert_string_equal(pol_host_error(h), "pol_host_bind f: 9 arguments, more than 8");

  assert_int_equal(pol_host_bind(h, "f", FN(plus_two), POL_T_DATE, 1, T_DATE1), POL_OK);
  assert_string_equal(pol_host_error(h), "");
  assert_int_equal(pol_host_bind(h, "f", FN(plus_two), POL_T_DATE, 1, T_DATE1), POL_EINPUT);
  assert_string_equal(pol_host_error(h), "pol_host_bind f: already bound");
  /* no arguments at all is a signature too */
  assert_int_equal(pol_host_bind(h, "g", FN(plus_two), POL_T_INT, 0, NULL), POL_OK);
  pol_host_free(h);
  pol_host_free(NULL);
}

/* ---- opening a context ------------------------------------------------------------------ */

static void test_eval_new_refuses_externs(void **state) {
  (void)state;
  pol_program *p = compile_ok(POLICY);
  assert_null(pol_eval_new(p)); /* documented: programs with externs need pol_eval_open */
  pol_program_free(p);
}

static void test_open_null(void **state) {
  (void)state;
  pol_eval *ev = (pol_eval *)&ev;
  assert_int_equal(pol_eval_open(NULL, NULL, &ev), POL_EINPUT);
  assert_null(ev);
  pol_program *p = compile_ok(POLICY);
  assert_int_equal(pol_eval_open(p, NULL, NULL), POL_EINPUT);
  pol_program_free(p);
}

/* Opens p with h, which must be refused with `want`; the context runs nothing. */
static void refused(pol_program *p, pol_host *h, const char *want) {
  pol_eval *ev = NULL;
  assert_int_equal(pol_eval_open(p, h, &ev), POL_EINPUT);
  assert_non_null(ev);
  assert_string_equal(pol_eval_error(ev), want);
  assert_int_equal(pol_resident_json(ev, "{\"birth_date\":\"1980-01-01\"}", day_of("2025-11-03")),
                   POL_OK);
  assert_int_equal(pol_quote(ev, day_of("2025-11-03")), POL_EINPUT);
  assert_string_equal(pol_eval_error(ev), want);
  assert_int_equal(pol_answer_payable(ev), 0);
  pol_eval_free(ev);
}

static void test_unbound(void **state) {
  (void)state;
  pol_program *p = compile_ok(POLICY);
  refused(p, NULL,
          "extern next_workday(date) -> date is not bound by the host (pol_host_bind "
          "\"next_workday\")");
  /* a host that binds other names (an unknown one among them) */
  pol_host *h = pol_host_new();
  assert_int_equal(pol_host_bind(h, "next_workday", FN(never_called), POL_T_DATE, 1, T_DATE1),
                   POL_OK);
  assert_int_equal(pol_host_bind(h, "next_holiday", FN(never_called), POL_T_DATE, 1, T_DATE1),
                   POL_OK);
  refused(p, h,
          "extern discount(bool, int, money) -> money is not bound by the host "
          "(pol_host_bind \"discount\")");
  pol_host_free(h);
  pol_program_free(p);
}

static void test_wrong_signature(void **state) {
  (void)state;
  pol_program *p = compile_ok(POLICY);
  pol_host *h = pol_host_new();
  assert_int_equal(pol_host_bind(h, "next_workday", FN(never_called), POL_T_DATE, 1, T_INT1),
                   POL_OK);
  refused(p, host_all(h),
          "extern next_workday is declared next_workday(date) -> date but the host binds "
          "next_workday(int) -> date");
  pol_host_free(h);

  h = pol_host_new();
  assert_int_equal(pol_host_bind(h, "upgrade", FN(never_called), POL_T_INT, 1, T_ENUM1), POL_OK);
  refused(p, host_all(h),
          "extern upgrade is declared upgrade(tier) -> tier but the host binds "
          "upgrade(enum) -> int");
  pol_host_free(h);

  h = pol_host_new();
  assert_int_equal(pol_host_bind(h, "discount", FN(never_called), POL_T_MONEY, 2, T_DISCOUNT),
                   POL_OK);
  refused(p, host_all(h),
          "extern discount is declared discount(bool, int, money) -> money but the host binds "
          "discount(bool, int) -> money");
  pol_host_free(h);
  pol_program_free(p);
}

/* ---- calls ------------------------------------------------------------------------------ */

static pol_eval *opened(pol_program *p, pol_host *h) {
  pol_eval *ev = NULL;
  if (pol_eval_open(p, h, &ev) != POL_OK) fail_msg("refused: %s", pol_eval_error(ev));
  return ev;
}

static void test_calls(void **state) {
  (void)state;
  pol_program *p = compile_ok(POLICY);
  pol_host *h = host_all(NULL);
  pol_eval *ev = opened(p, h);
  /* months 6: is_even true (2 from C), discount(1, 6, 1000 fen) = 161 fen; tier low
   * upgrades to high: surcharge 1 yuan; start: the payment date + 2 */
  assert_int_equal(pol_resident_json(ev, "{\"birth_date\":\"1980-01-01\",\"span_months\":6}",
                                     day_of("2025-11-03")),
                   POL_OK);
  assert_int_equal(pol_quote(ev, day_of("2025-11-03")), POL_OK);
  long long fen;
  char start[11];
  answer(ev, &fen, start);
  assert_int_equal(fen, 40000 - 161 + 100);
  assert_string_equal(start, "2025-11-05");
  /* months 5: odd, discount(0, 5, 1000) = 51; tier high upgrades to low: no surcharge */
  assert_int_equal(pol_resident_json(ev, "{\"birth_date\":\"1980-01-01\",\"span_months\":5,"
                                         "\"tier\":\"high\"}",
                                     day_of("2025-11-03")),
                   POL_OK);
  assert_int_equal(pol_quote(ev, day_of("2025-11-03")), POL_OK);
  answer(ev, &fen, start);
  assert_int_equal(fen, 40000 - 51);
  pol_eval_free(ev);

  /* one host, many contexts and programs: it is never written after binding */
  pol_program *q = compile_ok(POLICY);
  pol_eval *a = opened(p, h), *b = opened(q, h);
  pol_eval_free(a);
  pol_eval_free(b);
  pol_program_free(q);
  pol_host_free(h);
  pol_program_free(p);
}

static void test_result_outside_type(void **state) {
  (void)state;
  pol_program *p = compile_ok(POLICY);
  pol_host *h = pol_host_new();
  assert_int_equal(pol_host_bind(h, "upgrade", FN(to_seven), POL_T_ENUM, 1, T_ENUM1), POL_OK);
  pol_eval *ev = opened(p, host_all(h));
  assert_int_equal(pol_resident_json(ev, "{\"birth_date\":\"1980-01-01\"}", day_of("2025-11-03")),
                   POL_OK);
  assert_int_equal(pol_quote(ev, day_of("2025-11-03")), POL_ERUNTIME);
  assert_string_equal(pol_eval_error(ev), "extern upgrade returned 7, not a value of tier (0..1) "
                                          "at pc 12 (CALL)");
  pol_eval_free(ev);
  pol_host_free(h);

  h = pol_host_new();
  assert_int_equal(pol_host_bind(h, "next_workday", FN(far_future), POL_T_DATE, 1, T_DATE1),
                   POL_OK);
  ev = opened(p, host_all(h));
  assert_int_equal(pol_resident_json(ev, "{\"birth_date\":\"1980-01-01\"}", day_of("2025-11-03")),
                   POL_OK);
  assert_int_equal(pol_quote(ev, day_of("2025-11-03")), POL_ERUNTIME);
  assert_string_equal(pol_eval_error(ev), "extern next_workday returned day 1000020395, outside "
                                          "0001-01-01..9999-12-31 at pc 9 (CALL)");
  pol_eval_free(ev);
  pol_host_free(h);
  pol_program_free(p);
}

static void test_examples_with_host(void **state) {
  (void)state;
  pol_program *p = compile_ok(
      POLICY "example \"e\" { resident { birth_date 1980-01-01, span_months 6 } paid_on 2025-11-03\n"
             "  expect { individual 399.39 yuan, start 2025-11-05 } }\n");
  pol_host *h = host_all(NULL);
  char *report = NULL;
  assert_int_equal(pol_test_host(p, h, &report, NULL, NULL), POL_OK);
  assert_string_equal(report, "t: 1 examples, 1 passed, 0 failed\n");
  free(report);
  report = NULL;
  assert_int_equal(pol_test(p, &report), POL_EINPUT);
  assert_string_equal(report, "t.pol: extern next_workday(date) -> date is not bound by the "
                              "host (pol_host_bind \"next_workday\")\n");
  free(report);
  pol_host_free(h);
  pol_program_free(p);
}

/* One program and one host shared by threads, a context each (pol.h: the host is never
 * written after binding; ffi_call only reads the prepared call interface). */
typedef struct {
  const pol_program *p;
  const pol_host *h;
  int bad;
} shared;

static void *quote_many(void *arg) {
  shared *s = arg;
  pol_eval *ev = NULL;
  if (pol_eval_open(s->p, s->h, &ev) != POL_OK) {
    s->bad = -1;
    pol_eval_free(ev);
    return NULL;
  }
  int32_t day = 20395; /* 2025-11-03 */
  for (int i = 0; i < 2000; i++) {
    int m = i % 600;
    char json[96];
    snprintf(json, sizeof json, "{\"birth_date\":\"1980-01-01\",\"span_months\":%d}", m);
    if (pol_resident_json(ev, json, day) != POL_OK || pol_quote(ev, day) != POL_OK) {
      s->bad++;
      continue;
    }
    int64_t want = 40000 - ((m % 2 == 0 ? 100 : 0) + m * 10 + 1) + 100;
    if (pol_answer_individual(ev) != want || pol_answer_start(ev) != day + 2) s->bad++;
  }
  pol_eval_free(ev);
  return NULL;
}

static void test_threads_share_host(void **state) {
  (void)state;
  pol_program *p = compile_ok(POLICY);
  pol_host *h = host_all(NULL);
  enum { N = 8 };
  pthread_t t[N];
  shared s[N];
  for (int i = 0; i < N; i++) {
    s[i] = (shared){p, h, 0};
    assert_int_equal(pthread_create(&t[i], NULL, quote_many, &s[i]), 0);
  }
  for (int i = 0; i < N; i++) {
    assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(s[i].bad, 0);
  }
  pol_host_free(h);
  pol_program_free(p);
}

/* ---- .polb ------------------------------------------------------------------------------ */

#define TWO_EXTERNS                                                                        \
  "policy { title \"t\" year 2026 }\n"                                                     \
  "const standard = 400 yuan\n"                                                            \
  "extern later \"l\" (date) -> date\n"                                                    \
  "extern between \"b\" (date, date) -> int\n"                                             \
  "let deadline \"d\" = later(paid_on)\n"                                                  \
  "let span \"s\" = between(paid_on, deadline)\n"                                          \
  "category ordinary \"o\" { when span > 0 individual standard }\n"

static void put32(unsigned char *b, uint32_t v) {
  b[0] = (unsigned char)v;
  b[1] = (unsigned char)(v >> 8);
  b[2] = (unsigned char)(v >> 16);
  b[3] = (unsigned char)(v >> 24);
}

/* The .polb of TWO_EXTERNS; *ext and *args: offsets of the externs' and the argument
 * types' first records (the two tables come last but for the overrides (count 0), the
 * prelude's assumptions (`tail` bytes), the unstated values and the periods (counts 0),
 * before the 8-byte checksum: 2 externs of 29 bytes, 3 types of 5). */
static unsigned char *polb(size_t *n, size_t *ext, size_t *args) {
  pol_program *p = compile_ok(TWO_EXTERNS);
  unsigned char *b = NULL;
  assert_int_equal(pol_save(p, &b, n), POL_OK);
  /* the assumptions (the prelude's, 24-byte records) follow the argument types */
  size_t tail = 4 + 24 * (size_t)p->nassumes;
  pol_program_free(p);
  *args = *n - 8 - 4 - 4 - tail - 4 - 3 * 5; /* periods', unstated's counts, the assumptions, overrides' count */
  *ext = *args - 4 - 2 * 29;
  assert_int_equal(b[*ext - 4], 2);  /* count of externs */
  assert_int_equal(b[*args - 4], 3); /* count of argument types */
  return b;
}

/* b, re-sealed (polb_seal) so that the checksum passes and the verifier sees the change */
static void load_fails(unsigned char *b, size_t n, const char *want) {
  polb_seal(b, n);
  pol_program *p = NULL;
  pol_diags *d = NULL;
  assert_int_equal(pol_load("t.polb", b, n, &p, &d), POL_EINPUT);
  assert_null(p);
  char *text = pol_diags_render(d, POL_FMT_TEXT);
  assert_non_null(text);
  if (!strstr(text, want)) fail_msg("message\n%s\ndoes not contain\n%s", text, want);
  free(text);
  pol_diags_free(d);
}

static void test_polb_signatures(void **state) {
  (void)state;
  size_t n, ext, args;
  unsigned char *b = polb(&n, &ext, &args);
  pol_program *p = NULL;
  pol_diags *d = NULL;
  assert_int_equal(pol_load("t.polb", b, n, &p, &d), POL_OK); /* as written: accepted */
  pol_program_free(p);
  pol_diags_free(d);

  /* later's argument type 9: no type */
  b[args] = 9;
  load_fails(b, n, "externs[0] (later): argument 1 has type <type 9.0>, not bool, int, money, "
                   "date or an enum attribute");
  b[args] = 3; /* TY_DATE */
  /* later's result an enum of attribute 0, which is not an enum */
  b[ext + 12] = 7; /* TY_ENUM */
  load_fails(b, n, "externs[0] (later): result has type <type 7.0>, not bool, int, money, "
                   "date or an enum attribute");
  b[ext + 12] = 3;
  /* later declared with 2 arguments, called with 1: its call site underflows */
  put32(b + ext + 21, 2);
  load_fails(b, n, "section 0 (let deadline: value), pc 1 (CALL): stack underflow: extern "
                   "later(date, date) -> date pops 2, depth is 1");
  /* between declared with 1 argument, called with 2: RET sees two values */
  put32(b + ext + 21, 1);
  put32(b + ext + 29 + 21, 1);
  load_fails(b, n, "section 1 (let span: value), pc 6 (RET): returns with stack depth 2, "
                   "must be 1");
  /* arguments past the table */
  put32(b + ext + 29 + 21, 3);
  load_fails(b, n, "externs[1] (between): arguments 1+3 outside the 3 argument types");
  put32(b + ext + 29 + 21, 2);
  /* two externs of one name */
  memcpy(b + ext + 29, b + ext, 4);
  load_fails(b, n, "externs[1] (later): declared twice (also externs[0])");
  free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bind_misuse),
      cmocka_unit_test(test_eval_new_refuses_externs),
      cmocka_unit_test(test_open_null),
      cmocka_unit_test(test_unbound),
      cmocka_unit_test(test_wrong_signature),
      cmocka_unit_test(test_calls),
      cmocka_unit_test(test_result_outside_type),
      cmocka_unit_test(test_examples_with_host),
      cmocka_unit_test(test_threads_share_host),
      cmocka_unit_test(test_polb_signatures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
