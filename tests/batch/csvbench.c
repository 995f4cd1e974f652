/*
 * csvbench.c — polc batch's CSV reader against libcsv (Debian libcsv-dev), the reader
 * issue #15 asks for unless ours is shown faster and as correct.
 *
 *   csvbench diff [N]     N random records (fixed seed) of RFC 4180 CSV: quoted fields
 *                         with commas, quotes, newlines, CRLF and LF endings, UTF-8, spaces;
 *                         both readers must return the same records, field by field.
 *                         Exit 1 on the first disagreement.  (tests/batch/csv.test.sh)
 *   csvbench time FILE    fields/s of both over FILE held in memory, in blocks of the size
 *                         polc batch reads (256 KiB), best of 5.  Only reports.
 *
 * The reader under test is compiler/batch.c itself (included, so its static functions
 * are the ones polc runs).  libcsv runs with CSV_STRICT and spaces kept (RFC 4180: "spaces
 * are part of a field"), which is what polc batch implements.
 */
#include "../../compiler/batch.c"

#include <csv.h>

/* ---- libcsv side: fields of one record collected by callback ------------------------- */

typedef struct {
  char *text; /* fields back to back, each NUL-terminated */
  size_t len, cap;
  size_t nfields, nrecords;
  uint64_t bytes; /* timing: a checksum so nothing is optimised away */
  int keep;
  char **recs; /* diff: the records, each "f1\x1ff2\x1f...\x1e" */
  size_t nrecs, caprecs;
} lc_state;

static void lc_add(lc_state *s, const char *p, size_t n) {
  if (s->len + n + 2 > s->cap) {
    s->cap = (s->len + n + 2) * 2;
    s->text = realloc(s->text, s->cap);
  }
  memcpy(s->text + s->len, p, n);
  s->len += n;
}

static void lc_field(void *f, size_t n, void *data) {
  lc_state *s = data;
  s->nfields++;
  s->bytes += n;
  if (s->keep) {
    lc_add(s, f ? f : "", f ? n : 0);
    lc_add(s, "\x1f", 1);
  }
}

static void lc_row(int c, void *data) {
  (void)c;
  lc_state *s = data;
  s->nrecords++;
  if (s->keep) {
    lc_add(s, "\x1e", 1);
    if (s->nrecs == s->caprecs) {
      s->caprecs = s->caprecs ? 2 * s->caprecs : 1024;
      s->recs = realloc(s->recs, s->caprecs * sizeof *s->recs);
    }
    s->recs[s->nrecs] = malloc(s->len + 1);
    memcpy(s->recs[s->nrecs], s->text, s->len);
    s->recs[s->nrecs][s->len] = 0;
    s->nrecs++;
    s->len = 0;
  }
}

static int no_space(unsigned char c) {
  (void)c;
  return 0;
}

/* ---- random RFC 4180 records --------------------------------------------------------- */

static uint32_t rnd_next(uint64_t *rng, uint32_t n) {
  *rng ^= *rng << 13;
  *rng ^= *rng >> 7;
  *rng ^= *rng << 17;
  return (uint32_t)(*rng % n);
}
#define rnd(n) rnd_next(rng, (n))

static void gen_field(uint64_t *rng, buf *b) {
  static const char *const pieces[] = {"a", "bc", "1990-01-01", ",", "\"", "\n", " ", "\xc3\xa9", ";", "\r\n"};
  char raw[64];
  size_t n = 0;
  uint32_t k = rnd(5);
  for (uint32_t i = 0; i < k; i++) {
    const char *p = pieces[rnd(10)];
    size_t m = strlen(p);
    if (n + m < sizeof raw) {
      memcpy(raw + n, p, m);
      n += m;
    }
  }
  int quote = rnd(4) == 0;
  for (size_t i = 0; i < n; i++)
    if (raw[i] == ',' || raw[i] == '"' || raw[i] == '\n' || raw[i] == '\r')
      quote = 1;
  if (!quote) {
    buf_add(b, raw, n);
    return;
  }
  buf_add(b, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    if (raw[i] == '"')
      buf_add(b, "\"", 1);
    buf_add(b, raw + i, 1);
  }
  buf_add(b, "\"", 1);
}

static int run_diff(size_t n) {
  uint64_t seed = 88172645463325252u, *rng = &seed;
  buf in = {0};
  for (size_t r = 0; r < n; r++) {
    uint32_t nf = 1 + rnd(6);
    if (nf == 1)
      nf = 2; /* a lone empty field is a blank line, skipped by both */
    for (uint32_t f = 0; f < nf; f++) {
      if (f)
        buf_add(&in, ",", 1);
      gen_field(rng, &in);
    }
    if (rnd(3))
      buf_add(&in, "\n", 1);
    else
      buf_add(&in, "\r\n", 2);
  }
  /* libcsv */
  lc_state s = {0};
  s.keep = 1;
  struct csv_parser p;
  csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
  csv_set_space_func(&p, no_space);
  if (getenv("CSVBENCH_DUMP")) {
    FILE *d = fopen(getenv("CSVBENCH_DUMP"), "wb");
    fwrite(in.s, 1, in.len, d);
    fclose(d);
  }
  size_t done = csv_parse(&p, in.s, in.len, lc_field, lc_row, &s);
  if (done != in.len || csv_fini(&p, lc_field, lc_row, &s) != 0) {
    fprintf(stderr, "libcsv: %s at byte %zu: %.40s\n", csv_strerror(csv_error(&p)), done,
            in.s + (done > 20 ? done - 20 : 0));
    return 1;
  }
  csv_free(&p);
  /* ours, over the whole text as one block */
  char *blk = calloc(in.len + SLACK, 1);
  memcpy(blk, in.s, in.len);
  blk[in.len] = '\n';
  field f[16];
  size_t pos = 0, rec = 0;
  buf mine = {0};
  while (pos < in.len) {
    if (blk[pos] == '\n' || (blk[pos] == '\r' && blk[pos + 1] == '\n')) {
      pos += blk[pos] == '\r' ? 2 : 1;
      continue;
    }
    const char *err;
    uint64_t nl;
    uint32_t nf = csv_record(blk, in.len, &pos, f, 16, &err, &nl);
    if (err) {
      fprintf(stderr, "record %zu: %s\n", rec, err);
      return 1;
    }
    mine.len = 0;
    for (uint32_t i = 0; i < nf; i++) {
      buf_add(&mine, f[i].s, f[i].n);
      buf_add(&mine, "\x1f", 1);
    }
    buf_add(&mine, "\x1e", 1);
    if (rec >= s.nrecs || strlen(s.recs[rec]) != mine.len ||
        memcmp(s.recs[rec], mine.s, mine.len) != 0) {
      fprintf(stderr, "record %zu differs\n", rec);
      return 1;
    }
    rec++;
  }
  if (rec != s.nrecs) {
    fprintf(stderr, "%zu records, libcsv %zu\n", rec, s.nrecs);
    return 1;
  }
  printf("csv: %zu random records (%zu bytes) read alike by polc batch and libcsv\n", rec,
         in.len);
  for (size_t i = 0; i < s.nrecs; i++)
    free(s.recs[i]);
  free(s.recs);
  free(s.text);
  free(in.s);
  free(mine.s);
  free(blk);
  return 0;
}

/* ---- timing -------------------------------------------------------------------------- */

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int run_time(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return 2;
  fseek(fp, 0, SEEK_END);
  size_t n = (size_t)ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *all = malloc(n + 1);
  if (fread(all, 1, n, fp) != n)
    return 2;
  fclose(fp);
  char *blk = calloc(DEFAULT_BLOCK + SLACK, 1);
  field f[64];
  double best_ours = 1e9, best_lc = 1e9;
  size_t fields_ours = 0, fields_lc = 0;
  for (int round = 0; round < 5; round++) {
    /* ours: split into blocks at record ends (as the reader does), then parse */
    double t0 = now();
    size_t off = 0, nf_total = 0;
    reader r = {0};
    r.cap = DEFAULT_BLOCK;
    while (off < n) {
      size_t take = n - off < DEFAULT_BLOCK ? n - off : DEFAULT_BLOCK;
      memcpy(blk, all + off, take);
      uint64_t lines;
      size_t end = off + take == n ? take : split(&r, blk, take, &lines);
      blk[end] = '\n';
      size_t pos = 0;
      while (pos < end) {
        const char *err;
        uint64_t nl;
        nf_total += csv_record(blk, end, &pos, f, 64, &err, &nl);
      }
      off += end;
    }
    double t1 = now() - t0;
    if (t1 < best_ours)
      best_ours = t1;
    fields_ours = nf_total;
    /* libcsv over the same blocks */
    t0 = now();
    lc_state s = {0};
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_space_func(&p, no_space);
    for (off = 0; off < n; off += DEFAULT_BLOCK) {
      size_t take = n - off < DEFAULT_BLOCK ? n - off : DEFAULT_BLOCK;
      memcpy(blk, all + off, take);
      csv_parse(&p, blk, take, lc_field, lc_row, &s);
    }
    csv_fini(&p, lc_field, lc_row, &s);
    csv_free(&p);
    t1 = now() - t0;
    if (t1 < best_lc)
      best_lc = t1;
    fields_lc = s.nfields;
  }
  printf("%s: %zu bytes\n", path, n);
  printf("  polc batch reader: %zu fields in %.1f ms  (%.0f MB/s)\n", fields_ours,
         best_ours * 1e3, (double)n / best_ours / 1e6);
  printf("  libcsv 3.0.3:      %zu fields in %.1f ms  (%.0f MB/s)\n", fields_lc, best_lc * 1e3,
         (double)n / best_lc / 1e6);
  printf("  ratio libcsv / ours: %.2f\n", best_lc / best_ours);
  free(all);
  free(blk);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "diff") == 0)
    return run_diff(argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 100000);
  if (argc == 3 && strcmp(argv[1], "time") == 0)
    return run_time(argv[2]);
  fprintf(stderr, "usage: csvbench diff [N] | csvbench time FILE.csv\n");
  return 2;
}
