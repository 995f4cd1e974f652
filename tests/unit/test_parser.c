/*
 * test_parser.c — the grammar (lang/parser.y): the shape of the AST for operator
 * precedence, the `in` forms, `if`, durations, every declaration kind; and error recovery
 * (several syntax errors reported in one file, declarations after them still parsed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ast.h"
#include "diag.h"
#include "lex.h"

typedef struct {
  lex_state st;
  pol_diags *d;
} parsed;

static void parse(parsed *p, const char *src) {
  memset(p, 0, sizeof *p);
  p->d = diag_new();
  assert_non_null(p->d);
  p->st.arena = ast_arena_new();
  assert_non_null(p->st.arena);
  p->st.diags = p->d;
  p->st.src = diag_add_source(p->d, "t.pol", src, strlen(src));
  parse_source(&p->st, src, strlen(src));
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

/* A compact rendering of an expression: (op a b), names and literal texts. */
static void show(const ast_node *e, char *buf, size_t cap) {
  static const char *const ops[] = {"or", "and", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*"};
  char a[256] = "", b[256] = "", c[256] = "";
  if (!e) {
    snprintf(buf, cap, "NULL");
    return;
  }
  switch (e->kind) {
  case A_INT: case A_DATE: snprintf(buf, cap, "%s", e->str); break;
  case A_NUMBER_UNIT: snprintf(buf, cap, "%sy", e->str); break;
  case A_RATIO: snprintf(buf, cap, "%s%%", e->str); break;
  case A_BOOL: snprintf(buf, cap, "%s", e->ival ? "true" : "false"); break;
  case A_NAME: snprintf(buf, cap, "%s", e->name); break;
  case A_NOT: show(e->a, a, sizeof a); snprintf(buf, cap, "(not %s)", a); break;
  case A_NEG: show(e->a, a, sizeof a); snprintf(buf, cap, "(neg %s)", a); break;
  case A_BINARY:
    show(e->a, a, sizeof a);
    show(e->b, b, sizeof b);
    snprintf(buf, cap, "(%s %s %s)", ops[e->op], a, b);
    break;
  case A_OF:
    show(e->a, a, sizeof a);
    show(e->b, b, sizeof b);
    snprintf(buf, cap, "(of %s %s)", a, b);
    break;
  case A_IN_RANGE:
    show(e->a, a, sizeof a);
    show(e->b, b, sizeof b);
    show(e->c, c, sizeof c);
    snprintf(buf, cap, "(in %s %s..%s)", a, b, c);
    break;
  case A_IN_NAME:
    show(e->a, a, sizeof a);
    show(e->b, b, sizeof b);
    snprintf(buf, cap, "(in %s %s)", a, b);
    break;
  case A_IN_SET: {
    show(e->a, a, sizeof a);
    size_t n = 0;
    for (const ast_node *x = e->b->list; x; x = x->next)
      n += (size_t)snprintf(b + n, sizeof b - n, "%s%s", n ? "," : "", x->name);
    snprintf(buf, cap, "(in %s {%s})", a, b);
    break;
  }
  case A_IF:
    show(e->a, a, sizeof a);
    show(e->b, b, sizeof b);
    show(e->c, c, sizeof c);
    snprintf(buf, cap, "(if %s %s %s)", a, b, c);
    break;
  case A_DURATION:
    show(e->a, a, sizeof a);
    snprintf(buf, cap, "(%s %s)", e->op ? "months" : "days", a);
    break;
  case A_CALL: {
    size_t n = 0;
    for (const ast_node *x = e->list; x; x = x->next) {
      char t[256];
      show(x, t, sizeof t);
      n += (size_t)snprintf(a + n, sizeof a - n, " %s", t);
    }
    snprintf(buf, cap, "(%s%s)", e->name, a);
    break;
  }
  default: snprintf(buf, cap, "?%d", e->kind); break;
  }
}

/* Parse `let x = SRC` and compare the expression's shape. */
static void expr_is(const char *src, const char *want) {
  char text[512], got[1024];
  snprintf(text, sizeof text, "let x = %s", src);
  parsed p;
  parse(&p, text);
  if (p.d->nerrors) fail_msg("'%s': %s", src, p.d->items[0].msg);
  assert_int_equal(count(p.st.result), 1);
  assert_int_equal(p.st.result->kind, A_LET);
  show(p.st.result->a, got, sizeof got);
  if (strcmp(got, want) != 0) fail_msg("'%s' parsed as %s, expected %s", src, got, want);
  done(&p);
}

static void test_logic_precedence(void **state) {
  (void)state;
  expr_is("a or b and c", "(or a (and b c))");
  expr_is("a and b or c", "(or (and a b) c)");
  expr_is("not a and b", "(and (not a) b)");
  expr_is("not a or not b", "(or (not a) (not b))");
  expr_is("not not a", "(not (not a))");
  expr_is("a or b or c", "(or (or a b) c)");
}

static void test_comparison_below_not(void **state) {
  (void)state;
  /* `not` binds looser than comparison: not (x == y) */
  expr_is("not x == y", "(not (== x y))");
  expr_is("x < y and y >= z", "(and (< x y) (>= y z))");
  expr_is("a != b or c <= d", "(or (!= a b) (<= c d))");
}

static void test_arithmetic_precedence(void **state) {
  (void)state;
  expr_is("1 + 2 * 3", "(+ 1 (* 2 3))");
  expr_is("1 * 2 + 3", "(+ (* 1 2) 3)");
  expr_is("1 - 2 - 3", "(- (- 1 2) 3)");
  expr_is("(1 + 2) * 3", "(* (+ 1 2) 3)");
  expr_is("1 + 2 * 3 == 7", "(== (+ 1 (* 2 3)) 7)");
  expr_is("-x + 1", "(+ (neg x) 1)");
  expr_is("- -x", "(neg (neg x))");
}

static void test_of_precedence(void **state) {
  (void)state;
  /* `of` sits with `*`: tighter than +, left-associative with * */
  expr_is("50% of standard + 1 yuan", "(+ (of 50% standard) 1y)");
  expr_is("fiscal - 20% of fiscal", "(- fiscal (of 20% fiscal))");
  expr_is("2 * m of n", "(of (* 2 m) n)");
  expr_is("33.33% of 80.5 yuan", "(of 33.33% 80.5y)");
  expr_is("50% of m > 10 yuan", "(> (of 50% m) 10y)");
}

static void test_in_forms(void **state) {
  (void)state;
  expr_is("disability_grade in 1 .. 2", "(in disability_grade 1..2)");
  expr_is("paid_on in 2025-10-17 .. 2026-02-25", "(in paid_on 2025-10-17..2026-02-25)");
  expr_is("x in a + 1 .. b - 1", "(in x (+ a 1)..(- b 1))");
  expr_is("tier in { low, high }", "(in tier {low,high})");
  expr_is("category in { subsistence_allowance }", "(in category {subsistence_allowance})");
  expr_is("tier in { }", "(in tier {})");
  expr_is("paid_on in late", "(in paid_on late)");
  expr_is("registered_on in collection", "(in registered_on collection)");
  expr_is("a and x in 1 .. 2 or b", "(or (and a (in x 1..2)) b)");
  expr_is("not x in late", "(not (in x late))");
}

static void test_if(void **state) {
  (void)state;
  expr_is("if a then 1 yuan else 2 yuan", "(if a 1y 2y)");
  expr_is("if a and b then x + 1 else y", "(if (and a b) (+ x 1) y)");
  /* `else` extends as far as possible */
  expr_is("if a then 1 else 2 + 3", "(if a 1 (+ 2 3))");
  expr_is("if a then if b then 1 else 2 else 3", "(if a (if b 1 2) 3)");
  expr_is("(if a then 1 else 2) + 3", "(+ (if a 1 2) 3)");
}

static void test_durations(void **state) {
  (void)state;
  expr_is("3 months", "(months 3)");
  expr_is("90 days", "(days 90)");
  expr_is("(2 + lapsed_years) months", "(months (+ 2 lapsed_years))");
  expr_is("birth_date + 90 days", "(+ birth_date (days 90))");
  expr_is("paid_on + (2 + max(lapsed_years, 1)) months",
          "(+ paid_on (months (+ 2 (max lapsed_years 1))))");
  expr_is("paid_on - 3 months", "(- paid_on (months 3))");
}

static void test_calls_and_literals(void **state) {
  (void)state;
  expr_is("age(birth_date, paid_on) >= 60", "(>= (age birth_date paid_on) 60)");
  expr_is("end_of_month(date(2026, 2, 1))", "(end_of_month (date 2026 2 1))");
  expr_is("present(exited_scheme_on)", "(present exited_scheme_on)");
  expr_is("true or false", "(or true false)");
  expr_is("80元", "80y");
}

static void test_policy_header(void **state) {
  (void)state;
  parsed p;
  parse(&p, "policy { title \"标题\" year 2026 rounding half_up document \"平医保〔2025〕1号\" }");
  assert_int_equal(p.d->nerrors, 0);
  ast_node *h = p.st.result;
  assert_int_equal(h->kind, A_POLICY);
  assert_int_equal(count(h->list), 4);
  ast_node *f = h->list;
  assert_string_equal(f->name, "title");
  assert_int_equal(f->a->kind, A_NAME);
  assert_int_equal(f->a->op, 1); /* a string value */
  assert_string_equal(f->a->str, "标题");
  f = f->next;
  assert_string_equal(f->name, "year");
  assert_int_equal(f->a->kind, A_INT);
  assert_string_equal(f->a->str, "2026");
  f = f->next;
  assert_string_equal(f->name, "rounding");
  assert_int_equal(f->a->kind, A_NAME);
  assert_string_equal(f->a->name, "half_up");
  assert_string_equal(f->next->a->str, "平医保〔2025〕1号");
  done(&p);
}

static void test_const_let_cite(void **state) {
  (void)state;
  parsed p;
  parse(&p, "const standard \"个人缴费标准\" = 400 yuan cite \"二、2\"\n"
            "let a = 1\n");
  assert_int_equal(p.d->nerrors, 0);
  ast_node *c = p.st.result;
  assert_int_equal(c->kind, A_CONST);
  assert_string_equal(c->name, "standard");
  assert_string_equal(c->str, "个人缴费标准");
  assert_string_equal(c->cite, "二、2");
  assert_int_equal(c->a->kind, A_NUMBER_UNIT);
  ast_node *l = c->next;
  assert_int_equal(l->kind, A_LET);
  assert_null(l->str);
  assert_null(l->cite);
  done(&p);
}

static void test_attribute_forms(void **state) {
  (void)state;
  parsed p;
  parse(&p, "attribute a \"A\" : bool = false\n"
            "attribute b \"B\" : int 0..600 = 0\n"
            "attribute c \"C\" : date optional\n"
            "attribute d \"D\" : one of { low \"低档\", high \"高档\" } = low\n"
            "attribute e \"E\" : date required\n"
            "attribute f \"F\" : date = paid_on\n");
  assert_int_equal(p.d->nerrors, 0);
  assert_int_equal(count(p.st.result), 6);
  ast_node *a = p.st.result;
  assert_int_equal(a->kind, A_ATTRIBUTE);
  assert_string_equal(a->a->name, "bool");
  assert_int_equal(a->b->kind, A_BOOL);
  ast_node *b = a->next;
  assert_string_equal(b->a->name, "int");
  assert_string_equal(b->a->a->str, "0");
  assert_string_equal(b->a->b->str, "600");
  ast_node *c = b->next;
  assert_int_equal(c->b->op, 3); /* optional */
  ast_node *d = c->next;
  assert_string_equal(d->a->name, "enum");
  assert_int_equal(count(d->a->list), 2);
  assert_string_equal(d->a->list->name, "low");
  assert_string_equal(d->a->list->str, "低档");
  assert_string_equal(d->a->list->next->name, "high");
  assert_string_equal(d->b->name, "low");
  ast_node *e = d->next;
  assert_int_equal(e->b->op, 2); /* required */
  ast_node *f = e->next;
  assert_int_equal(f->b->kind, A_NAME);
  assert_string_equal(f->b->name, "paid_on");
  done(&p);
}

static void test_identity_source(void **state) {
  (void)state;
  parsed p;
  parse(&p, "identity marginal_subsistence \"低保边缘家庭成员\" source county_finance \"县财政\"");
  assert_int_equal(p.d->nerrors, 0);
  assert_int_equal(p.st.result->kind, A_IDENTITY);
  assert_string_equal(p.st.result->name, "marginal_subsistence");
  assert_int_equal(p.st.result->next->kind, A_SOURCE);
  assert_string_equal(p.st.result->next->str, "县财政");
  done(&p);
}

static void test_category_forms(void **state) {
  (void)state;
  parsed p;
  parse(&p, "category ordinary \"普通\" cite \"二、2\" { when otherwise individual 400 yuan }\n"
            "category poor \"低保\" { when subsistence_allowance worth 400 yuan\n"
            "  medical_assistance rest individual 80 yuan }\n");
  assert_int_equal(p.d->nerrors, 0);
  ast_node *o = p.st.result;
  assert_int_equal(o->kind, A_CATEGORY);
  assert_string_equal(o->name, "ordinary");
  assert_string_equal(o->str, "普通");
  assert_string_equal(o->cite, "二、2");
  assert_int_equal(o->op, 1); /* when otherwise */
  assert_null(o->a);
  assert_null(o->b);
  assert_int_equal(count(o->list), 1);
  assert_string_equal(o->list->name, "individual");
  ast_node *k = o->next;
  assert_int_equal(k->op, 0);
  assert_int_equal(k->a->kind, A_NAME);
  assert_int_equal(k->b->kind, A_NUMBER_UNIT); /* worth */
  assert_int_equal(count(k->list), 2);
  assert_int_equal(k->list->kind, A_PART);
  assert_string_equal(k->list->name, "medical_assistance");
  assert_int_equal(k->list->op, 1); /* rest */
  assert_int_equal(k->list->next->op, 0);
  done(&p);
}

static void test_choose_keys(void **state) {
  (void)state;
  parsed p;
  parse(&p, "choose lowest individual then highest funding then lowest local_finance then last "
            "cite \"最优\"");
  assert_int_equal(p.d->nerrors, 0);
  ast_node *c = p.st.result;
  assert_int_equal(c->kind, A_CHOOSE);
  assert_string_equal(c->cite, "最优");
  assert_int_equal(count(c->list), 4);
  ast_node *k = c->list;
  assert_int_equal(k->op, 0);
  assert_string_equal(k->name, "individual");
  assert_int_equal(k->next->op, 1);
  assert_string_equal(k->next->name, "funding");
  assert_int_equal(k->next->next->op, 0);
  assert_string_equal(k->next->next->name, "local_finance");
  assert_int_equal(k->next->next->next->op, 3);
  done(&p);
}

static void test_collection_window_rule(void **state) {
  (void)state;
  parsed p;
  parse(&p, "collection \"集中征缴期\" 2025-10-17 .. 2026-02-25 days 1..25 cite \"二、3\"\n"
            "window late \"逾期\" 2026-02-26 .. 2026-12-31 {\n"
            "  start paid_on end 2026-12-31 wait 3 months surcharge fiscal free payable\n"
            "  not payable \"不可\" }\n"
            "window main \"正常\" 2025-10-17 .. 2025-12-31\n"
            "rule r \"规则\" cite \"温馨提示\" when paid_on in late and not subsidized { wait 90 days }\n");
  assert_int_equal(p.d->nerrors, 0);
  ast_node *c = p.st.result;
  assert_int_equal(c->kind, A_COLLECTION);
  assert_string_equal(c->str, "集中征缴期");
  assert_string_equal(c->a->str, "2025-10-17");
  assert_string_equal(c->b->str, "2026-02-25");
  assert_int_equal(c->c->kind, A_IN_RANGE);
  assert_string_equal(c->c->a->str, "1");
  assert_string_equal(c->c->b->str, "25");
  assert_string_equal(c->cite, "二、3");
  ast_node *w = c->next;
  assert_int_equal(w->kind, A_WINDOW);
  assert_null(w->c); /* no days */
  assert_int_equal(count(w->list), 7);
  static const int kinds[] = {0, 1, 2, 4, 5, 6, 7};
  int i = 0;
  for (ast_node *e = w->list; e; e = e->next, i++) {
    assert_int_equal(e->kind, A_EFFECT);
    assert_int_equal(e->op, kinds[i]);
  }
  assert_string_equal(w->list->next->next->next->next->next->next->str, "不可");
  ast_node *m = w->next;
  assert_int_equal(m->kind, A_WINDOW);
  assert_null(m->list); /* effects are optional */
  ast_node *r = m->next;
  assert_int_equal(r->kind, A_RULE);
  assert_string_equal(r->cite, "温馨提示");
  assert_int_equal(r->a->kind, A_BINARY);
  assert_int_equal(r->a->op, OPR_AND);
  assert_int_equal(count(r->list), 1);
  assert_int_equal(r->list->a->kind, A_DURATION);
  assert_int_equal(r->list->a->op, 0);
  done(&p);
}

static void test_addon(void **state) {
  (void)state;
  parsed p;
  parse(&p, "addon accident \"意外\" cite \"二\" { tiers 20 yuan paid by local_finance when subsidized }\n"
            "addon jkb \"晋康保\" { tiers basic \"基础版\" 88 yuan, premium \"尊享版\" 128元 }\n");
  assert_int_equal(p.d->nerrors, 0);
  ast_node *a = p.st.result;
  assert_int_equal(a->kind, A_ADDON);
  assert_int_equal(count(a->list), 1);
  assert_null(a->list->name);
  assert_string_equal(a->list->a->str, "20");
  assert_non_null(a->a);
  assert_string_equal(a->a->name, "local_finance");
  assert_int_equal(a->a->a->kind, A_NAME);
  ast_node *j = a->next;
  assert_null(j->a);
  assert_int_equal(count(j->list), 2);
  assert_string_equal(j->list->name, "basic");
  assert_string_equal(j->list->str, "基础版");
  assert_string_equal(j->list->next->a->str, "128");
  done(&p);
}

static void test_example(void **state) {
  (void)state;
  parsed p;
  parse(&p, "example \"低保\" {\n"
            "  resident { birth_date 1980-05-01, identities { subsistence_allowance }, local_hukou true }\n"
            "  paid_on 2025-11-10\n"
            "  addons { accident 20 yuan }\n"
            "  expect { payable true, category subsistence_allowance, individual 80 yuan,\n"
            "           funding { medical_assistance 320 yuan }, start 2026-01-01, wait 0 months,\n"
            "           matched { subsistence_allowance }, addons { } }\n"
            "}\n");
  assert_int_equal(p.d->nerrors, 0);
  ast_node *x = p.st.result;
  assert_int_equal(x->kind, A_EXAMPLE);
  assert_string_equal(x->str, "低保");
  assert_int_equal(count(x->list), 4);
  ast_node *r = x->list;
  assert_int_equal(r->kind, A_GIVEN);
  assert_int_equal(r->op, 0);
  assert_int_equal(count(r->list), 3);
  assert_string_equal(r->list->next->name, "identities");
  assert_non_null(r->list->next->b); /* a set */
  assert_int_equal(r->list->next->b->kind, A_NAMES);
  ast_node *d = r->next;
  assert_int_equal(d->op, 1);
  assert_string_equal(d->name, "paid_on");
  ast_node *b = d->next;
  assert_int_equal(b->op, 2);
  assert_string_equal(b->list->name, "accident");
  ast_node *e = b->next;
  assert_int_equal(e->op, 3);
  assert_int_equal(count(e->list), 8);
  const char *names[] = {"payable", "category", "individual", "funding", "start", "wait",
                         "matched", "addons"};
  int i = 0;
  for (ast_node *it = e->list; it; it = it->next, i++) {
    assert_int_equal(it->kind, A_EXPECT);
    assert_string_equal(it->name, names[i]);
  }
  assert_string_equal(e->list->next->str, "subsistence_allowance");
  done(&p);
}

/* Two syntax errors in one file are both reported, each once, and the declarations
 * between and after them survive. */
static void test_recovery_two_errors(void **state) {
  (void)state;
  parsed p;
  parse(&p, "const a = 1\n"
            "identity 5 \"x\"\n"
            "const b = 2\n"
            "source s\n"
            "const c = 3\n"
            "const d = 4\n");
  assert_int_equal(p.d->nerrors, 2);
  assert_int_equal(p.d->n, 2);
  assert_string_equal(p.d->items[0].msg, "unexpected number, expected identifier");
  uint32_t line, col;
  diag_locate(&p.d->sources[0], p.d->items[0].start, &line, &col);
  assert_int_equal(line, 2);
  assert_int_equal(col, 10);
  diag_locate(&p.d->sources[0], p.d->items[1].start, &line, &col);
  assert_int_equal(line, 5);
  assert_int_equal(col, 1);
  assert_non_null(strstr(p.d->items[1].msg, "expected string"));
  /* a and d survive for sure: before the first error and well after the second */
  int seen_a = 0, seen_d = 0;
  for (ast_node *n = p.st.result; n; n = n->next) {
    if (n->kind == A_CONST && strcmp(n->name, "a") == 0) seen_a = 1;
    if (n->kind == A_CONST && strcmp(n->name, "d") == 0) seen_d = 1;
  }
  assert_true(seen_a);
  assert_true(seen_d);
  done(&p);
}

static void test_error_location_is_token(void **state) {
  (void)state;
  parsed p;
  parse(&p, "const a = 1 +\n");
  assert_int_equal(p.d->nerrors, 1);
  /* the error is at the end of the input: after the last token, on its line */
  assert_in_range(p.d->items[0].start, strlen("const a = 1 +"), strlen("const a = 1 +\n"));
  assert_non_null(strstr(p.d->items[0].msg, "unexpected end of file"));
  done(&p);
}

/* A file that ends inside braces: the error names the innermost '{' left open. */
static void test_unclosed_brace_named(void **state) {
  (void)state;
  parsed p;
  parse(&p, "category c \"l\" {\n  when otherwise\n  individual 400 yuan\n");
  assert_int_equal(p.d->nerrors, 1);
  assert_int_equal(p.d->items[0].start, strlen("category c \"l\" "));
  assert_string_equal(p.d->items[0].msg, "this '{' is never closed: the file ends before its '}'");
  done(&p);
  parse(&p, "example \"e\" { expect { funding { medical_assistance 1 yuan }\n");
  assert_int_equal(p.d->nerrors, 1);
  assert_int_equal(p.d->items[0].start, strlen("example \"e\" { expect "));
  done(&p);
}

/* A keyword where a name is expected says it is reserved. */
static void test_reserved_word_as_name(void **state) {
  (void)state;
  parsed p;
  parse(&p, "const end = 5\n");
  assert_int_equal(p.d->nerrors, 1);
  assert_string_equal(p.d->items[0].msg, "'end' is a reserved word and cannot be used as a name");
  assert_int_equal(p.d->items[0].start, 6);
  done(&p);
  parse(&p, "let x = start + 1\n");
  assert_string_equal(p.d->items[0].msg, "'start' is a reserved word and cannot be used as a name");
  done(&p);
  /* where other words are expected too, the usual message */
  parse(&p, "choose lowest first\n");
  assert_string_equal(p.d->items[0].msg, "unexpected first, expected identifier or funding");
  done(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_logic_precedence),
      cmocka_unit_test(test_comparison_below_not),
      cmocka_unit_test(test_arithmetic_precedence),
      cmocka_unit_test(test_of_precedence),
      cmocka_unit_test(test_in_forms),
      cmocka_unit_test(test_if),
      cmocka_unit_test(test_durations),
      cmocka_unit_test(test_calls_and_literals),
      cmocka_unit_test(test_policy_header),
      cmocka_unit_test(test_const_let_cite),
      cmocka_unit_test(test_attribute_forms),
      cmocka_unit_test(test_identity_source),
      cmocka_unit_test(test_category_forms),
      cmocka_unit_test(test_choose_keys),
      cmocka_unit_test(test_collection_window_rule),
      cmocka_unit_test(test_addon),
      cmocka_unit_test(test_example),
      cmocka_unit_test(test_recovery_two_errors),
      cmocka_unit_test(test_error_location_is_token),
      cmocka_unit_test(test_unclosed_brace_named),
      cmocka_unit_test(test_reserved_word_as_name),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
