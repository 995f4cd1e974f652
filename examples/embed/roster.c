/*
 * roster.c — a county's roster through libpol's typed API: what each resident pays on one
 * date, what each funding source pays for them, and the totals a finance office transfers.
 *
 *   roster POLICY DATE < roster.csv > amounts.csv
 *
 * roster.csv: a header line `id,KEY,KEY,...`, where each KEY is a resident attribute of the
 * policy (birth_date, disability_grade, local_hukou, a policy-declared key; `polc schema`
 * lists them) or one of its identities; then one resident a line.  Cells hold a date
 * YYYY-MM-DD, an integer, true/false, an amount in yuan, an enum value's key, or for an
 * identity 1/0; an empty cell leaves the default.  No quoting: cells hold no comma.
 *
 * amounts.csv: `id,payable,category,individual,SOURCE...,ADDON,ADDON_paid_by...,benefit_start,
 * benefit_end`: what the resident and each funding source pay, each add-on included in the
 * payment (bought, or paid by a source for this resident: empty if not included) and who
 * pays it; amounts in yuan.  Then a line `total` summing the residents whose payment is
 * accepted on DATE.
 * Exit 0, or 1 if some lines were refused (each named on stderr with libpol's message), or
 * 2 for bad arguments, a policy that does not compile or an unknown key in the header.
 *
 * Names are resolved to handles once, from the header; per resident the loop only sets
 * values and reads accessors, which allocate nothing and format no text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pol.h>

enum { MAX_COLS = 64 };

/* Amount in fen as yuan, shortest exact decimal: 8000 -> "80", 8050 -> "80.5", 5 -> "0.05". */
static void put_yuan(int64_t fen) {
  if (fen < 0) {
    putchar('-');
    fen = -fen;
  }
  printf("%lld", (long long)(fen / 100));
  int c = (int)(fen % 100);
  if (c % 10) printf(".%02d", c);
  else if (c) printf(".%d", c / 10);
}

/* libpol's day numbers count days from 1970-01-01 (day 0).  Civil date of a day number
 * (H. Hinnant's days_from_civil inverse), to print YYYY-MM-DD. */
static void put_date(int32_t day) {
  if (day == INT32_MIN) return; /* no date: an empty cell */
  long long z = (long long)day + 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  long long d = doy - (153 * mp + 2) / 5 + 1;
  long long m = mp < 10 ? mp + 3 : mp - 9;
  long long y = yoe + era * 400 + (m <= 2);
  printf("%04lld-%02lld-%02lld", y, m, d);
}

/* "80", "80.5", "80.05" yuan -> fen; 0 if malformed */
static int parse_yuan(const char *s, int64_t *fen) {
  char *end;
  long long y = strtoll(s, &end, 10);
  if (end == s || y < 0) return 0;
  int64_t f = (int64_t)y * 100;
  if (*end == '.') {
    const char *c = end + 1;
    if (c[0] < '0' || c[0] > '9') return 0;
    f += (c[0] - '0') * 10;
    if (c[1] >= '0' && c[1] <= '9') f += c[1] - '0', c++;
    end = (char *)c + 1;
  }
  *fen = f;
  return *end == 0;
}

/* The next comma-separated cell of *rest (cut in place; empty cells kept), or NULL. */
static char *next_cell(char **rest) {
  char *c = *rest;
  if (!c) return NULL;
  char *comma = strchr(c, ',');
  if (comma) *comma = 0;
  *rest = comma ? comma + 1 : NULL;
  return c;
}

/* The value of one cell for attribute or identity h; 0 if malformed, with what was
 * expected in *want. */
static int cell_value(const pol_program *p, pol_handle h, int is_identity, const char *cell,
                      int64_t *v, const char **want) {
  char *end;
  if (is_identity) {
    *want = "1 or 0";
    if (strcmp(cell, "1") && strcmp(cell, "0")) return 0;
    *v = cell[0] == '1';
    return 1;
  }
  switch (pol_attr_type(p, h)) {
  case POL_T_DATE: {
    int32_t day;
    *want = "a date YYYY-MM-DD";
    if (pol_date_parse(cell, &day) != POL_OK) return 0;
    *v = day;
    return 1;
  }
  case POL_T_BOOL:
    *want = "true or false";
    if (!strcmp(cell, "true") || !strcmp(cell, "1")) *v = 1;
    else if (!strcmp(cell, "false") || !strcmp(cell, "0")) *v = 0;
    else return 0;
    return 1;
  case POL_T_INT:
    *want = "an integer";
    *v = strtoll(cell, &end, 10);
    return end != cell && *end == 0;
  case POL_T_MONEY:
    *want = "an amount in yuan";
    return parse_yuan(cell, v);
  case POL_T_ENUM:
    *want = "one of the values `polc schema` lists";
    for (uint32_t i = 0; pol_enum_key(p, h, i); i++)
      if (strcmp(pol_enum_key(p, h, i), cell) == 0) {
        *v = i;
        return 1;
      }
    return 0;
  default:
    *want = "a value";
    return 0;
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: roster POLICY DATE < roster.csv\n");
    return 2;
  }
  int32_t date;
  if (pol_date_parse(argv[2], &date) != POL_OK) {
    fprintf(stderr, "roster: DATE: expected YYYY-MM-DD, got '%s'\n", argv[2]);
    return 2;
  }
  pol_program *p = NULL;
  pol_diags *d = NULL;
  if (pol_open(argv[1], &p, &d) != POL_OK) {
    char *text = d ? pol_diags_render(d, POL_FMT_TEXT) : NULL;
    fprintf(stderr, "roster: %s: cannot be compiled\n%s", argv[1], text ? text : "");
    free(text);
    pol_diags_free(d);
    return 2;
  }
  pol_diags_free(d);

  /* the header, resolved once: column i sets col[i] (an attribute or an identity) */
  char *line = NULL;
  size_t cap = 0;
  pol_handle col[MAX_COLS];
  int col_identity[MAX_COLS], ncols = 0, rc = 0;
  if (getline(&line, &cap, stdin) <= 0 || strncmp(line, "id", 2) != 0 ||
      (line[2] != ',' && line[2] != '\n' && line[2] != 0)) {
    fprintf(stderr, "roster: the first line must be the header id,KEY,...\n");
    free(line);
    pol_program_free(p);
    return 2;
  }
  line[strcspn(line, "\r\n")] = 0;
  for (char *save = NULL, *key = strtok_r(line + 2, ",", &save); key;
       key = strtok_r(NULL, ",", &save)) {
    pol_handle h = pol_find(p, POL_ATTRIBUTE, key);
    int ident = 0;
    if (pol_handle_is_null(h)) {
      h = pol_find(p, POL_IDENTITY, key);
      ident = 1;
    }
    const char *why = ncols == MAX_COLS                ? "one column too many"
                      : pol_handle_is_null(h)          ? "no attribute or identity of the policy"
                      : !ident && pol_attr_type(p, h) == POL_T_IDENTITIES
                          ? "a list: give each identity a column of its own"
                          : NULL;
    if (why) {
      fprintf(stderr, "roster: header: '%s': %s\n", key, why);
      free(line);
      pol_program_free(p);
      return 2;
    }
    col[ncols] = h;
    col_identity[ncols++] = ident;
  }

  uint32_t nsources = pol_count(p, POL_SOURCE), naddons = pol_count(p, POL_ADDON);
  int64_t total_individual = 0, *total = calloc(nsources + naddons + 1, sizeof *total);
  pol_eval *ev = pol_eval_new(p);
  if (!ev || !total) {
    fprintf(stderr, "roster: out of memory\n");
    free(total);
    free(line);
    pol_eval_free(ev);
    pol_program_free(p);
    return 2;
  }

  fputs("id,payable,category,individual", stdout);
  for (uint32_t s = 0; s < nsources; s++) printf(",%s", pol_key(p, pol_handle_at(p, POL_SOURCE, s)));
  for (uint32_t a = 0; a < naddons; a++) {
    const char *key = pol_key(p, pol_handle_at(p, POL_ADDON, a));
    printf(",%s,%s_paid_by", key, key);
  }
  fputs(",benefit_start,benefit_end\n", stdout);

  for (long lineno = 2; getline(&line, &cap, stdin) > 0; lineno++) {
    line[strcspn(line, "\r\n")] = 0;
    if (!line[0]) continue;
    char *rest = line, *id = next_cell(&rest);
    const char *bad = NULL, *want = NULL, *cell = NULL;
    pol_resident_clear(ev); /* every attribute at its default, no identity */
    for (int i = 0; i < ncols && !bad; i++) {
      int64_t value;
      cell = next_cell(&rest);
      if (!cell || !*cell) continue; /* the default */
      if (!cell_value(p, col[i], col_identity[i], cell, &value, &want)) bad = pol_key(p, col[i]);
      else if (pol_set(ev, col[i], value) != POL_OK) bad = pol_eval_error(ev), want = NULL;
    }
    if (!bad && pol_quote(ev, date) != POL_OK) bad = pol_eval_error(ev), want = NULL;
    if (bad) {
      if (want) fprintf(stderr, "roster: line %ld (%s): %s: expected %s, got '%s'\n", lineno, id, bad, want, cell);
      else fprintf(stderr, "roster: line %ld (%s): %s\n", lineno, id, bad);
      rc = 1;
      continue;
    }
    int payable = pol_answer_payable(ev);
    printf("%s,%s,%s,", id, payable ? "true" : "false", pol_key(p, pol_answer_category(ev)));
    put_yuan(pol_answer_individual(ev));
    if (payable) total_individual += pol_answer_individual(ev);
    for (uint32_t s = 0; s < nsources; s++) {
      int64_t f = pol_answer_funding(ev, pol_handle_at(p, POL_SOURCE, s));
      putchar(',');
      put_yuan(f);
      if (payable) total[s] += f;
    }
    for (uint32_t a = 0; a < naddons; a++) {
      pol_handle payer;
      int64_t amount = pol_answer_addon(ev, pol_handle_at(p, POL_ADDON, a), &payer);
      putchar(',');
      if (amount < 0) { /* not in this payment */
        putchar(',');
        continue;
      }
      put_yuan(amount);
      printf(",%s", pol_handle_is_null(payer) ? "individual" : pol_key(p, payer));
      if (payable) total[nsources + a] += amount;
    }
    putchar(',');
    put_date(pol_answer_start(ev));
    putchar(',');
    put_date(pol_answer_end(ev));
    putchar('\n');
  }

  fputs("total,,,", stdout);
  put_yuan(total_individual);
  for (uint32_t s = 0; s < nsources; s++) {
    putchar(',');
    put_yuan(total[s]);
  }
  for (uint32_t a = 0; a < naddons; a++) {
    putchar(',');
    put_yuan(total[nsources + a]);
    putchar(',');
  }
  fputs(",,\n", stdout);

  free(total);
  free(line);
  pol_eval_free(ev);
  pol_program_free(p);
  return rc;
}
