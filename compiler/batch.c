/*
 * batch.c — `polc batch POLICY ROSTER`: quote every resident of a roster through the
 * typed API of pol.h (nothing else of libpol is used).
 *
 * Shape:
 *   - The header is read once and every column resolved to a pol_handle (or to the
 *     payment-date column); enum values and identity keys go into small hash maps.
 *   - The roster is read in blocks of whole records (CSV: RFC 4180, quoted fields may hold
 *     newlines; JSON Lines: one object per line).  The reader finds the last record end of
 *     each block (a quote-aware scan only when the block holds a '"'), counts its lines
 *     and carries the partial record over to the next block.
 *   - A worker parses a block in place (fields are cut and unquoted inside the block's
 *     buffer), converts each cell straight to pol_set values, quotes, and formats the
 *     answer rows and the rejects into the block's own buffers, and sums per category.
 *   - Blocks are written, their rejects reported and their sums merged strictly in input
 *     order, so --jobs N gives byte-identical output for every N.
 *
 * Memory is a fixed ring of 2*jobs blocks (one for --jobs 1) whose buffers grow only
 * when a longer row than any before appears: constant in the roster's size, and the hot
 * path allocates nothing.  A record longer than a block is rejected and skipped.
 *
 * Money is int64 fen from the API to the text; no binary float anywhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "pol.h"

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

enum { EXIT_OK = 0, EXIT_REJECTS = 1, EXIT_BAD = 2 };

#define DEFAULT_BLOCK (256u * 1024u)
#define MIN_BLOCK 64u
#define MAX_JOBS 256
#define CELL_SHOWN 80 /* longest cell quoted in a message before it is cut with "..." */
#define MSG_MAX 1024
#define DAY_CACHE 512 /* a power of two */
#define REASON_CACHE 512
#define SLACK 16 /* bytes after a block: the newline sentinel */

/* ---- growable byte buffers (grown between rows, reused across blocks) --------------- */

typedef struct {
  char *s;
  size_t len, cap;
  int failed; /* out of memory: the batch stops with exit 2 */
} buf;

static int buf_reserve(buf *b, size_t more) {
  if (b->len + more <= b->cap)
    return 1;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + more)
    cap *= 2;
  char *s = realloc(b->s, cap);
  if (s == NULL) {
    b->failed = 1;
    return 0;
  }
  b->s = s;
  b->cap = cap;
  return 1;
}

static void buf_add(buf *b, const char *s, size_t n) {
  if (n && buf_reserve(b, n)) {
    memcpy(b->s + b->len, s, n);
    b->len += n;
  }
}

static void buf_printf(buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void buf_printf(buf *b, const char *fmt, ...) {
  char tmp[MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0)
    buf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ---- numbers, money and dates as text ------------------------------------------------ */

static const char digits2[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                 "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                 "8081828384858687888990919293949596979899";

static size_t put_u64(char *o, uint64_t v) {
  if (v < 10) {
    o[0] = (char)('0' + v);
    return 1;
  }
  char t[20];
  size_t n = 20;
  while (v >= 100) {
    unsigned r = (unsigned)(v % 100);
    v /= 100;
    n -= 2;
    memcpy(t + n, digits2 + 2 * r, 2);
  }
  if (v >= 10) {
    n -= 2;
    memcpy(t + n, digits2 + 2 * v, 2);
  } else {
    t[--n] = (char)('0' + v);
  }
  memcpy(o, t + n, 20 - n);
  return 20 - n;
}

static size_t put_i64(char *o, int64_t v) {
  if (v >= 0)
    return put_u64(o, (uint64_t)v);
  o[0] = '-';
  return 1 + put_u64(o + 1, (uint64_t)0 - (uint64_t)v);
}

/* Yuan as the shortest exact decimal: 80, 80.5, 0.05, -1.2 (as `polc quote` prints). */
static size_t put_money(char *o, int64_t fen) {
  if (fen == 0) {
    o[0] = '0';
    return 1;
  }
  uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
  size_t n = 0;
  if (fen < 0)
    o[n++] = '-';
  n += put_u64(o + n, mag / 100);
  unsigned f = (unsigned)(mag % 100);
  if (f) {
    o[n++] = '.';
    o[n++] = (char)('0' + f / 10);
    if (f % 10)
      o[n++] = (char)('0' + f % 10);
  }
  return n;
}
#define MONEY_TEXT 24

/* A day number as YYYY-MM-DD; `epoch` is the day number of 1970-01-01 (from
 * pol_date_parse, so the API's numbering is never assumed).  Days from civil, H. Hinnant. */
static void format_day(int32_t day, int32_t epoch, char o[10]) {
  int64_t z = (int64_t)day - epoch + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  int64_t y = yoe + era * 400 + (m <= 2);
  if (y < 0 || y > 9999)
    y = 0; /* never for a day the API answers (years 1..9999) */
  o[0] = (char)('0' + y / 1000);
  o[1] = (char)('0' + y / 100 % 10);
  o[2] = (char)('0' + y / 10 % 10);
  o[3] = (char)('0' + y % 10);
  o[4] = '-';
  o[5] = (char)('0' + m / 10);
  o[6] = (char)('0' + m % 10);
  o[7] = '-';
  o[8] = (char)('0' + d / 10);
  o[9] = (char)('0' + d % 10);
}

/* "YYYY-MM-DD" (years 1..9999) to days since 1970-01-01; 0 if it is not such a date. */
static int civil_day(const char *s, size_t n, int64_t *days) {
  static const unsigned char dm[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (n != 10 || s[4] != '-' || s[7] != '-')
    return 0;
  uint32_t d0 = (uint32_t)((unsigned char)s[0] - '0'), d1 = (uint32_t)((unsigned char)s[1] - '0'),
           d2 = (uint32_t)((unsigned char)s[2] - '0'), d3 = (uint32_t)((unsigned char)s[3] - '0'),
           m0 = (uint32_t)((unsigned char)s[5] - '0'), m1 = (uint32_t)((unsigned char)s[6] - '0'),
           a0 = (uint32_t)((unsigned char)s[8] - '0'), a1 = (uint32_t)((unsigned char)s[9] - '0');
  if ((d0 > 9) | (d1 > 9) | (d2 > 9) | (d3 > 9) | (m0 > 9) | (m1 > 9) | (a0 > 9) | (a1 > 9))
    return 0;
  uint32_t y = d0 * 1000 + d1 * 100 + d2 * 10 + d3, m = m0 * 10 + m1, d = a0 * 10 + a1;
  if (y < 1 || m < 1 || m > 12 || d < 1)
    return 0;
  int leap = (y & 3) == 0 && (y % 100 != 0 || y % 400 == 0);
  if (d > dm[m] + (uint32_t)(m == 2 && leap))
    return 0;
  static const uint16_t before[13] = {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  uint32_t yy = y - 1; /* whole years before this one, from 0001-01-01 (day -719162) */
  *days = (int64_t)(365 * yy + yy / 4 - yy / 100 + yy / 400 + before[m] +
                    (uint32_t)(m > 2 && leap) + d - 1) - 719162;
  return 1;
}

static int date_shaped(const char *s, size_t n) {
  if (n != 10 || s[4] != '-' || s[7] != '-')
    return 0;
  for (size_t i = 0; i < n; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return 0;
  return 1;
}

/* Yuan text (DIGITS[.D[D]]) to fen; 0 if malformed or out of range. */
static int parse_money(const char *s, size_t n, int64_t *fen) {
  size_t i = 0;
  uint64_t w = 0;
  size_t d0 = i;
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
    if (w > (UINT64_C(1) << 62) / 10)
      return 0;
    w = w * 10 + (uint64_t)(s[i] - '0');
  }
  if (i == d0)
    return 0;
  uint64_t f = 0;
  if (i < n && s[i] == '.') {
    i++;
    size_t f0 = i;
    for (; i < n && i - f0 < 2 && s[i] >= '0' && s[i] <= '9'; i++)
      f = f * 10 + (uint64_t)(s[i] - '0');
    if (i == f0)
      return 0;
    if (i - f0 == 1)
      f *= 10;
  }
  if (i != n || w > (uint64_t)(INT64_MAX / 100) - 1)
    return 0;
  *fen = (int64_t)(w * 100 + f);
  return 1;
}

/* A decimal integer (optional '-'); 0 if malformed or beyond int64. */
static int parse_int(const char *s, size_t n, int64_t *out) {
  size_t i = 0;
  int neg = 0;
  if (n && s[0] == '-') {
    neg = 1;
    i = 1;
  }
  if (i == n)
    return 0;
  uint64_t v = 0;
  for (; i < n; i++) {
    if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - 9) / 10)
      return 0;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
    return 0;
  *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
  return 1;
}

/* ---- small string -> value maps (enum values, identity keys, JSON keys) -------------- */

typedef struct {
  const char *key; /* NULL: empty slot */
  size_t len;
  uint64_t val;
} km_entry;

typedef struct {
  km_entry *e;
  uint32_t mask;
} keymap;

static uint32_t hash_bytes(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static int km_init(keymap *m, uint32_t n) {
  uint32_t cap = 8;
  while (cap < 2 * n + 2)
    cap *= 2;
  m->e = calloc(cap, sizeof *m->e);
  m->mask = cap - 1;
  return m->e != NULL;
}

/* 0 if already there. */
static int km_put(keymap *m, const char *key, uint64_t val) {
  size_t n = strlen(key);
  for (uint32_t i = hash_bytes(key, n) & m->mask;; i = (i + 1) & m->mask) {
    if (m->e[i].key == NULL) {
      m->e[i] = (km_entry){key, n, val};
      return 1;
    }
    if (m->e[i].len == n && memcmp(m->e[i].key, key, n) == 0)
      return 0;
  }
}

static const km_entry *km_get(const keymap *m, const char *s, size_t n) {
  for (uint32_t i = hash_bytes(s, n) & m->mask;; i = (i + 1) & m->mask) {
    const km_entry *e = &m->e[i];
    if (e->key == NULL)
      return NULL;
    if (e->len == n && memcmp(e->key, s, n) == 0)
      return e;
  }
}

/* ---- configuration: the program, the columns, the output ----------------------------- */

typedef enum { K_BOOL, K_INT, K_DATE, K_MONEY, K_ENUM, K_IDENT, K_PAYDATE, K_UNKNOWN } col_kind;

typedef struct {
  col_kind kind;
  pol_handle h;
  char *name;   /* as in the header (owned) */
  keymap map;   /* K_ENUM: value key -> index */
  char *expect; /* K_ENUM: "one of a, b, c" (owned) */
} column;

typedef struct {
  const pol_program *p;
  const char *roster;    /* name in messages */
  int in_jsonl, out_jsonl;
  int32_t date;          /* --date; unused with a date column */
  const char *date_col;  /* --date-column */
  int32_t epoch;         /* day number of 1970-01-01 */
  int own_dates;         /* civil_day agrees with pol_date_parse on the probe dates */

  column *cols;          /* CSV: header order.  JSONL: every attribute + the date column */
  uint32_t ncols;
  keymap by_name;        /* JSONL: key -> column index */
  int has_ident;         /* the policy has an identities attribute */

  keymap idents;         /* identity key -> handle bits */
  char *ident_list;      /* "a, b, c" for messages (owned) */

  pol_handle *src;       /* funding sources, policy order */
  const char **src_key;
  uint32_t nsrc;
  pol_handle *cat;       /* categories, policy order */
  uint32_t ncat;
  uint64_t *cat_bits;    /* handle bits -> index: open addressing over cat_slots */
  uint32_t *cat_slot;
  uint32_t cat_mask;
  char **cat_csv, **cat_json; /* ncat + 1: each key as a CSV field / JSON value */
  size_t *cat_csv_n, *cat_json_n;
  size_t row_bound;      /* bytes of an answer row besides its reason */
  int unstated;          /* the policy declares unstated values: cells may be null */
  size_t block_size;     /* --block-size: the longest record */
} cfg;

/* A date cell (NUL-terminated at n) as the API's day number; 0 if it is not a date. */
static int parse_day(const cfg *c, const char *s, size_t n, int32_t *day) {
  int64_t d;
  if (!c->own_dates)
    return strlen(s) == n && pol_date_parse(s, day) == POL_OK;
  if (!civil_day(s, n, &d))
    return 0;
  *day = (int32_t)(d + c->epoch);
  return 1;
}

static uint32_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= UINT64_C(0xff51afd7ed558ccd);
  x ^= x >> 33;
  return (uint32_t)x;
}

/* Index of a category handle; c->ncat for none. */
static uint32_t cat_index(const cfg *c, pol_handle h) {
  if (pol_handle_is_null(h))
    return c->ncat;
  for (uint32_t i = mix64(h.bits) & c->cat_mask;; i = (i + 1) & c->cat_mask) {
    if (c->cat_slot[i] == UINT32_MAX)
      return c->ncat;
    if (c->cat_bits[i] == h.bits)
      return c->cat_slot[i];
  }
}

/* ---- per-block sums ----------------------------------------------------------------- */

/* Per category (and one more for "no category"): residents, payable, individual, worth,
 * then one per funding source. */
enum { ST_N, ST_PAYABLE, ST_INDIVIDUAL, ST_WORTH, ST_SOURCES };

typedef struct {
  uint64_t rows, answered, rejected, blank;
  int64_t *cat; /* (ncat + 1) * width */
  size_t width;
  int overflow;
} stats;

static void add_checked(int64_t *a, int64_t v, int *overflow) {
  if ((v > 0 && *a > INT64_MAX - v) || (v < 0 && *a < INT64_MIN - v))
    *overflow = 1;
  else
    *a += v;
}

static int stats_init(stats *s, const cfg *c) {
  memset(s, 0, sizeof *s);
  s->width = ST_SOURCES + c->nsrc;
  s->cat = calloc((c->ncat + 1) * s->width, sizeof *s->cat);
  return s->cat != NULL;
}

static void stats_reset(stats *s, const cfg *c) {
  s->rows = s->answered = s->rejected = s->blank = 0;
  s->overflow = 0;
  memset(s->cat, 0, (c->ncat + 1) * s->width * sizeof *s->cat);
}

static void stats_merge(stats *into, const stats *s, const cfg *c) {
  into->rows += s->rows;
  into->answered += s->answered;
  into->rejected += s->rejected;
  into->blank += s->blank;
  into->overflow |= s->overflow;
  for (size_t i = 0; i < (c->ncat + 1) * s->width; i++)
    add_checked(&into->cat[i], s->cat[i], &into->overflow);
}

/* ---- blocks and workers ------------------------------------------------------------- */

typedef struct {
  char *in;               /* cap + 1 bytes: in[len] is a '\n' sentinel */
  size_t start, len;
  uint64_t first_line;    /* line of in[start] */
  uint64_t oversize_line; /* a record starting on this line was too long and skipped */
  buf out, rej;
  stats st;
  int done;               /* guarded by the pool's mutex */
} block;

typedef struct {
  char *s;
  size_t n;
} field;

typedef struct {
  pol_eval *ev;
  field *f;       /* ncols + 1 */
  uint32_t maxf;
  char msg[MSG_MAX];
  struct {
    int32_t day;
    char text[12];
  } days[DAY_CACHE];       /* formatted dates, direct-mapped by day number */
  uint64_t line;           /* the last line number formatted, and its text */
  char line_text[24];
  size_t line_len;
  char reason[REASON_CACHE]; /* the last reason (NUL-terminated) and its CSV / JSON text */
  char *reason_out;          /* 6 * REASON_CACHE + 2 bytes */
  size_t reason_out_n;
  int reason_json;
} worker;

static void msg_cell(char *o, size_t cap, const char *s, size_t n);

/* One reject: "ROSTER:LINE: message\n" into the block. */
static void reject(const cfg *c, block *b, uint64_t line, const char *msg) {
  b->st.rejected++;
  buf_printf(&b->rej, "%s:%llu: %s\n", c->roster, (unsigned long long)line, msg);
}

/* A cell quoted for a message: JSON-style escapes, cut at CELL_SHOWN bytes on a UTF-8
 * boundary.  o holds at least 6 * CELL_SHOWN + 8 bytes. */
#define CELL_TEXT (6 * CELL_SHOWN + 8)
static void msg_cell(char *o, size_t cap, const char *s, size_t n) {
  size_t w = 0, cut = n;
  if (n > CELL_SHOWN) {
    cut = CELL_SHOWN;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
      cut--;
  }
  o[w++] = '"';
  for (size_t i = 0; i < cut && w + 8 < cap; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '"' || ch == '\\') {
      o[w++] = '\\';
      o[w++] = (char)ch;
    } else if (ch < 0x20) {
      w += (size_t)snprintf(o + w, cap - w, "\\u%04x", ch);
    } else {
      o[w++] = (char)ch;
    }
  }
  if (cut < n && w + 4 < cap) {
    memcpy(o + w, "...", 3);
    w += 3;
  }
  o[w++] = '"';
  o[w] = 0;
}

/* ---- answers as text ---------------------------------------------------------------- */

static size_t put_day(worker *w, const cfg *c, int32_t day, char *o) {
  if (day == INT32_MIN)
    return 0;
  uint32_t k = (uint32_t)day & (DAY_CACHE - 1);
  if (w->days[k].day != day) {
    format_day(day, c->epoch, w->days[k].text);
    w->days[k].day = day;
  }
  memcpy(o, w->days[k].text, 10);
  return 10;
}

/* The roster line, counted up in text when it follows the last one. */
static size_t put_line(worker *w, uint64_t line, char *o) {
  if (line == w->line + 1 && w->line_len) {
    size_t i = w->line_len;
    while (i > 0 && w->line_text[i - 1] == '9')
      w->line_text[--i] = '0';
    if (i > 0) {
      w->line_text[i - 1]++;
    } else {
      memmove(w->line_text + 1, w->line_text, w->line_len++);
      w->line_text[0] = '1';
    }
  } else {
    w->line_len = put_u64(w->line_text, line);
  }
  w->line = line;
  memcpy(o, w->line_text, w->line_len);
  return w->line_len;
}

/* CSV: the field quoted when it holds a comma, quote, CR or LF. */
static size_t put_csv_text(char *o, const char *s, size_t n) {
  int q = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
      q = 1;
  if (!q) {
    memcpy(o, s, n);
    return n;
  }
  size_t w = 0;
  o[w++] = '"';
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"')
      o[w++] = '"';
    o[w++] = s[i];
  }
  o[w++] = '"';
  return w;
}

/* JSON string (6 bytes per input byte at most, plus quotes). */
static size_t put_json_text(char *o, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t w = 0;
  o[w++] = '"';
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '"' || ch == '\\') {
      o[w++] = '\\';
      o[w++] = (char)ch;
    } else if (ch < 0x20) {
      memcpy(o + w, "\\u00", 4);
      o[w + 4] = hex[ch >> 4];
      o[w + 5] = hex[ch & 15];
      w += 6;
    } else {
      o[w++] = (char)ch;
    }
  }
  o[w++] = '"';
  return w;
}

/* A reason as CSV (json 0) or JSON text: most rows that are not payable share a few
 * reasons, so the last one's text is kept. */
static size_t put_reason(worker *w, const char *r, size_t n, int json, char *o) {
  if (n == 0)
    return json ? put_json_text(o, r, n) : 0;
  if (n >= REASON_CACHE)
    return json ? put_json_text(o, r, n) : put_csv_text(o, r, n);
  if (w->reason_json != json || memcmp(w->reason, r, n + 1) != 0) {
    memcpy(w->reason, r, n + 1);
    w->reason_json = json;
    w->reason_out_n = json ? put_json_text(w->reason_out, r, n) : put_csv_text(w->reason_out, r, n);
  }
  memcpy(o, w->reason_out, w->reason_out_n);
  return w->reason_out_n;
}

/* Whether value v (of source s) of the answer is unstated (#19 B3): its cell is then empty
 * (CSV) or null (JSONL), never the accessor's 0.  Only asked of a policy that has any. */
static int unknown(const cfg *c, pol_eval *ev, pol_value v, pol_handle s) {
  return c->unstated && pol_answer_unstated(ev, v, s) != NULL;
}

static void write_answer(const cfg *c, worker *w, block *b, uint64_t line) {
  pol_eval *ev = w->ev;
  static const pol_handle none = {0};
  int payable = pol_answer_payable(ev);
  int un_pay = unknown(c, ev, POL_VALUE_PAYABLE, none), un_ind = unknown(c, ev, POL_VALUE_INDIVIDUAL, none),
      un_worth = unknown(c, ev, POL_VALUE_WORTH, none), un_wait = unknown(c, ev, POL_VALUE_WAIT, none);
  const char *reason = payable ? "" : pol_answer_reason(ev);
  size_t rlen = strlen(reason);
  uint32_t ci = cat_index(c, pol_answer_category(ev));
  int64_t ind = pol_answer_individual(ev), worth = pol_answer_worth(ev);
  if (!buf_reserve(&b->out, c->row_bound + 6 * rlen + 16))
    return;
  char *o = b->out.s + b->out.len, *o0 = o;
  int64_t *sum = b->st.cat + (size_t)ci * b->st.width;
  sum[ST_N]++;
  sum[ST_PAYABLE] += payable != 0;
  add_checked(&sum[ST_INDIVIDUAL], ind, &b->st.overflow);
  add_checked(&sum[ST_WORTH], worth, &b->st.overflow);
  if (!c->out_jsonl) {
    o += put_line(w, line, o);
    *o++ = ',';
    if (un_pay) {
      *o++ = ',';
    } else if (payable) {
      memcpy(o, "true,", 5);
      o += 5;
    } else {
      memcpy(o, "false,", 6);
      o += 6;
    }
    o += put_reason(w, reason, rlen, 0, o);
    *o++ = ',';
    memcpy(o, c->cat_csv[ci], c->cat_csv_n[ci]);
    o += c->cat_csv_n[ci];
    *o++ = ',';
    if (!un_ind) o += put_money(o, ind);
    for (uint32_t i = 0; i < c->nsrc; i++) {
      int64_t f = pol_answer_funding(ev, c->src[i]);
      add_checked(&sum[ST_SOURCES + i], f, &b->st.overflow);
      *o++ = ',';
      if (!unknown(c, ev, POL_VALUE_FUNDING, c->src[i])) o += put_money(o, f);
    }
    *o++ = ',';
    if (!un_worth) o += put_money(o, worth);
    *o++ = ',';
    o += put_day(w, c, pol_answer_start(ev), o);
    *o++ = ',';
    o += put_day(w, c, pol_answer_end(ev), o);
    *o++ = ',';
    if (!un_wait) o += put_i64(o, pol_answer_wait_months(ev));
    *o++ = ',';
    if (!un_wait) o += put_i64(o, pol_answer_wait_days(ev));
    *o++ = '\n';
  } else {
#define LIT(s) (memcpy(o, s, sizeof s - 1), o += sizeof s - 1)
    LIT("{\"line\":");
    o += put_line(w, line, o);
    if (payable)
      LIT(",\"payable\":true,\"reason\":null");
    else if (un_pay) {
      LIT(",\"payable\":null,\"reason\":");
      o += put_reason(w, reason, rlen, 1, o);
    } else {
      LIT(",\"payable\":false,\"reason\":");
      o += put_reason(w, reason, rlen, 1, o);
    }
    LIT(",\"category\":");
    memcpy(o, c->cat_json[ci], c->cat_json_n[ci]);
    o += c->cat_json_n[ci];
    LIT(",\"individual\":");
    if (un_ind)
      LIT("null");
    else
      o += put_money(o, ind);
    LIT(",\"funding\":{");
    int first = 1;
    for (uint32_t i = 0; i < c->nsrc; i++) {
      int64_t f = pol_answer_funding(ev, c->src[i]);
      int un = unknown(c, ev, POL_VALUE_FUNDING, c->src[i]);
      if (f == 0 && !un)
        continue;
      add_checked(&sum[ST_SOURCES + i], f, &b->st.overflow);
      if (!first)
        *o++ = ',';
      first = 0;
      o += put_json_text(o, c->src_key[i], strlen(c->src_key[i]));
      *o++ = ':';
      if (un)
        LIT("null");
      else
        o += put_money(o, f);
    }
    LIT("},\"worth\":");
    if (un_worth)
      LIT("null");
    else
      o += put_money(o, worth);
    int32_t d;
    LIT(",\"benefit_start\":");
    if ((d = pol_answer_start(ev)) == INT32_MIN)
      LIT("null");
    else {
      *o++ = '"';
      o += put_day(w, c, d, o);
      *o++ = '"';
    }
    LIT(",\"benefit_end\":");
    if ((d = pol_answer_end(ev)) == INT32_MIN)
      LIT("null");
    else {
      *o++ = '"';
      o += put_day(w, c, d, o);
      *o++ = '"';
    }
    LIT(",\"waiting_months\":");
    if (un_wait)
      LIT("null");
    else
      o += put_i64(o, pol_answer_wait_months(ev));
    LIT(",\"waiting_days\":");
    if (un_wait)
      LIT("null");
    else
      o += put_i64(o, pol_answer_wait_days(ev));
    LIT("}\n");
#undef LIT
  }
  b->out.len += (size_t)(o - o0);
  b->st.answered++;
}

/* ---- cells to pol_set ----------------------------------------------------------------- */

/* Sets one value from its text; 0 with w->msg set if it is not one. */
static int set_cell(const cfg *c, worker *w, const column *col, const char *s, size_t n,
                    int32_t *paydate) {
  char cell[CELL_TEXT];
  int64_t v;
  pol_eval *ev = w->ev;
  switch (col->kind) {
  case K_DATE:
  case K_PAYDATE: {
    int32_t day;
    if (!parse_day(c, s, n, &day)) {
      msg_cell(cell, sizeof cell, s, n);
      snprintf(w->msg, sizeof w->msg, "%s\"%s\": expected a date \"YYYY-MM-DD\", got %s%s",
               col->kind == K_PAYDATE ? "payment date " : "resident: ", col->name, cell,
               date_shaped(s, n) ? " (no such day)" : "");
      return 0;
    }
    if (col->kind == K_PAYDATE) {
      *paydate = day;
      return 1;
    }
    v = day;
    break;
  }
  case K_BOOL:
    if (n == 4 && memcmp(s, "true", 4) == 0)
      v = 1;
    else if (n == 5 && memcmp(s, "false", 5) == 0)
      v = 0;
    else {
      msg_cell(cell, sizeof cell, s, n);
      snprintf(w->msg, sizeof w->msg, "resident: \"%s\": expected true or false, got %s",
               col->name, cell);
      return 0;
    }
    break;
  case K_INT:
    if (!parse_int(s, n, &v)) {
      msg_cell(cell, sizeof cell, s, n);
      snprintf(w->msg, sizeof w->msg, "resident: \"%s\": expected an integer, got %s",
               col->name, cell);
      return 0;
    }
    break;
  case K_MONEY:
    if (!parse_money(s, n, &v)) {
      msg_cell(cell, sizeof cell, s, n);
      snprintf(w->msg, sizeof w->msg,
               "resident: \"%s\": expected an amount in yuan (e.g. 80 or 80.5), got %s",
               col->name, cell);
      return 0;
    }
    break;
  case K_ENUM: {
    const km_entry *e = km_get(&col->map, s, n);
    if (e == NULL) {
      msg_cell(cell, sizeof cell, s, n);
      snprintf(w->msg, sizeof w->msg, "resident: \"%s\": expected %s, got %s", col->name,
               col->expect, cell);
      return 0;
    }
    v = (int64_t)e->val;
    break;
  }
  case K_IDENT: {
    /* "a;b;c": each an identity key, none twice */
    size_t i = 0;
    for (uint32_t k = 0;; k++) {
      size_t j = i;
      while (j < n && s[j] != ';')
        j++;
      const km_entry *e = km_get(&c->idents, s + i, j - i);
      if (e == NULL) {
        msg_cell(cell, sizeof cell, s + i, j - i);
        snprintf(w->msg, sizeof w->msg, "resident: \"%s\"[%u]: unknown identity %s; known: %s",
                 col->name, k, cell, c->ident_list);
        return 0;
      }
      /* a second listing: the API reports nothing for it, so the map tells: a bit per
       * identity would need the index; compare against the earlier elements instead */
      for (size_t a = 0; a < i;) {
        size_t b2 = a;
        while (b2 < n && s[b2] != ';')
          b2++;
        if (b2 - a == j - i && memcmp(s + a, s + i, j - i) == 0) {
          msg_cell(cell, sizeof cell, s + i, j - i);
          snprintf(w->msg, sizeof w->msg, "resident: \"%s\"[%u]: %s listed twice", col->name,
                   k, cell);
          return 0;
        }
        a = b2 + 1;
      }
      if (pol_set(ev, (pol_handle){e->val}, 1) != POL_OK) {
        snprintf(w->msg, sizeof w->msg, "resident: %s", pol_eval_error(ev));
        return 0;
      }
      if (j >= n)
        break;
      i = j + 1;
    }
    return 1;
  }
  default:
    snprintf(w->msg, sizeof w->msg, "unknown key \"%s\"", col->name);
    return 0;
  }
  if (pol_set(ev, col->h, v) != POL_OK) {
    snprintf(w->msg, sizeof w->msg, "resident: %s", pol_eval_error(ev));
    return 0;
  }
  return 1;
}

/* Quote the resident set in w->ev; writes the answer or the reject. */
static void quote_row(const cfg *c, worker *w, block *b, uint64_t line, int32_t date) {
  if (pol_quote(w->ev, date) != POL_OK) {
    reject(c, b, line, pol_eval_error(w->ev));
    return;
  }
  write_answer(c, w, b, line);
}

/* ---- CSV ------------------------------------------------------------------------------- */

/* The record state machine shared by the reader's block split and the parser, so both
 * agree on where every record ends: a field starting with '"' is quoted and may hold
 * commas, newlines and "" for a quote; anything else in a record is read up to the next
 * ',' or newline (a stray quote there, or text after a closing quote, makes the row bad
 * but never moves a record end). */
enum { S_START, S_UNQ, S_Q, S_QQ };

/* Runs the machine over s[0..n) from *state (which it updates).  *end: the offset just
 * after the last record end seen (or the first, with `first`), unchanged if none;
 * *lines: newlines before *end are added. */
static void csv_scan(const char *s, size_t n, int *state, int first, size_t *end,
                     uint64_t *lines) {
  int st = *state;
  uint64_t nl = 0;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    nl += ch == '\n';
    switch (st) {
    case S_START:
      st = ch == '"' ? S_Q : ch == ',' ? S_START : ch == '\n' ? S_START : S_UNQ;
      break;
    case S_UNQ: st = ch == ',' || ch == '\n' ? S_START : S_UNQ; break;
    case S_Q: st = ch == '"' ? S_QQ : S_Q; break;
    default: /* S_QQ */ st = ch == '"' ? S_Q : ch == ',' || ch == '\n' ? S_START : S_UNQ; break;
    }
    if (ch == '\n' && st == S_START) {
      *end = i + 1;
      *lines += nl;
      nl = 0;
      if (first)
        break;
    }
  }
  *state = st;
}

/* Newlines in s[0..n): eight bytes at a time (exact zero-byte count of s ^ '\n'...). */
static uint64_t count_nl(const char *s, size_t n) {
  const uint64_t ones7 = UINT64_C(0x7f7f7f7f7f7f7f7f), nl = UINT64_C(0x0a0a0a0a0a0a0a0a);
  uint64_t k = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    memcpy(&x, s + i, 8);
    x ^= nl;
    uint64_t t = ~(((x & ones7) + ones7) | x | ones7); /* 0x80 in each zero byte */
    k += ((t >> 7) * UINT64_C(0x0101010101010101)) >> 56;
  }
  for (; i < n; i++)
    k += s[i] == '\n';
  return k;
}

/* The first of ',' '\n' '"' at or after s[p]; there is always one (the sentinel).  (An
 * eight-bytes-at-a-time scan measured no faster: roster fields are a few bytes long.) */
static const unsigned char csv_stop[256] = {['\n'] = 1, [','] = 1, ['"'] = 1};
static inline size_t csv_next_stop(const char *s, size_t p) {
  while (!csv_stop[(unsigned char)s[p]])
    p++;
  return p;
}

/* Parses the record at s[*pos] (s[len] == '\n').  Fields are cut and unquoted in place
 * and NUL-terminated; up to max are stored, all are counted (the return value).  *err is
 * NULL or what is wrong with the record's syntax; *lines gets the newlines it spans. */
static uint32_t csv_record(char *s, size_t len, size_t *pos, field *f, uint32_t max,
                           const char **err, uint64_t *lines) {
  size_t p = *pos;
  uint32_t nf = 0;
  uint64_t nl = 0;
  *err = NULL;
  for (;;) {
    size_t fs = p;
    char *w;
    if (s[p] == '"') {
      p++;
      fs = p;
      w = s + p;
      for (;;) {
        char *q = p < len ? memchr(s + p, '"', len - p) : NULL;
        size_t k = q ? (size_t)(q - (s + p)) : len - p;
        nl += count_nl(s + p, k);
        memmove(w, s + p, k);
        w += k;
        p += k;
        if (q == NULL) {
          if (!*err)
            *err = "unclosed quote";
          break;
        }
        p++; /* past the quote */
        if (p < len && s[p] == '"') {
          *w++ = '"';
          p++;
          continue;
        }
        break;
      }
      if (s[p] == '\r' && p + 1 <= len && s[p + 1] == '\n' && p < len)
        p++;
      else if (s[p] != ',' && s[p] != '\n') {
        if (!*err)
          *err = "text after a closing quote";
        while (s[p] != ',' && s[p] != '\n')
          *w++ = s[p++];
      }
    } else {
      for (;;) {
        p = csv_next_stop(s, p);
        if (s[p] != '"')
          break;
        if (!*err)
          *err = "a quote inside an unquoted field";
        p++;
      }
      w = s + p;
      if (s[p] == '\n' && w > s + fs && w[-1] == '\r')
        w--;
    }
    char d = s[p];
    if (nf < max) {
      f[nf].s = s + fs;
      f[nf].n = (size_t)(w - (s + fs));
    }
    nf++;
    *w = 0; /* after reading the delimiter: w <= s + p */
    if (d == ',') {
      p++;
      continue;
    }
    /* d == '\n' (the sentinel at len when the last record has no newline) */
    if (p < len) {
      nl++;
      p++;
    }
    break;
  }
  *pos = p;
  *lines = nl;
  return nf;
}

static void csv_row(const cfg *c, worker *w, block *b, field *f, uint32_t nf, uint64_t line) {
  if (nf != c->ncols) {
    snprintf(w->msg, sizeof w->msg, "%u field%s, the header has %u", nf, nf == 1 ? "" : "s",
             c->ncols);
    reject(c, b, line, w->msg);
    return;
  }
  pol_resident_clear(w->ev);
  int32_t date = c->date;
  for (uint32_t i = 0; i < nf; i++) {
    const column *col = &c->cols[i];
    if (f[i].n == 0 && col->kind != K_PAYDATE)
      continue; /* not given: the default */
    if (!set_cell(c, w, col, f[i].s, f[i].n, &date)) {
      reject(c, b, line, w->msg);
      return;
    }
  }
  quote_row(c, w, b, line, date);
}

/* ---- JSON Lines -------------------------------------------------------------------- */

/* A minimal strict JSON reader for one flat resident object per line: string, number,
 * true/false/null and arrays of strings as values.  Strings are decoded in place. */
typedef struct {
  char *s, *end; /* *end == '\n' */
  const char *err;
} jcur;

static void jws(jcur *j) {
  while (j->s < j->end && (*j->s == ' ' || *j->s == '\t' || *j->s == '\r'))
    j->s++;
}

static int hexval(char ch) {
  return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
         : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

static int jhex4(const char *s, const char *end, uint32_t *u) {
  if (end - s < 4)
    return 0;
  *u = 0;
  for (int i = 0; i < 4; i++) {
    int h = hexval(s[i]);
    if (h < 0)
      return 0;
    *u = *u * 16 + (uint32_t)h;
  }
  return 1;
}

/* At '"': decodes the string in place into [*out, *out + *n) and NUL-terminates it. */
static int jstring(jcur *j, char **out, size_t *n) {
  char *r = ++j->s, *w = r;
  *out = w;
  while (r < j->end && *r != '"') {
    unsigned char ch = (unsigned char)*r;
    if (ch < 0x20) {
      j->err = "control character in a string";
      return 0;
    }
    if (ch != '\\') {
      *w++ = *r++;
      continue;
    }
    r++;
    if (r >= j->end)
      break;
    char e = *r++;
    switch (e) {
    case '"': *w++ = '"'; break;
    case '\\': *w++ = '\\'; break;
    case '/': *w++ = '/'; break;
    case 'b': *w++ = '\b'; break;
    case 'f': *w++ = '\f'; break;
    case 'n': *w++ = '\n'; break;
    case 'r': *w++ = '\r'; break;
    case 't': *w++ = '\t'; break;
    case 'u': {
      uint32_t u, lo;
      if (!jhex4(r, j->end, &u)) {
        j->err = "bad \\u escape";
        return 0;
      }
      r += 4;
      if (u >= 0xD800 && u <= 0xDBFF) {
        if (j->end - r < 6 || r[0] != '\\' || r[1] != 'u' || !jhex4(r + 2, j->end, &lo) ||
            lo < 0xDC00 || lo > 0xDFFF) {
          j->err = "bad \\u escape (lone surrogate)";
          return 0;
        }
        r += 6;
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
      } else if (u >= 0xDC00 && u <= 0xDFFF) {
        j->err = "bad \\u escape (lone surrogate)";
        return 0;
      }
      if (u == 0) {
        j->err = "\\u0000 in a string";
        return 0;
      }
      /* UTF-8 of u is never longer than its escape (6 or 12 bytes) */
      if (u < 0x80)
        *w++ = (char)u;
      else if (u < 0x800) {
        *w++ = (char)(0xC0 | u >> 6);
        *w++ = (char)(0x80 | (u & 63));
      } else if (u < 0x10000) {
        *w++ = (char)(0xE0 | u >> 12);
        *w++ = (char)(0x80 | (u >> 6 & 63));
        *w++ = (char)(0x80 | (u & 63));
      } else {
        *w++ = (char)(0xF0 | u >> 18);
        *w++ = (char)(0x80 | (u >> 12 & 63));
        *w++ = (char)(0x80 | (u >> 6 & 63));
        *w++ = (char)(0x80 | (u & 63));
      }
      break;
    }
    default: j->err = "bad escape in a string"; return 0;
    }
  }
  if (r >= j->end) {
    j->err = "unterminated string";
    return 0;
  }
  *n = (size_t)(w - *out);
  *w = 0; /* w <= r, and *r is the closing quote, already read */
  j->s = r + 1;
  return 1;
}

typedef enum { JV_STRING, JV_NUMBER, JV_TRUE, JV_FALSE, JV_NULL, JV_ARRAY, JV_OTHER } jkind;

/* A number's text per the JSON grammar; returns its length, 0 if malformed. */
static size_t jnumber(const char *s, const char *end) {
  const char *p = s;
  if (p < end && *p == '-')
    p++;
  if (p < end && *p == '0')
    p++;
  else if (p < end && *p >= '1' && *p <= '9')
    while (p < end && *p >= '0' && *p <= '9')
      p++;
  else
    return 0;
  if (p < end && *p == '.') {
    p++;
    if (!(p < end && *p >= '0' && *p <= '9'))
      return 0;
    while (p < end && *p >= '0' && *p <= '9')
      p++;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < end && (*p == '+' || *p == '-'))
      p++;
    if (!(p < end && *p >= '0' && *p <= '9'))
      return 0;
    while (p < end && *p >= '0' && *p <= '9')
      p++;
  }
  return (size_t)(p - s);
}

/* Skips a value we do not convert (for a message) and tells its kind. */
static jkind jpeek(const jcur *j) {
  char ch = *j->s;
  return ch == '"' ? JV_STRING : ch == '[' ? JV_ARRAY : ch == 't' ? JV_TRUE : ch == 'f' ? JV_FALSE
         : ch == 'n' ? JV_NULL : (ch == '-' || (ch >= '0' && ch <= '9')) ? JV_NUMBER : JV_OTHER;
}

static int jliteral(jcur *j, const char *lit) {
  size_t n = strlen(lit);
  if ((size_t)(j->end - j->s) < n || memcmp(j->s, lit, n) != 0) {
    j->err = "not valid JSON";
    return 0;
  }
  j->s += n;
  return 1;
}

static const char *jkind_name(jkind k) {
  switch (k) {
  case JV_STRING: return "a string";
  case JV_NUMBER: return "a number";
  case JV_TRUE: return "true";
  case JV_FALSE: return "false";
  case JV_NULL: return "null";
  case JV_ARRAY: return "an array";
  default: return "an object";
  }
}

/* One value for column col at j->s: converted and set.  0 with w->msg on error; a JSON
 * syntax error sets j->err as well. */
static int jvalue(const cfg *c, worker *w, jcur *j, const column *col, int32_t *paydate) {
  jkind k = jpeek(j);
  /* null is "not given" for an optional attribute only, as polc quote reads it (QUERY.md);
   * for the payment date column it is a missing date.  Elsewhere: "got null" below. */
  if (k == JV_NULL && (col->kind == K_PAYDATE || pol_unset(w->ev, col->h) == POL_OK))
    return jliteral(j, "null") ? 1 : (snprintf(w->msg, sizeof w->msg, "resident: not valid JSON"), 0);
  int want_string = col->kind == K_DATE || col->kind == K_PAYDATE || col->kind == K_ENUM;
  int ok_kind = want_string           ? k == JV_STRING
                : col->kind == K_BOOL ? k == JV_TRUE || k == JV_FALSE
                : col->kind == K_IDENT ? k == JV_ARRAY
                                       : k == JV_NUMBER;
  if (!ok_kind) {
    const char *what = want_string ? (col->kind == K_ENUM ? col->expect : "a date \"YYYY-MM-DD\"")
                       : col->kind == K_BOOL  ? "true or false"
                       : col->kind == K_IDENT ? "an array of identity keys"
                       : col->kind == K_INT   ? "an integer"
                                              : "an amount in yuan";
    char got[CELL_TEXT];
    char *gs;
    size_t gn;
    if (k == JV_STRING && jstring(j, &gs, &gn))
      msg_cell(got, sizeof got, gs, gn);
    else if (k == JV_NUMBER && (gn = jnumber(j->s, j->end)) > 0 && gn < CELL_SHOWN)
      snprintf(got, sizeof got, "%.*s", (int)gn, j->s);
    else
      snprintf(got, sizeof got, "%s", jkind_name(k));
    snprintf(w->msg, sizeof w->msg, "%s\"%s\": expected %s, got %s",
             col->kind == K_PAYDATE ? "payment date " : "resident: ", col->name, what, got);
    return 0;
  }
  char *s;
  size_t n;
  switch (k) {
  case JV_STRING:
    if (!jstring(j, &s, &n))
      return snprintf(w->msg, sizeof w->msg, "resident: not valid JSON: %s", j->err), 0;
    return set_cell(c, w, col, s, n, paydate);
  case JV_TRUE:
  case JV_FALSE:
    if (!jliteral(j, k == JV_TRUE ? "true" : "false"))
      return snprintf(w->msg, sizeof w->msg, "resident: not valid JSON"), 0;
    return set_cell(c, w, col, k == JV_TRUE ? "true" : "false", k == JV_TRUE ? 4 : 5, paydate);
  case JV_NUMBER: {
    n = jnumber(j->s, j->end);
    if (n == 0) {
      j->err = "bad number";
      return snprintf(w->msg, sizeof w->msg, "resident: not valid JSON: bad number"), 0;
    }
    s = j->s;
    j->s += n;
    char save = *j->s;
    *j->s = 0;
    int r = set_cell(c, w, col, s, n, paydate);
    *j->s = save;
    return r;
  }
  default: { /* JV_ARRAY of identity keys: joined with ';' in place, then as a CSV cell */
    j->s++;
    jws(j);
    char *out = j->s, *o = out;
    uint32_t count = 0;
    if (*j->s == ']') {
      j->s++;
      return 1;
    }
    for (;;) {
      jws(j);
      if (*j->s != '"') {
        snprintf(w->msg, sizeof w->msg, "resident: \"%s\"[%u]: expected an identity key, got %s",
                 col->name, count, jkind_name(jpeek(j)));
        return 0;
      }
      if (!jstring(j, &s, &n))
        return snprintf(w->msg, sizeof w->msg, "resident: not valid JSON: %s", j->err), 0;
      if (memchr(s, ';', n) != NULL) {
        char cell[CELL_TEXT];
        msg_cell(cell, sizeof cell, s, n);
        snprintf(w->msg, sizeof w->msg, "resident: \"%s\"[%u]: unknown identity %s; known: %s",
                 col->name, count, cell, c->ident_list);
        return 0;
      }
      if (count++)
        *o++ = ';';
      memmove(o, s, n);
      o += n;
      jws(j);
      if (*j->s == ',') {
        j->s++;
        continue;
      }
      if (*j->s == ']') {
        j->s++;
        break;
      }
      j->err = "expected ',' or ']' in an array";
      return snprintf(w->msg, sizeof w->msg, "resident: not valid JSON: %s", j->err), 0;
    }
    /* o <= j->s - 1: the joined keys never outgrow their quoted spelling */
    char save = *o;
    *o = 0;
    int r = set_cell(c, w, col, out, (size_t)(o - out), paydate);
    *o = save;
    return r;
  }
  }
}

/* One JSON line (s[len] == '\n'); seen: ncols bytes scratch. */
static void jsonl_row(const cfg *c, worker *w, block *b, char *s, char *end, uint64_t line,
                      uint8_t *seen) {
  jcur j = {s, end, NULL};
  memset(seen, 0, c->ncols);
  pol_resident_clear(w->ev);
  int32_t date = c->date;
  int has_date = c->date_col == NULL;
  jws(&j);
  if (*j.s != '{') {
    reject(c, b, line, "resident: expected a JSON object");
    return;
  }
  j.s++;
  jws(&j);
  if (*j.s == '}')
    j.s++;
  else
    for (;;) {
      jws(&j);
      char *key;
      size_t kn;
      if (*j.s != '"' || !jstring(&j, &key, &kn)) {
        reject(c, b, line, "resident: not valid JSON: expected a key");
        return;
      }
      const km_entry *e = km_get(&c->by_name, key, kn);
      char cell[CELL_TEXT];
      if (e == NULL) {
        msg_cell(cell, sizeof cell, key, kn);
        snprintf(w->msg, sizeof w->msg, "resident: unknown key %s", cell);
        reject(c, b, line, w->msg);
        return;
      }
      if (seen[e->val]++) {
        msg_cell(cell, sizeof cell, key, kn);
        snprintf(w->msg, sizeof w->msg, "resident: key %s given twice", cell);
        reject(c, b, line, w->msg);
        return;
      }
      jws(&j);
      if (*j.s != ':') {
        reject(c, b, line, "resident: not valid JSON: expected ':'");
        return;
      }
      j.s++;
      jws(&j);
      const column *col = &c->cols[e->val];
      int was_null = jpeek(&j) == JV_NULL;
      if (!jvalue(c, w, &j, col, &date)) {
        reject(c, b, line, w->msg);
        return;
      }
      if (col->kind == K_PAYDATE && !was_null)
        has_date = 1;
      jws(&j);
      if (*j.s == ',') {
        j.s++;
        continue;
      }
      if (*j.s == '}') {
        j.s++;
        break;
      }
      reject(c, b, line, "resident: not valid JSON: expected ',' or '}'");
      return;
    }
  jws(&j);
  if (j.s != end) {
    reject(c, b, line, "resident: not valid JSON: text after the object");
    return;
  }
  if (!has_date) {
    snprintf(w->msg, sizeof w->msg, "payment date \"%s\": missing", c->date_col);
    reject(c, b, line, w->msg);
    return;
  }
  quote_row(c, w, b, line, date);
}

/* ---- one block ---------------------------------------------------------------------- */

static void process_block(const cfg *c, worker *w, block *b) {
  stats_reset(&b->st, c);
  b->out.len = 0;
  b->rej.len = 0;
  if (b->oversize_line) {
    b->st.rows++;
    snprintf(w->msg, sizeof w->msg, "a record longer than the block size (%zu bytes); skipped",
             c->block_size);
    reject(c, b, b->oversize_line, w->msg);
  }
  char *s = b->in;
  size_t len = b->len, pos = b->start;
  uint64_t line = b->first_line;
  s[len] = '\n';
  while (pos < len) {
    if (s[pos] == '\n' || (s[pos] == '\r' && s[pos + 1] == '\n')) {
      b->st.blank++;
      pos += s[pos] == '\r' ? 2 : 1;
      if (pos > len)
        pos = len;
      line++;
      continue;
    }
    b->st.rows++;
    if (c->in_jsonl) {
      char *e = memchr(s + pos, '\n', len + 1 - pos);
      char *end = e > s + pos && e[-1] == '\r' ? e - 1 : e;
      jsonl_row(c, w, b, s + pos, end, line, (uint8_t *)w->f);
      pos = (size_t)(e - s) + 1;
      if (pos > len)
        pos = len;
      line++;
      continue;
    }
    const char *err;
    uint64_t nl;
    uint32_t nf = csv_record(s, len, &pos, w->f, w->maxf, &err, &nl);
    if (err)
      reject(c, b, line, err);
    else
      csv_row(c, w, b, w->f, nf, line);
    line += nl;
  }
}

/* ---- reading blocks ------------------------------------------------------------------ */

typedef struct {
  int fd;
  const char *name;
  int jsonl;
  size_t cap;       /* block size */
  char *carry;      /* cap bytes: the partial record after the last block */
  size_t ncarry;
  uint64_t line;    /* line of carry[0] */
  int eof, error;
} reader;

static int read_more(reader *r, char *dst, size_t want, size_t *got) {
  *got = 0;
  while (*got < want && !r->eof) {
    ssize_t k = read(r->fd, dst + *got, want - *got);
    if (k < 0) {
      if (errno == EINTR)
        continue;
      r->error = errno;
      return 0;
    }
    if (k == 0)
      r->eof = 1;
    *got += (size_t)k;
  }
  return 1;
}

/* The end of the last whole record of s[0..n) (0 if none) and the lines before it. */
static size_t split(const reader *r, const char *s, size_t n, uint64_t *lines) {
  size_t end = 0;
  *lines = 0;
  if (r->jsonl || memchr(s, '"', n) == NULL) {
    for (size_t i = n; i > 0; i--)
      if (s[i - 1] == '\n') {
        end = i;
        break;
      }
    *lines = count_nl(s, end);
    return end;
  }
  int st = S_START;
  csv_scan(s, n, &st, 0, &end, lines);
  return end;
}

/* Fills b with whole records.  0 when the roster is exhausted (or unreadable: r->error). */
static int fill(reader *r, block *b) {
  size_t n = r->ncarry, got;
  memcpy(b->in, r->carry, n);
  r->ncarry = 0;
  b->start = 0;
  b->first_line = r->line;
  b->oversize_line = 0;
  if (!read_more(r, b->in + n, r->cap - n, &got))
    return 0;
  n += got;
  if (n == 0)
    return 0;
  uint64_t lines = 0;
  size_t end = r->eof ? n : split(r, b->in, n, &lines);
  if (r->eof) {
    b->len = n;
    return 1;
  }
  if (end == 0) {
    /* No record ends in a full block: skip this one up to its end and reject it. */
    b->oversize_line = r->line;
    int st = S_START;
    uint64_t nl = 0;
    size_t e = 0;
    for (;;) {
      if (r->jsonl) {
        char *q = memchr(b->in, '\n', n);
        if (q) {
          e = (size_t)(q - b->in) + 1;
        } else {
          e = 0;
        }
        nl = e ? 1 : 0;
      } else {
        csv_scan(b->in, n, &st, 1, &e, &nl);
      }
      if (e) {
        r->line += nl;
        break;
      }
      r->line += count_nl(b->in, n);
      if (!read_more(r, b->in, r->cap, &n))
        return 0;
      if (n == 0)
        break; /* the record runs to the end of the roster */
    }
    r->ncarry = e ? n - e : 0;
    memcpy(r->carry, b->in + e, r->ncarry);
    b->len = 0;
    return 1;
  }
  r->ncarry = n - end;
  memcpy(r->carry, b->in + end, r->ncarry);
  r->line += lines;
  b->len = end;
  return 1;
}

/* ---- the run: workers, ordered output ---------------------------------------------- */

typedef struct {
  const cfg *c;
  block *blocks;
  unsigned nblocks;
  worker *workers;
  unsigned jobs;
  pthread_mutex_t mu;
  pthread_cond_t work, done;
  uint64_t submitted, taken;
  int quit;
} pool;

typedef struct {
  pool *pl;
  worker *w;
} worker_arg;

static void *worker_main(void *arg) {
  worker_arg *a = arg;
  pool *pl = a->pl;
  for (;;) {
    pthread_mutex_lock(&pl->mu);
    while (pl->taken == pl->submitted && !pl->quit)
      pthread_cond_wait(&pl->work, &pl->mu);
    if (pl->taken == pl->submitted) {
      pthread_mutex_unlock(&pl->mu);
      return NULL;
    }
    block *b = &pl->blocks[pl->taken++ % pl->nblocks];
    pthread_mutex_unlock(&pl->mu);
    process_block(pl->c, a->w, b);
    pthread_mutex_lock(&pl->mu);
    b->done = 1;
    pthread_cond_broadcast(&pl->done);
    pthread_mutex_unlock(&pl->mu);
  }
}

typedef struct {
  FILE *out, *sum;
  const char *out_name;
  int progress;     /* stderr is a terminal and the summary goes to it too or elsewhere */
  int progress_shown;
  struct timespec last;
  stats total;
  int write_error;
} sink;

static double since(const struct timespec *a, const struct timespec *b) {
  return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void clear_progress(sink *k) {
  if (k->progress_shown) {
    fputs("\r\033[K", stderr);
    k->progress_shown = 0;
  }
}

/* A finished block, in order: its answers, its rejects, its sums. */
static void emit(const cfg *c, sink *k, block *b) {
  if (b->out.len && fwrite(b->out.s, 1, b->out.len, k->out) != b->out.len)
    k->write_error = 1;
  if (b->rej.len) {
    if (k->sum == stderr)
      clear_progress(k);
    fwrite(b->rej.s, 1, b->rej.len, k->sum);
  }
  stats_merge(&k->total, &b->st, c);
  if (b->out.failed || b->rej.failed)
    k->write_error = 2;
  if (k->progress) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (since(&k->last, &now) >= 0.25) {
      k->last = now;
      fprintf(stderr, "\rpolc batch: %llu rows", (unsigned long long)k->total.rows);
      k->progress_shown = 1;
    }
  }
}

static int run(const cfg *c, reader *r, pool *pl, sink *k) {
  if (pl->jobs == 1) {
    block *b = &pl->blocks[0];
    while (fill(r, b)) {
      process_block(c, &pl->workers[0], b);
      emit(c, k, b);
      if (k->write_error)
        break;
    }
    return 1;
  }
  pthread_t *th = calloc(pl->jobs, sizeof *th);
  worker_arg *args = calloc(pl->jobs, sizeof *args);
  if (!th || !args) {
    free(th);
    free(args);
    return 0;
  }
  unsigned started = 0;
  for (; started < pl->jobs; started++) {
    args[started] = (worker_arg){pl, &pl->workers[started]};
    if (pthread_create(&th[started], NULL, worker_main, &args[started]) != 0)
      break;
  }
  int ok = started > 0;
  uint64_t written = 0, seq = 0;
  while (ok && !k->write_error) {
    block *b = &pl->blocks[seq % pl->nblocks];
    if (seq >= pl->nblocks) { /* the slot's previous block: wait, write, then reuse */
      pthread_mutex_lock(&pl->mu);
      while (!b->done)
        pthread_cond_wait(&pl->done, &pl->mu);
      pthread_mutex_unlock(&pl->mu);
      emit(c, k, b);
      written++;
    }
    if (!fill(r, b))
      break;
    pthread_mutex_lock(&pl->mu);
    b->done = 0;
    pl->submitted++;
    pthread_cond_signal(&pl->work);
    pthread_mutex_unlock(&pl->mu);
    seq++;
  }
  for (; written < pl->submitted; written++) {
    block *b = &pl->blocks[written % pl->nblocks];
    pthread_mutex_lock(&pl->mu);
    while (!b->done)
      pthread_cond_wait(&pl->done, &pl->mu);
    pthread_mutex_unlock(&pl->mu);
    if (!k->write_error)
      emit(c, k, b);
  }
  pthread_mutex_lock(&pl->mu);
  pl->quit = 1;
  pthread_cond_broadcast(&pl->work);
  pthread_mutex_unlock(&pl->mu);
  for (unsigned i = 0; i < started; i++)
    pthread_join(th[i], NULL);
  free(th);
  free(args);
  return ok;
}

/* ---- the summary -------------------------------------------------------------------- */

static void print_summary(const cfg *c, sink *k) {
  const stats *t = &k->total;
  FILE *f = k->sum;
  uint64_t payable = 0;
  for (uint32_t i = 0; i <= c->ncat; i++)
    payable += (uint64_t)t->cat[(size_t)i * t->width + ST_PAYABLE];
  fprintf(f, "polc batch: %s: %llu row%s: %llu answered (%llu payable, %llu not payable), %llu rejected",
          c->roster, (unsigned long long)t->rows, t->rows == 1 ? "" : "s",
          (unsigned long long)t->answered, (unsigned long long)payable,
          (unsigned long long)(t->answered - payable), (unsigned long long)t->rejected);
  if (t->blank)
    fprintf(f, "; %llu blank line%s skipped", (unsigned long long)t->blank,
            t->blank == 1 ? "" : "s");
  fputs("\n", f);
  if (t->overflow)
    fputs("polc batch: warning: a total overflows 64-bit fen; totals are not exact\n", f);
  if (t->answered == 0)
    return;

  /* a table: category, residents, payable, individual, each source, worth */
  size_t ncolumns = 3 + c->nsrc + 2;
  size_t nrows = c->ncat + 3; /* header, categories + none, total */
  char(*cell)[32] = calloc(ncolumns * nrows, sizeof *cell);
  const char **name = calloc(nrows, sizeof *name);
  size_t *width = calloc(ncolumns, sizeof *width);
  if (!cell || !name || !width) {
    free(cell);
    free(name);
    free(width);
    return;
  }
  int64_t *tot = calloc(t->width, sizeof *tot);
  size_t row = 0;
  /* header */
  name[row] = "category";
  snprintf(cell[row * ncolumns + 1], 32, "residents");
  snprintf(cell[row * ncolumns + 2], 32, "payable");
  snprintf(cell[row * ncolumns + 3], 32, "individual");
  for (uint32_t s = 0; s < c->nsrc; s++)
    snprintf(cell[row * ncolumns + 4 + s], 32, "%s", c->src_key[s]);
  snprintf(cell[row * ncolumns + 4 + c->nsrc], 32, "worth");
  row++;
  int tot_over = 0;
  for (uint32_t i = 0; i <= c->ncat; i++) {
    const int64_t *v = t->cat + (size_t)i * t->width;
    if (v[ST_N] == 0)
      continue;
    name[row] = i < c->ncat ? pol_key(c->p, c->cat[i]) : "(no category)";
    size_t col = 1;
    for (size_t a = 0; a < t->width; a++) {
      if (tot)
        add_checked(&tot[a], v[a], &tot_over);
    }
    char *o;
    o = cell[row * ncolumns + col++];
    o[put_i64(o, v[ST_N])] = 0;
    o = cell[row * ncolumns + col++];
    o[put_i64(o, v[ST_PAYABLE])] = 0;
    o = cell[row * ncolumns + col++];
    o[put_money(o, v[ST_INDIVIDUAL])] = 0;
    for (uint32_t s = 0; s < c->nsrc; s++) {
      o = cell[row * ncolumns + col++];
      o[put_money(o, v[ST_SOURCES + s])] = 0;
    }
    o = cell[row * ncolumns + col++];
    o[put_money(o, v[ST_WORTH])] = 0;
    row++;
  }
  if (tot) {
    name[row] = "total";
    size_t col = 1;
    char *o;
    o = cell[row * ncolumns + col++];
    o[put_i64(o, tot[ST_N])] = 0;
    o = cell[row * ncolumns + col++];
    o[put_i64(o, tot[ST_PAYABLE])] = 0;
    o = cell[row * ncolumns + col++];
    o[put_money(o, tot[ST_INDIVIDUAL])] = 0;
    for (uint32_t s = 0; s < c->nsrc; s++) {
      o = cell[row * ncolumns + col++];
      o[put_money(o, tot[ST_SOURCES + s])] = 0;
    }
    o = cell[row * ncolumns + col++];
    o[put_money(o, tot[ST_WORTH])] = 0;
    row++;
  }
  for (size_t r = 0; r < row; r++) {
    size_t n = strlen(name[r]);
    if (n > width[0])
      width[0] = n;
    for (size_t k2 = 1; k2 < ncolumns; k2++) {
      n = strlen(cell[r * ncolumns + k2]);
      if (n > width[k2])
        width[k2] = n;
    }
  }
  for (size_t r = 0; r < row; r++) {
    fprintf(f, "%-*s", (int)width[0], name[r]);
    for (size_t k2 = 1; k2 < ncolumns; k2++)
      fprintf(f, "  %*s", (int)width[k2], cell[r * ncolumns + k2]);
    fputs("\n", f);
  }
  fputs("(amounts in yuan: every answered row, payable or not, as polc quote answers it)\n", f);
  if (c->unstated) /* #19 B3: an empty (null) cell counts 0 here; an unknown payable, not payable */
    fputs("(the policy declares values the notice does not state: rows where they are empty "
          "(null) count 0 above, and an unknown payable counts as not payable)\n", f);
  free(tot);
  free(cell);
  free(name);
  free(width);
}

/* ---- set-up ------------------------------------------------------------------------- */

static int usage(const char *fmt, const char *arg) {
  fputs("polc batch: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\n(see 'polc batch --help')\n", stderr);
  return EXIT_BAD;
}

/* Appends "a, b, c" of strings to a malloc'd string. */
static char *join(const char *const *items, uint32_t n, const char *none) {
  size_t len = 1;
  for (uint32_t i = 0; i < n; i++)
    len += strlen(items[i]) + 2;
  if (n == 0)
    len += strlen(none);
  char *s = malloc(len), *o = s;
  if (s == NULL)
    return NULL;
  for (uint32_t i = 0; i < n; i++) {
    if (i) {
      memcpy(o, ", ", 2);
      o += 2;
    }
    size_t k = strlen(items[i]);
    memcpy(o, items[i], k);
    o += k;
  }
  if (n == 0) {
    strcpy(o, none);
    o += strlen(none);
  }
  *o = 0;
  return s;
}

/* Column for a key of the policy (an attribute) or the payment-date column; 0 with a
 * message on stderr if the key is unknown. */
static int make_column(cfg *c, column *col, const char *name, size_t n) {
  memset(col, 0, sizeof *col);
  col->name = malloc(n + 1);
  if (col->name == NULL)
    return 0;
  memcpy(col->name, name, n);
  col->name[n] = 0;
  if (c->date_col && strcmp(col->name, c->date_col) == 0) {
    col->kind = K_PAYDATE;
    return 1;
  }
  col->h = pol_find(c->p, POL_ATTRIBUTE, col->name);
  if (pol_handle_is_null(col->h)) {
    col->kind = K_UNKNOWN;
    return 1;
  }
  switch (pol_attr_type(c->p, col->h)) {
  case POL_T_BOOL: col->kind = K_BOOL; break;
  case POL_T_INT: col->kind = K_INT; break;
  case POL_T_DATE: col->kind = K_DATE; break;
  case POL_T_MONEY: col->kind = K_MONEY; break;
  case POL_T_IDENTITIES: col->kind = K_IDENT; break;
  case POL_T_ENUM: {
    col->kind = K_ENUM;
    uint32_t k = 0;
    while (pol_enum_key(c->p, col->h, k))
      k++;
    const char **keys = calloc(k ? k : 1, sizeof *keys);
    if (!keys || !km_init(&col->map, k)) {
      free(keys);
      return 0;
    }
    for (uint32_t i = 0; i < k; i++) {
      keys[i] = pol_enum_key(c->p, col->h, i);
      km_put(&col->map, keys[i], i);
    }
    char *list = join(keys, k, "nothing");
    free(keys);
    if (!list)
      return 0;
    col->expect = malloc(strlen(list) + 8);
    if (col->expect)
      sprintf(col->expect, "one of %s", list);
    free(list);
    return col->expect != NULL;
  }
  default: col->kind = K_UNKNOWN; break;
  }
  return 1;
}

static void free_cfg(cfg *c) {
  for (uint32_t i = 0; i < c->ncols; i++) {
    free(c->cols[i].name);
    free(c->cols[i].map.e);
    free(c->cols[i].expect);
  }
  free(c->cols);
  free(c->by_name.e);
  free(c->idents.e);
  free(c->ident_list);
  free(c->src);
  free(c->src_key);
  free(c->cat);
  free(c->cat_bits);
  free(c->cat_slot);
  for (uint32_t i = 0; i <= c->ncat && c->cat_csv && c->cat_json; i++) {
    free(c->cat_csv[i]);
    free(c->cat_json[i]);
  }
  free(c->cat_csv);
  free(c->cat_json);
  free(c->cat_csv_n);
  free(c->cat_json_n);
}

/* Sources, categories, identities: everything but the columns. */
static int setup_program(cfg *c) {
  const pol_program *p = c->p;
  c->nsrc = pol_count(p, POL_SOURCE);
  c->src = calloc(c->nsrc + 1, sizeof *c->src);
  c->src_key = calloc(c->nsrc + 1, sizeof *c->src_key);
  c->ncat = pol_count(p, POL_CATEGORY);
  c->cat = calloc(c->ncat + 1, sizeof *c->cat);
  uint32_t cap = 8;
  while (cap < 2 * c->ncat + 2)
    cap *= 2;
  c->cat_mask = cap - 1;
  c->cat_bits = calloc(cap, sizeof *c->cat_bits);
  c->cat_slot = malloc(cap * sizeof *c->cat_slot);
  uint32_t nid = pol_count(p, POL_IDENTITY);
  const char **ids = calloc(nid + 1, sizeof *ids);
  if (!c->src || !c->src_key || !c->cat || !c->cat_bits || !c->cat_slot || !ids ||
      !km_init(&c->idents, nid)) {
    free(ids);
    return 0;
  }
  for (uint32_t i = 0; i < c->nsrc; i++) {
    c->src[i] = pol_handle_at(p, POL_SOURCE, i);
    c->src_key[i] = pol_key(p, c->src[i]);
  }
  memset(c->cat_slot, 0xff, cap * sizeof *c->cat_slot);
  size_t catkey = 0;
  for (uint32_t i = 0; i < c->ncat; i++) {
    c->cat[i] = pol_handle_at(p, POL_CATEGORY, i);
    uint32_t h = mix64(c->cat[i].bits) & c->cat_mask;
    while (c->cat_slot[h] != UINT32_MAX)
      h = (h + 1) & c->cat_mask;
    c->cat_bits[h] = c->cat[i].bits;
    c->cat_slot[h] = i;
    size_t n = strlen(pol_key(p, c->cat[i]));
    if (n > catkey)
      catkey = n;
  }
  for (uint32_t i = 0; i < nid; i++) {
    pol_handle h = pol_handle_at(p, POL_IDENTITY, i);
    ids[i] = pol_key(p, h);
    km_put(&c->idents, ids[i], h.bits);
  }
  c->ident_list = join(ids, nid, "none");
  free(ids);
  for (uint32_t i = 0; i < pol_count(p, POL_ATTRIBUTE); i++)
    if (pol_attr_type(p, pol_handle_at(p, POL_ATTRIBUTE, i)) == POL_T_IDENTITIES)
      c->has_ident = 1;
  int32_t epoch;
  if (pol_date_parse("1970-01-01", &epoch) != POL_OK)
    return 0;
  c->epoch = epoch;
  /* our date parser only where it agrees with the API's on dates at every edge */
  static const char *const probes[] = {"0001-01-01", "0001-03-01", "1899-12-31", "1900-02-28",
                                       "1900-02-29", "1900-03-01", "1969-12-31", "1970-01-01",
                                       "2000-02-29", "2001-02-29", "2024-02-29", "2025-12-31",
                                       "2026-01-01", "9999-12-31", "0000-12-31", "2025-13-01",
                                       "2025-04-31", "2025-00-10", "2025-01-00"};
  c->own_dates = 1;
  for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
    int32_t a = 0, b2 = 0;
    int64_t d = 0;
    int oa = pol_date_parse(probes[i], &a) == POL_OK, ob = civil_day(probes[i], 10, &d);
    b2 = (int32_t)(d + epoch);
    if (oa != ob || (oa && a != b2))
      c->own_dates = 0;
  }
  c->cat_csv = calloc(c->ncat + 1, sizeof *c->cat_csv);
  c->cat_json = calloc(c->ncat + 1, sizeof *c->cat_json);
  c->cat_csv_n = calloc(c->ncat + 1, sizeof *c->cat_csv_n);
  c->cat_json_n = calloc(c->ncat + 1, sizeof *c->cat_json_n);
  if (!c->cat_csv || !c->cat_json || !c->cat_csv_n || !c->cat_json_n)
    return 0;
  for (uint32_t i = 0; i <= c->ncat; i++) {
    const char *key = i < c->ncat ? pol_key(p, c->cat[i]) : "";
    size_t n = strlen(key);
    c->cat_csv[i] = malloc(2 * n + 3);
    c->cat_json[i] = malloc(6 * n + 5);
    if (!c->cat_csv[i] || !c->cat_json[i])
      return 0;
    c->cat_csv_n[i] = put_csv_text(c->cat_csv[i], key, n);
    if (i < c->ncat) {
      c->cat_json_n[i] = put_json_text(c->cat_json[i], key, n);
    } else {
      memcpy(c->cat_json[i], "null", 4);
      c->cat_json_n[i] = 4;
    }
  }
  /* line, payable, category key (escaped), money and waits, dates, separators and keys */
  size_t srckeys = 0;
  for (uint32_t i = 0; i < c->nsrc; i++)
    srckeys += 6 * strlen(c->src_key[i]) + 4;
  c->row_bound = 256 + 6 * catkey + (c->nsrc + 2) * MONEY_TEXT + srckeys;
  c->unstated = pol_unstated_count(c->p) > 0;
  return c->ident_list != NULL;
}

/* The known keys, for a header naming an unknown one. */
static void print_known(const cfg *c) {
  uint32_t n = pol_count(c->p, POL_ATTRIBUTE);
  fputs("; this policy accepts: ", stderr);
  for (uint32_t i = 0; i < n; i++)
    fprintf(stderr, "%s%s", i ? ", " : "", pol_key(c->p, pol_handle_at(c->p, POL_ATTRIBUTE, i)));
  if (c->date_col)
    fprintf(stderr, " (and the payment date column \"%s\")", c->date_col);
  fputs("\n", stderr);
}

/* CSV: columns from the header record at the start of b (b->start moves past it). */
static int setup_csv_header(cfg *c, block *b) {
  char *s = b->in;
  size_t len = b->len, pos = 0;
  s[len] = '\n';
  if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
    pos = 3; /* a byte-order mark (spreadsheet exports) */
  if (pos >= len) {
    fprintf(stderr, "polc batch: %s: empty roster (no header)\n", c->roster);
    return 0;
  }
  /* count the fields on a copy (parsing rewrites in place), then cut them for real */
  const char *err;
  uint64_t nl;
  size_t p2 = pos;
  char *copy = calloc(len + SLACK, 1);
  if (copy == NULL)
    return 0;
  memcpy(copy, s, len + 1);
  uint32_t nf = csv_record(copy, len, &p2, NULL, 0, &err, &nl);
  free(copy);
  if (err) {
    fprintf(stderr, "polc batch: %s:1: header: %s\n", c->roster, err);
    return 0;
  }
  field *f = calloc(nf, sizeof *f);
  c->cols = calloc(nf, sizeof *c->cols);
  if (!f || !c->cols) {
    free(f);
    return 0;
  }
  csv_record(s, len, &pos, f, nf, &err, &nl);
  int ok = 1, has_date = c->date_col == NULL;
  for (uint32_t i = 0; i < nf && ok; i++) {
    if (!make_column(c, &c->cols[i], f[i].s, f[i].n)) {
      fprintf(stderr, "polc batch: out of memory\n");
      ok = 0;
      break;
    }
    c->ncols = i + 1;
    column *col = &c->cols[i];
    char cell[CELL_TEXT];
    msg_cell(cell, sizeof cell, f[i].s, f[i].n);
    if (col->kind == K_UNKNOWN) {
      fprintf(stderr, "polc batch: %s:1: column %u: unknown key %s", c->roster, i + 1, cell);
      print_known(c);
      ok = 0;
    } else if (col->kind == K_PAYDATE) {
      has_date = 1;
    }
    for (uint32_t j = 0; ok && j < i; j++)
      if (strcmp(c->cols[j].name, col->name) == 0) {
        fprintf(stderr, "polc batch: %s:1: column %u: %s repeats column %u\n", c->roster, i + 1,
                cell, j + 1);
        ok = 0;
      }
  }
  if (ok && !has_date) {
    fprintf(stderr, "polc batch: %s:1: no column \"%s\" (--date-column)\n", c->roster,
            c->date_col);
    ok = 0;
  }
  free(f);
  b->start = pos;
  b->first_line = 1 + nl;
  return ok;
}

/* JSON Lines: a column for every attribute and the payment-date key. */
static int setup_jsonl_columns(cfg *c) {
  uint32_t n = pol_count(c->p, POL_ATTRIBUTE);
  c->cols = calloc(n + 1, sizeof *c->cols);
  if (!c->cols || !km_init(&c->by_name, n + 1))
    return 0;
  for (uint32_t i = 0; i < n; i++) {
    const char *k = pol_key(c->p, pol_handle_at(c->p, POL_ATTRIBUTE, i));
    if (c->date_col && strcmp(k, c->date_col) == 0) {
      fprintf(stderr, "polc batch: --date-column: \"%s\" is a resident key\n", k);
      return 0;
    }
    if (!make_column(c, &c->cols[c->ncols], k, strlen(k)))
      return 0;
    c->ncols++;
    if (c->cols[c->ncols - 1].kind == K_UNKNOWN)
      c->ncols--; /* not settable through the API: an unknown key in the roster */
    else
      km_put(&c->by_name, c->cols[c->ncols - 1].name, c->ncols - 1);
  }
  if (c->date_col) {
    if (!make_column(c, &c->cols[c->ncols], c->date_col, strlen(c->date_col)))
      return 0;
    km_put(&c->by_name, c->cols[c->ncols].name, c->ncols);
    c->ncols++;
  }
  return 1;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

int polc_batch(int argc, char **argv) {
  const char *policy = NULL, *roster = NULL, *date = NULL, *date_col = NULL, *out_name = NULL,
             *format = "csv", *in_format = NULL, *summary = NULL, *jobs_s = "1", *block_s = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **dst = strcmp(a, "--date") == 0            ? &date
                       : strcmp(a, "--date-column") == 0   ? &date_col
                       : strcmp(a, "-o") == 0              ? &out_name
                       : strcmp(a, "--format") == 0        ? &format
                       : strcmp(a, "--input-format") == 0  ? &in_format
                       : strcmp(a, "--summary") == 0       ? &summary
                       : strcmp(a, "--jobs") == 0          ? &jobs_s
                       : strcmp(a, "--block-size") == 0    ? &block_s
                                                           : NULL;
    if (dst) {
      if (i + 1 >= argc)
        return usage("%s needs a value", a);
      *dst = argv[++i];
    } else if (a[0] == '-' && a[1]) {
      return usage("unknown option '%s'", a);
    } else if (!policy) {
      policy = a;
    } else if (!roster) {
      roster = a;
    } else {
      return usage("unexpected argument '%s'", a);
    }
  }
  if (!policy)
    return usage("%s", "missing POLICY");
  if (!roster)
    return usage("%s", "missing ROSTER (a .csv or .jsonl file, or - for stdin)");
  if (!date == !date_col)
    return usage("%s", date ? "give --date or --date-column, not both"
                            : "missing --date YYYY-MM-DD or --date-column NAME");
  if (strcmp(format, "csv") != 0 && strcmp(format, "jsonl") != 0)
    return usage("--format: expected csv or jsonl, got '%s'", format);
  if (in_format && strcmp(in_format, "csv") != 0 && strcmp(in_format, "jsonl") != 0)
    return usage("--input-format: expected csv or jsonl, got '%s'", in_format);
  int64_t jobs, bsize;
  if (!parse_int(jobs_s, strlen(jobs_s), &jobs) || jobs < 1 || jobs > MAX_JOBS)
    return usage("--jobs: expected a number of threads 1..256, got '%s'", jobs_s);
  bsize = DEFAULT_BLOCK;
  if (block_s && (!parse_int(block_s, strlen(block_s), &bsize) || bsize < MIN_BLOCK ||
                  bsize > (1 << 30)))
    return usage("--block-size: expected a number of bytes 64..1073741824, got '%s'", block_s);

  cfg c;
  memset(&c, 0, sizeof c);
  c.roster = strcmp(roster, "-") == 0 ? "<stdin>" : roster;
  c.out_jsonl = strcmp(format, "jsonl") == 0;
  c.in_jsonl = in_format ? strcmp(in_format, "jsonl") == 0
                         : ends_with(roster, ".jsonl") || ends_with(roster, ".ndjson");
  c.date_col = date_col;
  c.block_size = (size_t)bsize;
  if (date && pol_date_parse(date, &c.date) != POL_OK) {
    fprintf(stderr, "polc batch: --date: expected a date \"YYYY-MM-DD\", got \"%s\"\n", date);
    return EXIT_BAD;
  }

  int fd = strcmp(roster, "-") == 0 ? 0 : open(roster, O_RDONLY);
  if (fd < 0) {
    fprintf(stderr, "polc batch: %s: cannot read: %s\n", roster, strerror(errno));
    return EXIT_BAD;
  }

  pol_program *p = NULL;
  pol_diags *d = NULL;
  pol_status st = pol_open(policy, &p, &d);
  if (d && pol_diags_count(d, 1)) {
    char *text = pol_diags_render(d, POL_FMT_TEXT);
    if (text)
      fputs(text, stderr);
    free(text);
  }
  pol_diags_free(d);
  if (st != POL_OK || !p) {
    if (st == POL_ENOMEM)
      fprintf(stderr, "polc: %s: out of memory\n", policy);
    else if (st != POL_EINPUT)
      fprintf(stderr, "polc: %s: cannot be compiled\n", policy);
    if (fd)
      close(fd);
    return EXIT_BAD;
  }
  c.p = p;

  int rc = EXIT_BAD;
  unsigned nblocks = jobs == 1 ? 1 : 2 * (unsigned)jobs;
  reader r = {fd, c.roster, c.in_jsonl, (size_t)bsize, malloc((size_t)bsize), 0, 1, 0, 0};
  block *blocks = calloc(nblocks, sizeof *blocks);
  worker *workers = calloc((size_t)jobs, sizeof *workers);
  sink k = {0};
  FILE *out = NULL, *sum = NULL;
  int ready = r.carry && blocks && workers && setup_program(&c);
  for (unsigned i = 0; ready && i < nblocks; i++) {
    blocks[i].in = calloc((size_t)bsize + SLACK, 1);
    ready = blocks[i].in && stats_init(&blocks[i].st, &c);
  }
  ready = ready && stats_init(&k.total, &c);
  if (!ready) {
    fprintf(stderr, "polc batch: out of memory\n");
    goto done;
  }

  /* the header (CSV) or the key set (JSONL) */
  int have_data = 1;
  if (c.in_jsonl) {
    if (!setup_jsonl_columns(&c)) {
      if (c.ncols == 0)
        fprintf(stderr, "polc batch: out of memory\n");
      goto done;
    }
  } else {
    have_data = fill(&r, &blocks[0]);
    if (r.error) {
      fprintf(stderr, "polc batch: %s: cannot read: %s\n", c.roster, strerror(r.error));
      goto done;
    }
    if (!have_data || blocks[0].oversize_line) {
      fprintf(stderr, "polc batch: %s: %s\n", c.roster,
              have_data ? "the header is longer than the block size" : "empty roster (no header)");
      goto done;
    }
    if (!setup_csv_header(&c, &blocks[0]))
      goto done;
  }
  for (unsigned i = 0; i < (unsigned)jobs; i++) {
    workers[i].ev = pol_eval_new(p);
    workers[i].maxf = c.ncols + 1;
    workers[i].f = calloc(c.ncols + 2 > 8 ? c.ncols + 2 : 8, sizeof *workers[i].f);
    for (unsigned k2 = 0; k2 < DAY_CACHE; k2++)
      workers[i].days[k2].day = INT32_MIN;
    workers[i].reason_out = malloc(6 * REASON_CACHE + 2);
    if (!workers[i].reason_out) {
      fprintf(stderr, "polc batch: out of memory\n");
      goto done;
    }
    if (!workers[i].ev || !workers[i].f) {
      fprintf(stderr, "polc batch: out of memory\n");
      goto done;
    }
  }

  out = out_name ? fopen(out_name, "wb") : stdout;
  if (!out) {
    fprintf(stderr, "polc batch: -o %s: cannot write: %s\n", out_name, strerror(errno));
    goto done;
  }
  sum = summary ? fopen(summary, "w") : stderr;
  if (!sum) {
    fprintf(stderr, "polc batch: --summary %s: cannot write: %s\n", summary, strerror(errno));
    goto done;
  }
  k.out = out;
  k.sum = sum;
  k.out_name = out_name ? out_name : "<stdout>";
  k.progress = isatty(2);
  clock_gettime(CLOCK_MONOTONIC, &k.last);

  /* the output header */
  if (!c.out_jsonl) {
    fputs("line,payable,reason,category,individual", out);
    for (uint32_t i = 0; i < c.nsrc; i++)
      fprintf(out, ",%s", c.src_key[i]);
    fputs(",worth,benefit_start,benefit_end,waiting_months,waiting_days\n", out);
  }

  pool pl = {.c = &c, .blocks = blocks, .nblocks = nblocks, .workers = workers,
             .jobs = (unsigned)jobs};
  int ok = 1;
  if (!c.in_jsonl && have_data) {
    /* the rest of the first block is rows */
    process_block(&c, &workers[0], &blocks[0]);
    emit(&c, &k, &blocks[0]);
  }
  if (jobs > 1) {
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.work, NULL);
    pthread_cond_init(&pl.done, NULL);
  }
  if (!k.write_error)
    ok = run(&c, &r, &pl, &k);
  if (jobs > 1) {
    pthread_mutex_destroy(&pl.mu);
    pthread_cond_destroy(&pl.work);
    pthread_cond_destroy(&pl.done);
  }
  clear_progress(&k);
  if (fflush(out) != 0 || ferror(out))
    k.write_error = 1;
  if (r.error) {
    fprintf(stderr, "polc batch: %s: cannot read: %s\n", c.roster, strerror(r.error));
  } else if (!ok) {
    fprintf(stderr, "polc batch: cannot start threads\n");
  } else if (k.write_error == 2) {
    fprintf(stderr, "polc batch: out of memory\n");
  } else if (k.write_error) {
    fprintf(stderr, "polc batch: %s: cannot write: %s\n", k.out_name, strerror(errno));
  } else {
    print_summary(&c, &k);
    rc = k.total.rejected ? EXIT_REJECTS : EXIT_OK;
  }

done:
  if (out && out != stdout)
    fclose(out);
  if (sum && sum != stderr && fclose(sum) != 0 && rc != EXIT_BAD) {
    fprintf(stderr, "polc batch: --summary %s: cannot write\n", summary);
    rc = EXIT_BAD;
  }
  for (unsigned i = 0; workers && i < (unsigned)jobs; i++) {
    pol_eval_free(workers[i].ev);
    free(workers[i].f);
    free(workers[i].reason_out);
  }
  for (unsigned i = 0; blocks && i < nblocks; i++) {
    free(blocks[i].in);
    free(blocks[i].out.s);
    free(blocks[i].rej.s);
    free(blocks[i].st.cat);
  }
  free(k.total.cat);
  free(blocks);
  free(workers);
  free(r.carry);
  free_cfg(&c);
  pol_program_free(p);
  if (fd > 0)
    close(fd);
  return rc;
}
