/*
 * enumerate.c — stages A and B of `polc check` over the partition (see check.c's header
 * comment for the method), with the analyses made at each point: overlaps and choices
 * of categories, answer dates, window conflicts, rule conflicts, identities that give.
 */
#include "check_int.h"

/* ---- stage A: combinations of category results ---------------------------------------- */

static const int64_t *row_of(chk *c, uint32_t cat) { return c->row + (size_t)cat * (4 + c->p->nsources); }

/* > 0: row x beats row y on the choose keys; 0: tied on every key before first/last. */
static int rows_cmp(const pol_program *p, const int64_t *x, const int64_t *y) {
  for (uint32_t k = 0; k < p->nchoose; k++) {
    const prg_choose_key *key = &p->choose[k];
    int64_t cv = 0, bv = 0;
    int dir = 1;
    int64_t fx = 0, fy = 0;
    for (uint32_t s = 0; s < p->nsources; s++) { fx += x[4 + s]; fy += y[4 + s]; }
    switch (key->kind) {
    case KEY_LOWEST_INDIVIDUAL: dir = -1; /* fall through */
    case KEY_HIGHEST_INDIVIDUAL: cv = x[3]; bv = y[3]; break;
    case KEY_LOWEST_FUNDING: dir = -1; /* fall through */
    case KEY_HIGHEST_FUNDING: cv = fx; bv = fy; break;
    case KEY_LOWEST_SOURCE: dir = -1; /* fall through */
    case KEY_HIGHEST_SOURCE:
      if (key->source < p->nsources) { cv = x[4 + key->source]; bv = y[4 + key->source]; }
      break;
    default: return 0;
    }
    int r = dir * ((cv > bv) - (cv < bv));
    if (r) return r;
  }
  return 0;
}

static int key_cmp(chk *c, uint32_t ci, uint32_t bi) { return rows_cmp(c->p, row_of(c, ci), row_of(c, bi)); }

static bool has_order_key(const pol_program *p) {
  for (uint32_t k = 0; k < p->nchoose; k++)
    if (p->choose[k].kind == KEY_FIRST || p->choose[k].kind == KEY_LAST) return true;
  return false;
}

static bool order_beats(const pol_program *p, uint32_t ci, uint32_t bi) {
  for (uint32_t k = 0; k < p->nchoose; k++) {
    if (p->choose[k].kind == KEY_FIRST) return ci < bi;
    if (p->choose[k].kind == KEY_LAST) return ci > bi;
  }
  return ci < bi;
}

/* Category ci with row x is chosen over bi with row y (the total order of `choose`). */
bool chk_beats(const pol_program *p, const int64_t *x, uint32_t ci, const int64_t *y, uint32_t bi) {
  int r = rows_cmp(p, x, y);
  return r > 0 || (r == 0 && order_beats(p, ci, bi));
}

static void funding_text(chk *c, uint32_t cat, char *buf, size_t n) {
  const pol_program *p = c->p;
  const int64_t *r = row_of(c, cat);
  size_t k = 0;
  buf[0] = 0;
  for (uint32_t s = 0; s < p->nsources; s++) {
    if (!r[4 + s]) continue;
    char m[MONEY_MAX_TEXT];
    money_format(r[4 + s], m);
    k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "%s%s %s yuan", k ? ", " : "", prg_str(p, p->sources[s].key), m);
    if (k >= n) break;
  }
  if (!buf[0]) snprintf(buf, n, "none");
}

/* Build the full point of a combination (vids per component) into ev->slots. */
static void point_slots(chk *c, const uint32_t *vids) {
  memcpy(c->ev->slots, c->base, (c->p->nslots < SLOT__FIXED ? SLOT__FIXED : c->p->nslots) * sizeof(int64_t));
  for (uint32_t k = 0; k < c->ncomp; k++) {
    comp *m = &c->comps[k];
    const int64_t *rep = m->reps + (size_t)vids[k] * m->nd;
    for (uint32_t j = 0; j < m->nd; j++) chk_set_dim(c, c->ev->slots, m->dims[j], rep[j]);
  }
}

/* Analyse one combination: rows are in c->row.  Returns the chosen category (-1 none,
 * -2 error) and *sub. */
static int32_t analyse_combo(chk *c, const uint32_t *vids, int32_t *sub) {
  const pol_program *p = c->p;
  uint32_t n = p->ncategories;
  int32_t other = -1;
  bool any = false;
  if (p->nassumes) { /* a resident outside the assumptions is refused, not answered */
    point_slots(c, vids);
    if (!chk_assumed(c)) return -2;
  }
  for (uint32_t i = 0; i < n; i++) {
    if (p->categories[i].otherwise) { if (other < 0) other = (int32_t)i; continue; }
    any = any || row_of(c, i)[0];
  }
  uint8_t matched[256];
  uint32_t nm = 0;
  uint32_t list[256];
  for (uint32_t i = 0; i < n && i < 256; i++) {
    matched[i] = p->categories[i].otherwise ? (!any && (int32_t)i == other) : (row_of(c, i)[0] != 0);
    if (matched[i]) list[nm++] = i;
  }
  *sub = 0;
  if (nm == 0) {
    if (!c->missing_done) {
      c->missing_done = true;
      point_slots(c, vids);
      chk_add_finding(c, DIAG_ERROR, "missing", n ? p->categories[0].pos : 0, 2, 0, 0, c->ev->slots,
                  "no category holds for this resident and the policy has no `when otherwise`");
    }
    return -1;
  }
  for (uint32_t j = 0; j < nm; j++) {
    uint32_t i = list[j];
    if (row_of(c, i)[1]) {
      if (!c->amount_done[i]) {
        c->amount_done[i] = 1;
        point_slots(c, vids);
        int64_t err = row_of(c, i)[1];
        chk_add_finding(c, DIAG_ERROR, "amounts", p->categories[i].pos, 3, i, (uint32_t)err, c->ev->slots,
                    err == 3   ? "category `%s`: its `when` cannot be evaluated for this resident"
                    : err == 2 ? "category `%s`: its amounts cannot be evaluated for this resident"
                               : "category `%s`: its parts do not add up to its worth or a part is negative",
                    chk_ckey(c, i));
      }
      return -2;
    }
  }
  uint32_t w = list[0];
  for (uint32_t j = 1; j < nm; j++)
    if (chk_beats(p, row_of(c, list[j]), list[j], row_of(c, w), w)) w = list[j];
  for (uint32_t j = 0; j < nm; j++) {
    uint32_t i = list[j];
    c->cat_holds[i] = 1;
    if (c->paid_open) c->cat_holds_acc[i] = 1;
    else if (!c->held_res[i]) {
      point_slots(c, vids);
      c->held_res[i] = chk_resident_json(c, c->ev->slots);
      c->held_date[i] = (int32_t)c->ev->slots[SLOT_PAID_ON];
    }
  }
  c->cat_chosen[w] = 1;
  if (c->paid_open) c->cat_chosen_acc[w] = 1;
  for (uint32_t j = 0; j < nm; j++) {
    uint32_t i = list[j];
    if (i == w) continue;
    c->cat_loses_to[(size_t)i * n + w] = 1;
    if (!c->lose_res[i]) {
      point_slots(c, vids);
      c->lose_res[i] = chk_resident_json(c, c->ev->slots);
      c->lose_date[i] = (int32_t)c->ev->slots[SLOT_PAID_ON];
    }
    int r = key_cmp(c, i, w);
    bool differs = memcmp(row_of(c, i) + 2, row_of(c, w) + 2, (2 + p->nsources) * sizeof(int64_t)) != 0;
    /* severity by effect: 3 error when only file order decides and the two answers
     * differ in money or funding (declared `then first` or not), 1 note otherwise */
    int sev = r == 0 && differs ? (has_order_key(p) ? 2 : 3) : 1;
    uint32_t lo = i < w ? i : w, hi = i < w ? w : i;
    uint8_t *done = &c->pair_done[(size_t)lo * n + hi];
    if (*done >= sev) continue;
    if (sev == 1 && !(c->verbose & POL_CHECK_NOTES)) continue;
    *done = (uint8_t)sev;
    char fw[256], fi[256], ind[MONEY_MAX_TEXT], ini[MONEY_MAX_TEXT];
    funding_text(c, w, fw, sizeof fw);
    funding_text(c, i, fi, sizeof fi);
    money_format(row_of(c, w)[3], ind);
    money_format(row_of(c, i)[3], ini);
    point_slots(c, vids);
    /* drop an earlier, weaker finding of this pair */
    for (uint32_t k = 0; k < c->nf; k++)
      if (c->f[k].rk == 1 && c->f[k].a == lo && c->f[k].b == hi) c->f[k].rk = -1;
    finding *f;
    if (sev == 3)
      f = chk_add_finding(c, DIAG_ERROR, "overlap", p->categories[i].pos, 1, lo, hi, c->ev->slots,
                  "categories `%s` and `%s` both hold and tie on every key of `choose`, which does "
                  "not decide between them: `%s` individual %s yuan, funding %s; `%s` individual %s "
                  "yuan, funding %s (`%s` wins only by file order, which `choose` does not declare)",
                  chk_ckey(c, w), chk_ckey(c, i), chk_ckey(c, w), ind, fw, chk_ckey(c, i), ini, fi, chk_ckey(c, w));
    else if (sev == 2)
      f = chk_add_finding(c, DIAG_ERROR, "overlap", p->categories[i].pos, 1, lo, hi, c->ev->slots,
                  "categories `%s` and `%s` both hold and tie on every key of `choose` but differ "
                  "(`%s` individual %s yuan, funding %s; `%s` individual %s yuan, funding %s); `%s` "
                  "is chosen, decided by file order, which so decides this resident's money",
                  chk_ckey(c, w), chk_ckey(c, i), chk_ckey(c, w), ind, fw, chk_ckey(c, i), ini, fi, chk_ckey(c, w));
    else
      f = chk_add_finding(c, DIAG_NOTE, "overlap", p->categories[i].pos, 1, lo, hi, c->ev->slots,
                      "categories `%s` and `%s` both hold; the choice rule settles it: `%s` is chosen",
                      chk_ckey(c, w), chk_ckey(c, i), chk_ckey(c, w));
    if (f) f->rel = p->categories[w].pos, f->has_rel = true;
  }
  int64_t subsidized = 0;
  for (uint32_t s = 0; s < p->nsources; s++) subsidized |= row_of(c, w)[4 + s] > 0;
  subsidized |= eval_unstated_fund(p, w);
  *sub = (int32_t)subsidized;
  return (int32_t)w;
}

/* At a point of component m with results vec where identity bits `want` are held: does
 * dropping one of them take something away (see ident_gives)?  ev->slots is restored. */
static void probe_identities_a(chk *c, const comp *m, const int64_t *vec, uint64_t want) {
  const pol_program *p = c->p;
  size_t ns = p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots;
  int64_t *save = malloc(ns * sizeof *save), *row = malloc(m->rowlen * sizeof *row);
  if (!save || !row) c->oom = true;
  if (save && row) {
    memcpy(save, c->ev->slots, ns * sizeof *save);
    for (uint32_t b = 0; b < 64; b++) {
      if (!((want >> b) & 1)) continue;
      memcpy(c->ev->slots, save, ns * sizeof *save);
      c->ev->slots[SLOT_IDENTITIES] &= ~(int64_t)(1ull << b);
      chg g = {NULL, 0, false, false, (int)(c->nd + 63) / 64};
      chk_update_lets(c, &g);
      for (uint32_t k = 0; k < m->ncats; k++) {
        const int64_t *with = vec + (size_t)k * m->rowlen;
        if (!with[0]) continue;
        if (!with[1]) chk_eval_cat(c, m->cats[k], row);
        /* a category that fails with it: no claim that it gives nothing */
        if (with[1] || !row[0] || memcmp(row + 2, with + 2, (m->rowlen - 2) * sizeof *row) != 0) {
          c->ident_gives |= 1ull << b;
          break;
        }
      }
    }
    memcpy(c->ev->slots, save, ns * sizeof *save);
  }
  free(save);
  free(row);
}

/* The same in stage B: a rule that applies, or an add-on a source pays, only with it. */
static void probe_identities_b(chk *c, uint64_t want) {
  const pol_program *p = c->p;
  size_t ns = p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots;
  int64_t *save = malloc(ns * sizeof *save);
  if (!save) {
    c->oom = true;
    return;
  }
  memcpy(save, c->ev->slots, ns * sizeof *save);
  for (uint32_t b = 0; b < 64; b++) {
    if (!((want >> b) & 1)) continue;
    bool with[256 + 64] = {false};
    for (uint32_t r = 0; r < p->nrules && r < 256; r++) with[r] = c->rule_when[r] != 0;
    for (uint32_t a = 0; a < p->naddons && a < 64; a++) {
      int64_t v = 0;
      with[256 + a] = !chk_absent_sec(p->addons[a].paid_when) && vm_run(c->ev, p->addons[a].paid_when, &v) == POL_OK && v;
    }
    memcpy(c->ev->slots, save, ns * sizeof *save);
    c->ev->slots[SLOT_IDENTITIES] &= ~(int64_t)(1ull << b);
    chg g = {NULL, 0, false, false, (int)(c->nd + 63) / 64};
    chk_update_lets(c, &g);
    for (uint32_t r = 0; r < p->nrules && r < 256 && !((c->ident_gives >> b) & 1); r++) {
      int64_t h = 1;
      if (!with[r] || chk_absent_sec(p->rules[r].when)) continue;
      if (vm_run(c->ev, p->rules[r].when, &h) != POL_OK || !h) c->ident_gives |= 1ull << b;
    }
    for (uint32_t a = 0; a < p->naddons && a < 64 && !((c->ident_gives >> b) & 1); a++) {
      int64_t v = 0;
      if (with[256 + a] && (vm_run(c->ev, p->addons[a].paid_when, &v) != POL_OK || !v)) c->ident_gives |= 1ull << b;
    }
    memcpy(c->ev->slots, save, ns * sizeof *save);
  }
  free(save);
}

/* Component m's categories have results vec at the point vals (its dims, in m->dims
 * order) of ev->slots: probe the identities held there, and note vec among the vectors
 * seen at this stamp with vals as its representative.  hint: the index of vec if known
 * (it did not change since the last point), else UINT32_MAX.  Returns vec's index. */
uint32_t chk_comp_point(chk *c, comp *m, const int64_t *vec, const int64_t *vals, uint32_t hint) {
  uint32_t rl = m->rowlen * m->ncats;
  /* identities held here (its own dims or dims shared with stage B) that it reads */
  uint64_t want = 0, held = (uint64_t)c->ev->slots[SLOT_IDENTITIES] & ~c->ident_gives;
  for (uint32_t b = 0; b < 64 && held; b++) {
    if (!((held >> b) & 1) || c->dim_of_bit[b] < 0) continue;
    for (uint32_t k = 0; k < m->ncats; k++)
      if (ds_has(&c->cat_info[m->cats[k]].reads, (uint32_t)c->dim_of_bit[b])) { want |= 1ull << b; break; }
  }
  if (want) probe_identities_a(c, m, vec, want);
  uint32_t v = hint;
  if (v == UINT32_MAX) {
    v = 0;
    while (v < m->nvecs && memcmp(m->vecs + (size_t)v * rl, vec, rl * sizeof *vec) != 0) v++;
  }
  if (v == m->nvecs) {
    if (m->nvecs == m->capvecs) {
      uint32_t cap = m->capvecs ? m->capvecs * 2 : 8;
      int64_t *nv = realloc(m->vecs, (size_t)cap * rl * sizeof *nv);
      int64_t *nr = nv ? realloc(m->reps, (size_t)cap * (m->nd ? m->nd : 1) * sizeof *nr) : NULL;
      uint32_t *ns = nr ? realloc(m->stamp, cap * sizeof *ns) : NULL;
      uint32_t *nc = ns ? realloc(m->cur, cap * sizeof *nc) : NULL;
      if (nv) m->vecs = nv;
      if (nr) m->reps = nr;
      if (ns) m->stamp = ns;
      if (!nc) {
        c->oom = true;
        return 0;
      }
      m->cur = nc;
      m->capvecs = cap;
    }
    memcpy(m->vecs + (size_t)v * rl, vec, rl * sizeof *vec);
    m->stamp[v] = 0;
    m->nvecs++;
  }
  if (m->stamp[v] != c->stamp) {
    m->stamp[v] = c->stamp;
    memcpy(m->reps + (size_t)v * m->nd, vals, m->nd * sizeof *vals);
    /* keep cur sorted */
    uint32_t k = m->ncur;
    while (k > 0 && m->cur[k - 1] > v) { m->cur[k] = m->cur[k - 1]; k--; }
    m->cur[k] = v;
    m->ncur++;
  }
  return v;
}

/* Evaluate component m over its dims at the current base; collect distinct vectors. */
static void enum_comp(chk *c, comp *m) {
  const pol_program *p = c->p;
  uint32_t rl = m->rowlen * m->ncats;
  int64_t *vec = malloc(rl * sizeof *vec);
  int64_t *vals = malloc((m->nd ? m->nd : 1) * sizeof *vals);
  uint32_t *idx = calloc(m->nd ? m->nd : 1, sizeof *idx);
  m->ncur = 0;
  if (!vec || !vals || !idx) {
    c->oom = true;
    goto out;
  }
  uint64_t total = 1;
  uint32_t nbits = 0;
  for (uint32_t j = 0; j < m->nd; j++) {
    total *= c->d[m->dims[j]].cand.n;
    if (c->d[m->dims[j]].kind == DK_BIT) nbits++;
    if (total > (1ull << 40)) total = 1ull << 40;
  }
  /* too many points: the component's decision diagrams, exact; else (a category alone
   * reads too many inputs, or the diagram outgrows its bound) residents with at most
   * three identities, said to be partial */
  if ((total > DD_FROM || (c->verbose & POL_CHECK_DIAGRAMS)) && chk_comp_dd(c, m)) goto out;
  bool restrict_bits = total > ENUM_CAP && nbits > 3;
  if (restrict_bits) {
    c->incomplete_ids = true;
    for (uint32_t k = 0; k < m->ncats; k++) c->cat_partial[m->cats[k]] = 1;
  }
  int64_t *row = malloc(m->rowlen * sizeof *row);
  if (!row) {
    c->oom = true;
    goto out;
  }
  memcpy(c->ev->slots, c->base, (p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots) * sizeof(int64_t));
  for (uint32_t j = 0; j < m->nd; j++) chk_set_dim(c, c->ev->slots, m->dims[j], c->d[m->dims[j]].cand.v[0]);
  int64_t since = -1; /* highest odometer position moved since the last evaluated point */
  bool first = true;
  uint32_t v = 0;     /* the vector of the last evaluated point, when vknown */
  bool vknown = false;
  for (;;) {
    uint32_t ones = 0;
    for (uint32_t j = 0; j < m->nd; j++) {
      vals[j] = c->d[m->dims[j]].cand.v[idx[j]];
      if (c->d[m->dims[j]].kind == DK_BIT && vals[j]) ones++;
    }
    if (!restrict_bits || ones <= 3) {
      chg g = {first ? NULL : &m->moved[since], 0, false, false, (int)(c->nd + 63) / 64};
      chk_update_lets(c, &g);
      bool changed = first;
      for (uint32_t k = 0; k < m->ncats; k++) {
        if (!chk_stale(&c->cat_info[m->cats[k]], &g)) continue;
        int64_t *old = vec + (size_t)k * m->rowlen;
        chk_eval_cat(c, m->cats[k], row);
        if (first || memcmp(row, old, m->rowlen * sizeof *row) != 0) {
          memcpy(old, row, m->rowlen * sizeof *row);
          changed = true;
        }
      }
      first = false;
      since = -1;
      if (!p->nassumes || chk_assumed(c)) { /* outside the assumptions: see analyse_combo */
        v = chk_comp_point(c, m, vec, vals, changed || !vknown ? UINT32_MAX : v);
        vknown = true;
        if (c->oom) break;
      } else {
        vknown = false; /* v is not the vector of this point */
      }
    }
    uint32_t j = 0;
    while (j < m->nd && ++idx[j] == c->d[m->dims[j]].cand.n) {
      idx[j] = 0;
      chk_set_dim(c, c->ev->slots, m->dims[j], c->d[m->dims[j]].cand.v[0]);
      j++;
    }
    if (j == m->nd) break;
    chk_set_dim(c, c->ev->slots, m->dims[j], c->d[m->dims[j]].cand.v[idx[j]]);
    if ((int64_t)j > since) since = j;
  }
  free(row);
out:
  free(vec);
  free(vals);
  free(idx);
}

/* The vector of component m (among those seen at this point) whose best category is
 * chosen least: one where nothing holds if there is one.  Vectors with an amount error
 * are avoided, so that they do not hide every other finding. */
static uint32_t weakest(chk *c, const comp *m) {
  const pol_program *p = c->p;
  int64_t found = -1;
  const int64_t *wrow = NULL;
  uint32_t wcat = 0;
  for (uint32_t j = 0; j < m->ncur; j++) {
    const int64_t *v = m->vecs + (size_t)m->cur[j] * m->rowlen * m->ncats;
    const int64_t *brow = NULL;
    uint32_t bcat = 0;
    bool err = false;
    for (uint32_t k = 0; k < m->ncats; k++) {
      const int64_t *r = v + (size_t)k * m->rowlen;
      if (!r[0]) continue;
      err = err || r[1];
      if (!brow || chk_beats(p, r, m->cats[k], brow, bcat)) { brow = r; bcat = m->cats[k]; }
    }
    if (err) continue;
    if (!brow) return m->cur[j];
    if (found < 0 || chk_beats(p, wrow, wcat, brow, bcat)) { found = m->cur[j]; wrow = brow; wcat = bcat; }
  }
  return found >= 0 ? (uint32_t)found : (m->ncur ? m->cur[0] : 0);
}

/* Analyse the combination vids (a vector per component) and note its outcome in e. */
static void try_combo(chk *c, centry *e, const uint32_t *vids) {
  for (uint32_t k = 0; k < c->ncomp; k++) {
    comp *m = &c->comps[k];
    const int64_t *v = m->vecs + (size_t)vids[k] * m->rowlen * m->ncats;
    for (uint32_t j = 0; j < m->ncats; j++)
      memcpy(c->row + (size_t)m->cats[j] * m->rowlen, v + (size_t)j * m->rowlen, m->rowlen * sizeof *v);
  }
  int32_t sub;
  int32_t w = analyse_combo(c, vids, &sub);
  if (w == -2) return;
  int32_t kc = c->B.reads_cat ? w : (w < 0 ? -1 : 0); /* outcomes by category only if B reads it */
  if (!c->B.reads_sub) sub = 0;
  for (uint32_t o = 0; o < e->nouts; o++)
    if (e->outs[o].cat == kc && e->outs[o].sub == sub) return;
  outcome *no = realloc(e->outs, (e->nouts + 1) * sizeof *no);
  if (!no) {
    c->oom = true;
    return;
  }
  e->outs = no;
  uint32_t *vv = malloc((c->ncomp ? c->ncomp : 1) * sizeof *vv);
  if (!vv) {
    c->oom = true;
    return;
  }
  memcpy(vv, vids, c->ncomp * sizeof *vv);
  e->outs[e->nouts++] = (outcome){kc, sub, vv};
}

/* Stage A at the current base.  new_paid: the payment date changed since the last call
 * (else only shared dims did, and components that read none of them keep their results). */
static centry *stage_a(chk *c, bool new_paid) {
  c->stamp++;
  for (uint32_t k = 0; k < c->ncomp; k++)
    if (new_paid || c->comps[k].reads_shared) enum_comp(c, &c->comps[k]);
  if (c->oom) return NULL; /* a component's vectors are missing: nothing to combine */
  for (uint32_t k = 0; k < c->ncomp; k++)
    if (c->comps[k].ncur == 0) return NULL; /* no point of it is inside the assumptions */
  /* the key: the sets of vectors per component */
  uint32_t keylen = 0;
  for (uint32_t k = 0; k < c->ncomp; k++) keylen += 1 + c->comps[k].ncur;
  uint32_t *key = malloc((keylen ? keylen : 1) * sizeof *key);
  if (!key) {
    c->oom = true;
    return NULL;
  }
  uint32_t q = 0;
  for (uint32_t k = 0; k < c->ncomp; k++) {
    key[q++] = c->comps[k].ncur;
    for (uint32_t j = 0; j < c->comps[k].ncur; j++) key[q++] = c->comps[k].cur[j];
  }
  for (uint32_t e = 0; e < c->ncache; e++)
    if (c->cache[e].keylen == keylen && memcmp(c->cache[e].key, key, keylen * sizeof *key) == 0) {
      free(key);
      return &c->cache[e];
    }
  if (c->ncache == c->capcache) {
    uint32_t cap = c->capcache ? c->capcache * 2 : 16;
    centry *ne = realloc(c->cache, cap * sizeof *ne);
    if (!ne) { free(key); c->oom = true; return NULL; }
    c->cache = ne;
    c->capcache = cap;
  }
  centry *e = &c->cache[c->ncache++];
  memset(e, 0, sizeof *e);
  e->key = key;
  e->keylen = keylen;
  /* Combinations: every component at its weakest vector, then one or two components
   * moved away from it.  Complete for every finding, because the choice is a total order
   * on (row, category): a category that wins a combination still wins when every other
   * component is at its weakest vector, and a pair (loser, winner) of a combination is
   * again a pair when all components but theirs are at their weakest. */
  uint32_t *weak = calloc(c->ncomp ? c->ncomp : 1, sizeof *weak);
  uint32_t *vids = calloc(c->ncomp ? c->ncomp : 1, sizeof *vids);
  if (!weak || !vids) { free(weak); free(vids); c->oom = true; return e; }
  uint64_t total = 1, singles = 0;
  for (uint32_t k = 0; k < c->ncomp; k++) {
    weak[k] = weakest(c, &c->comps[k]);
    uint64_t nk = c->comps[k].ncur ? c->comps[k].ncur - 1 : 0;
    total += nk + singles * nk;
    singles += nk;
  }
  /* beyond the cap, singles only: still complete for outcomes, categories that hold,
   * are chosen or are missing; pairs across components (overlaps) are then partial */
  bool pairs = total <= COMBO_CAP;
  if (!pairs) c->incomplete_combo = true;
  memcpy(vids, weak, c->ncomp * sizeof *vids);
  try_combo(c, e, vids);
  for (uint32_t k1 = 0; k1 < c->ncomp; k1++)
    for (uint32_t j1 = 0; j1 < c->comps[k1].ncur; j1++) {
      if ((vids[k1] = c->comps[k1].cur[j1]) == weak[k1]) continue;
      try_combo(c, e, vids);
      for (uint32_t k2 = k1 + 1; pairs && k2 < c->ncomp; k2++) {
        for (uint32_t j2 = 0; j2 < c->comps[k2].ncur; j2++)
          if ((vids[k2] = c->comps[k2].cur[j2]) != weak[k2]) try_combo(c, e, vids);
        vids[k2] = weak[k2];
      }
      vids[k1] = weak[k1];
    }
  free(weak);
  free(vids);
  return e;
}

/* ---- stage B: windows and rules ---------------------------------------------------------- */

/* `wait N months counted as D days` (or D days counted as N months) at the current point:
 * N calendar months last 28N .. 31N days, so a D outside that span is a misread figure of
 * the notice ("3个月(按9天计算)"); reported once per effect, at its window or rule. */
static void counted_plausible(chk *c, uint32_t i, int64_t v, int64_t n, uint32_t pos) {
  const prg_effect *e = &c->p->effects[i];
  if ((e->kind != EFF_WAIT_MONTHS_AS_DAYS && e->kind != EFF_WAIT_DAYS_AS_MONTHS) ||
      c->counted_done[i] || v == INT64_MIN)
    return;
  bool mo = e->kind == EFF_WAIT_MONTHS_AS_DAYS;
  int64_t months = mo ? v : n, days = mo ? n : v;
  if (months < 0 || days < 0 || months > 12000 || (days >= 28 * months && days <= 31 * months))
    return;
  c->counted_done[i] = 1;
  chk_add_finding(c, DIAG_WARNING, "dates", pos, 15, i, 0, c->ev->slots,
                  "the wait is stated as %lld %s but counted as %lld %s: %lld months last "
                  "%lld .. %lld days; check the figures against the notice",
                  (long long)(mo ? months : days), mo ? "months" : "days",
                  (long long)(mo ? days : months), mo ? "days" : "months", (long long)months,
                  (long long)(28 * months), (long long)(31 * months));
}

/* The effects one rule sets at the current point, by what they set: 0 start, 1 end,
 * 2 wait, 3 surcharge, 4 free, 5 payability; kind and value as the program has them
 * (v INT64_MIN: the value cannot be evaluated). */
static void rule_effects(chk *c, uint32_t r, effv out[NEFF]) {
  const pol_program *p = c->p;
  memset(out, 0, NEFF * sizeof *out);
  const prg_rule *ru = &p->rules[r];
  for (uint32_t k = 0; k < ru->eff_count; k++) {
    const prg_effect *e = &p->effects[ru->eff_first + k];
    int64_t v = 0, n = 0;
    if (prg_effect_valued(e->kind) && vm_run(c->ev, e->value, &v) != POL_OK) v = INT64_MIN;
    if ((e->kind == EFF_WAIT_MONTHS_AS_DAYS || e->kind == EFF_WAIT_DAYS_AS_MONTHS) &&
        vm_run(c->ev, e->counted, &n) != POL_OK)
      v = INT64_MIN;
    counted_plausible(c, ru->eff_first + k, v, n, ru->pos);
    int slot = e->kind == EFF_START ? 0 : e->kind == EFF_END ? 1
               : prg_effect_is_wait(e->kind) ? 2
               : e->kind == EFF_SURCHARGE ? 3 : e->kind == EFF_FREE ? 4 : 5;
    out[slot] = (effv){e->kind, v, true, n};
  }
}

static const char *eff_name(int k) {
  static const char *const n[] = {"start", "end", "wait", "surcharge", "free", "payable"};
  return n[k];
}

static int64_t dim_value(const chk *c, const int64_t *slots, uint32_t di) {
  const dim *d = &c->d[di];
  if (d->kind == DK_PAID) return slots[SLOT_PAID_ON];
  if (d->kind == DK_ATTR) return slots[d->slot];
  return (slots[SLOT_IDENTITIES] >> d->bit) & 1;
}

/* The dates of the answer at this point, decided as pol_quote decides them (window, then
 * the applied rules' cached effects, through eval_effect): notes which applied rules met
 * a date that is accepted, and reports an accepted payment whose benefits would start
 * after they end (a wait running past the benefit year).  Replayed through pol_quote. */
/* Window w's own effects at the current point into e and *payable (as pol_quote applies
 * them); false if one cannot be evaluated. */
static bool window_effects(chk *c, uint32_t w, int32_t paid, eval_effects *e, bool *payable) {
  const pol_program *p = c->p;
  *e = (eval_effects){cal_from_ymd(p->year, 1, 1), cal_from_ymd(p->year, 12, 31), 0, 0, 0, false,
                      WAIT_COUNTS_BOTH};
  *payable = w != PRG_NONE && vm_in_window(&p->windows[w], paid);
  if (w == PRG_NONE) return true;
  const prg_window *win = &p->windows[w];
  for (uint32_t k = 0; k < win->eff_count; k++) {
    const prg_effect *x = &p->effects[win->eff_first + k];
    int64_t v = 0, n = 0;
    if (prg_effect_valued(x->kind) && vm_run(c->ev, x->value, &v) != POL_OK) return false;
    if ((x->kind == EFF_WAIT_MONTHS_AS_DAYS || x->kind == EFF_WAIT_DAYS_AS_MONTHS) &&
        vm_run(c->ev, x->counted, &n) != POL_OK)
      return false;
    counted_plausible(c, win->eff_first + k, v, n, win->pos);
    if (x->kind == EFF_PAYABLE || x->kind == EFF_NOT_PAYABLE) *payable = x->kind == EFF_PAYABLE;
    else eval_effect(e, x->kind, v, n);
  }
  return true;
}

/* Windows w (answering paid) and x (later in file order, holding paid in its range too):
 * the overlap's dates, as text. */
static void overlap_text(const pol_program *p, uint32_t w, uint32_t x, char *buf, size_t n) {
  const prg_window *a = &p->windows[w], *b = &p->windows[x];
  char lo[11], hi[11];
  cal_format(a->lo > b->lo ? a->lo : b->lo, lo);
  cal_format(a->hi < b->hi ? a->hi : b->hi, hi);
  snprintf(buf, n, "%s .. %s", lo, hi);
}

/* An overlap of windows changes an accepted answer when, on a date both hold, (1) a rule
 * that applies tests membership of the window that does not answer (`paid_on in late`
 * while `main` answers: the late rules fire on on-time payments), or (2) the two windows'
 * own effects give different dates or payability.  Reported once per pair, as an error
 * at the later window, replacing the pair's warning (rk 13). */
static void window_conflicts(chk *c, uint32_t w, int32_t paid, const eval_effects *e, bool payable,
                             bool accepted, const uint32_t *applied, uint32_t na) {
  const pol_program *p = c->p;
  if (w == PRG_NONE) return;
  for (uint32_t x = 0; x < p->nwindows && x < 63; x++) {
    if (x == w || p->windows[x].lo > paid || paid > p->windows[x].hi) continue;
    uint32_t lo = x < w ? x : w, hi = x < w ? w : x;
    uint8_t *done = &c->win_pair_done[(size_t)lo * p->nwindows + hi];
    if (*done) continue;
    char span[32], d[11];
    overlap_text(p, w, x, span, sizeof span);
    cal_format(paid, d);
    int32_t r = -1;
    for (uint32_t k = 0; k < na && r < 0; k++)
      if ((c->rule_info[applied[k]].wins >> x) & 1 && vm_in_window(&p->windows[x], paid)) r = (int32_t)applied[k];
    eval_effects ex;
    bool xpay;
    bool differ = r < 0 && window_effects(c, x, paid, &ex, &xpay) && (payable || xpay) &&
                  (xpay != payable || ex.start != e->start || ex.end != e->end || ex.wait_months != e->wait_months ||
                   ex.wait_days != e->wait_days || ex.wait_counts != e->wait_counts ||
                   ex.surcharge != e->surcharge || ex.free != e->free);
    if (r < 0 && !differ) continue;
    if (r >= 0 && !accepted) continue;
    *done = 1;
    for (uint32_t k = 0; k < c->nf; k++)
      if (c->f[k].rk == 13 && c->f[k].a == lo && c->f[k].b == hi) c->f[k].rk = -1;
    finding *f;
    if (r >= 0)
      f = chk_add_finding(c, DIAG_ERROR, "dates", p->windows[hi].pos, 11, w, (uint32_t)r, c->ev->slots,
                      "window `%s` overlaps window `%s` on %s, where `%s` answers (file order), but rule "
                      "`%s` tests `paid_on in %s` and applies there: a payment accepted on %s gets `%s`'s "
                      "dates and `%s`'s effects",
                      prg_str(p, p->windows[hi].key), prg_str(p, p->windows[lo].key), span,
                      prg_str(p, p->windows[w].key), prg_str(p, p->rules[r].key), prg_str(p, p->windows[x].key),
                      d, prg_str(p, p->windows[w].key), prg_str(p, p->rules[r].key));
    else
      f = chk_add_finding(c, DIAG_ERROR, "dates", p->windows[hi].pos, 12, w, x, c->ev->slots,
                      "window `%s` overlaps window `%s` on %s and they answer differently there (dates, "
                      "wait or payability); `%s` answers by file order, e.g. a payment on %s",
                      prg_str(p, p->windows[hi].key), prg_str(p, p->windows[lo].key), span,
                      prg_str(p, p->windows[w].key), d);
    if (f) f->rel = p->windows[lo].pos, f->has_rel = true;
  }
}

static void answer_dates(chk *c, const uint32_t *applied, uint32_t na) {
  const pol_program *p = c->p;
  int32_t paid = (int32_t)c->ev->slots[SLOT_PAID_ON];
  uint32_t w = eval_window_at(p, paid);
  bool open = w != PRG_NONE && vm_in_window(&p->windows[w], paid), payable;
  eval_effects e;
  if (!window_effects(c, w, paid, &e, &payable)) return;
  eval_effects e0 = e;
  bool wpay = payable && c->ev->slots[SLOT_CATEGORY] >= 0;
  int32_t cause = -1; /* the last applied rule that set the start or the wait */
  for (uint32_t k = 0; k < na; k++) {
    const effv *x = c->rule_eff + (size_t)applied[k] * NEFF;
    for (int s = 0; s < NEFF; s++) {
      if (!x[s].set) continue;
      if (x[s].v == INT64_MIN) return;
      if (s == 0 || s == 2) cause = (int32_t)applied[k];
      if (s == 5) payable = x[s].kind == EFF_PAYABLE;
      else eval_effect(&e, (uint8_t)x[s].kind, x[s].v, x[s].counted);
    }
  }
  payable = payable && c->ev->slots[SLOT_CATEGORY] >= 0;
  window_conflicts(c, w, paid, &e0, wpay, payable, applied, na);
  for (uint32_t k = 0; k < na; k++)
    if (open || payable) c->rule_on_payable[applied[k]] = 1;
  int32_t start;
  bool dated = eval_benefit_start(&e, &start);
  /* the rules that read the answer's dates, as pol_quote runs them (after_rules): each
   * may only refuse */
  if (dated) {
    bool any = false;
    for (uint32_t r = 0; r < p->nrules; r++) {
      int64_t h = 1;
      if (!p->rules[r].after) continue;
      c->ev->start = start;
      c->ev->end = e.end;
      c->ev->wait_months = e.wait_months;
      c->ev->wait_days = e.wait_days;
      if (!chk_absent_sec(p->rules[r].when) && vm_run(c->ev, p->rules[r].when, &h) != POL_OK) h = 0;
      c->rule_applies[r] = h != 0;
      if (h) c->rule_held[r] = 1, any = true;
    }
    if (any && p->noverrides > 0) eval_overrides(p, c->rule_applies);
    for (uint32_t r = 0; any && r < p->nrules; r++) {
      if (!p->rules[r].after || !c->rule_applies[r]) continue;
      c->rule_applied[r] = 1;
      if (open || payable) c->rule_on_payable[r] = 1;
      if (p->rules[r].eff_count > 0) payable = false;
    }
  }
  c->last_payable = payable;
  uint8_t *done = &c->late_start_done[w == PRG_NONE ? 0 : w + 1];
  if (!payable || *done || !dated || start <= e.end) return;
  *done = 1;
  char a[11], b[11], d[11];
  cal_format(paid, d);
  cal_format(start, a);
  cal_format(e.end, b);
  /* located at what sets the start or wait: that rule, else the window */
  uint32_t wpos = w == PRG_NONE ? c->p->coll_pos : p->windows[w].pos;
  finding *f = chk_add_finding(c, DIAG_ERROR, "dates", cause >= 0 ? p->rules[cause].pos : wpos, 10, 0, 0,
                           c->ev->slots,
                           "a payment accepted on %s buys nothing: benefits would start on %s (after the "
                           "wait) but end on %s; refuse such payments (`not payable`) or end the wait in time",
                           d, a, b);
  if (f && cause >= 0) f->rel = wpos, f->has_rel = true;
}

/* One point of stage B at ev->slots (see chk_stale()).  Along the odometer, `moved` says
 * which dims changed since the last point; at the start of an outcome (moved NULL) the
 * slots were rebuilt, and what changed is found by comparing the inputs with the cached
 * last ones (bval, bcat, bsub; let values in blet).  A point at which no rule changed
 * adds nothing. */
static void stage_b_point(chk *c, const dset *moved) {
  const pol_program *p = c->p;
  int64_t *slots = c->ev->slots;
  dset diff = {{0}};
  chg g = {moved, 0, false, false, (int)(c->nd + 63) / 64};
  if (!moved) {
    g.dims = c->bvalid ? &diff : NULL;
    g.cat = slots[SLOT_CATEGORY] != c->bcat;
    g.sub = slots[SLOT_SUBSIDIZED] != c->bsub;
    c->bvalid = true;
    c->bcat = slots[SLOT_CATEGORY];
    c->bsub = slots[SLOT_SUBSIDIZED];
    for (uint32_t k = 0; k < c->nball; k++) {
      uint32_t d = c->ball[k];
      int64_t v = dim_value(c, slots, d);
      if (v != c->bval[d]) { ds_add(&diff, d); c->bval[d] = v; }
    }
    for (uint32_t i = 0; i < p->nlets; i++) slots[p->lets[i].slot] = c->blet[i];
  } else {
    for (uint32_t k = 0; k < c->nbd && ds_has(moved, c->bdims[k]); k++)
      c->bval[c->bdims[k]] = dim_value(c, slots, c->bdims[k]);
  }
  chk_update_lets(c, &g);
  for (uint32_t i = 0; i < p->nlets; i++) c->blet[i] = slots[p->lets[i].slot];
  /* a new payment date, outcome or window-effect input changes the answer's dates too;
   * so does the last point's being skipped (outside the assumptions) */
  bool changed = g.lets || !g.dims || g.cat || g.sub || ds_has(g.dims, 0) || chk_stale(&c->win_info, &g) ||
                 c->b_skipped;
  /* see analyse_combo; re-run only where a dim an assumption loads moved */
  bool reassume = !moved;
  for (int w = 0; w < NW && !reassume; w++) reassume = (moved->w[w] & c->assume_dims.w[w]) != 0;
  if (reassume) c->b_inside = !p->nassumes || chk_assumed(c);
  bool inside = c->b_inside;
  uint32_t applied[256], na = 0;
  for (uint32_t i = 0; i < p->nrules; i++) {
    effv *eff = c->rule_eff + (size_t)i * NEFF;
    if (p->rules[i].after) { /* run by answer_dates, once the dates are known */
      changed = changed || chk_stale(&c->rule_info[i], &g);
      continue;
    }
    if (chk_stale(&c->rule_info[i], &g)) {
      int64_t h = 1;
      if (!chk_absent_sec(p->rules[i].when) && vm_run(c->ev, p->rules[i].when, &h) != POL_OK) h = 0;
      effv now[NEFF] = {{0}};
      if (h) rule_effects(c, i, now);
      if (h != c->rule_when[i] || (h && memcmp(now, eff, sizeof now) != 0)) changed = true;
      c->rule_when[i] = h;
      memcpy(eff, now, sizeof now);
    }
  }
  /* the rules that apply: those whose `when` holds, less those a rule that applies
   * overrides (as pol_quote resolves them) */
  for (uint32_t i = 0; i < p->nrules; i++) {
    c->rule_applies[i] = !p->rules[i].after && c->rule_when[i] != 0;
    if (c->rule_applies[i] && inside) c->rule_held[i] = 1;
  }
  if (p->noverrides > 0) eval_overrides(p, c->rule_applies);
  for (uint32_t i = 0; i < p->nrules; i++)
    if (c->rule_applies[i]) {
      if (inside) c->rule_applied[i] = 1;
      if (na < 256) applied[na++] = i;
    }
  c->b_skipped = !inside;
  if (!inside) return; /* the caches above are kept current; nothing is concluded here */
  if (changed) answer_dates(c, applied, na);
  {
    uint64_t want = (uint64_t)slots[SLOT_IDENTITIES] & c->b_bits & ~c->ident_gives;
    if (want) probe_identities_b(c, want);
  }
  /* add-ons a source pays: does `paid when` hold for an accepted payment (bit 0) */
  for (uint32_t i = 0; i < p->naddons && c->last_payable; i++) {
    int64_t v = 0;
    if ((c->addon_acc[i] & 1) || chk_absent_sec(p->addons[i].paid_when)) continue;
    if (vm_run(c->ev, p->addons[i].paid_when, &v) == POL_OK && v) c->addon_acc[i] |= 1;
  }
  /* a compulsory add-on's `paid by S AMOUNT`: the part must lie within 0 .. each tier's
   * amount wherever S pays it, or the quote fails (reported once per add-on: bit 1) */
  for (uint32_t i = 0; i < p->naddons; i++) {
    const prg_addon *a = &p->addons[i];
    int64_t v = 1, part = 0;
    if ((c->addon_acc[i] & 2) || !a->required || chk_absent_sec(a->paid_amount)) continue;
    if (!chk_absent_sec(a->paid_when) && (vm_run(c->ev, a->paid_when, &v) != POL_OK || !v)) continue;
    bool failed = vm_run(c->ev, a->paid_amount, &part) != POL_OK;
    int64_t least = INT64_MAX;
    for (uint32_t t = 0; t < a->tier_count; t++)
      if (p->tiers[a->tier_first + t].amount < least) least = p->tiers[a->tier_first + t].amount;
    if (!failed && part >= 0 && part <= least) continue;
    c->addon_acc[i] |= 2;
    char x[MONEY_MAX_TEXT], y[MONEY_MAX_TEXT];
    money_format(part, x);
    money_format(least, y);
    if (failed)
      chk_add_finding(c, DIAG_ERROR, "amounts", a->pos, 0, 0, 0, c->ev->slots,
                      "add-on `%s`: the part `%s` pays cannot be evaluated for this resident",
                      prg_str(p, a->key), prg_str(p, p->sources[a->paid_by].key));
    else
      chk_add_finding(c, DIAG_ERROR, "amounts", a->pos, 0, 0, 0, c->ev->slots,
                      "add-on `%s`: `%s` would pay %s yuan of it, outside 0 .. %s yuan (its "
                      "amount%s): the quote fails for this resident",
                      prg_str(p, a->key), prg_str(p, p->sources[a->paid_by].key), x, y,
                      a->tier_count > 1 ? ", at its cheapest tier" : "");
  }
  /* periods (#19 B4): where one holds, its parts must add up (else the quote fails), and
   * for an accepted payment its start must not come after its end (else it buys nothing
   * of that year); each reported once */
  for (uint32_t i = 0; i < p->nperiods; i++) {
    const prg_period *pd = &p->periods[i];
    int64_t v = 0, s = 0, e = 0;
    if (c->period_done[i] == 3 || slots[SLOT_CATEGORY] < 0) continue;
    if (vm_run(c->ev, pd->when, &v) != POL_OK || !v) continue;
    eval_amounts a;
    bool bad = false;
    int64_t *f = calloc(p->nsources ? p->nsources : 1, sizeof *f);
    if (!f) { c->oom = true; return; }
    pol_status st = eval_period(c->ev, i, &a, f, &bad);
    free(f);
    if (!(c->period_done[i] & 1) && (st != POL_OK || bad)) {
      c->period_done[i] |= 1;
      /* the VM's message names the period already ("period extra: parts add up to …") */
      char pre[300];
      snprintf(pre, sizeof pre, "period %s: ", prg_str(p, pd->key));
      const char *why = c->ev->error;
      if (strncmp(why, pre, strlen(pre)) == 0) why += strlen(pre);
      chk_add_finding(c, DIAG_ERROR, "amounts", pd->pos, 0, 0, 0, slots,
                      "period `%s`: %s: the quote fails for this resident", prg_str(p, pd->key),
                      why);
    }
    if (!(c->period_done[i] & 2) && c->last_payable && vm_run(c->ev, pd->start, &s) == POL_OK &&
        vm_run(c->ev, pd->end, &e) == POL_OK && s > e) {
      c->period_done[i] |= 2;
      char a1[11], b1[11];
      cal_format((int32_t)s, a1);
      cal_format((int32_t)e, b1);
      chk_add_finding(c, DIAG_ERROR, "dates", pd->pos, 0, 0, 0, slots,
                      "period `%s` (%d) would start on %s but end on %s: it buys nothing of "
                      "its year", prg_str(p, pd->key), (int)pd->year, a1, b1);
    }
  }
  if (!changed) return;
  for (uint32_t x = 0; x < na; x++)
    for (uint32_t y = x + 1; y < na; y++) {
      uint32_t r1 = applied[x], r2 = applied[y];
      uint8_t *done = &c->rule_pair_done[(size_t)r1 * p->nrules + r2];
      if (*done) continue;
      const effv *e1 = c->rule_eff + (size_t)r1 * NEFF, *e2 = c->rule_eff + (size_t)r2 * NEFF;
      for (int k = 0; k < NEFF; k++) {
        if (!e1[k].set || !e2[k].set ||
            (e1[k].kind == e2[k].kind && e1[k].v == e2[k].v && e1[k].counted == e2[k].counted))
          continue;
        *done = 1;
        finding *f = chk_add_finding(c, DIAG_ERROR, "dates", p->rules[r2].pos, 5, r1, r2, c->ev->slots,
                    "rules `%s` and `%s` both apply and set `%s` differently; the later one, `%s`, wins "
                    "by file order, which so decides this answer",
                    prg_str(p, p->rules[r1].key), prg_str(p, p->rules[r2].key), eff_name(k),
                    prg_str(p, p->rules[r2].key));
        if (f) f->rel = p->rules[r1].pos, f->has_rel = true;
        break;
      }
    }
}

/* Stage B for every outcome of a stage-A cache entry at the current base. */
static void stage_b(chk *c, centry *e) {
  uint32_t *idx = calloc(c->nbd ? c->nbd : 1, sizeof *idx);
  if (!idx) {
    c->oom = true;
    return;
  }
  for (uint32_t o = 0; o < e->nouts; o++) {
    const outcome *oc = &e->outs[o];
    point_slots(c, oc->vids);
    c->ev->slots[SLOT_CATEGORY] = oc->cat < 0 ? -1 : oc->cat;
    c->ev->slots[SLOT_SUBSIDIZED] = oc->sub;
    memset(idx, 0, (c->nbd ? c->nbd : 1) * sizeof *idx);
    for (uint32_t j = 0; j < c->nbd; j++) chk_set_dim(c, c->ev->slots, c->bdims[j], c->d[c->bdims[j]].cand.v[0]);
    const dset *moved = NULL;
    for (;;) {
      stage_b_point(c, moved);
      uint32_t j = 0;
      while (j < c->nbd && ++idx[j] == c->d[c->bdims[j]].cand.n) {
        idx[j] = 0;
        chk_set_dim(c, c->ev->slots, c->bdims[j], c->d[c->bdims[j]].cand.v[0]);
        j++;
      }
      if (j == c->nbd) break;
      chk_set_dim(c, c->ev->slots, c->bdims[j], c->d[c->bdims[j]].cand.v[idx[j]]);
      moved = &c->moved[j];
    }
  }
  free(idx);
}

/* Order stage B's odometer so that the dims loaded by the fewest lets and rules move
 * fastest (they cause the fewest re-runs). */
bool chk_order_bdims(chk *c) {
  const pol_program *p = c->p;
  uint32_t readers[MAXD] = {0};
  for (uint32_t k = 0; k < c->nbd; k++) {
    uint32_t d = c->bdims[k];
    for (uint32_t l = 0; l < p->nlets; l++) readers[d] += ds_has(&c->let_info[l].direct, d);
    for (uint32_t r = 0; r < p->nrules; r++) readers[d] += ds_has(&c->rule_info[r].direct, d);
  }
  for (uint32_t i = 1; i < c->nbd; i++) /* insertion sort: stable, tiny */
    for (uint32_t k = i; k > 0 && readers[c->bdims[k - 1]] > readers[c->bdims[k]]; k--) {
      uint32_t t = c->bdims[k];
      c->bdims[k] = c->bdims[k - 1];
      c->bdims[k - 1] = t;
    }
  /* every dim stage B reads: the payment date, shared and B-only dims */
  c->moved = chk_moved_sets(c->bdims, c->nbd);
  if (!c->moved) return false;
  c->ball[c->nball++] = 0;
  for (uint32_t k = 0; k < c->nsd; k++) c->ball[c->nball++] = c->sdims[k];
  for (uint32_t k = 0; k < c->nbd; k++) c->ball[c->nball++] = c->bdims[k];
  return true;
}

/* ---- the enumeration ----------------------------------------------------------------------- */

bool chk_build_components(chk *c) {
  const pol_program *p = c->p;
  uint32_t n = p->ncategories;
  uint32_t *parent = malloc((n ? n : 1) * sizeof *parent);
  if (!parent) return false;
  for (uint32_t i = 0; i < n; i++) parent[i] = i;
  /* owner of each dim */
  int32_t owner[MAXD];
  for (uint32_t d = 0; d < MAXD; d++) owner[d] = -1;
  for (uint32_t i = 0; i < n; i++) {
    if (p->categories[i].otherwise) continue;
    for (uint32_t d = 1; d < c->nd; d++) {
      if (!ds_has(&c->cat_info[i].reads, d) || ds_has(&c->shared, d)) continue;
      if (owner[d] < 0) { owner[d] = (int32_t)i; continue; }
      uint32_t a = (uint32_t)owner[d], b = i;
      while (parent[a] != a) a = parent[a];
      while (parent[b] != b) b = parent[b];
      parent[b] = a;
    }
  }
  c->comps = calloc(n ? n : 1, sizeof *c->comps);
  if (!c->comps) { free(parent); return false; }
  for (uint32_t i = 0; i < n; i++) {
    uint32_t r = i;
    while (parent[r] != r) r = parent[r];
    if (r != i) continue;
    comp *m = &c->comps[c->ncomp++];
    m->rowlen = 4 + p->nsources;
    m->cats = malloc(n * sizeof *m->cats);
    m->dims = malloc(MAXD * sizeof *m->dims);
    if (!m->cats || !m->dims) { free(parent); return false; }
    for (uint32_t j = 0; j < n; j++) {
      uint32_t q = j;
      while (parent[q] != q) q = parent[q];
      if (q == i) m->cats[m->ncats++] = j;
    }
    for (uint32_t d = 1; d < c->nd; d++)
      if (owner[d] >= 0) {
        uint32_t q = (uint32_t)owner[d];
        while (parent[q] != q) q = parent[q];
        if (q == i) m->dims[m->nd++] = d;
      }
    m->moved = chk_moved_sets(m->dims, m->nd);
    if (!m->moved) { free(parent); return false; }
    for (uint32_t j = 0; j < m->ncats; j++)
      for (int w = 0; w < NW; w++) m->reads_shared |= (c->cat_info[m->cats[j]].reads.w[w] & c->shared.w[w]) != 0;
  }
  free(parent);
  return true;
}

void chk_enumerate(chk *c) {
  const pol_program *p = c->p;
  size_t ns = p->nslots < SLOT__FIXED ? SLOT__FIXED : p->nslots;
  uint32_t *idx = calloc(c->nsd ? c->nsd : 1, sizeof *idx);
  int64_t *plain = NULL;
  if (!idx) {
    c->oom = true;
    return;
  }
  for (uint32_t pi = 0; pi < c->paid.n; pi++) {
    int32_t paid = (int32_t)c->paid.v[pi];
    uint32_t w = eval_window_at(p, paid);
    c->paid_open = c->rules_pay || (w != PRG_NONE && vm_in_window(&p->windows[w], paid));
    for (uint32_t d = 1; d < c->nd; d++) chk_dim_candidates(c, d, paid);
    free(plain);
    plain = c->oom ? NULL : chk_plain_slots(c, paid);
    if (!plain) break; /* c->oom */
    memset(idx, 0, (c->nsd ? c->nsd : 1) * sizeof *idx);
    bool new_paid = true;
    for (;;) {
      memcpy(c->base, plain, ns * sizeof *plain);
      for (uint32_t d = 1; d < c->nd; d++) chk_set_dim(c, c->base, d, c->d[d].cand.v[0]);
      for (uint32_t d = 1; d < c->nd; d++) /* defaults where the default is a candidate */
        if (c->d[d].kind == DK_ATTR) {
          const prg_attr *a = &p->attrs[c->d[d].attr];
          int64_t v = plain[a->slot];
          for (uint32_t k = 0; k < c->d[d].cand.n; k++)
            if (c->d[d].cand.v[k] == v) c->base[a->slot] = v;
        } else if (c->d[d].kind == DK_BIT) {
          chk_set_dim(c, c->base, d, 0);
        }
      c->base[SLOT_PAID_ON] = paid;
      for (uint32_t j = 0; j < c->nsd; j++) chk_set_dim(c, c->base, c->sdims[j], c->d[c->sdims[j]].cand.v[idx[j]]);
      centry *e = stage_a(c, new_paid);
      new_paid = false;
      if (e) stage_b(c, e);
      uint32_t j = 0;
      while (j < c->nsd && ++idx[j] == c->d[c->sdims[j]].cand.n) idx[j++] = 0;
      if (j == c->nsd) break;
    }
  }
  free(plain);
  free(idx);
}

