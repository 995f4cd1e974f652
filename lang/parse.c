/* parse.c — drive the reentrant scanner and the pure parser over one source text. */
#include "lex.h"
#include "parser.h"
#define YYSTYPE PARSE_STYPE
#define YYLTYPE PARSE_LTYPE
#include "lexer.h"

int parse_source(lex_state *st, const char *text, size_t len) {
  yyscan_t scanner;
  if (lex_lex_init_extra(st, &scanner)) return 1;
  YY_BUFFER_STATE buf = lex__scan_bytes(text, (int)len, scanner);
  st->offset = 0;
  st->result = NULL;
  st->ndecls = 0;
  st->nbraces = 0;
  uint32_t before = st->diags->nerrors;
  int rc = parse_parse(scanner, st);
  lex__delete_buffer(buf, scanner);
  lex_lex_destroy(scanner);
  int errors = (int)(st->diags->nerrors - before);
  return errors ? errors : rc != 0; /* rc != 0 without a message: out of memory */
}
