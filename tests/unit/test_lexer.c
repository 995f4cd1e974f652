/*
 * test_lexer.c — the scanner (lang/lexer.l), driven through parse_source (lang/lex.h) on
 * small inputs.  Each test asserts what a token became: the literal text the AST keeps,
 * the byte span, or the diagnostic the scanner reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ast.h"
#include "diag.h"
#include "lex.h"

typedef struct {
  lex_state st;
  pol_diags *d;
  int rc;
} parsed;

static void parse(parsed *p, const char *src) {
  memset(p, 0, sizeof *p);
  p->d = diag_new();
  assert_non_null(p->d);
  p->st.arena = ast_arena_new();
  assert_non_null(p->st.arena);
  p->st.diags = p->d;
  p->st.src = diag_add_source(p->d, "t.pol", src, strlen(src));
  p->rc = parse_source(&p->st, src, strlen(src));
}

static void done(parsed *p) {
  ast_arena_free(p->st.arena);
  pol_diags_free(p->d);
}

static int count(const ast_node *n) {
  int k = 0;
  for (; n; n = n->next) k++;
  return k;
}

/* The value expression of the only declaration, `const x = EXPR`. */
static const ast_node *const_value(parsed *p, const char *src) {
  parse(p, src);
  assert_int_equal(p->d->nerrors, 0);
  assert_non_null(p->st.result);
  assert_int_equal(count(p->st.result), 1);
  assert_int_equal(p->st.result->kind, A_CONST);
  return p->st.result->a;
}

static void test_date(void **state) {
  (void)state;
  parsed p;
  const ast_node *e = const_value(&p, "const d = 2025-10-17");
  assert_int_equal(e->kind, A_DATE);
  assert_string_equal(e->str, "2025-10-17");
  assert_int_equal(e->loc.start, 10);
  assert_int_equal(e->loc.end, 20);
  done(&p);
}

/* The scanner takes any DDDD-DD-DD as a date token; whether it exists is the compiler's
 * question, so 2026-02-30 scans cleanly (and is not three numbers and two minuses). */
static void test_impossible_date_is_one_token(void **state) {
  (void)state;
  parsed p;
  const ast_node *e = const_value(&p, "const d = 2026-02-30");
  assert_int_equal(e->kind, A_DATE);
  assert_string_equal(e->str, "2026-02-30");
  done(&p);
}

static void test_subtraction_is_not_a_date(void **state) {
  (void)state;
  parsed p;
  const ast_node *e = const_value(&p, "const d = 2025 - 10");
  assert_int_equal(e->kind, A_BINARY);
  assert_int_equal(e->op, OPR_SUB);
  assert_int_equal(e->a->kind, A_INT);
  assert_string_equal(e->a->str, "2025");
  assert_string_equal(e->b->str, "10");
  done(&p);
}

static void test_percentages(void **state) {
  (void)state;
  parsed p;
  const ast_node *e = const_value(&p, "const r = 33.33%");
  assert_int_equal(e->kind, A_RATIO);
  assert_string_equal(e->str, "33.33"); /* the '%' is not part of the text */
  assert_int_equal(e->loc.end - e->loc.start, 6);
  done(&p);
  e = const_value(&p, "const r = 50%");
  assert_int_equal(e->kind, A_RATIO);
  assert_string_equal(e->str, "50");
  done(&p);
}

static void test_money_yuan(void **state) {
  (void)state;
  parsed p;
  const ast_node *e = const_value(&p, "const m = 80.5 yuan");
  assert_int_equal(e->kind, A_NUMBER_UNIT);
  assert_string_equal(e->str, "80.5");
  assert_int_equal(e->loc.start, 10);
  assert_int_equal(e->loc.end, 19);
  done(&p);
}

static void test_money_yuan_chinese(void **state) {
  (void)state;
  parsed p;
  const ast_node *e = const_value(&p, "const m = 80元");
  assert_int_equal(e->kind, A_NUMBER_UNIT);
  assert_string_equal(e->str, "80");
  assert_int_equal(e->loc.end, 15); /* 元 is 3 bytes */
  done(&p);
  e = const_value(&p, "const m = 80 元 # 八十元");
  assert_int_equal(e->kind, A_NUMBER_UNIT);
  assert_string_equal(e->str, "80");
  done(&p);
}

static void test_plain_number_is_int(void **state) {
  (void)state;
  parsed p;
  const ast_node *e = const_value(&p, "const n = 400");
  assert_int_equal(e->kind, A_INT);
  assert_string_equal(e->str, "400");
  done(&p);
}

/* A keyword is only a keyword as a whole word: `yuanx`, `policy_id` are identifiers. */
static void test_keyword_prefix_is_identifier(void **state) {
  (void)state;
  parsed p;
  const ast_node *e = const_value(&p, "const n = yuanx");
  assert_int_equal(e->kind, A_NAME);
  assert_string_equal(e->name, "yuanx");
  done(&p);
  parse(&p, "const policy_id = 1");
  assert_int_equal(p.d->nerrors, 0);
  assert_string_equal(p.st.result->name, "policy_id");
  done(&p);
}

static void test_string_escapes(void **state) {
  (void)state;
  parsed p;
  parse(&p, "identity x \"a\\\"b\\\\c\\nd\"");
  assert_int_equal(p.d->nerrors, 0);
  assert_int_equal(p.st.result->kind, A_IDENTITY);
  assert_string_equal(p.st.result->str, "a\"b\\c\nd");
  done(&p);
}

static void test_chinese_label(void **state) {
  (void)state;
  parsed p;
  parse(&p, "identity marginal \"边缘易致贫人口 / 户\" source s \"县财政\"");
  assert_int_equal(p.d->nerrors, 0);
  assert_int_equal(count(p.st.result), 2);
  assert_string_equal(p.st.result->str, "边缘易致贫人口 / 户");
  assert_string_equal(p.st.result->next->name, "s");
  assert_string_equal(p.st.result->next->str, "县财政");
  /* byte offsets: the second declaration starts after the 26-byte label + quotes */
  assert_int_equal(p.st.result->next->loc.start, strlen("identity marginal \"边缘易致贫人口 / 户\" "));
  done(&p);
}

static void test_comments(void **state) {
  (void)state;
  parsed p;
  parse(&p, "# const a = 1\nconst b = 2 # 注释 const c = 3\n#\nconst d = 4 #");
  assert_int_equal(p.d->nerrors, 0);
  assert_int_equal(count(p.st.result), 2);
  assert_string_equal(p.st.result->name, "b");
  assert_string_equal(p.st.result->next->name, "d");
  done(&p);
}

/* A '#' inside a string is text, not a comment. */
static void test_hash_in_string(void **state) {
  (void)state;
  parsed p;
  parse(&p, "identity x \"第#1号\"");
  assert_int_equal(p.d->nerrors, 0);
  assert_string_equal(p.st.result->str, "第#1号");
  done(&p);
}

static void test_bad_ascii_character(void **state) {
  (void)state;
  parsed p;
  parse(&p, "const a = 1 ;\nconst b = 2");
  assert_int_equal(p.d->nerrors, 1);
  assert_int_equal(p.d->n, 1);
  assert_string_equal(p.d->items[0].msg, "unexpected character ';'");
  assert_int_equal(p.d->items[0].start, 12);
  assert_int_equal(p.d->items[0].end, 13);
  /* the character is skipped: both declarations are still there */
  assert_int_equal(count(p.st.result), 2);
  done(&p);
}

static void test_bad_chinese_punctuation(void **state) {
  (void)state;
  parsed p;
  parse(&p, "const a = 1 ，\nconst b = 2");
  assert_int_equal(p.d->nerrors, 1);
  assert_string_equal(p.d->items[0].msg, "unexpected character '，' (U+FF0C, full-width): write ','");
  assert_int_equal(p.d->items[0].start, 12);
  assert_int_equal(p.d->items[0].end, 15);
  assert_int_equal(count(p.st.result), 2);
  uint32_t line, col;
  diag_locate(&p.d->sources[0], p.d->items[0].start, &line, &col);
  assert_int_equal(line, 1);
  assert_int_equal(col, 13);
  done(&p);
}

/* Identifiers are ASCII: a Chinese word where a name is expected is a bad character. */
static void test_chinese_identifier_rejected(void **state) {
  (void)state;
  parsed p;
  parse(&p, "const 标准 = 400 yuan");
  assert_true(p.d->nerrors >= 1);
  assert_string_equal(p.d->items[0].msg, "unexpected characters '标准'");
  assert_int_equal(p.d->items[0].start, 6);
  assert_int_equal(p.d->items[0].end, 12);
  done(&p);
}

static void test_unterminated_string(void **state) {
  (void)state;
  parsed p;
  parse(&p, "identity x \"abc\nconst b = 2");
  assert_true(p.d->nerrors >= 1);
  assert_string_equal(p.d->items[0].msg, "unterminated string or bad escape in '\"abc'");
  assert_int_equal(p.d->items[0].start, 11);
  assert_int_equal(p.d->items[0].end, 15); /* stops at the end of the line */
  done(&p);
}

static void test_bad_escape(void **state) {
  (void)state;
  parsed p;
  parse(&p, "identity x \"a\\tb\"");
  assert_true(p.d->nerrors >= 1);
  assert_non_null(strstr(p.d->items[0].msg, "unterminated string or bad escape"));
  assert_int_equal(p.d->items[0].start, 11);
  done(&p);
}

static void test_two_dots_and_operators(void **state) {
  (void)state;
  parsed p;
  const ast_node *e = const_value(&p, "const a = x in 1..4");
  assert_int_equal(e->kind, A_IN_RANGE);
  assert_string_equal(e->b->str, "1");
  assert_string_equal(e->c->str, "4");
  done(&p);
  e = const_value(&p, "const a = x<=y");
  assert_int_equal(e->kind, A_BINARY);
  assert_int_equal(e->op, OPR_LE);
  done(&p);
  e = const_value(&p, "const a = x!=y");
  assert_int_equal(e->op, OPR_NE);
  done(&p);
}

static void test_empty_and_whitespace(void **state) {
  (void)state;
  parsed p;
  parse(&p, "");
  assert_int_equal(p.d->nerrors, 0);
  assert_null(p.st.result);
  done(&p);
  parse(&p, " \t\r\n  # only a comment\r\n");
  assert_int_equal(p.d->nerrors, 0);
  assert_null(p.st.result);
  done(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_date),
      cmocka_unit_test(test_impossible_date_is_one_token),
      cmocka_unit_test(test_subtraction_is_not_a_date),
      cmocka_unit_test(test_percentages),
      cmocka_unit_test(test_money_yuan),
      cmocka_unit_test(test_money_yuan_chinese),
      cmocka_unit_test(test_plain_number_is_int),
      cmocka_unit_test(test_keyword_prefix_is_identifier),
      cmocka_unit_test(test_string_escapes),
      cmocka_unit_test(test_chinese_label),
      cmocka_unit_test(test_comments),
      cmocka_unit_test(test_hash_in_string),
      cmocka_unit_test(test_bad_ascii_character),
      cmocka_unit_test(test_bad_chinese_punctuation),
      cmocka_unit_test(test_chinese_identifier_rejected),
      cmocka_unit_test(test_unterminated_string),
      cmocka_unit_test(test_bad_escape),
      cmocka_unit_test(test_two_dots_and_operators),
      cmocka_unit_test(test_empty_and_whitespace),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
