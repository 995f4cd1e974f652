/*
 * test_polb.c — the .polb format: exact round trips; damaged input (every truncation,
 * every flipped byte) refused by the size and checksum check; hostile input (flipped
 * counts and bytes in a file re-sealed with a valid checksum, as an attacker would)
 * failing cleanly with a message.  Run under ASan/UBSan: "cleanly" means no crash, no
 * out-of-bounds read, no leak.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"
#include "opcodes.h"
#include "pol.h"
#include "program.h"
#include "vmint.h"

#define I(op) INSN(OP_##op, 0, 0)
#define IA(op, a) INSN(OP_##op, a, 0)
#define IB(op, b) INSN(OP_##op, 0, b)
#define K(b) INSN(OP_CONST, 0, b)
#define RET INSN(OP_RET, 0, 0)

/* Record sizes on disk (docs/BYTECODE.md), to locate tables in a file. */
#define PREFIX_BYTES 12 /* magic, version, size */
#define HEADER_BYTES 55
#define TABLES_AT (PREFIX_BYTES + HEADER_BYTES)
#define CHECKSUM_BYTES 8

static int32_t D(int y, int m, int d) { return cal_from_ymd(y, m, d); }

static prg_strref intern(pol_program *p, const char *s) {
  size_t n = strlen(s) + 1;
  p->strings = realloc(p->strings, p->nstrings + n);
  assert_non_null(p->strings);
  memcpy(p->strings + p->nstrings, s, n);
  prg_strref r = p->nstrings;
  p->nstrings += (uint32_t)n;
  return r;
}

#define TABLE(p, field, count, n)                                                        \
  do {                                                                                   \
    (p)->field = calloc((n), sizeof *(p)->field);                                        \
    assert_non_null((p)->field);                                                         \
    (p)->count = (n);                                                                    \
  } while (0)

/* Every table non-empty; negative and extreme values where a field allows them. */
static pol_program *sample(void) {
  static const uint32_t code[] = {
    IB(LOAD, 4), IB(LOAD, SLOT_PAID_ON), I(AGE), RET,               /* 0 let */
    IA(IDENT, 1), IB(ORJ, 3), IB(LOAD, 4), INSN(OP_INRANGE, 4, 5), I(NOT), RET, /* 4 when */
    K(2), RET,                                                       /* 10 worth */
    K(1), K(3), IA(RATIO, 1), RET,                                   /* 12 part */
    K(0), RET,                                                       /* 16 part */
    IB(LOAD, SLOT_PAID_ON), K(6), I(ADDMONS), RET,                   /* 18 start */
    IB(LOAD, SLOT_PAID_ON), IB(INWIN, 0), I(NOT), IB(ANDJ, 2), IB(LOAD, SLOT_SUBSIDIZED),
    I(NOT), RET,                                                     /* 22 rule when */
    K(0), RET,                                                       /* 29 surcharge */
    IB(LOAD, SLOT_SUBSIDIZED), RET,                                  /* 31 paid_when */
  };
  const int64_t consts[] = {8000, 32000, 40000, 800000, INT64_MIN + 1, INT64_MAX, 3, -1};
  pol_program *p = calloc(1, sizeof *p);
  assert_non_null(p);
  intern(p, "");
  p->id = intern(p, "pingshun-2026");
  p->title = intern(p, "关于认真做好2026年度全县城乡居民基本医疗保险征缴工作的通知");
  p->issuer = intern(p, "平顺县医疗保障局");
  p->document = PRG_NONE;
  p->file = intern(p, "policies/pingshun-2026.pol");
  p->year = 2026;
  p->rounding = ROUND_UP;
  p->coll_lo = D(2025, 10, 17);
  p->coll_hi = D(2026, 2, 25);
  p->coll_dlo = 1;
  p->coll_dhi = 25;
  p->coll_label = intern(p, "集中征缴期");
  p->coll_cite = intern(p, "二、3");
  p->choose_cite = intern(p, "二、9");
  p->coll_pos = 1234;

  TABLE(p, consts, nconsts, sizeof consts / sizeof consts[0]);
  memcpy(p->consts, consts, sizeof consts);
  TABLE(p, code, ncode, sizeof code / sizeof code[0]);
  memcpy(p->code, code, sizeof code);
  p->nslots = SLOT__FIXED + 3;

  TABLE(p, attrs, nattrs, 3);
  p->attrs[0] = (prg_attr){intern(p, "points"), intern(p, "积分"), TY_INT,
                           PRESENCE_DEFAULT, 4, INT64_MIN, -1, -7, 0, 0, 0};
  p->attrs[1] = (prg_attr){intern(p, "identities"), PRG_NONE, TY_INT, PRESENCE_DEFAULT,
                           SLOT_IDENTITIES, 0, 0, 0, 0, 0, 1};
  p->attrs[2] = (prg_attr){intern(p, "tier"), intern(p, "缴费档次"), TY_ENUM, PRESENCE_DEFAULT,
                           6, 0, 1, 1, 0, 2, 0};
  TABLE(p, enum_values, nenum_values, 4);
  p->enum_values[0] = intern(p, "low");
  p->enum_values[1] = intern(p, "低档");
  p->enum_values[2] = intern(p, "high");
  p->enum_values[3] = PRG_NONE;
  TABLE(p, identities, nidentities, 2);
  p->identities[0] = (prg_name){intern(p, "subsistence_allowance"), intern(p, "低保人员")};
  p->identities[1] = (prg_name){intern(p, "orphan"), PRG_NONE};
  TABLE(p, sources, nsources, 2);
  p->sources[0] = (prg_name){intern(p, "medical_assistance"), intern(p, "医疗救助")};
  p->sources[1] = (prg_name){intern(p, "county_finance"), intern(p, "县财政")};
  TABLE(p, lets, nlets, 1);
  p->lets[0] = (prg_let){intern(p, "age_paid"), 5, {0, 4}, intern(p, "缴费时年龄")};

  TABLE(p, categories, ncategories, 2);
  p->categories[0] = (prg_category){intern(p, "subsistence_allowance"), intern(p, "低保人员"),
                                    intern(p, "二、2"), 0, {4, 10}, {10, 12}, 0, 2, PRG_NONE,
                                    12, 345};
  p->categories[1] = (prg_category){intern(p, "ordinary"), PRG_NONE, PRG_NONE, 1, {0, 0},
                                    {10, 12}, 2, 2, 1, 0xffffffffu, 0};
  TABLE(p, parts, nparts, 4);
  p->parts[0] = (prg_part){0, {12, 16}};
  p->parts[1] = (prg_part){PRG_NONE, {16, 18}};
  p->parts[2] = (prg_part){1, {16, 18}};
  p->parts[3] = (prg_part){PRG_NONE, {0, 0}};
  TABLE(p, choose, nchoose, 2);
  p->choose[0] = (prg_choose_key){KEY_HIGHEST_SOURCE, 1};
  p->choose[1] = (prg_choose_key){KEY_LAST, PRG_NONE};

  TABLE(p, windows, nwindows, 2);
  p->windows[0] = (prg_window){intern(p, "main"), intern(p, "2025年底前缴费"), intern(p, "二、3"),
                               D(2025, 10, 17), D(2025, 12, 31), 1, 25, 0, 1, 77};
  p->windows[1] = (prg_window){intern(p, "late"), PRG_NONE, PRG_NONE, D(2026, 2, 26),
                               D(2026, 12, 31), 1, 31, 1, 1, 0};
  TABLE(p, effects, neffects, 3);
  p->effects[0] = (prg_effect){EFF_START, {18, 22}, PRG_NONE, {0, 0}};
  p->effects[1] = (prg_effect){EFF_SURCHARGE, {29, 31}, PRG_NONE, {0, 0}};
  p->effects[2] = (prg_effect){EFF_NOT_PAYABLE, {0, 0}, intern(p, "逾期"), {0, 0}};
  TABLE(p, rules, nrules, 1);
  p->rules[0] = (prg_rule){intern(p, "late_surcharge"), PRG_NONE, intern(p, "温馨提示"),
                           {22, 29}, 1, 2, 4000, 0, 0, 0};

  TABLE(p, addons, naddons, 2);
  p->addons[0] = (prg_addon){intern(p, "accident"), PRG_NONE, PRG_NONE, 0, 1, 0, {31, 33}, 5, 0, {0, 0}};
  p->addons[1] = (prg_addon){intern(p, "jinkangbao"), intern(p, "晋康保"), PRG_NONE, 1, 2,
                             PRG_NONE, {0, 0}, 6, 1, {0, 0}};
  TABLE(p, tiers, ntiers, 3);
  p->tiers[0] = (prg_tier){intern(p, "basic"), PRG_NONE, 2000};
  p->tiers[1] = (prg_tier){intern(p, "basic"), intern(p, "基础版"), 8800};
  p->tiers[2] = (prg_tier){intern(p, "premium"), intern(p, "尊享版"), 12800};

  TABLE(p, examples, nexamples, 1);
  p->examples[0] = (prg_example){intern(p, "低保人员个人缴费80元"), 40, D(2025, 11, 10),
                                 0, 2, 0, 1, 0, 2};
  TABLE(p, givens, ngivens, 2);
  p->givens[0] = (prg_given){0, INT64_MIN};
  p->givens[1] = (prg_given){1, 1};
  TABLE(p, buys, nbuys, 1);
  p->buys[0] = (prg_buy){1, 8800};
  TABLE(p, expects, nexpects, 2);
  p->expects[0] = (prg_expect){EXP_CATEGORY, 0, 0};
  p->expects[1] = (prg_expect){EXP_FUNDING, 1, -32000};
  TABLE(p, unlisted, nunlisted, 1);
  p->unlisted[0] = 1;
  TABLE(p, restates, nrestates, 1);
  p->restates[0] = (prg_restate){0, D(2025, 10, 17), D(2025, 12, 25), 1, 25,
                                 intern(p, "新生儿条款所称集中缴费期"), intern(p, "一"), intern(p, "已知矛盾"), 900};
  TABLE(p, unstated, nunstated, 1); /* #19 B3: part 0 is not stated by the notice */
  p->unstated[0] = (prg_unstated){UNST_PART, 0, intern(p, "按规定予以资助"), PRG_NONE, 9};
  return p;
}

static void write_ok(const pol_program *p, unsigned char **bytes, size_t *len) {
  assert_true(polb_write(p, bytes, len));
  assert_non_null(*bytes);
}

/* polb_read must fail with exactly msg (NULL: any message starting "offset "). */
static void read_fails(const unsigned char *b, size_t len, const char *msg) {
  char err[512];
  pol_program *out = (pol_program *)&out; /* must be overwritten with NULL */
  memset(err, 'x', sizeof err);
  bool ok = polb_read(b, len, &out, err, sizeof err);
  if (ok) {
    prg_free(out);
    fail_msg("read %zu bytes: accepted; expected: %s", len, msg ? msg : "an error");
  }
  assert_null(out);
  assert_non_null(memchr(err, '\0', sizeof err));
  if (msg)
    assert_string_equal(err, msg);
  else if (strncmp(err, "offset ", 7) != 0)
    fail_msg("read %zu bytes: unexpected message: %s", len, err);
}

static void put32(unsigned char *b, uint32_t v) {
  b[0] = (unsigned char)v;
  b[1] = (unsigned char)(v >> 8);
  b[2] = (unsigned char)(v >> 16);
  b[3] = (unsigned char)(v >> 24);
}

/* ---- round trips ------------------------------------------------------------------- */

static void test_round_trip(void **state) {
  (void)state;
  pol_program *p = sample();
  char err[256];
  if (!vfy_program(p, err, sizeof err)) fail_msg("sample: %s", err);
  unsigned char *b1, *b2;
  size_t n1, n2;
  write_ok(p, &b1, &n1);
  pol_program *q = NULL;
  if (!polb_read(b1, n1, &q, err, sizeof err)) fail_msg("read: %s", err);
  write_ok(q, &b2, &n2);
  assert_int_equal(n1, n2);
  assert_memory_equal(b1, b2, n1);

  /* spot checks: extremes and signs survive */
  assert_int_equal(q->year, 2026);
  assert_int_equal(q->rounding, ROUND_UP);
  assert_int_equal(q->consts[4], INT64_MIN + 1);
  assert_int_equal(q->consts[5], INT64_MAX);
  assert_int_equal(q->consts[7], -1);
  assert_int_equal(q->attrs[0].lo, INT64_MIN);
  assert_int_equal(q->attrs[0].dflt, -7);
  assert_int_equal(q->categories[1].line, 0xffffffffu);
  assert_int_equal(q->windows[1].lo, D(2026, 2, 26));
  assert_int_equal(q->expects[1].value, -32000);
  assert_int_equal(q->addons[1].paid_by, PRG_NONE);
  assert_int_equal(q->addons[0].required, 0);
  assert_int_equal(q->addons[1].required, 1);
  assert_int_equal(q->nunstated, 1);
  assert_int_equal(q->unstated[0].what, UNST_PART);
  assert_int_equal(q->unstated[0].pos, 9);
  assert_string_equal(prg_str(q, q->unstated[0].sentence), "按规定予以资助");
  assert_string_equal(prg_str(q, q->title), prg_str(p, p->title));
  assert_memory_equal(q->strings, p->strings, p->nstrings);

  char *d1 = pol_disasm(p), *d2 = pol_disasm(q);
  assert_non_null(d1);
  assert_non_null(d2);
  assert_string_equal(d1, d2);
  free(d1);
  free(d2);
  free(b1);
  free(b2);
  prg_free(q);
  prg_free(p);
}

static void test_layout(void **state) {
  (void)state;
  /* the first bytes are fixed: magic, version, then the header fields */
  pol_program *p = sample();
  unsigned char *b;
  size_t n;
  write_ok(p, &b, &n);
  assert_memory_equal(b, "POLB", 4);
  assert_int_equal(b[4] | b[5] << 8 | b[6] << 16 | (uint32_t)b[7] << 24, PRG_VERSION);
  uint32_t id = b[12] | b[13] << 8 | (uint32_t)b[14] << 16 | (uint32_t)b[15] << 24;
  assert_int_equal(id, p->id);
  /* the size, then year 2026 little-endian at 12 + 5 * 4 */
  assert_int_equal(b[8] | b[9] << 8 | b[10] << 16 | (uint32_t)b[11] << 24, n);
  assert_memory_equal(b + 32, "\xea\x07\x00\x00", 4);
  /* strings count, then the pool */
  uint32_t ns = b[TABLES_AT] | b[TABLES_AT + 1] << 8 | (uint32_t)b[TABLES_AT + 2] << 16;
  assert_int_equal(ns, p->nstrings);
  assert_memory_equal(b + TABLES_AT + 4, p->strings, p->nstrings);
  free(b);
  prg_free(p);
}

static void test_empty_program(void **state) {
  (void)state;
  pol_program *p = calloc(1, sizeof *p);
  assert_non_null(p);
  p->id = p->title = p->issuer = p->document = p->file = PRG_NONE;
  p->coll_label = p->coll_cite = p->choose_cite = PRG_NONE;
  p->year = 2026;
  p->coll_lo = 1; /* lo 1, hi 0: no collection period */
  p->coll_dlo = 1;
  p->coll_dhi = 31;
  p->nslots = SLOT__FIXED;
  unsigned char *b1, *b2;
  size_t n1, n2;
  write_ok(p, &b1, &n1);
  assert_int_equal(n1, TABLES_AT + 28 * 4 + CHECKSUM_BYTES);
  pol_program *q = NULL;
  char err[256];
  if (!polb_read(b1, n1, &q, err, sizeof err)) fail_msg("read: %s", err);
  assert_null(q->strings);
  assert_null(q->code);
  write_ok(q, &b2, &n2);
  assert_int_equal(n1, n2);
  assert_memory_equal(b1, b2, n1);
  free(b1);
  free(b2);
  prg_free(q);
  prg_free(p);
}

static void test_prg_free_null(void **state) {
  (void)state;
  prg_free(NULL);
}

/* ---- corrupt input ----------------------------------------------------------------- */

/* A sealed copy of the first len bytes of b: the size and checksum fields rewritten to
 * match, so that the parser sees the truncated tables (malloc'd, exactly len bytes). */
static unsigned char *sealed_prefix(const unsigned char *b, size_t len) {
  unsigned char *t = malloc(len ? len : 1);
  assert_non_null(t);
  memcpy(t, b, len);
  polb_seal(t, len);
  return t;
}

static void test_every_truncation(void **state) {
  (void)state;
  pol_program *p = sample();
  unsigned char *b;
  size_t n;
  write_ok(p, &b, &n);
  for (size_t len = 0; len < n; len++) {
    /* a copy of exactly len bytes, so ASan sees any read past the end */
    unsigned char *t = malloc(len ? len : 1);
    assert_non_null(t);
    memcpy(t, b, len);
    read_fails(t, len, NULL);
    free(t);
    /* the same, sealed: past the integrity check, the parser must find the truncation */
    t = sealed_prefix(b, len);
    read_fails(t, len, NULL);
    free(t);
  }
  char msg[200];
  read_fails(b, 0, "offset 0: not a .polb file: expected the magic \"POLB\"");
  read_fails(b, 3, "offset 0: not a .polb file: expected the magic \"POLB\"");
  read_fails(b, 6, "offset 4: version: expected 4 bytes, 2 left");
  read_fails(b, 8, "offset 8: size: expected 4 bytes, 0 left");
  snprintf(msg, sizeof msg,
           "offset 8: size: the file says it has %zu bytes, but it has %zu — it is truncated or "
           "extended",
           n, n - 1);
  read_fails(b, n - 1, msg);
  snprintf(msg, sizeof msg,
           "offset 8: size: the file says it has %zu bytes, but it has 12 — it is truncated or "
           "extended",
           n);
  read_fails(b, 12, msg);

  unsigned char *t = sealed_prefix(b, 16);
  read_fails(t, 16, "offset 12: checksum: expected 8 bytes, 4 left");
  free(t);
  t = sealed_prefix(b, 20);
  read_fails(t, 20, "offset 12: header: expected 55 bytes, 0 left");
  free(t);
  t = sealed_prefix(b, TABLES_AT - 1 + CHECKSUM_BYTES);
  read_fails(t, TABLES_AT - 1 + CHECKSUM_BYTES, "offset 12: header: expected 55 bytes, 54 left");
  free(t);
  t = sealed_prefix(b, TABLES_AT + 2 + CHECKSUM_BYTES);
  read_fails(t, TABLES_AT + 2 + CHECKSUM_BYTES, "offset 67: strings: count: expected 4 bytes, 2 left");
  free(t);
  snprintf(msg, sizeof msg,
           "offset 67: strings: count %u of 1-byte records exceeds the 10 bytes left",
           p->nstrings);
  t = sealed_prefix(b, TABLES_AT + 4 + 10 + CHECKSUM_BYTES);
  read_fails(t, TABLES_AT + 4 + 10 + CHECKSUM_BYTES, msg);
  free(t);
  /* the assumptions (the prelude's, 24-byte records), then the unstated values (one
   * 17-byte record) and the periods (none) are the last tables */
  size_t tail = 4 + 24 * (size_t)p->nassumes + 4 + 17 + 4;
  /* the last byte of the restatement (before the externs', ext_args' and overrides'
   * counts and the assumptions) becomes the first byte of the checksum */
  snprintf(msg, sizeof msg,
           "offset %zu: restates: count 1 of 30-byte records exceeds the 29 bytes left",
           n - CHECKSUM_BYTES - 12 - 34 - tail);
  t = sealed_prefix(b, n - 13 - tail);
  read_fails(t, n - 13 - tail, msg);
  free(t);
  /* the last byte of overrides' count becomes the first byte of the checksum */
  snprintf(msg, sizeof msg, "offset %zu: overrides: count: expected 4 bytes, 3 left",
           n - CHECKSUM_BYTES - 4 - tail);
  t = sealed_prefix(b, n - 1 - tail);
  read_fails(t, n - 1 - tail, msg);
  free(t);
  /* the last byte of the unstated value becomes the first byte of the checksum (the
   * periods' count is gone too) */
  snprintf(msg, sizeof msg,
           "offset %zu: unstated: count 1 of 17-byte records exceeds the 16 bytes left",
           n - CHECKSUM_BYTES - 4 - 17 - 4);
  t = sealed_prefix(b, n - 5);
  read_fails(t, n - 5, msg);
  free(t);
  /* the last byte of the last table (the periods' count) becomes the first byte of the
   * checksum */
  snprintf(msg, sizeof msg, "offset %zu: periods: count: expected 4 bytes, 3 left",
           n - CHECKSUM_BYTES - 4);
  t = sealed_prefix(b, n - 1);
  read_fails(t, n - 1, msg);
  free(t);
  free(b);
  prg_free(p);
}

/* Byte offset of table `which` (0 = strings) in the file of p. */
static size_t table_offset(const pol_program *p, int which) {
  const size_t rec[] = {1, 8, 4, 47, 4, 8, 8, 20, 49, 12, 5, 34, 41, 21, 45, 16, 36, 12, 12, 13, 4, 30,
                        29, 5, 4, 24, 17, 65};
  const uint32_t count[] = {p->nstrings,  p->nconsts,   p->ncode,    p->nattrs,   p->nenum_values,
                            p->nidentities, p->nsources, p->nlets,    p->ncategories, p->nparts,
                            p->nchoose,   p->nwindows,  p->nrules,   p->neffects, p->naddons,
                            p->ntiers,    p->nexamples, p->ngivens,  p->nbuys,    p->nexpects,
                            p->nunlisted, p->nrestates, p->nexterns, p->next_args,
                            p->noverrides, p->nassumes, p->nunstated,
                            p->nperiods};
  size_t off = TABLES_AT;
  for (int i = 0; i < which; i++) off += 4 + rec[i] * count[i];
  return off;
}

static void test_table_offsets(void **state) {
  (void)state;
  /* table_offset's record sizes agree with the writer: the last table ends where the
   * checksum starts */
  pol_program *p = sample();
  unsigned char *b;
  size_t n;
  write_ok(p, &b, &n);
  assert_int_equal(table_offset(p, 27) + 4 + 65 * p->nperiods + CHECKSUM_BYTES, n);
  free(b);
  prg_free(p);
}

/* polb_read of b after polb_seal: fails with exactly msg (NULL: any "offset " message). */
static void sealed_fails(unsigned char *b, size_t n, const char *msg) {
  polb_seal(b, n);
  read_fails(b, n, msg);
}

static void test_flipped_count(void **state) {
  (void)state;
  pol_program *p = sample();
  unsigned char *b;
  size_t n;
  write_ok(p, &b, &n);
  char msg[200];
  size_t left_end = n - CHECKSUM_BYTES; /* where the tables end */

  size_t cat = table_offset(p, 8);
  put32(b + cat, 0xffffffffu);
  snprintf(msg, sizeof msg,
           "offset %zu: categories: count 4294967295 of 49-byte records exceeds the %zu bytes "
           "left",
           cat, left_end - cat - 4);
  sealed_fails(b, n, msg);

  /* one category fewer: the second one's bytes are read as the parts count and beyond */
  put32(b + cat, 1);
  sealed_fails(b, n, NULL);

  /* the first and the last table */
  put32(b + cat, p->ncategories);
  put32(b + TABLES_AT, 0xffffffffu);
  snprintf(msg, sizeof msg,
           "offset 67: strings: count 4294967295 of 1-byte records exceeds the %zu bytes left",
           left_end - TABLES_AT - 4);
  sealed_fails(b, n, msg);
  put32(b + TABLES_AT, p->nstrings);
  size_t ex = table_offset(p, 21);
  put32(b + ex, 3); /* (2 would fit: the tables after it hold 71 bytes) */
  snprintf(msg, sizeof msg,
           "offset %zu: restates: count 3 of 30-byte records exceeds the 71 bytes left", ex);
  sealed_fails(b, n, msg);
  put32(b + ex, 0);
  /* the restatement's first 24 bytes (zeroed) are read as the last six tables' counts */
  unsigned char saved[24];
  memcpy(saved, b + ex + 4, 24);
  memset(b + ex + 4, 0, 24);
  snprintf(msg, sizeof msg, "offset %zu: 47 bytes between the last table and the checksum",
           left_end - 47);
  sealed_fails(b, n, msg);
  memcpy(b + ex + 4, saved, 24);
  put32(b + ex, p->nrestates);

  /* restored and sealed: reads again */
  polb_seal(b, n);
  pol_program *q = NULL;
  char err[256];
  if (!polb_read(b, n, &q, err, sizeof err)) fail_msg("%s", err);
  prg_free(q);
  free(b);
  prg_free(p);
}

static void test_bad_magic_version_size(void **state) {
  (void)state;
  pol_program *p = sample();
  unsigned char *b;
  size_t n;
  write_ok(p, &b, &n);
  b[0] = 'X';
  read_fails(b, n, "offset 0: not a .polb file: expected the magic \"POLB\"");
  b[0] = 'P';
  b[4] = PRG_VERSION + 1;
  char vmsg[80];
  snprintf(vmsg, sizeof vmsg, "offset 4: version %d is not supported (expected %d)",
           PRG_VERSION + 1, PRG_VERSION);
  read_fails(b, n, vmsg);
  b[4] = PRG_VERSION;
  unsigned char *longer = malloc(n + 1);
  assert_non_null(longer);
  memcpy(longer, b, n);
  longer[n] = 0;
  char msg[160];
  snprintf(msg, sizeof msg,
           "offset 8: size: the file says it has %zu bytes, but it has %zu — it is truncated or "
           "extended",
           n, n + 1);
  read_fails(longer, n + 1, msg);
  /* sealed: the old checksum's last byte and the new one are now before the checksum */
  snprintf(msg, sizeof msg, "offset %zu: 1 byte between the last table and the checksum",
           n - CHECKSUM_BYTES);
  sealed_fails(longer, n + 1, msg);
  free(longer);
  free(b);
  prg_free(p);
}

static void test_checksum(void **state) {
  (void)state;
  pol_program *p = sample();
  unsigned char *b;
  size_t n;
  write_ok(p, &b, &n);
  /* the stored checksum is XXH3-64 of every byte before it, little-endian */
  uint64_t stored = 0;
  for (int i = 7; i >= 0; i--) stored = stored << 8 | b[n - CHECKSUM_BYTES + (size_t)i];
  char msg[200];
  /* a byte inside a label: the program would verify, the checksum refuses it */
  size_t title = TABLES_AT + 4 + p->title;
  b[title] ^= 0x01;
  unsigned char *c = malloc(n);
  assert_non_null(c);
  memcpy(c, b, n);
  polb_seal(c, n);
  uint64_t computed = 0;
  for (int i = 7; i >= 0; i--) computed = computed << 8 | c[n - CHECKSUM_BYTES + (size_t)i];
  assert_true(computed != stored);
  snprintf(msg, sizeof msg,
           "offset %zu: checksum mismatch: stored 0x%016llx, computed 0x%016llx — the file is "
           "damaged",
           n - CHECKSUM_BYTES, (unsigned long long)stored, (unsigned long long)computed);
  read_fails(b, n, msg);
  /* re-sealed, the changed title loads: the checksum guards against damage, not forgery */
  pol_program *q = NULL;
  char err[256];
  if (!polb_read(c, n, &q, err, sizeof err)) fail_msg("%s", err);
  assert_true(strcmp(prg_str(q, q->title), prg_str(p, p->title)) != 0);
  prg_free(q);
  /* the checksum field itself */
  b[title] ^= 0x01;
  b[n - 1] ^= 0x80;
  snprintf(msg, sizeof msg,
           "offset %zu: checksum mismatch: stored 0x%016llx, computed 0x%016llx — the file is "
           "damaged",
           n - CHECKSUM_BYTES, (unsigned long long)(stored ^ 0x8000000000000000ull),
           (unsigned long long)stored);
  read_fails(b, n, msg);
  free(c);
  free(b);
  prg_free(p);
}

static void test_verifier_runs(void **state) {
  (void)state;
  /* well-formed file, malformed program: polb_read reports the verifier's message */
  pol_program *p = sample();
  unsigned char *b;
  size_t n;
  write_ok(p, &b, &n);
  size_t code = table_offset(p, 2) + 4;
  b[code + 4 * 1] = 200; /* opcode of pc 1 */
  sealed_fails(b, n, "section 0 (let age_paid: value), pc 1: unknown opcode 200 (there are 37)");
  b[code + 4 * 1] = OP_LOAD;
  size_t cat = table_offset(p, 8) + 4;
  /* categories[0].part_count: key, label, cite (12), otherwise (1), when, worth (16),
   * part_first (4) */
  put32(b + cat + 33, 9);
  sealed_fails(b, n, "categories[0] (subsistence_allowance): parts 0+9 outside the 4 parts");
  free(b);
  prg_free(p);
}

/* Hostile files: valid checksum, values outside their domain (issue #16: `polc check`
 * trusted the header year and period bounds of a .polb). */
static void test_hostile_values(void **state) {
  (void)state;
  pol_program *p = sample();
  unsigned char *b;
  size_t n;
  write_ok(p, &b, &n);
  /* the year at 12 + 5 * 4 */
  put32(b + 32, 0x7fffffffu);
  sealed_fails(b, n, "header: benefit year 2147483647 out of range (1900..9998)");
  put32(b + 32, (uint32_t)-2026);
  sealed_fails(b, n, "header: benefit year -2026 out of range (1900..9998)");
  put32(b + 32, 9999);
  sealed_fails(b, n, "header: benefit year 9999 out of range (1900..9998)");
  put32(b + 32, 2026);
  /* the collection period: coll_lo at 12 + 25 */
  put32(b + 37, (uint32_t)INT32_MIN);
  sealed_fails(b, n, "header: collection: period day -2147483648 .. 2026-02-25 reaches outside "
                     "2016-01-01 .. 2036-12-31, within 10 years of the benefit year 2026");
  put32(b + 37, (uint32_t)D(2025, 10, 17));
  /* windows[1].hi at 16 within the record: 0001-01-01 .. 9999-12-31 */
  size_t w1 = table_offset(p, 11) + 4 + 34;
  put32(b + w1 + 12, (uint32_t)D(1, 1, 1));
  put32(b + w1 + 16, (uint32_t)D(9999, 12, 31));
  sealed_fails(b, n, "windows[1] (late): period 0001-01-01 .. 9999-12-31 reaches outside "
                     "2016-01-01 .. 2036-12-31, within 10 years of the benefit year 2026");
  put32(b + w1 + 16, (uint32_t)INT32_MAX);
  sealed_fails(b, n, "windows[1] (late): period 0001-01-01 .. day 2147483647 reaches outside "
                     "2016-01-01 .. 2036-12-31, within 10 years of the benefit year 2026");
  put32(b + w1 + 12, (uint32_t)D(2026, 2, 26));
  put32(b + w1 + 16, (uint32_t)D(2026, 12, 31));
  /* restates[0].hi */
  size_t r0 = table_offset(p, 21) + 4;
  put32(b + r0 + 8, (uint32_t)D(2040, 1, 1));
  sealed_fails(b, n, "restates[0]: period 2025-10-17 .. 2040-01-01 reaches outside "
                     "2016-01-01 .. 2036-12-31, within 10 years of the benefit year 2026");
  put32(b + r0 + 8, (uint32_t)D(2025, 12, 25));
  /* examples[0].paid_on at 8 */
  size_t e0 = table_offset(p, 16) + 4;
  put32(b + e0 + 8, (uint32_t)INT32_MAX);
  sealed_fails(b, n, "examples[0] (低保人员个人缴费80元): payment date 2147483647 is not a date");
  put32(b + e0 + 8, (uint32_t)D(2025, 11, 10));
  /* tiers[2].amount at 8 */
  size_t t2 = table_offset(p, 15) + 4 + 2 * 16;
  put32(b + t2 + 8, 0xffffffffu);
  put32(b + t2 + 12, 0xffffffffu);
  sealed_fails(b, n, "tiers[2] (premium): amount -1 fen is negative");
  put32(b + t2 + 8, 12800);
  put32(b + t2 + 12, 0);
  /* attrs[2] (the enum): hi at 22 */
  size_t a2 = table_offset(p, 3) + 4 + 2 * 47;
  put32(b + a2 + 22, 0xffffffffu);
  put32(b + a2 + 26, 0x7fffffffu);
  sealed_fails(b, n, "attrs[2] (tier): range 0..9223372036854775807 of an enum of 2 values is "
                     "not 0..1");
  put32(b + a2 + 22, 1);
  put32(b + a2 + 26, 0);

  /* restored and sealed: reads again */
  polb_seal(b, n);
  pol_program *q = NULL;
  char err[256];
  if (!polb_read(b, n, &q, err, sizeof err)) fail_msg("%s", err);
  prg_free(q);
  free(b);
  prg_free(p);
}

static void test_every_byte_flipped(void **state) {
  (void)state;
  /* Damage: every flipped byte is refused.  Forgery: with the checksum made valid again,
   * no flipped byte may crash, read out of bounds or leak in pol_load (parser, verifier,
   * plan) or in a quote on what it loads, and a file that still loads must write back to
   * the same bytes. */
  pol_program *p = sample();
  unsigned char *b;
  size_t n;
  write_ok(p, &b, &n);
  unsigned char *orig = malloc(n);
  assert_non_null(orig);
  memcpy(orig, b, n);
  static const unsigned char masks[] = {0xff, 0x01, 0x80, 0x10};
  unsigned accepted = 0, rejected = 0;
  for (size_t i = 0; i < n; i++) {
    for (size_t m = 0; m < sizeof masks; m++) {
      b[i] ^= masks[m];
      read_fails(b, n, NULL);
      polb_seal(b, n);
      pol_program *q = NULL;
      pol_diags *d = NULL;
      if (pol_load("hostile.polb", b, n, &q, &d) == POL_OK) {
        unsigned char *again;
        size_t len;
        write_ok(q, &again, &len);
        assert_int_equal(len, n);
        assert_memory_equal(again, b, n);
        free(again);
        /* what the program answers is not known; that it answers safely is */
        pol_eval *ev = pol_eval_new(q);
        assert_non_null(ev);
        if (pol_resident_json(ev, "{}", D(2025, 11, 10)) == POL_OK &&
            pol_quote(ev, D(2025, 11, 10)) == POL_OK)
          free(pol_answer_json(ev, POL_ANSWER_QUOTE));
        pol_eval_free(ev);
        pol_program_free(q);
        accepted++;
      } else {
        assert_null(q);
        assert_int_equal(pol_diags_count(d, 1), 1);
        rejected++;
      }
      pol_diags_free(d);
      memcpy(b, orig, n);
    }
  }
  assert_true(rejected > 0);
  assert_true(accepted > 0); /* e.g. a flipped byte inside a label */
  free(orig);
  free(b);
  prg_free(p);
}

static void test_small_err_buffer(void **state) {
  (void)state;
  unsigned char b[3] = {'P', 'O', 'L'};
  pol_program *q = NULL;
  char err[7];
  assert_false(polb_read(b, sizeof b, &q, err, sizeof err));
  assert_string_equal(err, "offset");
  assert_false(polb_read(b, sizeof b, &q, NULL, 0));
  assert_null(q);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_round_trip),
    cmocka_unit_test(test_layout),
    cmocka_unit_test(test_empty_program),
    cmocka_unit_test(test_prg_free_null),
    cmocka_unit_test(test_every_truncation),
    cmocka_unit_test(test_table_offsets),
    cmocka_unit_test(test_flipped_count),
    cmocka_unit_test(test_bad_magic_version_size),
    cmocka_unit_test(test_checksum),
    cmocka_unit_test(test_verifier_runs),
    cmocka_unit_test(test_hostile_values),
    cmocka_unit_test(test_every_byte_flipped),
    cmocka_unit_test(test_small_err_buffer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
