/* parser.y — pure LALR(1) grammar of .pol files.  Actions only build AST nodes
 * (lang/ast.h); names, types and meaning are the compiler's.  All nodes live in the
 * compilation's arena, so discarded symbols during error recovery need no %destructor. */
%code requires {
#include "ast.h"
#include "lex.h"
typedef void *yyscan_t;
}

%define api.pure full
%define api.prefix {parse_}
%define api.location.type {ast_loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {yyscan_t scanner}
%parse-param {lex_state *st}

%code provides {
int lex_lex(PARSE_STYPE *yylval, PARSE_LTYPE *yylloc, yyscan_t scanner);
#define parse_lex lex_lex
}

%code {
#include <stdio.h>
#include <string.h>
#include "diag.h"

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                  \
  do {                                                               \
    if (N) {                                                         \
      (Cur).src = YYRHSLOC(Rhs, 1).src;                              \
      (Cur).start = YYRHSLOC(Rhs, 1).start;                          \
      (Cur).end = YYRHSLOC(Rhs, N).end;                              \
    } else {                                                         \
      (Cur).src = YYRHSLOC(Rhs, 0).src;                              \
      (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;                \
    }                                                                \
  } while (0)

#define NODE(k, l) ast_new(st->arena, (k), (l))

/* Every expression node is made by nest(), which gives it its depth (1 + its deepest
 * operand; a leaf is 1) and reports, once, the node that first exceeds AST_MAX_DEPTH:
 * its operands are within the limit, and every node above it is beyond it silently.
 * Hence no expression tree deeper than AST_MAX_DEPTH reaches the compiler. */
static uint32_t depth_of(const ast_node *n) { return n ? n->depth : 0; }
static ast_node *nest(lex_state *st, ast_node *n) {
  if (!n) return NULL;
  uint32_t d = depth_of(n->a);
  if (depth_of(n->b) > d) d = depth_of(n->b);
  if (depth_of(n->c) > d) d = depth_of(n->c);
  for (ast_node *x = n->list; x; x = x->next)
    if (x->depth > d) d = x->depth;
  n->depth = d + 1;
  if (n->depth == AST_MAX_DEPTH + 1)
    diag_add(st->diags, DIAG_ERROR, st->src, n->loc.start, n->loc.end, "limits",
             "expression nested deeper than %d levels", AST_MAX_DEPTH);
  return n;
}
static ast_node *expr3(lex_state *st, ast_kind k, int op, ast_node *a, ast_node *b, ast_node *c,
                       ast_loc l) {
  ast_node *n = NODE(k, l);
  if (n) { n->op = op; n->a = a; n->b = b; n->c = c; }
  return nest(st, n);
}
/* Brackets are a level of their own: `((((x))))` is as deep as its brackets. */
static ast_node *paren(lex_state *st, ast_node *n, ast_loc l) {
  if (n && ++n->depth == AST_MAX_DEPTH + 1)
    diag_add(st->diags, DIAG_ERROR, st->src, l.start, l.end, "limits",
             "expression nested deeper than %d levels", AST_MAX_DEPTH);
  return n;
}
static ast_node *binary(lex_state *st, int op, ast_node *a, ast_node *b, ast_loc l) {
  return expr3(st, A_BINARY, op, a, b, NULL, l);
}
static ast_node *unary(lex_state *st, ast_kind k, ast_node *a, ast_loc l) {
  return expr3(st, k, 0, a, NULL, NULL, l);
}
static ast_node *named(lex_state *st, ast_kind k, char *name, char *label, ast_loc l) {
  ast_node *n = NODE(k, l);
  if (n) { n->name = name; n->str = label; }
  return n;
}
/* The parser's stacks live in yyparse's frame and never grow: yyoverflow, called when they
 * are full, only reports.  Only nesting deepens them (every list of the grammar is left
 * recursive), by at most 3 entries per level of an expression, plus a few for the
 * declaration around it, so a full stack means an expression nested deeper than
 * AST_MAX_DEPTH; yyparse then stops (YYABORT) at the token it could not shift. */
#define YYINITDEPTH (4 * AST_MAX_DEPTH + 64)
#define YYMAXDEPTH YYINITDEPTH
#define yyoverflow(msg, ss, ssz, vs, vsz, ls, lsz, size)                       \
  diag_add(st->diags, DIAG_ERROR, st->src, yylloc.start, yylloc.end, "limits", \
           "expression nested deeper than %d levels", AST_MAX_DEPTH)
static void parse_error(PARSE_LTYPE *loc, yyscan_t scanner, lex_state *st, const char *msg) {
  (void)scanner;
  diag_add(st->diags, DIAG_ERROR, st->src, loc->start, loc->end, "syntax", "%s", msg);
}
}

%union {
  char *str;
  ast_node *node;
  int num;
}

%token <str> IDENT "identifier" NUMBER "number" PERCENT "percentage" DATE "date" STRING "string"
%token POLICY "policy" CONST "const" LET "let" ATTRIBUTE "attribute" IDENTITY "identity"
%token SOURCE "source" CATEGORY "category" WHEN "when" OTHERWISE "otherwise" WORTH "worth"
%token REST "rest" CHOOSE "choose" THEN "then" LOWEST "lowest" HIGHEST "highest"
%token FIRST "first" LAST "last" COLLECTION "collection" WINDOW "window" DAYS "days"
%token MONTHS "months" RULE "rule" START "start" END "end" WAIT "wait" SURCHARGE "surcharge"
%token FREE "free" PAYABLE "payable" NOT "not" AND "and" OR "or" IN "in" IF "if" ELSE "else"
%token OF "of" ONE "one" TRUE "true" FALSE "false" REQUIRED "required" OPTIONAL "optional"
%token ADDON "addon" ADDONS "addons" TIERS "tiers" PAID "paid" BY "by" EXAMPLE "example"
%token RESIDENT "resident" EXPECT "expect" FUNDING "funding" MATCHED "matched" CITE "cite"
%token RESTATE "restate" UNLISTED "unlisted" ACCEPTED "accepted" EXTERN "extern" ARROW "->"
%token ASSUME "assume"
%token COUNTED "counted" AS "as" OVERRIDES "overrides" OTHERS "others"
%token UNSTATED "unstated" PERIOD "period" INSTEAD "instead"
%token YUAN "yuan" DOTDOT ".." EQ "==" NE "!=" LE "<=" GE ">="

%type <node> decls decl header_fields header_field hvalue label_opt expr or_expr and_expr not_expr
%type <node> cmp_expr add_expr mul_expr unary_expr postfix_expr primary args arg_list
%type <node> names name_list type enum_vals enum_val attr_default cat_body parts part
%type <node> keys key days_opt effects_opt effects effect tiers tier paid_opt
%type <num> required_opt instead_opt
%type <node> example_items example_item givens given buys buy expects expect_item funding_items
%type <node> funding_item accepted_opt ext_types overrides_opt
%type <str> cite_opt

%start file

%%

file: decls                      { st->result = $1; }
    ;

decls: %empty                    { $$ = NULL; }
     | decls decl                { $$ = $1;
                                   if (++st->ndecls <= AST_MAX_DECLS) $$ = ast_append($1, $2);
                                   else if (st->ndecls == AST_MAX_DECLS + 1)
                                     diag_add(st->diags, DIAG_ERROR, st->src, @2.start, @2.end, "limits",
                                              "more than %d declarations in one file", AST_MAX_DECLS); }
     | decls error               { $$ = $1; }
     ;

decl: POLICY '{' header_fields '}'
        { $$ = NODE(A_POLICY, @$); if ($$) $$->list = $3; }
    | CONST IDENT label_opt '=' expr cite_opt
        { $$ = named(st, A_CONST, $2, $3 ? $3->str : NULL, @$); if ($$) { $$->a = $5; $$->cite = $6; } }
    | LET IDENT label_opt '=' expr cite_opt
        { $$ = named(st, A_LET, $2, $3 ? $3->str : NULL, @$); if ($$) { $$->a = $5; $$->cite = $6; } }
    | ATTRIBUTE IDENT STRING ':' type attr_default
        { $$ = named(st, A_ATTRIBUTE, $2, $3, @$); if ($$) { $$->a = $5; $$->b = $6; } }
    | IDENTITY IDENT STRING
        { $$ = named(st, A_IDENTITY, $2, $3, @$); }
    | SOURCE IDENT STRING
        { $$ = named(st, A_SOURCE, $2, $3, @$); }
    | CATEGORY IDENT STRING cite_opt '{' cat_body '}'
        { $$ = $6; if ($$) { $$->name = $2; $$->str = $3; $$->cite = $4; $$->loc = @$; } }
    | CHOOSE keys cite_opt
        { $$ = NODE(A_CHOOSE, @$); if ($$) { $$->list = $2; $$->cite = $3; } }
    | COLLECTION STRING DATE DOTDOT DATE days_opt cite_opt
        { $$ = named(st, A_COLLECTION, NULL, $2, @$);
          if ($$) { $$->a = named(st, A_DATE, NULL, $3, @3); $$->b = named(st, A_DATE, NULL, $5, @5);
                    $$->c = $6; $$->cite = $7; } }
    | WINDOW IDENT STRING DATE DOTDOT DATE days_opt cite_opt effects_opt
        { $$ = named(st, A_WINDOW, $2, $3, @$);
          if ($$) { $$->a = named(st, A_DATE, NULL, $4, @4); $$->b = named(st, A_DATE, NULL, $6, @6);
                    $$->c = $7; $$->cite = $8; $$->list = $9; } }
    | ASSUME IDENT STRING expr cite_opt
        { $$ = named(st, A_ASSUME, $2, $3, @$); if ($$) { $$->a = $4; $$->cite = $5; } }
    | WINDOW IDENT STRING UNSTATED STRING cite_opt effects_opt
        { $$ = named(st, A_WINDOW, $2, $3, @$);
          if ($$) { $$->a = named(st, A_UNSTATED, NULL, $5, ast_span(@4, @5));
                    $$->cite = $6; $$->list = $7; } }
    | RESTATE IDENT STRING DATE DOTDOT DATE days_opt cite_opt accepted_opt
        { $$ = named(st, A_RESTATE, $2, $3, @$);
          if ($$) { $$->a = named(st, A_DATE, NULL, $4, @4); $$->b = named(st, A_DATE, NULL, $6, @6);
                    $$->c = $7; $$->cite = $8; $$->list = $9; } }
    | RESTATE COLLECTION STRING DATE DOTDOT DATE days_opt cite_opt accepted_opt
        { $$ = named(st, A_RESTATE, "collection", $3, @$);
          if ($$) { $$->a = named(st, A_DATE, NULL, $4, @4); $$->b = named(st, A_DATE, NULL, $6, @6);
                    $$->c = $7; $$->cite = $8; $$->list = $9; } }
    | UNLISTED names cite_opt
        { $$ = NODE(A_UNLISTED, @$); if ($$) { $$->list = $2 ? $2->list : NULL; $$->cite = $3; } }
      /* `unlisted others`: every identity no condition tests */
    | UNLISTED OTHERS cite_opt
        { $$ = NODE(A_UNLISTED, @$); if ($$) { $$->op = 1; $$->cite = $3; } }
    | RULE IDENT STRING cite_opt overrides_opt WHEN expr '{' effects '}'
        { $$ = named(st, A_RULE, $2, $3, @$); if ($$) { $$->cite = $4; $$->b = $5; $$->a = $7; $$->list = $9; } }
    | ADDON IDENT STRING cite_opt '{' TIERS tiers required_opt paid_opt '}'
        { $$ = named(st, A_ADDON, $2, $3, @$);
          if ($$) { $$->cite = $4; $$->list = $7; $$->op = $8; $$->a = $9; } }
    | PERIOD IDENT STRING IDENT NUMBER instead_opt cite_opt WHEN expr '{' WORTH expr parts effects '}'
        { $$ = named(st, A_PERIOD, $2, $3, @$);
          if ($$) { $$->op = $6; $$->cite = $7; $$->a = $9; $$->b = $12; $$->list = $13;
                    $$->c = named(st, A_INT, $4, $5, ast_span(@4, @5));
                    if ($$->c) $$->c->list = $14; } }
    | EXAMPLE STRING '{' example_items '}'
        { $$ = named(st, A_EXAMPLE, NULL, $2, @$); if ($$) $$->list = $4; }
    | EXTERN IDENT STRING '(' ext_types ')' ARROW IDENT cite_opt
        { $$ = named(st, A_EXTERN, $2, $3, @$);
          if ($$) { $$->list = $5; $$->a = named(st, A_NAME, $8, NULL, @8); $$->cite = $9; } }
    ;

/* `extern NAME "label" (TYPE, ...) -> TYPE`: a host function's signature; a TYPE is
 * bool, int, date, money or the key of an enum attribute */
ext_types: %empty                        { $$ = NULL; }
         | name_list                     { $$ = $1; }
         ;

header_fields: %empty                    { $$ = NULL; }
             | header_fields header_field { $$ = ast_append($1, $2); }
             ;
header_field: IDENT hvalue               { $$ = named(st, A_FIELD, $1, NULL, @$); if ($$) $$->a = $2; }
            ;
hvalue: STRING  { $$ = named(st, A_NAME, NULL, $1, @$); if ($$) $$->op = 1; }
      | NUMBER  { $$ = named(st, A_INT, NULL, $1, @$); }
      | IDENT   { $$ = named(st, A_NAME, $1, NULL, @$); }
      ;

label_opt: %empty   { $$ = NULL; }
         | STRING   { $$ = named(st, A_NAME, NULL, $1, @$); }
         ;
/* `accepted "reason"`: the policy acknowledges the contradiction a restatement records */
accepted_opt: %empty                { $$ = NULL; }
            | ACCEPTED STRING       { $$ = named(st, A_FIELD, "accepted", $2, @$); }
            ;

/* `overrides a, b`: when this rule applies, rules a and b (declared above) do not */
overrides_opt: %empty                { $$ = NULL; }
             | OVERRIDES name_list   { $$ = NODE(A_NAMES, @$); if ($$) $$->list = $2; }
             ;

cite_opt: %empty      { $$ = NULL; }
        | CITE STRING { $$ = $2; }
        ;

type: IDENT                              { $$ = named(st, A_TYPE, $1, NULL, @$); }
    | IDENT NUMBER DOTDOT NUMBER         { $$ = named(st, A_TYPE, $1, NULL, @$);
                                           if ($$) { $$->a = named(st, A_INT, NULL, $2, @2);
                                                     $$->b = named(st, A_INT, NULL, $4, @4); } }
    | ONE OF '{' enum_vals '}'           { $$ = named(st, A_TYPE, "enum", NULL, @$); if ($$) $$->list = $4; }
    ;
enum_vals: enum_val                      { $$ = $1; }
         | enum_vals ',' enum_val        { $$ = ast_append($1, $3); }
         ;
enum_val: IDENT STRING                   { $$ = named(st, A_ENUMVAL, $1, $2, @$); }
        ;
attr_default: %empty                     { $$ = NULL; }
            | '=' expr                   { $$ = $2; }
            | REQUIRED                   { $$ = NODE(A_NAME, @$); if ($$) $$->op = 2; }
            | OPTIONAL                   { $$ = NODE(A_NAME, @$); if ($$) $$->op = 3; }
            ;

cat_body: WHEN expr parts                { $$ = NODE(A_CATEGORY, @$); if ($$) { $$->a = $2; $$->list = $3; } }
        | WHEN OTHERWISE parts           { $$ = NODE(A_CATEGORY, @$); if ($$) { $$->op = 1; $$->list = $3; } }
        | WHEN expr WORTH expr parts     { $$ = NODE(A_CATEGORY, @$); if ($$) { $$->a = $2; $$->b = $4; $$->list = $5; } }
        | WHEN OTHERWISE WORTH expr parts { $$ = NODE(A_CATEGORY, @$); if ($$) { $$->op = 1; $$->b = $4; $$->list = $5; } }
        ;
parts: %empty                            { $$ = NULL; }
     | parts part                        { $$ = ast_append($1, $2); }
     ;
part: IDENT expr                         { $$ = named(st, A_PART, $1, NULL, @$); if ($$) $$->a = $2; }
    | IDENT REST                         { $$ = named(st, A_PART, $1, NULL, @$); if ($$) $$->op = 1; }
    ;

keys: key                                { $$ = $1; }
    | keys THEN key                      { $$ = ast_append($1, $3); }
    ;
key: LOWEST IDENT                        { $$ = named(st, A_KEY, $2, NULL, @$); if ($$) $$->op = 0; }
   | LOWEST FUNDING                      { $$ = named(st, A_KEY, "funding", NULL, @$); if ($$) $$->op = 0; }
   | HIGHEST IDENT                       { $$ = named(st, A_KEY, $2, NULL, @$); if ($$) $$->op = 1; }
   | HIGHEST FUNDING                     { $$ = named(st, A_KEY, "funding", NULL, @$); if ($$) $$->op = 1; }
   | FIRST                               { $$ = NODE(A_KEY, @$); if ($$) $$->op = 2; }
   | LAST                                { $$ = NODE(A_KEY, @$); if ($$) $$->op = 3; }
   ;

days_opt: %empty                         { $$ = NULL; }
        | DAYS NUMBER DOTDOT NUMBER      { $$ = NODE(A_IN_RANGE, @$);
                                           if ($$) { $$->a = named(st, A_INT, NULL, $2, @2);
                                                     $$->b = named(st, A_INT, NULL, $4, @4); } }
        ;

effects_opt: %empty                      { $$ = NULL; }
           | '{' effects '}'             { $$ = $2; }
           ;
effects: %empty                          { $$ = NULL; }
       | effects effect                  { $$ = ast_append($1, $2); }
       ;
effect: START expr                       { $$ = NODE(A_EFFECT, @$); if ($$) { $$->op = 0; $$->a = $2; } }
      | END expr                         { $$ = NODE(A_EFFECT, @$); if ($$) { $$->op = 1; $$->a = $2; } }
      | WAIT expr                        { $$ = NODE(A_EFFECT, @$); if ($$) { $$->op = 2; $$->a = $2; } }
      /* `wait 3 months counted as 90 days`: stated in one unit, counted in the other */
      | WAIT expr COUNTED AS expr        { $$ = NODE(A_EFFECT, @$); if ($$) { $$->op = 3; $$->a = $2; $$->b = $5; } }
      | SURCHARGE expr                   { $$ = NODE(A_EFFECT, @$); if ($$) { $$->op = 4; $$->a = $2; } }
      | FREE                             { $$ = NODE(A_EFFECT, @$); if ($$) $$->op = 5; }
      | PAYABLE                          { $$ = NODE(A_EFFECT, @$); if ($$) $$->op = 6; }
      | NOT PAYABLE STRING               { $$ = NODE(A_EFFECT, @$); if ($$) { $$->op = 7; $$->str = $3; } }
      ;

tiers: tier                              { $$ = $1; }
     | tiers ',' tier                    { $$ = ast_append($1, $3); }
     ;
tier: NUMBER YUAN                        { $$ = named(st, A_TIER, NULL, NULL, @$);
                                           if ($$) $$->a = named(st, A_NUMBER_UNIT, NULL, $1, @$); }
    | IDENT STRING NUMBER YUAN           { $$ = named(st, A_TIER, $1, $2, @$);
                                           if ($$) $$->a = named(st, A_NUMBER_UNIT, NULL, $3, @3); }
    ;
instead_opt: %empty                      { $$ = 0; }
           | INSTEAD                     { $$ = 1; }
           ;
required_opt: %empty                     { $$ = 0; }
            | REQUIRED                   { $$ = 1; }
            ;
paid_opt: %empty                         { $$ = NULL; }
        | PAID BY IDENT WHEN expr        { $$ = named(st, A_NAME, $3, NULL, @$); if ($$) $$->a = $5; }
        | PAID BY IDENT expr WHEN expr   { $$ = named(st, A_NAME, $3, NULL, @$);
                                           if ($$) { $$->a = $6; $$->b = $4; } }
        ;

example_items: %empty                    { $$ = NULL; }
             | example_items example_item { $$ = ast_append($1, $2); }
             ;
example_item: RESIDENT '{' givens '}'    { $$ = NODE(A_GIVEN, @$); if ($$) { $$->op = 0; $$->list = $3; } }
            | RESIDENT '{' '}'           { $$ = NODE(A_GIVEN, @$); if ($$) $$->op = 0; }
            | IDENT expr                 { $$ = named(st, A_GIVEN, $1, NULL, @$); if ($$) { $$->op = 1; $$->a = $2; } }
            | ADDONS '{' buys '}'        { $$ = NODE(A_GIVEN, @$); if ($$) { $$->op = 2; $$->list = $3; } }
            | ADDONS '{' '}'             { $$ = NODE(A_GIVEN, @$); if ($$) $$->op = 2; }
            | EXPECT '{' expects '}'     { $$ = NODE(A_GIVEN, @$); if ($$) { $$->op = 3; $$->list = $3; } }
            ;
givens: given                            { $$ = $1; }
      | givens ',' given                 { $$ = ast_append($1, $3); }
      ;
given: IDENT expr                        { $$ = named(st, A_GIVEN, $1, NULL, @$); if ($$) $$->a = $2; }
     | IDENT names                       { $$ = named(st, A_GIVEN, $1, NULL, @$); if ($$) $$->b = $2; }
     ;
buys: buy                                { $$ = $1; }
    | buys ',' buy                       { $$ = ast_append($1, $3); }
    ;
buy: IDENT expr                          { $$ = named(st, A_GIVEN, $1, NULL, @$); if ($$) $$->a = $2; }
   ;
expects: expect_item                     { $$ = $1; }
       | expects ',' expect_item         { $$ = ast_append($1, $3); }
       ;
expect_item: PAYABLE expr                { $$ = named(st, A_EXPECT, "payable", NULL, @$); if ($$) $$->a = $2; }
           | CATEGORY IDENT              { $$ = named(st, A_EXPECT, "category", $2, @$); }
           | START expr                  { $$ = named(st, A_EXPECT, "start", NULL, @$); if ($$) $$->a = $2; }
           | END expr                    { $$ = named(st, A_EXPECT, "end", NULL, @$); if ($$) $$->a = $2; }
           | WAIT expr                   { $$ = named(st, A_EXPECT, "wait", NULL, @$); if ($$) $$->a = $2; }
           | WAIT expr COUNTED AS expr   { $$ = named(st, A_EXPECT, "wait", NULL, @$); if ($$) { $$->a = $2; $$->b = $5; } }
           | IDENT expr                  { $$ = named(st, A_EXPECT, $1, NULL, @$); if ($$) $$->a = $2; }
           | FUNDING '{' funding_items '}' { $$ = named(st, A_EXPECT, "funding", NULL, @$); if ($$) $$->list = $3; }
           | FUNDING '{' '}'             { $$ = named(st, A_EXPECT, "funding", NULL, @$); }
           | MATCHED names               { $$ = named(st, A_EXPECT, "matched", NULL, @$); if ($$) $$->b = $2; }
           | ADDONS '{' funding_items '}' { $$ = named(st, A_EXPECT, "addons", NULL, @$); if ($$) $$->list = $3; }
           | ADDONS '{' '}'              { $$ = named(st, A_EXPECT, "addons", NULL, @$); }
           | PERIOD '{' funding_items '}' { $$ = named(st, A_EXPECT, "period", NULL, @$); if ($$) $$->list = $3; }
           | PERIOD '{' '}'              { $$ = named(st, A_EXPECT, "period", NULL, @$); }
           ;
funding_items: funding_item              { $$ = $1; }
             | funding_items ',' funding_item { $$ = ast_append($1, $3); }
             ;
funding_item: IDENT expr                 { $$ = named(st, A_GIVEN, $1, NULL, @$); if ($$) $$->a = $2; }
            ;

/* ---- expressions, loosest first ---- */
expr: or_expr                            { $$ = $1; }
    | IF expr THEN expr ELSE expr        { $$ = expr3(st, A_IF, 0, $2, $4, $6, @$); }
    ;
or_expr: and_expr                        { $$ = $1; }
       | or_expr OR and_expr             { $$ = binary(st, OPR_OR, $1, $3, @$); }
       ;
and_expr: not_expr                       { $$ = $1; }
        | and_expr AND not_expr          { $$ = binary(st, OPR_AND, $1, $3, @$); }
        ;
not_expr: cmp_expr                       { $$ = $1; }
        | NOT not_expr                   { $$ = unary(st, A_NOT, $2, @$); }
        ;
cmp_expr: add_expr                       { $$ = $1; }
        | add_expr EQ add_expr           { $$ = binary(st, OPR_EQ, $1, $3, @$); }
        | add_expr NE add_expr           { $$ = binary(st, OPR_NE, $1, $3, @$); }
        | add_expr '<' add_expr          { $$ = binary(st, OPR_LT, $1, $3, @$); }
        | add_expr LE add_expr           { $$ = binary(st, OPR_LE, $1, $3, @$); }
        | add_expr '>' add_expr          { $$ = binary(st, OPR_GT, $1, $3, @$); }
        | add_expr GE add_expr           { $$ = binary(st, OPR_GE, $1, $3, @$); }
        | add_expr IN add_expr DOTDOT add_expr
                                         { $$ = expr3(st, A_IN_RANGE, 0, $1, $3, $5, @$); }
        | add_expr IN add_expr           { $$ = expr3(st, A_IN_NAME, 0, $1, $3, NULL, @$); }
        | add_expr IN names              { $$ = expr3(st, A_IN_SET, 0, $1, $3, NULL, @$); }
        ;
add_expr: mul_expr                       { $$ = $1; }
        | add_expr '+' mul_expr          { $$ = binary(st, OPR_ADD, $1, $3, @$); }
        | add_expr '-' mul_expr          { $$ = binary(st, OPR_SUB, $1, $3, @$); }
        ;
mul_expr: unary_expr                     { $$ = $1; }
        | mul_expr '*' unary_expr        { $$ = binary(st, OPR_MUL, $1, $3, @$); }
        | mul_expr OF unary_expr         { $$ = expr3(st, A_OF, 0, $1, $3, NULL, @$); }
        ;
unary_expr: postfix_expr                 { $$ = $1; }
          | '-' unary_expr               { $$ = unary(st, A_NEG, $2, @$); }
          ;
postfix_expr: primary                    { $$ = $1; }
            | primary DAYS               { $$ = expr3(st, A_DURATION, 0, $1, NULL, NULL, @$); }
            | primary MONTHS             { $$ = expr3(st, A_DURATION, 1, $1, NULL, NULL, @$); }
            ;
primary: NUMBER                          { $$ = named(st, A_INT, NULL, $1, @$); }
       | NUMBER YUAN                     { $$ = named(st, A_NUMBER_UNIT, NULL, $1, @$); }
       | PERCENT                         { $$ = named(st, A_RATIO, NULL, $1, @$); }
       | DATE                            { $$ = named(st, A_DATE, NULL, $1, @$); }
       | TRUE                            { $$ = NODE(A_BOOL, @$); if ($$) $$->ival = 1; }
       | FALSE                           { $$ = NODE(A_BOOL, @$); if ($$) $$->ival = 0; }
       | IDENT                           { $$ = named(st, A_NAME, $1, NULL, @$); }
       | CATEGORY                        { $$ = named(st, A_NAME, "category", NULL, @$); }
       | COLLECTION                      { $$ = named(st, A_NAME, "collection", NULL, @$); }
       | IDENT '(' args ')'              { $$ = named(st, A_CALL, $1, NULL, @$); if ($$) $$->list = $3; $$ = nest(st, $$); }
       | '(' expr ')'                    { $$ = paren(st, $2, @$); }
       | UNSTATED STRING                 { $$ = named(st, A_UNSTATED, NULL, $2, @$); }
       | UNSTATED                        { $$ = named(st, A_UNSTATED, NULL, NULL, @$); }
       ;
args: %empty                             { $$ = NULL; }
    | arg_list                           { $$ = $1; }
    ;
arg_list: expr                           { $$ = $1; }
        | arg_list ',' expr              { $$ = ast_append($1, $3); }
        ;
names: '{' name_list '}'                 { $$ = NODE(A_NAMES, @$); if ($$) $$->list = $2; }
     | '{' '}'                           { $$ = NODE(A_NAMES, @$); }
     ;
name_list: IDENT                         { $$ = named(st, A_NAME, $1, NULL, @$); }
         | name_list ',' IDENT           { $$ = ast_append($1, named(st, A_NAME, $3, NULL, @3)); }
         ;

%%

/* Bison numbers character tokens by their place among the tokens (YYSYMBOL_69_ is '='
 * today), so they are recognised by name. */
static int is_char(yysymbol_kind_t k, char c) {
  const char *n = yysymbol_name(k);
  return n[0] == '\'' && n[1] == c && n[2] == '\'' && n[3] == 0;
}

/* "unexpected X, expected A, B or C" — one message per error; the lexer's messages for
 * bad characters come first, so a token error right after one adds nothing new. */
static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, lex_state *st) {
  (void)scanner;
  enum { MAX = 80, LIST = 6 };
  yysymbol_kind_t expected[MAX];
  int n = yypcontext_expected_tokens(ctx, expected, MAX);
  yysymbol_kind_t got = yypcontext_token(ctx);
  const PARSE_LTYPE *loc = yypcontext_location(ctx);
  char buf[512];
  int len = snprintf(buf, sizeof buf, "unexpected %s", yysymbol_name(got));
  int operand = 0, decl = 0, eq = 0;
  for (int i = 0; i < n; i++) {
    operand |= expected[i] == YYSYMBOL_NUMBER || expected[i] == YYSYMBOL_DATE;
    decl |= expected[i] == YYSYMBOL_CATEGORY;
    eq |= expected[i] == YYSYMBOL_EQ;
  }
  int ident = 0, rbrace = 0, listed = 0;
  for (int i = 0; i < n; i++) {
    ident |= expected[i] == YYSYMBOL_IDENT;
    rbrace |= is_char(expected[i], '}');
  }
  if (got == YYSYMBOL_YYUNDEF) {
    /* the scanner has already said what is wrong with this text */
    return 0;
  } else if (got == YYSYMBOL_YYEOF && st->nbraces > 0) {
    /* the innermost '{' still open is the one a '}' would close */
    uint32_t at = st->braces[(st->nbraces - 1) % LEX_BRACES];
    diag_add(st->diags, DIAG_ERROR, st->src, at, at + 1, "syntax",
             "this '{' is never closed: the file ends before its '}'");
    return 0;
  } else if (got >= YYSYMBOL_POLICY && got <= YYSYMBOL_YUAN && ident && (operand || n == 1)) {
    /* a keyword where a name (alone, or as an operand) is expected */
    snprintf(buf, sizeof buf, "'%s' is a reserved word and cannot be used as a name",
             yysymbol_name(got));
  } else if (n > LIST && operand) {
    snprintf(buf + len, sizeof buf - (size_t)len, ", expected an expression");
  } else if (n > LIST && decl) {
    snprintf(buf + len, sizeof buf - (size_t)len, ", expected a declaration (policy, const, "
             "let, attribute, identity, source, category, choose, collection, window, restate, rule, "
             "addon, unlisted, extern, example)");
  } else if (is_char(got, '=') && eq) {
    snprintf(buf + len, sizeof buf - (size_t)len, " (to compare, write '==')");
  } else if (n > LIST) {
    len += snprintf(buf + len, sizeof buf - (size_t)len, ", expected one of: ");
    for (int i = 0; i < LIST && len < (int)sizeof buf; i++)
      len += snprintf(buf + len, sizeof buf - (size_t)len, "%s, ", yysymbol_name(expected[i]));
    snprintf(buf + len, sizeof buf - (size_t)len, "...");
  } else if (n > 0) {
    listed = 1;
    len += snprintf(buf + len, sizeof buf - (size_t)len, ", expected ");
    for (int i = 0; i < n && len < (int)sizeof buf; i++)
      len += snprintf(buf + len, sizeof buf - (size_t)len, "%s%s",
                      i == 0 ? "" : i == n - 1 ? " or " : ", ", yysymbol_name(expected[i]));
  }
  len = (int)strlen(buf);
  if (listed && rbrace && st->nbraces > 0 && !is_char(got, '{') && len < (int)sizeof buf) {
    /* the '}' listed as expected: say which '{' it would close */
    uint32_t line, col;
    diag_locate(&st->diags->sources[st->src], st->braces[(st->nbraces - 1) % LEX_BRACES], &line,
                &col);
    snprintf(buf + len, sizeof buf - (size_t)len, " (the '{' on line %u is still open)", line);
  }
  diag_add(st->diags, DIAG_ERROR, st->src, loc->start, loc->end, "syntax", "%s", buf);
  return 0;
}
