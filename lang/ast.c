/* ast.c — arena allocation of syntax nodes. */
#include "ast.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 65536

typedef struct block { struct block *next; size_t used, cap; unsigned char data[]; } block;
/* oom: an allocation failed, so some node or string the parser asked for is missing */
struct ast_arena { block *head; bool oom; };

ast_arena *ast_arena_new(void) { return calloc(1, sizeof(ast_arena)); }

void ast_arena_free(ast_arena *a) {
  if (!a) return;
  for (block *b = a->head, *n; b; b = n) {
    n = b->next;
    free(b);
  }
  free(a);
}

void *ast_alloc(ast_arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  block *b = a->head;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
    b = malloc(sizeof(block) + cap);
    if (!b) {
      a->oom = true;
      return NULL;
    }
    b->next = a->head;
    b->used = 0;
    b->cap = cap;
    a->head = b;
  }
  void *p = b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

bool ast_arena_failed(const ast_arena *a) { return a->oom; }

char *ast_strndup(ast_arena *a, const char *s, size_t n) {
  char *p = ast_alloc(a, n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

ast_node *ast_new(ast_arena *a, ast_kind k, ast_loc loc) {
  ast_node *n = ast_alloc(a, sizeof *n);
  if (!n) return NULL;
  n->kind = k;
  n->loc = loc;
  return n;
}

ast_node *ast_append(ast_node *list, ast_node *item) {
  if (!list) return item;
  if (!item) return list;
  ast_node *t = list;
  while (t->next) t = t->next;
  t->next = item;
  return list;
}

ast_loc ast_span(ast_loc a, ast_loc b) {
  ast_loc r = a;
  if (b.end > r.end) r.end = b.end;
  return r;
}
