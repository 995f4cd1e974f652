/* parse.c — drive the reentrant scanner and the pure parser over one source text. */
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
  yyscan_t scanner;
  if (lex_lex_init_extra(st, &scanner)) return -1;
  YY_BUFFER_STATE buf = lex__scan_bytes(text, (int)len, scanner);
  uint32_t before = st->diags->nerrors;
  int rc = parse_parse(scanner, st);
  lex__delete_buffer(buf, scanner);
  lex_lex_destroy(scanner);
  int errors = (int)(st->diags->nerrors - before);
  /* 2: out of memory; 1 without a message: an abort the grammar did not report */
  if (rc == 2 || (rc != 0 && errors == 0)) return -1;
  return errors;
}
