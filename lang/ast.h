/*
 * ast.h — the syntax tree of a .pol file.  Grammar actions only call these constructors;
 * every meaning is given later (compiler/).  Nodes and strings live in one arena per
 * compilation and are freed together, so error recovery in the parser leaks nothing.
 */
#ifndef POL_AST_H
#define POL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct { uint32_t start, end; uint32_t src; } ast_loc; /* byte span in source src */

/* The deepest expression tree the parser accepts (brackets count as a level), and the
 * deepest the compiler expands (the constants an expression names count too). */
#define AST_MAX_DEPTH 256
/* Other limits of a source text, each reported where it is exceeded. */
#define AST_MAX_DECLS 50000     /* declarations in one file */
#define AST_MAX_STRING 4096     /* bytes of a string literal, quotes excluded */
#define AST_MAX_NAME 255        /* bytes of an identifier */

typedef enum {
  /* expressions */
  A_INT, A_NUMBER_UNIT, A_RATIO, A_DATE, A_BOOL, A_NAME, A_CALL, A_NOT, A_NEG, A_BINARY,
  A_IN_RANGE, A_IN_SET, A_IN_NAME, A_IF, A_DURATION, A_OF, A_NAMES,
  /* declarations */
  A_POLICY, A_FIELD, A_CONST, A_LET, A_ATTRIBUTE, A_TYPE, A_ENUMVAL, A_IDENTITY, A_SOURCE,
  A_CATEGORY, A_PART, A_CHOOSE, A_KEY, A_COLLECTION, A_WINDOW, A_RULE, A_EFFECT, A_ADDON,
  A_TIER, A_EXAMPLE, A_GIVEN, A_EXPECT, A_RESTATE, A_UNLISTED, A_ASSUME,
  A_EXTERN, /* name, str label, list: argument types (A_NAME), a: result type, cite */
  A_UNSTATED, /* `unstated "sentence"` (str NULL in an example's `expect`): a value, or a
                window's dates (its `a`), that the notice does not state */
  A_PERIOD /* `period NAME "label" year Y [instead] [cite] when COND { worth E parts
              effects }`: op 1 if instead, a: when, b: worth, list: parts, c: A_INT (name
              "year", str its number) whose list is the start/end effects */
  /* A_RULE: name, str label, cite, a when, list effects, b overrides (A_NAMES) or NULL */
} ast_kind;

/* A_BINARY operators */
typedef enum { OPR_OR, OPR_AND, OPR_EQ, OPR_NE, OPR_LT, OPR_LE, OPR_GT, OPR_GE, OPR_ADD,
               OPR_SUB, OPR_MUL } ast_op;

typedef struct ast_node ast_node;
struct ast_node {
  ast_kind kind;
  int op;          /* A_BINARY: ast_op; A_DURATION: 0 days / 1 months; A_EFFECT: kind;
                      A_KEY: 0 lowest / 1 highest / 2 first / 3 last; A_TYPE: see gen;
                      A_ATTRIBUTE: presence; A_CATEGORY: 1 if `when otherwise`;
                      A_PART: 1 if `rest`; A_NUMBER_UNIT: 0 yuan */
  ast_loc loc;
  char *name;      /* identifier */
  char *str;       /* label, string literal, literal text of a number */
  char *cite;
  int64_t ival, ival2;
  uint32_t depth;      /* expressions: levels of the tree below and including this node */
  ast_node *a, *b, *c; /* operands / condition / value */
  ast_node *list;      /* child list (linked by next) */
  ast_node *next;      /* sibling in a list */
  ast_node *tail;      /* in a list's first node: a node of the list (NULL: itself) from
                          which its last is reached in few steps (ast_append) */
};

typedef struct ast_arena ast_arena;

ast_arena *ast_arena_new(void);
void ast_arena_free(ast_arena *a);
void *ast_alloc(ast_arena *a, size_t n); /* zeroed; NULL only on OOM */
/* An allocation from the arena has failed: the tree may lack nodes, silently. */
int ast_arena_failed(const ast_arena *a);
char *ast_strndup(ast_arena *a, const char *s, size_t n);

ast_node *ast_new(ast_arena *a, ast_kind k, ast_loc loc);
/* Append list b to list a (either may be NULL); returns the head.  Amortized O(1) when a
 * is always appended to through its head. */
ast_node *ast_append(ast_node *list, ast_node *item);
ast_loc ast_span(ast_loc a, ast_loc b);

#endif
