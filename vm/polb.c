/*
 * polb.c — the .polb file: a compiled program, serialized field by field.
 *
 *   "POLB"    u32 version (PRG_VERSION)  u32 size (of the whole file, in bytes)
 *   header    PRG_HEADER_FIELDS in order
 *   tables    PRG_TABLES in order, each: u32 count, then count fixed-width records
 *   checksum  u64 XXH3-64 (seed 0) of every byte before it
 *
 * Integers are little-endian; u8/ch 1 byte, u32/str/i32 4, i64 8, sec 8 (start, end).
 * Both directions are expanded from the layout lists of vmint.h, so the writer, the
 * reader and the record sizes cannot drift apart.
 *
 * The reader checks the magic, the version, the size against the length it was given
 * and the checksum before it reads any other field: a damaged file is refused as damaged,
 * whichever byte changed.  It still never trusts a count (a hostile file can carry a
 * valid checksum): it checks count * record size against the bytes left before
 * allocating, so no file can cause a large allocation or an out-of-bounds read; then it
 * verifies the program (vfy_program) before handing it out.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "vmint.h"

#define SZ_u8 1
#define SZ_ch 1
#define SZ_u32 4
#define SZ_str 4
#define SZ_i32 4
#define SZ_i64 8
#define SZ_sec 8
#define REC_SIZE(type, member) +SZ_##type

enum {
  PREFIX_SIZE = 12, /* magic, version, size */
  CHECKSUM_SIZE = 8,
  HEADER_SIZE = 0 PRG_HEADER_FIELDS(REC_SIZE)
};

static uint64_t checksum(const unsigned char *bytes, size_t n) { return XXH3_64bits(bytes, n); }

/* ---- writing ----------------------------------------------------------------------- */

static unsigned char *put_u8(unsigned char *o, uint8_t v) {
  *o = v;
  return o + 1;
}
static unsigned char *put_ch(unsigned char *o, char v) { return put_u8(o, (uint8_t)v); }
static unsigned char *put_u32(unsigned char *o, uint32_t v) {
  o[0] = (unsigned char)v;
  o[1] = (unsigned char)(v >> 8);
  o[2] = (unsigned char)(v >> 16);
  o[3] = (unsigned char)(v >> 24);
  return o + 4;
}
static unsigned char *put_str(unsigned char *o, prg_strref v) { return put_u32(o, v); }
static unsigned char *put_i32(unsigned char *o, int32_t v) { return put_u32(o, (uint32_t)v); }
static unsigned char *put_i64(unsigned char *o, int64_t v) {
  uint64_t u = (uint64_t)v;
  return put_u32(put_u32(o, (uint32_t)u), (uint32_t)(u >> 32));
}
static unsigned char *put_sec(unsigned char *o, prg_section s) {
  return put_u32(put_u32(o, s.start), s.end);
}
static unsigned char *put_u64(unsigned char *o, uint64_t v) {
  return put_u32(put_u32(o, (uint32_t)v), (uint32_t)(v >> 32));
}

bool polb_write(const pol_program *p, unsigned char **bytes, size_t *len) {
  *bytes = NULL;
  *len = 0;
  uint64_t n = PREFIX_SIZE + HEADER_SIZE + CHECKSUM_SIZE;
#define SIZE_TABLE(table, count, type, fields) n += 4 + (uint64_t)p->count * (0 fields(REC_SIZE));
  PRG_TABLES(SIZE_TABLE)
#undef SIZE_TABLE
  if (n > UINT32_MAX || n > SIZE_MAX) return false;
  unsigned char *buf = malloc((size_t)n), *o = buf;
  if (buf == NULL) return false;

  memcpy(o, PRG_MAGIC, 4);
  o = put_u32(o + 4, PRG_VERSION);
  o = put_u32(o, (uint32_t)n);
#define PUT(type, member) o = put_##type(o, (*r) member);
  {
    const pol_program *r = p;
    PRG_HEADER_FIELDS(PUT)
  }
#define PUT_TABLE(table, count, type, fields)                                            \
  o = put_u32(o, p->count);                                                              \
  for (uint32_t i = 0; i < p->count; i++) {                                              \
    const type *r = &p->table[i];                                                        \
    fields(PUT)                                                                          \
  }
  PRG_TABLES(PUT_TABLE)
#undef PUT_TABLE
#undef PUT
  o = put_u64(o, checksum(buf, (size_t)n - CHECKSUM_SIZE));
  assert((uint64_t)(o - buf) == n);
  *bytes = buf;
  *len = (size_t)n;
  return true;
}

/* ---- reading ----------------------------------------------------------------------- */

/* Unchecked: the caller has checked that the bytes are there. */
static uint8_t get_u8(const unsigned char **q) { return *(*q)++; }
static char get_ch(const unsigned char **q) {
  unsigned char c = get_u8(q);
  char ch;
  memcpy(&ch, &c, 1);
  return ch;
}
static uint32_t get_u32(const unsigned char **q) {
  const unsigned char *b = *q;
  *q += 4;
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static prg_strref get_str(const unsigned char **q) { return get_u32(q); }
static int32_t get_i32(const unsigned char **q) {
  uint32_t u = get_u32(q);
  return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}
static int64_t get_i64(const unsigned char **q) {
  uint64_t lo = get_u32(q), hi = get_u32(q), u = lo | hi << 32;
  return u <= INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}
static uint64_t get_u64(const unsigned char **q) {
  uint64_t lo = get_u32(q), hi = get_u32(q);
  return lo | hi << 32;
}
static prg_section get_sec(const unsigned char **q) {
  prg_section s;
  s.start = get_u32(q);
  s.end = get_u32(q);
  return s;
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static bool rd_fail(char *err, size_t errsz, size_t off, const char *fmt, ...) {
  if (errsz == 0) return false;
  int n = snprintf(err, errsz, "offset %zu: ", off);
  if (n >= 0 && (size_t)n < errsz) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
    va_end(ap);
  }
  return false;
}

bool polb_read(const unsigned char *bytes, size_t len, pol_program **out, char *err,
               size_t errsz) {
  *out = NULL;
  if (errsz > 0) err[0] = '\0';
  if (len < 4 || memcmp(bytes, PRG_MAGIC, 4) != 0)
    return rd_fail(err, errsz, 0, "not a .polb file: expected the magic \"%s\"", PRG_MAGIC);
  const unsigned char *q = bytes + 4, *end = bytes + len;
#define LEFT() ((size_t)(end - q))
#define OFF() ((size_t)(q - bytes))
  if (LEFT() < 4)
    return rd_fail(err, errsz, OFF(), "version: expected 4 bytes, %zu left", LEFT());
  uint32_t version = get_u32(&q);
  if (version != PRG_VERSION)
    return rd_fail(err, errsz, 4, "version %u is not supported (expected %d)",
                   (unsigned)version, PRG_VERSION);
  if (LEFT() < 4)
    return rd_fail(err, errsz, OFF(), "size: expected 4 bytes, %zu left", LEFT());
  uint32_t size = get_u32(&q);
  if (size != len)
    return rd_fail(err, errsz, 8, "size: the file says it has %u bytes, but it has %zu — it is "
                   "truncated or extended", (unsigned)size, len);
  if (LEFT() < CHECKSUM_SIZE)
    return rd_fail(err, errsz, OFF(), "checksum: expected %d bytes, %zu left", CHECKSUM_SIZE,
                   LEFT());
  /* From here on the checksum is not part of what is read. */
  end -= CHECKSUM_SIZE;
  {
    const unsigned char *c = end;
    uint64_t stored = get_u64(&c), computed = checksum(bytes, len - CHECKSUM_SIZE);
    if (stored != computed)
      return rd_fail(err, errsz, len - CHECKSUM_SIZE,
                     "checksum mismatch: stored 0x%016llx, computed 0x%016llx — the file is "
                     "damaged",
                     (unsigned long long)stored, (unsigned long long)computed);
  }
  if (LEFT() < HEADER_SIZE)
    return rd_fail(err, errsz, OFF(), "header: expected %d bytes, %zu left", HEADER_SIZE,
                   LEFT());

  pol_program *p = calloc(1, sizeof *p);
  if (p == NULL) return rd_fail(err, errsz, OFF(), "out of memory");
#define GET(type, member) (*r) member = get_##type(&q);
  {
    pol_program *r = p;
    PRG_HEADER_FIELDS(GET)
  }
#define GET_TABLE(table, count, type, fields)                                            \
  {                                                                                      \
    const size_t rec = 0 fields(REC_SIZE);                                               \
    if (LEFT() < 4) {                                                                    \
      rd_fail(err, errsz, OFF(), "%s: count: expected 4 bytes, %zu left", #table,        \
              LEFT());                                                                   \
      goto fail;                                                                         \
    }                                                                                    \
    uint32_t n = get_u32(&q);                                                            \
    if ((uint64_t)n * rec > LEFT()) {                                                    \
      rd_fail(err, errsz, OFF() - 4,                                                     \
              "%s: count %u of %zu-byte records exceeds the %zu bytes left", #table,     \
              (unsigned)n, rec, LEFT());                                                 \
      goto fail;                                                                         \
    }                                                                                    \
    if (n > 0) {                                                                         \
      p->table = calloc(n, sizeof *p->table);                                            \
      if (p->table == NULL) {                                                            \
        rd_fail(err, errsz, OFF(), "%s: out of memory for %u records", #table,           \
                (unsigned)n);                                                            \
        goto fail;                                                                       \
      }                                                                                  \
      p->count = n;                                                                      \
    }                                                                                    \
    for (uint32_t i = 0; i < n; i++) {                                                   \
      type *r = &p->table[i];                                                            \
      fields(GET)                                                                        \
    }                                                                                    \
  }
  PRG_TABLES(GET_TABLE)
#undef GET_TABLE
#undef GET
  if (q != end) {
    rd_fail(err, errsz, OFF(), "%zu byte%s between the last table and the checksum", LEFT(),
            LEFT() == 1 ? "" : "s");
    goto fail;
  }
#undef LEFT
#undef OFF
  if (!vfy_program(p, err, errsz)) goto fail;
  *out = p;
  return true;

fail:
  prg_free(p);
  return false;
}

void polb_seal(unsigned char *bytes, size_t len) {
  if (len < PREFIX_SIZE || len > UINT32_MAX) return;
  put_u32(bytes + 8, (uint32_t)len);
  if (len >= PREFIX_SIZE + CHECKSUM_SIZE)
    put_u64(bytes + len - CHECKSUM_SIZE, checksum(bytes, len - CHECKSUM_SIZE));
}

void prg_free(pol_program *p) {
  if (p == NULL) return;
#define FREE_TABLE(table, count, type, fields) free(p->table);
  PRG_TABLES(FREE_TABLE)
#undef FREE_TABLE
  free(p);
}
