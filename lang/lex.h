/* lex.h — the scanner's per-file state (flex `extra`); no globals. */
#ifndef POL_LEX_H
#define POL_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"

#define LEX_POOL 2048

typedef struct {
  ast_arena *arena;
  pol_diags *diags;
  uint32_t src;      /* diag source index */
  uint32_t offset;   /* byte offset of the next token */
  ast_node *result;  /* the parsed declaration list */
  uint32_t ndecls;   /* declarations parsed so far in this source */
  /* '{' not yet closed by '}': nbraces of them; the offset of the one at depth d (1-based)
   * is braces[(d - 1) % LEX_BRACES], right for the innermost LEX_BRACES levels */
  uint32_t nbraces;
  uint32_t braces[16];
#define LEX_BRACES 16
  /* flex's own blocks (scanner state, buffer stack, buffer state) come from this pool,
   * never from malloc: flex exits the process when an allocation fails.  Scanning an
   * in-memory buffer needs well under LEX_POOL bytes (lexer.l: lex_alloc). */
  _Alignas(max_align_t) unsigned char pool[LEX_POOL];
  size_t pool_used;
} lex_state;

/* Parse `text` (len bytes, registered as diag source `src`) into st->result.
 * Errors go to st->diags; returns the number of syntax errors, or -1 when memory ran out
 * (then st->result may lack declarations). */
int parse_source(lex_state *st, const char *text, size_t len);

#endif
