/* parse.c — drive the reentrant scanner and the pure parser over one source text. */
#include <stdlib.h>
#include <string.h>

#include "lex.h"
#include "parser.h"
#define YYSTYPE PARSE_STYPE
#define YYLTYPE PARSE_LTYPE
#include "lexer.h"

int parse_source(lex_state *st, const char *text, size_t len) {
  /* st->result is this source's, whatever happens: never the previous source's */
  st->offset = 0;
  st->result = NULL;
  st->ndecls = 0;
  st->nbraces = 0;
  st->pool_used = 0;
  /* flex scans a buffer ending in two NULs; copied here (not by yy_scan_bytes, which
   * exits the process when malloc fails) */
  char *copy = malloc(len + 2);
  if (!copy) return -1;
  memcpy(copy, text, len);
  copy[len] = copy[len + 1] = 0;
  yyscan_t scanner;
  if (lex_lex_init_extra(st, &scanner)) {
    free(copy);
    return -1;
  }
  YY_BUFFER_STATE buf = lex__scan_buffer(copy, len + 2, scanner);
  uint32_t before = st->diags->nerrors;
  int rc = parse_parse(scanner, st);
  lex__delete_buffer(buf, scanner);
  lex_lex_destroy(scanner);
  free(copy);
  int errors = (int)(st->diags->nerrors - before);
  /* 2: out of memory; 1 without a message: an abort the grammar did not report */
  if (rc == 2 || (rc != 0 && errors == 0)) return -1;
  return errors;
}
