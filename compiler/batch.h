/*
 * batch.h — `polc batch`: quote every resident of a roster (compiler/batch.c).
 */
#ifndef POLC_BATCH_H
#define POLC_BATCH_H

#define BATCH_USAGE \
  "polc batch POLICY ROSTER (--date D | --date-column NAME) [-o OUT] [--format csv|jsonl] [--jobs N]"

#define BATCH_HELP                                                                           \
  "Quote every resident of ROSTER (CSV, or JSON Lines: one resident object per line;\n"      \
  "chosen by the extension .csv / .jsonl / .ndjson or --input-format; '-' is stdin, CSV)\n"  \
  "paying on date D, or on the date in column NAME of each row.\n"                           \
  "\n"                                                                                       \
  "CSV: the header names resident keys (polc schema POLICY); identities are a\n"             \
  "';'-separated list of identity keys; an empty cell is a key not given (its default);\n"   \
  "dates YYYY-MM-DD, booleans true/false, enums by key, money in yuan.  RFC 4180 quoting.\n"  \
  "\n"                                                                                       \
  "Writes one answer per resident, in roster order, to OUT (default stdout): CSV columns\n"  \
  "line, payable, reason, category, individual, one per funding source, worth,\n"           \
  "benefit_start, benefit_end, waiting_months, waiting_days (money in yuan, exact), or\n"    \
  "JSON Lines with the same keys and funding as an object of the non-zero sources.\n"        \
  "`line` is the roster line the resident starts on (the header is line 1).\n"               \
  "\n"                                                                                       \
  "A row that cannot be answered is rejected, never dropped: each reject is reported as\n"   \
  "ROSTER:LINE: message, then a summary (residents and amounts per category, totals\n"       \
  "per funding source and individual, rows in = answered + rejected) is printed, both to\n"  \
  "stderr or to --summary FILE.  --jobs N quotes on N threads; the output is the same.\n"    \
  "\n"                                                                                       \
  "Options: --input-format csv|jsonl (default: by extension); --summary FILE; --block-size\n" \
  "BYTES (default 262144): the roster is read in blocks of that size, and a longer record\n"  \
  "is rejected.  A progress line is shown on stderr when it is a terminal.\n"               \
  "\n"                                                                                       \
  "Exit: 0 every row answered, 1 some rows rejected (the others are answered), 2 bad\n"      \
  "usage, unreadable roster or policy, or a header naming a key the policy does not have.\n"

/* argv[0] is "batch". */
int polc_batch(int argc, char **argv);

#endif
