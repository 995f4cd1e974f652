/*
 * partition.c — the partition of a policy's inputs for `polc check` (see check_int.h):
 * dims, what each section compares them with, candidate values between which every
 * atomic condition of the bytecode is constant, date change points, and incremental
 * evaluation of lets and categories at a point.  Reusable apart from the findings.
 */
#include "check_int.h"

char *chk_xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *r = malloc(n);
  if (r) memcpy(r, s, n);
  return r;
}

void chk_sb(sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char tmp[1024];
  int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (k < 0) return;
  if ((size_t)k >= sizeof tmp) k = sizeof tmp - 1;
  if (b->n + (size_t)k + 1 > b->cap) {
    size_t cap = (b->cap + (size_t)k + 1) * 2;
    char *s = realloc(b->s, cap);
    if (!s) {
      if (b->oom) *b->oom = true;
      return;
    }
    b->s = s;
    b->cap = cap;
  }
  memcpy(b->s + b->n, tmp, (size_t)k + 1);
  b->n += (size_t)k;
}

static bool info_oom(const info *in) { return in->consts.oom || in->day_offs.oom || in->mon_offs.oom; }

/* A value some list of the partition could not take (il_add): the candidates, and so the
 * findings, would be incomplete. */
bool chk_lists_oom(const chk *c) {
  const pol_program *p = c->p;
  bool oom = c->paid.oom || info_oom(&c->A) || info_oom(&c->B) || info_oom(&c->win_info);
  for (uint32_t i = 0; i < c->nd; i++) oom = oom || info_oom(&c->d[i].in) || c->d[i].cand.oom;
  for (uint32_t i = 0; c->let_info && i < p->nlets; i++) oom = oom || info_oom(&c->let_info[i]);
  for (uint32_t i = 0; c->cat_info && i < p->ncategories; i++) oom = oom || info_oom(&c->cat_info[i]);
  for (uint32_t i = 0; c->rule_info && i < p->nrules; i++) oom = oom || info_oom(&c->rule_info[i]);
  return oom;
}

const char *chk_ckey(const chk *c, uint32_t i) { return prg_str(c->p, c->p->categories[i].key); }

/* The payment span (plo..phi): every window, the collection period and the benefit year
 * with the year before.  Candidate dates (ylo..yhi) reach 131 years before it (birth
 * dates of the oldest payers) and 4 years after it, clamped to the calendar: derived
 * from the dates the policy accepts, never from the header's year alone, so that a
 * benefit year far from the windows still leaves every payment date a candidate. */
void chk_payment_span(chk *c) {
  const pol_program *p = c->p;
  int y = p->year < 2 ? 2 : p->year > 9999 ? 9999 : p->year;
  int32_t lo = cal_from_ymd(y - 1, 1, 1), hi = cal_from_ymd(y, 12, 31);
  if (p->coll_lo <= p->coll_hi) {
    if (p->coll_lo < lo) lo = p->coll_lo;
    if (p->coll_hi > hi) hi = p->coll_hi;
  }
  for (uint32_t i = 0; i < p->nwindows; i++) {
    if (p->windows[i].lo > p->windows[i].hi) continue;
    if (p->windows[i].lo < lo) lo = p->windows[i].lo;
    if (p->windows[i].hi > hi) hi = p->windows[i].hi;
  }
  if (lo < CAL_MIN_DAY) lo = CAL_MIN_DAY;
  if (hi > CAL_MAX_DAY) hi = CAL_MAX_DAY;
  c->plo = lo;
  c->phi = hi;
  int ly, lm, ld, hy, hm, hd;
  cal_to_ymd(lo, &ly, &lm, &ld);
  cal_to_ymd(hi, &hy, &hm, &hd);
  c->ylo = cal_from_ymd(ly - 131 > 1 ? ly - 131 : 1, 1, 1);
  c->yhi = cal_from_ymd(hy + 4 < 9999 ? hy + 4 : 9999, 12, 31);
}

/* ---- reading the bytecode ----------------------------------------------------------- */

static void scan_section(chk *c, prg_section s, info *out) {
  const pol_program *p = c->p;
  if (chk_absent_sec(s)) return;
  for (uint32_t pc = s.start; pc < s.end; pc++) {
    uint32_t insn = p->code[pc];
    uint32_t op = INSN_OP(insn), a = INSN_A(insn), b = INSN_B(insn);
    uint32_t next = pc + 1 < s.end ? INSN_OP(p->code[pc + 1]) : OP_RET;
    switch (op) {
    case OP_CONST:
      if (next == OP_ADDDAYS) il_add(&out->day_offs, p->consts[b]);
      else if (next == OP_ADDMONS) il_add(&out->mon_offs, p->consts[b]);
      else il_add(&out->consts, p->consts[b]);
      break;
    case OP_INRANGE:
      il_add(&out->consts, p->consts[a]);
      il_add(&out->consts, p->consts[b]);
      break;
    case OP_LOAD:
    case OP_PRESENT:
      if (b == SLOT_PAID_ON) { ds_add(&out->reads, 0); ds_add(&out->direct, 0); }
      else if (b == SLOT_CATEGORY) out->reads_cat = true;
      else if (b == SLOT_SUBSIDIZED) out->reads_sub = true;
      else if (b < p->nslots && c->dim_of_slot[b] >= 0) {
        ds_add(&out->reads, (uint32_t)c->dim_of_slot[b]);
        ds_add(&out->direct, (uint32_t)c->dim_of_slot[b]);
      } else
        for (uint32_t l = 0; l < p->nlets && l < c->nlets_ok; l++)
          if (p->lets[l].slot == b) {
            info_merge(out, &c->let_info[l]);
            if (l < 64) out->lets |= 1ull << l;
            else out->many_lets = true;
          }
      break;
    case OP_IDENT:
      if (a < 64 && c->dim_of_bit[a] >= 0) {
        ds_add(&out->reads, (uint32_t)c->dim_of_bit[a]);
        ds_add(&out->direct, (uint32_t)c->dim_of_bit[a]);
      }
      break;
    case OP_AGE: out->age = true; break;
    case OP_YEAR: out->year = true; break;
    case OP_INWIN: if (b < 63) out->wins |= 1ull << b; break;
    case OP_INCOLL: out->wins |= 1ull << 63; break;
    case OP_CALL: out->ext |= 1ull << (b < 63 ? b : 63); break;
    default: break;
    }
  }
}

/* Dims: payment date, attributes loaded anywhere, identity bits tested anywhere. */
bool chk_make_dims(chk *c) {
  const pol_program *p = c->p;
  uint8_t *loaded = calloc(p->nslots ? p->nslots : 1, 1);
  if (!loaded) return false;
  uint64_t bits = 0;
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    uint32_t insn = p->code[pc], op = INSN_OP(insn);
    /* what only an assumption loads is no dim: it keeps its ordinary value, inside them */
    bool assumed = false;
    for (uint32_t i = 0; i < p->nassumes && !assumed; i++)
      assumed = pc >= p->assumes[i].holds.start && pc < p->assumes[i].holds.end;
    if (assumed) continue;
    if ((op == OP_LOAD || op == OP_PRESENT) && INSN_B(insn) < p->nslots) loaded[INSN_B(insn)] = 1;
    if (op == OP_IDENT && INSN_A(insn) < 64) bits |= 1ull << INSN_A(insn);
  }
  c->nd = 1;
  c->d[0].kind = DK_PAID;
  for (uint32_t i = 0; i < p->nslots; i++) c->dim_of_slot[i] = -1;
  for (uint32_t i = 0; i < 64; i++) c->dim_of_bit[i] = -1;
  for (uint32_t i = 0; i < p->nattrs && c->nd < MAXD; i++) {
    const prg_attr *at = &p->attrs[i];
    if (at->is_identities || at->slot >= p->nslots || !loaded[at->slot]) continue;
    c->d[c->nd].kind = DK_ATTR;
    c->d[c->nd].attr = i;
    c->d[c->nd].slot = at->slot;
    c->dim_of_slot[at->slot] = (int32_t)c->nd++;
  }
  for (uint32_t b = 0; b < 64 && c->nd < MAXD; b++) {
    if (!((bits >> b) & 1)) continue;
    c->d[c->nd].kind = DK_BIT;
    c->d[c->nd].bit = b;
    c->dim_of_bit[b] = (int32_t)c->nd++;
  }
  free(loaded);
  return true;
}

/* Which constants, offsets and windows each dim is compared with: a linear abstract run
 * of the section over a stack of (dims, constant?) entries. */
typedef struct { dset dims; bool k; int64_t v; int unit; int64_t off; } aent;

static void give(chk *c, const dset *dims, int what, int64_t v) {
  for (uint32_t d = 0; d < c->nd; d++) {
    if (!ds_has(dims, d)) continue;
    info *in = &c->d[d].in;
    switch (what) {
    case 0: il_add(&in->consts, v); break;
    case 1: il_add(&in->day_offs, v); break;
    case 2: il_add(&in->mon_offs, v); break;
    case 3: in->age = true; break;
    case 4: in->year = true; break;
    default: in->wins |= (uint64_t)v; break;
    }
  }
}

static void attribute(chk *c, prg_section s) {
  const pol_program *p = c->p;
  if (chk_absent_sec(s)) return;
  aent st[PRG_STACK_MAX + 4];
  uint32_t sp = 0;
  uint32_t len = s.end - s.start;
  dset *pend = calloc(len + 1, sizeof *pend);
  uint8_t *haspend = calloc(len + 1, 1);
  if (!pend || !haspend) { free(pend); free(haspend); c->oom = true; return; }
#define PUSH(e) do { if (sp < PRG_STACK_MAX + 4) st[sp++] = (e); } while (0)
#define POP() (sp ? st[--sp] : (aent){{{0}}, false, 0, 0, 0})
  for (uint32_t pc = s.start; pc < s.end; pc++) {
    uint32_t rel = pc - s.start;
    if (haspend[rel] && sp) ds_or(&st[sp - 1].dims, &pend[rel]);
    uint32_t insn = p->code[pc];
    uint32_t op = INSN_OP(insn), a = INSN_A(insn), b = INSN_B(insn);
    aent e = {{{0}}, false, 0, 0, 0};
    switch (op) {
    case OP_CONST: e.k = true; e.v = p->consts[b]; PUSH(e); break;
    case OP_LOAD:
    case OP_PRESENT:
      if (b == SLOT_PAID_ON) ds_add(&e.dims, 0);
      else if (b < p->nslots && c->dim_of_slot[b] >= 0) ds_add(&e.dims, (uint32_t)c->dim_of_slot[b]);
      else
        for (uint32_t l = 0; l < p->nlets; l++)
          if (p->lets[l].slot == b) e.dims = c->let_info[l].reads;
      PUSH(e);
      break;
    case OP_IDENT:
      if (a < 64 && c->dim_of_bit[a] >= 0) ds_add(&e.dims, (uint32_t)c->dim_of_bit[a]);
      PUSH(e);
      break;
    case OP_NEG: if (sp && st[sp - 1].k) st[sp - 1].v = -st[sp - 1].v; break;
    case OP_NOT: if (sp) st[sp - 1].k = false; break;
    case OP_YEAR: case OP_MONTH: case OP_DAY: case OP_EOM:
      if (sp) { if (op == OP_YEAR) give(c, &st[sp - 1].dims, 4, 0); st[sp - 1].k = false; }
      break;
    case OP_ADDDAYS: case OP_ADDMONS: {
      aent x = POP(), y = POP();
      if (x.k) {
        give(c, &y.dims, op == OP_ADDDAYS ? 1 : 2, x.v < 0 ? -x.v : x.v);
        y.unit = op == OP_ADDDAYS ? 1 : 2;
        y.off = x.v < 0 ? -x.v : x.v;
      }
      ds_or(&y.dims, &x.dims);
      y.k = false;
      PUSH(y);
      break;
    }
    case OP_AGE: {
      aent x = POP(), y = POP();
      give(c, &x.dims, 3, 0);
      give(c, &y.dims, 3, 0);
      ds_or(&y.dims, &x.dims);
      y.k = false;
      PUSH(y);
      break;
    }
    case OP_ADD: case OP_SUB: case OP_MUL: case OP_MIN: case OP_MAX: case OP_RATIO:
    case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE: {
      aent x = POP(), y = POP();
      if (x.k && y.k) {
        int64_t v = op == OP_ADD ? y.v + x.v : op == OP_SUB ? y.v - x.v : op == OP_MIN ? (y.v < x.v ? y.v : x.v)
                    : op == OP_MAX ? (y.v > x.v ? y.v : x.v) : y.v;
        y.v = v;
        PUSH(y);
        break;
      }
      if (x.k) give(c, &y.dims, 0, x.v);
      if (y.k) give(c, &x.dims, 0, y.v);
      /* date + offset compared with another date: the offset relates the other one too */
      if (x.unit) give(c, &y.dims, x.unit, x.off);
      if (y.unit) give(c, &x.dims, y.unit, y.off);
      bool arith = op == OP_ADD || op == OP_SUB || op == OP_MIN || op == OP_MAX;
      if (!arith || (!x.unit && !y.unit)) { y.unit = 0; y.off = 0; }
      else if (x.unit) { y.unit = x.unit; y.off = x.off; }
      ds_or(&y.dims, &x.dims);
      y.k = false;
      PUSH(y);
      break;
    }
    case OP_INRANGE:
      if (sp) {
        give(c, &st[sp - 1].dims, 0, p->consts[a]);
        give(c, &st[sp - 1].dims, 0, p->consts[b]);
        st[sp - 1].k = false;
      }
      break;
    case OP_INSET: if (sp) st[sp - 1].k = false; break;
    case OP_INWIN: if (sp) { if (b < 63) give(c, &st[sp - 1].dims, 5, (int64_t)(1ull << b)); st[sp - 1].k = false; } break;
    case OP_INCOLL: if (sp) { give(c, &st[sp - 1].dims, 5, (int64_t)(1ull << 63)); st[sp - 1].k = false; } break;
    case OP_MKDATE: {
      aent x = POP(), y = POP(), z = POP();
      ds_or(&z.dims, &y.dims);
      ds_or(&z.dims, &x.dims);
      z.k = false;
      PUSH(z);
      break;
    }
    case OP_ANSWER: { /* the answer's dates: no dimension, not known */
      aent r = {{{0}}, false, 0, 0, 0};
      PUSH(r);
      break;
    }
    case OP_CALL: { /* a host function's result: unknown, depending on every argument */
      aent r = {{{0}}, false, 0, 0, 0};
      for (uint32_t n = p->externs[b].arg_count; n > 0; n--) {
        aent x = POP();
        ds_or(&r.dims, &x.dims);
      }
      PUSH(r);
      break;
    }
    case OP_JMP: {
      aent x = POP();
      uint32_t t = rel + 1 + b;
      if (t <= len) { ds_or(&pend[t], &x.dims); haspend[t] = 1; }
      break;
    }
    case OP_JMPF: case OP_ANDJ: case OP_ORJ: {
      aent x = POP();
      uint32_t t = rel + 1 + b;
      if (op != OP_JMPF && t <= len) { ds_or(&pend[t], &x.dims); haspend[t] = 1; }
      break;
    }
    default: break;
    }
  }
#undef PUSH
#undef POP
  free(pend);
  free(haspend);
}

static void attribute_all(chk *c) {
  const pol_program *p = c->p;
  for (uint32_t l = 0; l < p->nlets; l++) attribute(c, p->lets[l].value);
  for (uint32_t i = 0; i < p->ncategories; i++) {
    const prg_category *cat = &p->categories[i];
    attribute(c, cat->when);
    attribute(c, cat->worth);
    for (uint32_t k = 0; k < cat->part_count; k++) attribute(c, p->parts[cat->part_first + k].value);
  }
  for (uint32_t i = 0; i < p->neffects; i++) {
    attribute(c, p->effects[i].value);
    attribute(c, p->effects[i].counted);
  }
  for (uint32_t i = 0; i < p->nrules; i++) attribute(c, p->rules[i].when);
  for (uint32_t i = 0; i < p->naddons; i++) {
    attribute(c, p->addons[i].paid_when);
    attribute(c, p->addons[i].paid_amount);
  }
  for (uint32_t i = 0; i < p->nperiods; i++) {
    const prg_period *pd = &p->periods[i];
    attribute(c, pd->when);
    attribute(c, pd->worth);
    for (uint32_t k = 0; k < pd->part_count; k++) attribute(c, p->parts[pd->part_first + k].value);
    attribute(c, pd->start);
    attribute(c, pd->end);
  }
}

void chk_scan_program(chk *c) {
  const pol_program *p = c->p;
  for (uint32_t l = 0; l < p->nlets; l++) {
    c->nlets_ok = l; /* a let may read the ones before it */
    scan_section(c, p->lets[l].value, &c->let_info[l]);
  }
  c->nlets_ok = p->nlets;
  for (uint32_t i = 0; i < p->ncategories; i++) {
    const prg_category *cat = &p->categories[i];
    info *in = &c->cat_info[i];
    scan_section(c, cat->when, in);
    scan_section(c, cat->worth, in);
    for (uint32_t k = 0; k < cat->part_count; k++) scan_section(c, p->parts[cat->part_first + k].value, in);
    info_merge(&c->A, in);
  }
  for (uint32_t i = 0; i < p->nwindows; i++)
    for (uint32_t k = 0; k < p->windows[i].eff_count; k++) {
      scan_section(c, p->effects[p->windows[i].eff_first + k].value, &c->win_info);
      scan_section(c, p->effects[p->windows[i].eff_first + k].counted, &c->win_info);
    }
  info_merge(&c->B, &c->win_info);
  for (uint32_t i = 0; i < p->nrules; i++) {
    info *in = &c->rule_info[i];
    scan_section(c, p->rules[i].when, in);
    for (uint32_t k = 0; k < p->rules[i].eff_count; k++) {
      scan_section(c, p->effects[p->rules[i].eff_first + k].value, in);
      scan_section(c, p->effects[p->rules[i].eff_first + k].counted, in);
    }
    info_merge(&c->B, in);
  }
  for (uint32_t i = 0; i < p->naddons; i++) {
    info in = {0};
    scan_section(c, p->addons[i].paid_when, &in);
    scan_section(c, p->addons[i].paid_amount, &in);
    info_merge(&c->B, &in);
    info_free(&in);
  }
  /* periods (#19 B4): stage B evaluates them where they hold, like the add-ons */
  for (uint32_t i = 0; i < p->nperiods; i++) {
    const prg_period *pd = &p->periods[i];
    info in = {0};
    scan_section(c, pd->when, &in);
    scan_section(c, pd->worth, &in);
    for (uint32_t k = 0; k < pd->part_count; k++) scan_section(c, p->parts[pd->part_first + k].value, &in);
    scan_section(c, pd->start, &in);
    scan_section(c, pd->end, &in);
    info_merge(&c->B, &in);
    info_free(&in);
  }
  for (uint32_t i = 0; i < p->nassumes; i++) {
    info in = {0};
    scan_section(c, p->assumes[i].holds, &in);
    ds_or(&c->assume_dims, &in.direct);
    info_free(&in);
  }
  attribute_all(c);
}

/* ---- candidates ---------------------------------------------------------------------- */

static void add_date(const chk *c, ilist *l, int64_t d, int lo_off, int hi_off) {
  for (int k = lo_off; k <= hi_off; k++)
    if (chk_day_ok(d + k) && chk_is_date(c, d + k)) il_add(l, d + k);
}

static void win_days(const chk *c, ilist *l, int32_t lo, int32_t hi, uint8_t dlo, uint8_t dhi) {
  if (lo > hi) return;
  add_date(c, l, lo, -1, 1);
  add_date(c, l, hi, -1, 1);
  if (dlo <= 1 && dhi >= 31) return;
  int y, m, d;
  cal_to_ymd(lo, &y, &m, &d);
  for (int n = 0; n < 600; n++) {
    int32_t first = cal_from_ymd(y, m, 1);
    if (first > hi + 1) break;
    int dim = cal_days_in_month(y, m);
    int days[] = {dlo - 1, dlo, dhi, dhi + 1};
    for (int k = 0; k < 4; k++)
      if (days[k] >= 1 && days[k] <= dim) add_date(c, l, first + days[k] - 1, 0, 0);
    if (++m > 12) { m = 1; y++; }
  }
}

int chk_cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

void chk_paid_candidates(chk *c) {
  const pol_program *p = c->p;
  ilist *l = &c->paid;
  int32_t lo = p->coll_lo <= p->coll_hi ? p->coll_lo : INT32_MAX, hi = p->coll_lo <= p->coll_hi ? p->coll_hi : INT32_MIN;
  for (uint32_t i = 0; i < p->nwindows; i++) {
    const prg_window *w = &p->windows[i];
    if (w->lo > w->hi) continue;
    if (w->lo < lo) lo = w->lo;
    if (w->hi > hi) hi = w->hi;
    win_days(c, l, w->lo, w->hi, w->dlo, w->dhi);
  }
  if (p->coll_lo <= p->coll_hi) win_days(c, l, p->coll_lo, p->coll_hi, p->coll_dlo, p->coll_dhi);
  if (lo > hi) { /* no window: the benefit year */
    lo = cal_from_ymd(p->year, 1, 1);
    hi = cal_from_ymd(p->year, 12, 31);
    add_date(c, l, lo, 0, 0);
  }
  const info *in = &c->d[0].in;
  /* dates a condition compares the payment date with, in the plausible years (a rule
   * that accepts payments after every window: Tunliu's newborn catch-up shape) */
  int32_t plo = c->plo, phi = c->phi;
  for (uint32_t i = 0; i < in->consts.n; i++) {
    int64_t k = in->consts.v[i];
    if (k >= plo && k <= phi && k < lo) lo = (int32_t)k;
    if (k >= plo && k <= phi && k > hi) hi = (int32_t)k;
  }
  for (uint32_t i = 0; i < in->consts.n; i++) {
    int64_t k = in->consts.v[i];
    if (chk_is_date(c, k)) add_date(c, l, k, -1, 1);
    if (in->year && chk_is_year(c, k)) {
      add_date(c, l, cal_from_ymd((int)k, 1, 1), -1, 1);
      add_date(c, l, cal_from_ymd((int)k, 12, 31), -1, 1);
    }
    /* paid_on + n months compared with a date: month ends and the constant's day */
    if (chk_is_date(c, k))
      for (uint32_t j = 0; j < in->mon_offs.n; j++)
        add_date(c, l, chk_add_months((int32_t)k, -in->mon_offs.v[j]), -1, 1);
    if (chk_is_date(c, k))
      for (uint32_t j = 0; j < in->day_offs.n; j++) add_date(c, l, k - in->day_offs.v[j], -1, 1);
  }
  /* computed month offsets (`(2 + n) months`): every month end and first in range */
  {
    int y, m, d;
    cal_to_ymd(lo, &y, &m, &d);
    for (int n = 0; n < 600; n++) {
      int32_t first = cal_from_ymd(y, m, 1);
      if (first > hi) break;
      add_date(c, l, first, -1, 0);
      if (++m > 12) { m = 1; y++; }
    }
  }
  /* keep the dates near the windows */
  uint32_t k = 0;
  for (uint32_t i = 0; i < l->n; i++)
    if (l->v[i] >= lo - 1 && l->v[i] <= hi + 1) l->v[k++] = l->v[i];
  l->n = k;
  if (l->n > 1) qsort(l->v, l->n, sizeof *l->v, chk_cmp_i64); /* l->v is NULL when empty */
  /* payable dates first, so that witnesses are dates a payment can be made on */
  int64_t *tmp = malloc((l->n ? l->n : 1) * sizeof *tmp);
  if (!tmp) {
    c->oom = true;
    return;
  }
  uint32_t q = 0;
  for (int pass = 0; pass < 2; pass++)
    for (uint32_t i = 0; i < l->n; i++) {
      bool pay = false;
      for (uint32_t w = 0; w < p->nwindows && !pay; w++) pay = vm_in_window(&p->windows[w], (int32_t)l->v[i]);
      if (pay == (pass == 0)) tmp[q++] = l->v[i];
    }
  if (l->n > 0) /* l->v is NULL when empty */
    memcpy(l->v, tmp, l->n * sizeof *tmp);
  free(tmp);
}

/* The value a person most likely has: the default, absent for an optional date, the
 * payment date for one that defaults to it, a 45-year-old's birth date, the lowest value. */
static int64_t ordinary_value(const prg_attr *a, int32_t paid) {
  if (a->presence == PRESENCE_DEFAULT) return a->dflt;
  if (a->presence == PRESENCE_OPTIONAL) return PRG_ABSENT;
  if (a->presence == PRESENCE_QUERY_DATE) return paid;
  if (a->type == TY_DATE) return chk_add_months(paid, -12 * 45);
  return a->lo;
}

/* Candidates in order of ordinariness (nearest the ordinary value first, ties by value):
 * the enumeration meets ordinary residents first, so witnesses are the ones a person
 * recognises (no one exits another scheme before being born, 0 lapsed years).  The set
 * is unchanged, so completeness is too. */
typedef struct { uint64_t dist; int64_t v; } okey;
static int cmp_okey(const void *a, const void *b) {
  const okey *x = a, *y = b;
  if (x->dist != y->dist) return x->dist < y->dist ? -1 : 1;
  return (x->v > y->v) - (x->v < y->v);
}
static bool ordinary_first(ilist *l, int64_t o) {
  okey *k = malloc((l->n ? l->n : 1) * sizeof *k);
  if (!k) return false;
  for (uint32_t i = 0; i < l->n; i++) {
    int64_t v = l->v[i];
    /* absent is nearest itself and farthest from any date; no signed overflow */
    uint64_t d = (v == PRG_ABSENT) != (o == PRG_ABSENT) ? UINT64_MAX
                 : v >= o ? (uint64_t)v - (uint64_t)o : (uint64_t)o - (uint64_t)v;
    k[i] = (okey){d, v};
  }
  qsort(k, l->n, sizeof *k, cmp_okey);
  for (uint32_t i = 0; i < l->n; i++) l->v[i] = k[i].v;
  free(k);
  return true;
}

void chk_dim_candidates(chk *c, uint32_t di, int32_t paid) {
  dim *d = &c->d[di];
  ilist *l = &d->cand;
  l->n = 0;
  if (d->kind == DK_BIT) {
    il_add(l, 0);
    il_add(l, 1);
    if (l->oom) c->oom = true;
    return;
  }
  const prg_attr *a = &c->p->attrs[d->attr];
  const info *in = &d->in;
  switch (a->type) {
  case TY_BOOL: il_add(l, 0); il_add(l, 1); break;
  case TY_ENUM:
    for (int64_t v = a->lo; v <= a->hi; v++) il_add(l, v);
    break;
  case TY_DATE: {
    if (a->presence == PRESENCE_OPTIONAL) il_add(l, PRG_ABSENT);
    add_date(c, l, paid, -1, 1);
    for (uint32_t i = 0; i < in->consts.n; i++) {
      int64_t k = in->consts.v[i];
      if (chk_is_date(c, k)) {
        add_date(c, l, k, -1, 1);
        for (uint32_t j = 0; j < in->day_offs.n; j++) add_date(c, l, k - in->day_offs.v[j], -1, 1);
        for (uint32_t j = 0; j < in->mon_offs.n; j++)
          add_date(c, l, chk_add_months((int32_t)k, -in->mon_offs.v[j]), -1, 1);
      }
      if (in->year && chk_is_year(c, k - 1) && chk_is_year(c, k + 1))
        for (int64_t y = k - 1; y <= k + 1; y++) {
          add_date(c, l, cal_from_ymd((int)y, 1, 1), -1, 1);
          add_date(c, l, cal_from_ymd((int)y, 12, 31), -1, 1);
        }
      if (in->age && k >= 0 && k <= 130) add_date(c, l, chk_add_months(paid, -12 * k), -1, 1);
    }
    for (uint32_t j = 0; j < in->day_offs.n; j++) {
      add_date(c, l, paid - in->day_offs.v[j], -1, 1);
      add_date(c, l, paid + in->day_offs.v[j], -1, 1);
    }
    for (uint32_t j = 0; j < in->mon_offs.n; j++) {
      add_date(c, l, chk_add_months(paid, -in->mon_offs.v[j]), -1, 1);
      add_date(c, l, chk_add_months(paid, in->mon_offs.v[j]), -1, 1);
    }
    const pol_program *p = c->p;
    for (uint32_t w = 0; w < p->nwindows && w < 63; w++)
      if ((in->wins >> w) & 1) win_days(c, l, p->windows[w].lo, p->windows[w].hi, p->windows[w].dlo, p->windows[w].dhi);
    if (in->wins >> 63) win_days(c, l, p->coll_lo, p->coll_hi, p->coll_dlo, p->coll_dhi);
    if (a->presence == PRESENCE_DEFAULT && chk_day_ok(a->dflt)) il_add(l, a->dflt);
    break;
  }
  default: /* int, money */
    if (a->hi - a->lo <= 40) {
      for (int64_t v = a->lo; v <= a->hi; v++) il_add(l, v);
    } else {
      il_add(l, a->lo);
      if (a->presence == PRESENCE_DEFAULT) il_add(l, a->dflt);
      /* a ladder of ordinary sizes instead of the top of the range: a threshold no
       * constant states (`(2 + lapsed_years) months` past the year's end) is met by a
       * value a person can have, inside the assumptions (lapsed years within the years
       * since birth: 200, the top, is nobody's) */
      static const int64_t ladder[] = {10, 100};
      bool any = false;
      for (size_t i = 0; i < sizeof ladder / sizeof ladder[0]; i++)
        if (a->lo <= ladder[i] && ladder[i] <= a->hi) il_add(l, ladder[i]), any = true;
      if (!any) il_add(l, a->hi);
      /* each constant and its neighbours, without stepping past the int64 range */
      for (uint32_t i = 0; i < in->consts.n; i++) {
        int64_t k = in->consts.v[i];
        if (k > INT64_MIN && k - 1 >= a->lo && k - 1 <= a->hi) il_add(l, k - 1);
        if (k >= a->lo && k <= a->hi) il_add(l, k);
        if (k < INT64_MAX && k + 1 >= a->lo && k + 1 <= a->hi) il_add(l, k + 1);
      }
    }
    break;
  }
  if (l->n == 0) il_add(l, a->presence == PRESENCE_DEFAULT ? a->dflt : paid);
  /* a required date (the birth date) also takes its ordinary value, 45 years before the
   * payment: candidates near the policy's constants alone are recent dates, for which the
   * assumptions allow no lapsed years, so a rule on long lapses would seem never to apply */
  if (a->type == TY_DATE && a->presence == PRESENCE_REQUIRED && chk_day_ok(ordinary_value(a, paid)))
    il_add(l, ordinary_value(a, paid));
  if (!ordinary_first(l, ordinary_value(a, paid)) || l->oom) c->oom = true;
}

/* ---- evaluation at a point ---------------------------------------------------------- */

void chk_set_dim(chk *c, int64_t *slots, uint32_t di, int64_t v) {
  const dim *d = &c->d[di];
  if (d->kind == DK_PAID) slots[SLOT_PAID_ON] = v;
  else if (d->kind == DK_ATTR) slots[d->slot] = v;
  else if (v) slots[SLOT_IDENTITIES] |= (int64_t)(1ull << d->bit);
  else slots[SLOT_IDENTITIES] &= ~(int64_t)(1ull << d->bit);
}


bool chk_stale(const info *in, const chg *g) {
  if (!g->dims || in->many_lets || (in->lets & g->lets) || (in->reads_cat && g->cat) ||
      (in->reads_sub && g->sub))
    return true;
  for (int i = 0; i < g->nw; i++)
    if (in->direct.w[i] & g->dims->w[i]) return true;
  return false;
}

/* Re-runs the stale lets into ev->slots, noting in g->lets those whose value changed. */
void chk_update_lets(chk *c, chg *g) {
  const pol_program *p = c->p;
  g->lets = 0;
  for (uint32_t i = 0; i < p->nlets; i++) {
    if (!chk_stale(&c->let_info[i], g)) continue;
    int64_t v = 0;
    if (vm_run(c->ev, p->lets[i].value, &v) != POL_OK) v = 0;
    int64_t *slot = &c->ev->slots[p->lets[i].slot];
    if (*slot != v && i < 64) g->lets |= 1ull << i;
    *slot = v;
  }
}

/* moved[k] = the dims at odometer positions 0..k (what changes when position k advances). */
dset *chk_moved_sets(const uint32_t *dims, uint32_t n) {
  dset *m = calloc(n ? n : 1, sizeof *m);
  for (uint32_t k = 0; m && k < n; k++) {
    if (k) m[k] = m[k - 1];
    ds_add(&m[k], dims[k]);
  }
  return m;
}

/* Every assumption of the program holds at the point in ev->slots (a quote refuses the
 * resident otherwise, so check analyses no point outside them). */
bool chk_assumed(chk *c) {
  uint32_t broken;
  return eval_assumed(c->ev, &broken) == POL_OK && broken == PRG_NONE; /* an error: outside */
}

/* Category i at the point in ev->slots: row = holds, err, worth, individual, funding[]. */
void chk_eval_cat(chk *c, uint32_t i, int64_t *row) {
  const pol_program *p = c->p;
  const prg_category *cat = &p->categories[i];
  memset(row, 0, (4 + p->nsources) * sizeof *row);
  if (cat->otherwise) { row[0] = 1; } else {
    int64_t v = 0;
    if (vm_run(c->ev, cat->when, &v) != POL_OK) { row[0] = 1; row[1] = 3; return; }
    if (!v) return;
    row[0] = 1;
  }
  chk_eval_amounts(c, i, row);
}

/* Category i's amounts at the point in ev->slots into row (row[0] kept: whether it holds). */
void chk_eval_amounts(chk *c, uint32_t i, int64_t *row) {
  const pol_program *p = c->p;
  memset(row + 1, 0, (3 + p->nsources) * sizeof *row);
  eval_amounts a;
  bool bad;
  if (eval_category(c->ev, i, &a, row + 4, &bad) != POL_OK) {
    row[1] = 2;
    return;
  }
  row[2] = a.worth;
  row[3] = a.individual;
  if (bad) row[1] = 1;
}

/* Dates as runs: every day loop of check walks from one change point to the next, so
 * that its cost grows with the number of bounds and filtered months, not with the days a
 * window spans (0001-01-01 .. 9999-12-31 is legal).  chk_span_next(s, d) is the first day
 * after d on which membership in span s may differ from d's; every span answer
 * (vm_in_window, eval_window_at) is constant on d .. chk_next_change(...) - 1. */
int32_t chk_span_next(const prg_window *s, int32_t d) {
  if (s->lo > s->hi || d >= s->hi + (int64_t)1) return d < s->lo ? s->lo : INT32_MAX;
  if (d < s->lo) return s->lo;
  int32_t best = s->hi + 1;
  if (s->dlo <= 1 && s->dhi >= 31) return best;
  int y, m, day;
  cal_to_ymd(d, &y, &m, &day);
  int32_t first = d - (day - 1);
  int dim = cal_days_in_month(y, m);
  int32_t next_month = first + dim, cut = best;
  if (day < s->dlo && s->dlo <= dim) cut = first + s->dlo - 1;
  else if (day <= s->dhi && s->dhi < dim) cut = first + s->dhi;
  else cut = next_month;
  return cut < best ? cut : best;
}

/* The next change point after d of every window, the collection period and the extra
 * spans (restatements); INT32_MAX past the last. */
int32_t chk_next_change(const pol_program *p, const prg_window *extra, uint32_t nextra, int32_t d) {
  int32_t best = INT32_MAX, n;
  for (uint32_t w = 0; w < p->nwindows; w++)
    if ((n = chk_span_next(&p->windows[w], d)) < best) best = n;
  prg_window coll = {.lo = p->coll_lo, .hi = p->coll_hi, .dlo = p->coll_dlo, .dhi = p->coll_dhi};
  if ((n = chk_span_next(&coll, d)) < best) best = n;
  for (uint32_t k = 0; k < nextra; k++)
    if ((n = chk_span_next(&extra[k], d)) < best) best = n;
  return best <= d ? d + 1 : best;
}

/* The next window bound after d (eval_window_at reads ranges only); INT32_MAX past the last. */
int32_t chk_next_bound(const pol_program *p, int32_t d) {
  int32_t best = INT32_MAX;
  for (uint32_t w = 0; w < p->nwindows; w++) {
    const prg_window *x = &p->windows[w];
    if (x->lo > d && x->lo < best) best = x->lo;
    if (x->hi >= d && x->hi < best) best = x->hi + 1;
  }
  return best;
}

/* The first date some window accepts (witness dates for findings that do not depend on
 * the date); 1 January of the benefit year if none. */
int32_t chk_first_payable(const pol_program *p) {
  int32_t best = INT32_MAX;
  for (uint32_t w = 0; w < p->nwindows; w++)
    for (int32_t d = p->windows[w].lo; d <= p->windows[w].hi && d < best; d = chk_span_next(&p->windows[w], d))
      if (vm_in_window(&p->windows[w], d)) { best = d; break; }
  return best == INT32_MAX ? cal_from_ymd(p->year, 1, 1) : best;
}

