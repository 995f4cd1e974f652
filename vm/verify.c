/*
 * verify.c — the bytecode verifier: re-establishes every invariant of program.h for a
 * program read from a .polb file, before anything runs it.
 *
 * Order, each stage relying on the one before (like the eBPF verifier's two passes):
 *   1. tables: the string pool ends in NUL and every string field is an offset inside it;
 *      every index and range between tables is in bounds; counts and enums in range;
 *      every value the evaluator or `polc check` reads is in its domain (the benefit year,
 *      the periods around it, dates, day filters, attribute ranges and defaults, example
 *      values, amounts), so that no calendar function gets an invalid day and no walk
 *      over a period's days or an attribute's values is longer than a policy can need;
 *   2. for each section referenced anywhere (vfy_each_section):
 *      a. structure: the range lies inside `code`; every opcode exists; every operand is
 *         in range for its kind (opcodes.h); unused operand fields are 0; every jump lands
 *         on an instruction of its own section (jumps are forward by encoding);
 *      b. stack: one linear pass in pc order carries the depth before each instruction
 *         (forward jumps mean every predecessor of pc is visited before pc); depths agree
 *         where paths merge, never drop below what an instruction pops, never exceed
 *         PRG_STACK_MAX; every instruction is reachable; RET sees depth exactly 1; no
 *         path falls off the end of the section.
 * Messages name the section, the pc and the opcode:
 *   "section 3 (category subsistence_allowance: when), pc 17 (JMPF): jump target 40
 *    beyond section end 25"
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "opcodes.h"
#include "vmint.h"

typedef struct {
  const pol_program *p;
  char *err;
  size_t errsz;
  int8_t *depth; /* ncode entries: stack depth before pc, -1 not reached yet */
} vfy;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static bool fail(vfy *v, const char *fmt, ...) {
  if (v->errsz > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->err, v->errsz, fmt, ap);
    va_end(ap);
  }
  return false;
}

/* ---- sections ---------------------------------------------------------------------- */

static const char *const effect_names[EFF__COUNT] = {
    "start", "end", "wait_months", "wait_days", "surcharge", "free", "payable", "not_payable",
    "wait_months_as_days", "wait_days_as_months"};

typedef struct {
  const pol_program *p;
  bool (*fn)(void *ud, const vfy_section *s);
  void *ud;
  uint32_t next; /* number of the next present section */
  bool reads_answer; /* the section visited now is an after rule's `when` */
} walk;

static bool visit(walk *w, prg_section s, const char *owner, prg_strref key, bool required,
                  const char *role, const char *role_arg) {
  vfy_section vs;
  vs.s = s;
  vs.required = required;
  vs.owner = owner;
  vs.key = prg_str(w->p, key);
  snprintf(vs.role, sizeof vs.role, "%s%s%s", role, role_arg ? " " : "",
           role_arg ? role_arg : "");
  vs.number = (s.start == 0 && s.end == 0) ? PRG_NONE : w->next++;
  vs.reads_answer = w->reads_answer;
  return w->fn(w->ud, &vs);
}

static bool visit_effects(walk *w, const char *owner, prg_strref key, uint32_t first,
                          uint32_t count) {
  const pol_program *p = w->p;
  for (uint32_t i = 0; i < count; i++) {
    const prg_effect *e = &p->effects[first + i];
    bool valued = prg_effect_valued(e->kind);
    bool counted = e->kind == EFF_WAIT_MONTHS_AS_DAYS || e->kind == EFF_WAIT_DAYS_AS_MONTHS;
    const char *name = e->kind < EFF__COUNT ? effect_names[e->kind] : "?";
    if (!visit(w, e->value, owner, key, valued, "effect", name)) return false;
    char as[40];
    snprintf(as, sizeof as, "%s counted as", name);
    if (counted && !visit(w, e->counted, owner, key, true, "effect", as))
      return false;
  }
  return true;
}

bool vfy_each_section(const pol_program *p, bool (*fn)(void *ud, const vfy_section *s),
                      void *ud) {
  walk w = {p, fn, ud, 0, false};
  for (uint32_t i = 0; i < p->nlets; i++) {
    const prg_let *l = &p->lets[i];
    if (!visit(&w, l->value, "let", l->key, true, "value", NULL)) return false;
  }
  for (uint32_t i = 0; i < p->ncategories; i++) {
    const prg_category *c = &p->categories[i];
    if (!visit(&w, c->when, "category", c->key, !c->otherwise, "when", NULL) ||
        !visit(&w, c->worth, "category", c->key, true, "worth", NULL))
      return false;
    for (uint32_t j = 0; j < c->part_count; j++) {
      const prg_part *pt = &p->parts[c->part_first + j];
      const char *src = pt->source == PRG_NONE ? "individual"
                                                : prg_str(p, p->sources[pt->source].key);
      if (!visit(&w, pt->value, "category", c->key, j != c->rest_part, "part", src))
        return false;
    }
  }
  for (uint32_t i = 0; i < p->nwindows; i++) {
    const prg_window *win = &p->windows[i];
    if (!visit_effects(&w, "window", win->key, win->eff_first, win->eff_count)) return false;
  }
  for (uint32_t i = 0; i < p->nrules; i++) {
    const prg_rule *r = &p->rules[i];
    w.reads_answer = r->after != 0;
    bool ok = visit(&w, r->when, "rule", r->key, true, "when", NULL);
    w.reads_answer = false;
    if (!ok || !visit_effects(&w, "rule", r->key, r->eff_first, r->eff_count))
      return false;
  }
  for (uint32_t i = 0; i < p->naddons; i++) {
    const prg_addon *a = &p->addons[i];
    if (!visit(&w, a->paid_when, "addon", a->key, false, "paid_when", NULL) ||
        !visit(&w, a->paid_amount, "addon", a->key, false, "paid_amount", NULL))
      return false;
  }
  for (uint32_t i = 0; i < p->nassumes; i++) {
    const prg_assume *a = &p->assumes[i];
    if (!visit(&w, a->holds, "assume", a->key, true, "holds", NULL)) return false;
  }
  for (uint32_t i = 0; i < p->nperiods; i++) {
    const prg_period *pd = &p->periods[i];
    if (!visit(&w, pd->when, "period", pd->key, true, "when", NULL) ||
        !visit(&w, pd->worth, "period", pd->key, true, "worth", NULL))
      return false;
    /* parts are checked for range before sections are walked (check_indices) */
    for (uint32_t k = 0; k < pd->part_count; k++) {
      const prg_part *part = &p->parts[pd->part_first + k];
      const char *src = part->source == PRG_NONE ? "individual" : prg_str(p, p->sources[part->source].key);
      if (!visit(&w, part->value, "period", pd->key, k != pd->rest_part, "part", src)) return false;
    }
    if (!visit(&w, pd->start, "period", pd->key, true, "start", NULL) ||
        !visit(&w, pd->end, "period", pd->key, true, "end", NULL))
      return false;
  }
  return true;
}

void vfy_section_name(const vfy_section *s, char *buf, size_t bufsz) {
  if (s->number == PRG_NONE)
    snprintf(buf, bufsz, "%s %s: %s", s->owner, s->key, s->role);
  else
    snprintf(buf, bufsz, "section %u (%s %s: %s)", (unsigned)s->number, s->owner, s->key,
             s->role);
}

/* ---- tables ------------------------------------------------------------------------ */

/* a + n <= limit without wrapping */
static bool range_ok(uint32_t first, uint32_t count, uint32_t limit) {
  return (uint64_t)first + count <= limit;
}

static bool check_str(vfy *v, prg_strref r, const char *table, uint32_t i, const char *field) {
  if (r == PRG_NONE || r < v->p->nstrings) return true;
  if (i == PRG_NONE)
    return fail(v, "%s%s: string offset %u outside the %u-byte string pool", table, field,
                (unsigned)r, (unsigned)v->p->nstrings);
  return fail(v, "%s[%u]%s: string offset %u outside the %u-byte string pool", table,
              (unsigned)i, field, (unsigned)r, (unsigned)v->p->nstrings);
}

/* A name as the lexer reads one ([A-Za-z_][A-Za-z0-9_]*). */
static bool is_name(const char *s) {
  for (const char *c = s; *c; c++)
    if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || *c == '_' ||
          (c > s && *c >= '0' && *c <= '9')))
      return false;
  return *s != '\0';
}

/* The first 40 bytes of s for a message, bytes outside printable ASCII as \xNN (the
 * message must stay UTF-8: it is rendered as JSON too). */
static const char *shown(const char *s, char buf[164]) {
  size_t k = 0;
  for (size_t i = 0; s[i] && i < 40; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') buf[k++] = (char)c;
    else k += (size_t)snprintf(buf + k, 5, "\\x%02x", c);
  }
  buf[k] = 0;
  return buf;
}

/* Every key (a `.key` field, an enum value's key) is a name: keys are JSON object keys
 * (a resident's attributes, an answer's funding) and words of `polc` command lines, and
 * a key that is not UTF-8 made every example "cannot be written as JSON" and polc check
 * answer POL_ENOMEM (jansson refuses it with the -1 of a failed allocation). */
static bool check_key(vfy *v, prg_strref r, const char *table, uint32_t i, const char *field) {
  if (strcmp(field, ".key") != 0 || r == PRG_NONE || is_name(prg_str(v->p, r))) return true;
  char buf[164];
  return fail(v, "%s[%u]%s: \"%s\" is not a name (letters, digits and _)", table, (unsigned)i,
              field, shown(prg_str(v->p, r), buf));
}

/* Every `str` field of every record, driven by the layout lists of vmint.h. */
static bool check_strings(vfy *v) {
  const pol_program *p = v->p;
  if (p->nstrings > 0 && p->strings[p->nstrings - 1] != '\0')
    return fail(v, "strings: the %u-byte string pool does not end in NUL",
                (unsigned)p->nstrings);
#define STR_FIELD_u8(f, field, i, table)
#define STR_FIELD_ch(f, field, i, table)
#define STR_FIELD_u32(f, field, i, table)
#define STR_FIELD_i32(f, field, i, table)
#define STR_FIELD_i64(f, field, i, table)
#define STR_FIELD_sec(f, field, i, table)
#define STR_FIELD_str(f, field, i, table) \
  if (!check_str(v, f, table, i, field) || !check_key(v, f, table, i, field)) return false;
#define STR_FIELD(type, member) STR_FIELD_##type((*r) member, #member, i, tname)
  {
    const pol_program *r = p;
    const uint32_t i = PRG_NONE;
    const char *tname = "header";
    PRG_HEADER_FIELDS(STR_FIELD)
  }
#define STR_TABLE(table, count, type, fields)                                            \
  for (uint32_t i = 0; i < p->count; i++) {                                              \
    const char *tname = #table;                                                          \
    const type *r = &p->table[i];                                                        \
    (void)tname;                                                                         \
    (void)r;                                                                             \
    fields(STR_FIELD)                                                                    \
  }
  PRG_TABLES(STR_TABLE)
#undef STR_TABLE
#undef STR_FIELD
#undef STR_FIELD_u8
#undef STR_FIELD_ch
#undef STR_FIELD_u32
#undef STR_FIELD_i32
#undef STR_FIELD_i64
#undef STR_FIELD_sec
#undef STR_FIELD_str
  for (uint32_t i = 0; i + 1 < p->nenum_values; i += 2)
    if (!is_name(prg_str(p, p->enum_values[i]))) {
      char buf[164];
      return fail(v, "enum_values[%u]: \"%s\" is not a name (letters, digits and _)",
                  (unsigned)i, shown(prg_str(p, p->enum_values[i]), buf));
    }
  return true;
}

static bool check_days(vfy *v, const char *what, uint8_t dlo, uint8_t dhi) {
  if (dlo < 1 || dhi > 31 || dlo > dhi)
    return fail(v, "%s: day-of-month filter %u..%u is not within 1..31", what, dlo, dhi);
  return true;
}

/* ---- values ------------------------------------------------------------------------ */

static bool is_day(int64_t d) { return d >= CAL_MIN_DAY && d <= CAL_MAX_DAY; }

/* "2025-10-17", or "day N" for a number that is not a date. */
static const char *day_text(int64_t d, char buf[32]) {
  if (is_day(d))
    cal_format((int32_t)d, buf);
  else
    snprintf(buf, 32, "day %lld", (long long)d);
  return buf;
}

/* A period lo..hi (inclusive) with its day-of-month filter; the year is known good
 * (check_header runs first). */
static bool check_period(vfy *v, const char *what, int32_t lo, int32_t hi, uint8_t dlo,
                         uint8_t dhi) {
  char a[32], b[32], c[32], d[32];
  int32_t min, max;
  prg_period_limits(v->p->year, &min, &max);
  if (lo > hi)
    return fail(v, "%s: period ends (%s) before it starts (%s)", what, day_text(hi, b),
                day_text(lo, a));
  if (lo < min || hi > max)
    return fail(v, "%s: period %s .. %s reaches outside %s .. %s, within %d years of the "
                   "benefit year %d",
                what, day_text(lo, a), day_text(hi, b), day_text(min, c), day_text(max, d),
                PRG_PERIOD_YEARS, (int)v->p->year);
  return check_days(v, what, dlo, dhi);
}

static bool check_header(vfy *v) {
  const pol_program *p = v->p;
  if (p->year < PRG_YEAR_MIN || p->year > PRG_YEAR_MAX)
    return fail(v, "header: benefit year %d out of range (%d..%d)", (int)p->year, PRG_YEAR_MIN,
                PRG_YEAR_MAX);
  /* no collection period: lo 1, hi 0, the filter of every day */
  if (p->coll_lo == 1 && p->coll_hi == 0)
    return check_days(v, "header: collection", p->coll_dlo, p->coll_dhi);
  return check_period(v, "header: collection", p->coll_lo, p->coll_hi, p->coll_dlo,
                      p->coll_dhi);
}

/* The mask of the identities a program declares. */
static uint64_t identity_mask(const pol_program *p) {
  return p->nidentities >= 64 ? UINT64_MAX : ((uint64_t)1 << p->nidentities) - 1;
}

/* Type, presence, range, default and slot of an attribute (cross references checked). */
static bool check_attr(vfy *v, const char *what, const prg_attr *a) {
  const pol_program *p = v->p;
  char buf[32];
  if (a->is_identities > 1)
    return fail(v, "%s: identities flag %u is not 0 or 1", what, a->is_identities);
  if (a->is_identities) {
    if (a->type != TY_INT || a->presence != PRESENCE_DEFAULT || a->lo != 0 || a->hi != 0 ||
        a->enum_first != 0 || a->enum_count != 0)
      return fail(v, "%s: the identities attribute must be an int with a default, range 0..0 "
                     "and no enum values",
                  what);
    if ((uint64_t)a->dflt & ~identity_mask(p))
      return fail(v, "%s: default identities 0x%llx outside the %u identities", what,
                  (unsigned long long)a->dflt, (unsigned)p->nidentities);
    return true;
  }
  if (a->slot < SLOT__FIXED)
    return fail(v, "%s: slot %u is a fixed slot (attributes use %d and above)", what,
                (unsigned)a->slot, SLOT__FIXED);
  if (a->type != TY_BOOL && a->type != TY_INT && a->type != TY_MONEY && a->type != TY_DATE &&
      a->type != TY_ENUM)
    return fail(v, "%s: type %u is not an attribute type (bool, int, money, date or enum)",
                what, a->type);
  if ((a->presence == PRESENCE_OPTIONAL || a->presence == PRESENCE_QUERY_DATE) &&
      a->type != TY_DATE)
    return fail(v, "%s: presence %u is for date attributes only", what, a->presence);
  if (a->type == TY_ENUM) {
    if (a->enum_count == 0) return fail(v, "%s: an enum with no values", what);
    if (a->lo != 0 || a->hi != (int64_t)a->enum_count - 1)
      return fail(v, "%s: range %lld..%lld of an enum of %u values is not 0..%u", what,
                  (long long)a->lo, (long long)a->hi, (unsigned)a->enum_count,
                  (unsigned)a->enum_count - 1);
  } else {
    if (a->enum_first != 0 || a->enum_count != 0)
      return fail(v, "%s: enum values %u+%u on an attribute that is not an enum", what,
                  (unsigned)a->enum_first, (unsigned)a->enum_count);
    /* an int range's width hi - lo is an int64 (`polc check` computes it) */
    if (a->type == TY_INT ? a->lo > a->hi || (uint64_t)a->hi - (uint64_t)a->lo > INT64_MAX
                          : a->lo != 0 || a->hi != 0)
      return fail(v, "%s: range %lld..%lld is not %s", what, (long long)a->lo,
                  (long long)a->hi,
                  a->type == TY_INT ? "lo <= hi, at most 2^63 - 1 apart" : "0..0 (unused)");
  }
  int64_t d = a->dflt;
  switch (a->presence) {
  case PRESENCE_DEFAULT:
    if (a->type == TY_BOOL ? d != 0 && d != 1
        : a->type == TY_DATE ? !is_day(d)
        : a->type == TY_INT || a->type == TY_ENUM ? d < a->lo || d > a->hi
        : false)
      return fail(v, "%s: default %s is not a value of its type", what,
                  a->type == TY_DATE ? day_text(d, buf)
                                     : (snprintf(buf, sizeof buf, "%lld", (long long)d), buf));
    return true;
  case PRESENCE_OPTIONAL:
    if (d != PRG_ABSENT)
      return fail(v, "%s: an optional attribute's default %lld is not absent", what,
                  (long long)d);
    return true;
  default:
    if (d != 0)
      return fail(v, "%s: default %lld of an attribute without a default is not 0", what,
                  (long long)d);
    return true;
  }
}

/* Slots of attributes and lets: fixed ones only for `identities`, none twice. */
static bool check_slots(vfy *v) {
  const pol_program *p = v->p;
  uint8_t *used = calloc(p->nslots, 1);
  if (used == NULL) return fail(v, "out of memory verifying %u slots", (unsigned)p->nslots);
  bool ok = true;
  for (uint32_t i = 0; ok && i < p->nattrs + p->nlets; i++) {
    bool attr = i < p->nattrs;
    uint32_t slot = attr ? p->attrs[i].slot : p->lets[i - p->nattrs].slot;
    prg_strref key = attr ? p->attrs[i].key : p->lets[i - p->nattrs].key;
    uint32_t k = attr ? i : i - p->nattrs;
    if (!attr && slot < SLOT__FIXED)
      ok = fail(v, "lets[%u] (%s): slot %u is a fixed slot (lets use %d and above)",
                (unsigned)k, prg_str(p, key), (unsigned)slot, SLOT__FIXED);
    else if (used[slot])
      ok = fail(v, "%s[%u] (%s): slot %u is used twice", attr ? "attrs" : "lets", (unsigned)k,
                prg_str(p, key), (unsigned)slot);
    used[slot] = 1;
  }
  free(used);
  return ok;
}

/* An example's given value, by the attribute's type. */
static bool check_given(vfy *v, uint32_t i, const prg_given *g) {
  const pol_program *p = v->p;
  const prg_attr *a = &p->attrs[g->attr];
  int64_t x = g->value;
  char buf[32];
  const char *key = prg_str(p, a->key);
  if (a->is_identities) {
    if ((uint64_t)x & ~identity_mask(p))
      return fail(v, "givens[%u]: identities 0x%llx outside the %u identities", (unsigned)i,
                  (unsigned long long)x, (unsigned)p->nidentities);
    return true;
  }
  switch (a->type) {
  case TY_ENUM:
    /* pol_test names an enum value by indexing enum_values with it */
    if (x < 0 || (uint64_t)x >= a->enum_count)
      return fail(v, "givens[%u]: value %lld of %s outside its %u enum values", (unsigned)i,
                  (long long)x, key, (unsigned)a->enum_count);
    return true;
  case TY_BOOL:
    if (x != 0 && x != 1)
      return fail(v, "givens[%u]: value %lld of %s is not a bool", (unsigned)i, (long long)x,
                  key);
    return true;
  case TY_INT:
    if (x < a->lo || x > a->hi)
      return fail(v, "givens[%u]: value %lld of %s outside %lld..%lld", (unsigned)i,
                  (long long)x, key, (long long)a->lo, (long long)a->hi);
    return true;
  case TY_DATE:
    if (!is_day(x) && !(x == PRG_ABSENT && a->presence == PRESENCE_OPTIONAL))
      return fail(v, "givens[%u]: value %s of %s is not a date", (unsigned)i, day_text(x, buf),
                  key);
    return true;
  default: /* money: any amount; pol_resident_json decides what a resident may have */
    return true;
  }
}

/* An expectation's argument and value, by its kind (the compiler's encoding). */
static bool check_expect(vfy *v, uint32_t i, const prg_expect *e) {
  const pol_program *p = v->p;
  char buf[32];
  bool arg_zero = false, value_zero = false;
  switch ((prg_expect_kind)e->kind) {
  case EXP_PAYABLE:
  case EXP_SUBSIDIZED:
    arg_zero = true;
    /* PRG_ABSENT: `payable unstated` (expects of individual, funding, start, end and wait
     * take it too: the answer gives null for a value the notice does not state) */
    if (e->value != 0 && e->value != 1 && !(e->kind == EXP_PAYABLE && e->value == PRG_ABSENT))
      return fail(v, "expects[%u]: value %lld is not a bool", (unsigned)i, (long long)e->value);
    break;
  case EXP_START:
  case EXP_END:
    arg_zero = true;
    if (!is_day(e->value) && e->value != PRG_ABSENT)
      return fail(v, "expects[%u]: value %s is not a date", (unsigned)i,
                  day_text(e->value, buf));
    break;
  case EXP_INDIVIDUAL:
  case EXP_WAIT_MONTHS:
  case EXP_WAIT_DAYS:
    arg_zero = true;
    break;
  case EXP_FUNDING_ALL:
    arg_zero = value_zero = true;
    break;
  case EXP_CATEGORY:
  case EXP_MATCHED:
    value_zero = true;
    break;
  case EXP_ADDON:
    /* an amount; -1 would read as "not included" */
    if (e->arg == PRG_NONE ? e->value != 0 : e->value < 0)
      return fail(v, "expects[%u]: add-on amount %lld is %s", (unsigned)i, (long long)e->value,
                  e->arg == PRG_NONE ? "not 0 in the list's opening entry" : "negative");
    break;
  case EXP_FUNDING:
    break;
  case EXP_PERIOD:
    if (e->arg == PRG_NONE && e->value != 0)
      return fail(v, "expects[%u]: period amount %lld is not 0 in the list's opening entry",
                  (unsigned)i, (long long)e->value);
    break;
  }
  if (arg_zero && e->arg != 0)
    return fail(v, "expects[%u]: unused argument %u is not 0", (unsigned)i, (unsigned)e->arg);
  if (value_zero && e->value != 0)
    return fail(v, "expects[%u]: unused value %lld is not 0", (unsigned)i, (long long)e->value);
  (void)p;
  return true;
}

/* One type of an extern's signature: bool, int, money, date, or an enum attribute. */
static bool ext_type_ok(const pol_program *p, prg_ext_type t) {
  switch (t.type) {
  case TY_BOOL: case TY_INT: case TY_MONEY: case TY_DATE:
    return t.en == 0;
  case TY_ENUM:
    return t.en < p->nattrs && p->attrs[t.en].type == TY_ENUM && p->attrs[t.en].enum_count > 0;
  default:
    return false;
  }
}

static void ext_type_name(const pol_program *p, prg_ext_type t, char *buf, size_t n) {
  static const char *const names[] = {[TY_BOOL] = "bool", [TY_INT] = "int",
                                      [TY_MONEY] = "money", [TY_DATE] = "date"};
  if (t.type == TY_ENUM && t.en < p->nattrs && p->attrs[t.en].type == TY_ENUM)
    snprintf(buf, n, "%s", prg_str(p, p->attrs[t.en].key));
  else if (t.type <= TY_DATE && t.en == 0)
    snprintf(buf, n, "%s", names[t.type]);
  else
    snprintf(buf, n, "<type %u.%u>", (unsigned)t.type, (unsigned)t.en);
}

void vfy_extern_signature(const pol_program *p, uint32_t i, char *buf, size_t n) {
  const prg_extern *x = &p->externs[i];
  size_t k = (size_t)snprintf(buf, n, "%s(", prg_str(p, x->key));
  for (uint32_t a = 0; a < x->arg_count && k < n; a++) {
    char t[96];
    ext_type_name(p, p->ext_args[x->arg_first + a], t, sizeof t);
    k += (size_t)snprintf(buf + k, n - k, "%s%s", a ? ", " : "", t);
  }
  if (k < n) {
    char t[96];
    ext_type_name(p, x->result, t, sizeof t);
    snprintf(buf + k, n - k, ") -> %s", t);
  }
}

/* Signature sanity: names present and distinct, argument ranges inside ext_args, at most
 * PRG_MAX_EXTERN_ARGS arguments, every type a type a host function can take. */
static bool check_externs(vfy *v) {
  const pol_program *p = v->p;
  char what[160], t[96];
  for (uint32_t i = 0; i < p->nexterns; i++) {
    const prg_extern *x = &p->externs[i];
    snprintf(what, sizeof what, "externs[%u] (%s)", (unsigned)i, prg_str(p, x->key));
    if (x->key == PRG_NONE || prg_str(p, x->key)[0] == '\0')
      return fail(v, "%s: no name", what);
    for (uint32_t j = 0; j < i; j++)
      if (strcmp(prg_str(p, p->externs[j].key), prg_str(p, x->key)) == 0)
        return fail(v, "%s: declared twice (also externs[%u])", what, (unsigned)j);
    if (!range_ok(x->arg_first, x->arg_count, p->next_args))
      return fail(v, "%s: arguments %u+%u outside the %u argument types", what,
                  (unsigned)x->arg_first, (unsigned)x->arg_count, (unsigned)p->next_args);
    if (x->arg_count > PRG_MAX_EXTERN_ARGS)
      return fail(v, "%s: %u arguments, more than %d", what, (unsigned)x->arg_count,
                  PRG_MAX_EXTERN_ARGS);
    for (uint32_t a = 0; a < x->arg_count; a++) {
      prg_ext_type at = p->ext_args[x->arg_first + a];
      if (!ext_type_ok(p, at)) {
        ext_type_name(p, at, t, sizeof t);
        return fail(v, "%s: argument %u has type %s, not bool, int, money, date or an enum "
                       "attribute", what, (unsigned)a + 1, t);
      }
    }
    if (!ext_type_ok(p, x->result)) {
      ext_type_name(p, x->result, t, sizeof t);
      return fail(v, "%s: result has type %s, not bool, int, money, date or an enum "
                     "attribute", what, t);
    }
  }
  return true;
}

static bool check_tables(vfy *v) {
  const pol_program *p = v->p;
  char what[160];

#define NEED(table, count)                                                              \
  if (p->count > 0 && p->table == NULL)                                                 \
    return fail(v, "%s: %u records but no table", #table, (unsigned)p->count);
#define NEED_TABLE(table, count, type, fields) NEED(table, count)
  PRG_TABLES(NEED_TABLE)
#undef NEED_TABLE
#undef NEED

  if (p->nslots < SLOT__FIXED)
    return fail(v, "header: %u slots, fewer than the %d fixed slots", (unsigned)p->nslots,
                SLOT__FIXED);
  /* slots are the fixed ones, then attributes and lets: a larger count would only make
   * pol_eval_new allocate what a corrupt header asks for */
  if ((uint64_t)p->nslots > (uint64_t)SLOT__FIXED + p->nattrs + p->nlets)
    return fail(v, "header: %u slots, more than the %llu of %d fixed slots, %u attributes "
                   "and %u lets",
                (unsigned)p->nslots, (unsigned long long)SLOT__FIXED + p->nattrs + p->nlets,
                SLOT__FIXED, (unsigned)p->nattrs, (unsigned)p->nlets);
  if (p->nidentities > PRG_MAX_IDENTITIES)
    return fail(v, "identities: %u identities, more than %d", (unsigned)p->nidentities,
                PRG_MAX_IDENTITIES);
  if (p->rounding > ROUND_UP)
    return fail(v, "header: rounding mode %u out of range (0..3)", p->rounding);
  if (!check_header(v)) return false;
  if (p->nenum_values % 2 != 0)
    return fail(v, "enum_values: %u entries, not key/label pairs", (unsigned)p->nenum_values);
  if (!check_strings(v)) return false;

  for (uint32_t i = 0; i < p->nattrs; i++) {
    const prg_attr *a = &p->attrs[i];
    snprintf(what, sizeof what, "attrs[%u] (%s)", (unsigned)i, prg_str(p, a->key));
    if (a->slot >= p->nslots)
      return fail(v, "%s: slot %u out of range (%u slots)", what, (unsigned)a->slot,
                  (unsigned)p->nslots);
    if (a->type > TY_CATEGORY) return fail(v, "%s: type %u out of range", what, a->type);
    if (a->presence > PRESENCE_QUERY_DATE)
      return fail(v, "%s: presence %u out of range", what, a->presence);
    if (a->is_identities && a->slot != SLOT_IDENTITIES)
      return fail(v, "%s: the identities attribute must use slot %d, not %u", what,
                  SLOT_IDENTITIES, (unsigned)a->slot);
    if (a->type == TY_ENUM && !range_ok(a->enum_first, a->enum_count, p->nenum_values / 2))
      return fail(v, "%s: enum values %u+%u outside the %u values", what,
                  (unsigned)a->enum_first, (unsigned)a->enum_count,
                  (unsigned)(p->nenum_values / 2));
    if (!check_attr(v, what, a)) return false;
  }
  for (uint32_t i = 0; i < p->nlets; i++) {
    const prg_let *l = &p->lets[i];
    if (l->slot >= p->nslots)
      return fail(v, "lets[%u] (%s): slot %u out of range (%u slots)", (unsigned)i,
                  prg_str(p, l->key), (unsigned)l->slot, (unsigned)p->nslots);
  }
  if (!check_slots(v)) return false;
  for (uint32_t i = 0; i < p->nparts; i++) {
    const prg_part *pt = &p->parts[i];
    if (pt->source != PRG_NONE && pt->source >= p->nsources)
      return fail(v, "parts[%u]: source %u out of range (%u sources)", (unsigned)i,
                  (unsigned)pt->source, (unsigned)p->nsources);
  }
  for (uint32_t i = 0; i < p->ncategories; i++) {
    const prg_category *c = &p->categories[i];
    snprintf(what, sizeof what, "categories[%u] (%s)", (unsigned)i, prg_str(p, c->key));
    if (!range_ok(c->part_first, c->part_count, p->nparts))
      return fail(v, "%s: parts %u+%u outside the %u parts", what, (unsigned)c->part_first,
                  (unsigned)c->part_count, (unsigned)p->nparts);
    if (c->rest_part != PRG_NONE && c->rest_part >= c->part_count)
      return fail(v, "%s: rest part %u out of range (%u parts)", what,
                  (unsigned)c->rest_part, (unsigned)c->part_count);
    if (c->otherwise > 1) return fail(v, "%s: otherwise flag %u is not 0 or 1", what, c->otherwise);
    if (c->otherwise && (c->when.start != 0 || c->when.end != 0))
      return fail(v, "%s: an otherwise category has a when section %u..%u", what,
                  (unsigned)c->when.start, (unsigned)c->when.end);
  }
  for (uint32_t i = 0; i < p->nperiods; i++) {
    const prg_period *pd = &p->periods[i];
    int32_t lo, hi, ylo, yhi, m, d;
    snprintf(what, sizeof what, "periods[%u] (%s)", (unsigned)i, prg_str(p, pd->key));
    if (!range_ok(pd->part_first, pd->part_count, p->nparts))
      return fail(v, "%s: parts %u+%u outside the %u parts", what, (unsigned)pd->part_first,
                  (unsigned)pd->part_count, (unsigned)p->nparts);
    if (pd->rest_part != PRG_NONE && pd->rest_part >= pd->part_count)
      return fail(v, "%s: rest part %u out of range (%u parts)", what,
                  (unsigned)pd->rest_part, (unsigned)pd->part_count);
    if (pd->instead > 1) return fail(v, "%s: instead flag %u is not 0 or 1", what, pd->instead);
    prg_period_limits(p->year, &lo, &hi);
    cal_to_ymd(lo, &ylo, &m, &d);
    cal_to_ymd(hi, &yhi, &m, &d);
    if (pd->year == p->year || pd->year < ylo || pd->year > yhi)
      return fail(v, "%s: year %d is the benefit year or outside %d..%d", what, (int)pd->year,
                  ylo, yhi);
  }
  for (uint32_t i = 0; i < p->nchoose; i++) {
    const prg_choose_key *ck = &p->choose[i];
    if (ck->kind > KEY_LAST)
      return fail(v, "choose[%u]: kind %u out of range", (unsigned)i, ck->kind);
    if ((ck->kind == KEY_LOWEST_SOURCE || ck->kind == KEY_HIGHEST_SOURCE) &&
        ck->source >= p->nsources)
      return fail(v, "choose[%u]: source %u out of range (%u sources)", (unsigned)i,
                  (unsigned)ck->source, (unsigned)p->nsources);
    if (ck->kind != KEY_LOWEST_SOURCE && ck->kind != KEY_HIGHEST_SOURCE && ck->source != PRG_NONE)
      return fail(v, "choose[%u]: source %u on a key that names no source", (unsigned)i,
                  (unsigned)ck->source);
  }
  for (uint32_t i = 0; i < p->neffects; i++) {
    const prg_effect *e = &p->effects[i];
    if (e->kind >= EFF__COUNT)
      return fail(v, "effects[%u]: kind %u out of range", (unsigned)i, e->kind);
    bool counted = e->kind == EFF_WAIT_MONTHS_AS_DAYS || e->kind == EFF_WAIT_DAYS_AS_MONTHS;
    if (!counted && (e->counted.start != 0 || e->counted.end != 0))
      return fail(v, "effects[%u]: a %s effect is not counted in another unit, but section "
                  "%u..%u is given", (unsigned)i, effect_names[e->kind],
                  (unsigned)e->counted.start, (unsigned)e->counted.end);
    if (!prg_effect_valued(e->kind) && (e->value.start != 0 || e->value.end != 0))
      return fail(v, "effects[%u]: a %s effect has no value, but section %u..%u is given",
                  (unsigned)i, effect_names[e->kind], (unsigned)e->value.start,
                  (unsigned)e->value.end);
    if (e->kind != EFF_NOT_PAYABLE && e->reason != PRG_NONE)
      return fail(v, "effects[%u]: a %s effect has no reason, but string %u is given",
                  (unsigned)i, effect_names[e->kind], (unsigned)e->reason);
  }
  for (uint32_t i = 0; i < p->nwindows; i++) {
    const prg_window *w = &p->windows[i];
    snprintf(what, sizeof what, "windows[%u] (%s)", (unsigned)i, prg_str(p, w->key));
    if (!range_ok(w->eff_first, w->eff_count, p->neffects))
      return fail(v, "%s: effects %u+%u outside the %u effects", what, (unsigned)w->eff_first,
                  (unsigned)w->eff_count, (unsigned)p->neffects);
    if (!check_period(v, what, w->lo, w->hi, w->dlo, w->dhi)) return false;
  }
  for (uint32_t i = 0; i < p->nunlisted; i++)
    if (p->unlisted[i] >= p->nidentities)
      return fail(v, "unlisted[%u]: identity %u out of range (%u identities)", (unsigned)i,
                  (unsigned)p->unlisted[i], (unsigned)p->nidentities);
  for (uint32_t i = 0; i < p->nrestates; i++) {
    const prg_restate *r = &p->restates[i];
    snprintf(what, sizeof what, "restates[%u]", (unsigned)i);
    if (r->target != PRG_NONE && r->target >= p->nwindows)
      return fail(v, "%s: window %u out of range (%u windows)", what, (unsigned)r->target,
                  (unsigned)p->nwindows);
    if (r->target == PRG_NONE && p->coll_lo > p->coll_hi)
      return fail(v, "%s: restates the collection period, which the program does not have", what);
    if (!check_period(v, what, r->lo, r->hi, r->dlo, r->dhi)) return false;
  }
  if (!check_externs(v)) return false;
  for (uint32_t i = 0; i < p->nunstated; i++) {
    const prg_unstated *u = &p->unstated[i];
    static const char *const kinds[] = {"worth", "part", "effect", "window"};
    snprintf(what, sizeof what, "unstated[%u]", (unsigned)i);
    if (u->what > UNST_WINDOW)
      return fail(v, "%s: kind %u out of range", what, (unsigned)u->what);
    uint32_t n = u->what == UNST_WORTH  ? p->ncategories
                 : u->what == UNST_PART ? p->nparts
                 : u->what == UNST_EFFECT ? p->neffects
                                          : p->nwindows;
    if (u->index >= n)
      return fail(v, "%s: %s %u out of range (%u)", what, kinds[u->what], (unsigned)u->index,
                  (unsigned)n);
    /* the stand-in is a section the quote runs: it must exist */
    prg_section s = u->what == UNST_WORTH    ? p->categories[u->index].worth
                    : u->what == UNST_PART   ? p->parts[u->index].value
                    : u->what == UNST_EFFECT ? p->effects[u->index].value
                                             : (prg_section){1, 2};
    if (s.start >= s.end)
      return fail(v, "%s: the %s it marks has no value", what, kinds[u->what]);
    if (u->what == UNST_EFFECT && p->effects[u->index].kind > EFF_SURCHARGE)
      return fail(v, "%s: effect %u takes no value", what, (unsigned)u->index);
    if (u->what == UNST_PART) { /* a category's part: the quote reports no other */
      bool in_category = false;
      for (uint32_t k = 0; k < p->ncategories && !in_category; k++)
        in_category = u->index - p->categories[k].part_first < p->categories[k].part_count;
      if (!in_category)
        return fail(v, "%s: part %u is not a category's", what, (unsigned)u->index);
    }
    for (uint32_t k = 0; k < i; k++)
      if (p->unstated[k].what == u->what && p->unstated[k].index == u->index)
        return fail(v, "%s: %s %u is marked twice", what, kinds[u->what], (unsigned)u->index);
  }
  for (uint32_t i = 0; i < p->nrules; i++) {
    const prg_rule *r = &p->rules[i];
    if (!range_ok(r->eff_first, r->eff_count, p->neffects))
      return fail(v, "rules[%u] (%s): effects %u+%u outside the %u effects", (unsigned)i,
                  prg_str(p, r->key), (unsigned)r->eff_first, (unsigned)r->eff_count,
                  (unsigned)p->neffects);
    if (r->after > 1)
      return fail(v, "rules[%u] (%s): after %u is not 0 or 1", (unsigned)i, prg_str(p, r->key),
                  (unsigned)r->after);
    if (!range_ok(r->ovr_first, r->ovr_count, p->noverrides))
      return fail(v, "rules[%u] (%s): overrides %u+%u outside the %u overrides", (unsigned)i,
                  prg_str(p, r->key), (unsigned)r->ovr_first, (unsigned)r->ovr_count,
                  (unsigned)p->noverrides);
    /* a rule overrides only rules before it (so overrides form no cycle and the quote
     * resolves them last to first), of its own kind (after or not) */
    for (uint32_t k = 0; k < r->ovr_count; k++) {
      uint32_t o = p->overrides[r->ovr_first + k];
      if (o >= i)
        return fail(v, "rules[%u] (%s): overrides rule %u, which is not before it", (unsigned)i,
                    prg_str(p, r->key), (unsigned)o);
      if (p->rules[o].after != r->after)
        return fail(v, "rules[%u] (%s): overrides rule %u (%s), which runs %s it", (unsigned)i,
                    prg_str(p, r->key), (unsigned)o, prg_str(p, p->rules[o].key),
                    r->after ? "before" : "after");
    }
    /* a rule that reads the answer's dates may only refuse: it runs once they are set */
    for (uint32_t k = 0; r->after && k < r->eff_count; k++)
      if (p->effects[r->eff_first + k].kind != EFF_NOT_PAYABLE)
        return fail(v, "rules[%u] (%s): a rule that runs after the others has a %s effect; "
                    "it may only be not_payable", (unsigned)i, prg_str(p, r->key),
                    p->effects[r->eff_first + k].kind < EFF__COUNT
                        ? effect_names[p->effects[r->eff_first + k].kind] : "?");
  }
  for (uint32_t i = 0; i < p->naddons; i++) {
    const prg_addon *a = &p->addons[i];
    snprintf(what, sizeof what, "addons[%u] (%s)", (unsigned)i, prg_str(p, a->key));
    if (!range_ok(a->tier_first, a->tier_count, p->ntiers))
      return fail(v, "%s: tiers %u+%u outside the %u tiers", what, (unsigned)a->tier_first,
                  (unsigned)a->tier_count, (unsigned)p->ntiers);
    if (a->paid_by != PRG_NONE && a->paid_by >= p->nsources)
      return fail(v, "%s: paid by source %u out of range (%u sources)", what,
                  (unsigned)a->paid_by, (unsigned)p->nsources);
    if (a->required > 1)
      return fail(v, "%s: required %u is not 0 or 1", what, (unsigned)a->required);
    if (a->required && a->tier_count == 0)
      return fail(v, "%s: required, but has no tier", what);
    /* a part amount needs a payer and a compulsory add-on (the resident pays the rest) */
    if ((a->paid_amount.start != 0 || a->paid_amount.end != 0) &&
        (a->paid_by == PRG_NONE || !a->required))
      return fail(v, "%s: a paid amount without %s", what,
                  a->paid_by == PRG_NONE ? "a payer" : "'required'");
  }
  /* a negative amount would read as "not included" (pol_eval.addon_amount) */
  for (uint32_t i = 0; i < p->ntiers; i++)
    if (p->tiers[i].amount < 0)
      return fail(v, "tiers[%u] (%s): amount %lld fen is negative", (unsigned)i,
                  prg_str(p, p->tiers[i].key), (long long)p->tiers[i].amount);
  for (uint32_t i = 0; i < p->nexamples; i++) {
    const prg_example *e = &p->examples[i];
    snprintf(what, sizeof what, "examples[%u] (%s)", (unsigned)i, prg_str(p, e->name));
    if (!range_ok(e->given_first, e->given_count, p->ngivens))
      return fail(v, "%s: givens %u+%u outside the %u givens", what, (unsigned)e->given_first,
                  (unsigned)e->given_count, (unsigned)p->ngivens);
    if (!range_ok(e->buy_first, e->buy_count, p->nbuys))
      return fail(v, "%s: buys %u+%u outside the %u buys", what, (unsigned)e->buy_first,
                  (unsigned)e->buy_count, (unsigned)p->nbuys);
    if (!range_ok(e->expect_first, e->expect_count, p->nexpects))
      return fail(v, "%s: expects %u+%u outside the %u expects", what,
                  (unsigned)e->expect_first, (unsigned)e->expect_count, (unsigned)p->nexpects);
    if (!is_day(e->paid_on))
      return fail(v, "%s: payment date %d is not a date", what, (int)e->paid_on);
  }
  for (uint32_t i = 0; i < p->ngivens; i++) {
    const prg_given *g = &p->givens[i];
    if (g->attr >= p->nattrs)
      return fail(v, "givens[%u]: attribute %u out of range (%u attributes)", (unsigned)i,
                  (unsigned)g->attr, (unsigned)p->nattrs);
    if (!check_given(v, i, g)) return false;
  }
  for (uint32_t i = 0; i < p->nbuys; i++) {
    if (p->buys[i].addon >= p->naddons)
      return fail(v, "buys[%u]: add-on %u out of range (%u add-ons)", (unsigned)i,
                  (unsigned)p->buys[i].addon, (unsigned)p->naddons);
    if (p->buys[i].amount < 0)
      return fail(v, "buys[%u]: amount %lld fen is negative", (unsigned)i,
                  (long long)p->buys[i].amount);
  }
  for (uint32_t i = 0; i < p->nexpects; i++) {
    const prg_expect *e = &p->expects[i];
    if (e->kind > EXP_PERIOD)
      return fail(v, "expects[%u]: kind %u out of range", (unsigned)i, e->kind);
    if (e->kind == EXP_FUNDING && e->arg >= p->nsources)
      return fail(v, "expects[%u]: source %u out of range (%u sources)", (unsigned)i,
                  (unsigned)e->arg, (unsigned)p->nsources);
    /* EXP_ADDON and EXP_MATCHED open their list with arg PRG_NONE */
    if (e->kind == EXP_ADDON && e->arg != PRG_NONE && e->arg >= p->naddons)
      return fail(v, "expects[%u]: add-on %u out of range (%u add-ons)", (unsigned)i,
                  (unsigned)e->arg, (unsigned)p->naddons);
    if (e->kind == EXP_PERIOD && e->arg != PRG_NONE && e->arg >= p->nperiods)
      return fail(v, "expects[%u]: period %u out of range (%u periods)", (unsigned)i,
                  (unsigned)e->arg, (unsigned)p->nperiods);
    if ((e->kind == EXP_CATEGORY || (e->kind == EXP_MATCHED && e->arg != PRG_NONE)) &&
        e->arg >= p->ncategories)
      return fail(v, "expects[%u]: category %u out of range (%u categories)", (unsigned)i,
                  (unsigned)e->arg, (unsigned)p->ncategories);
    if (!check_expect(v, i, e)) return false;
  }
  return true;
}

/* ---- code -------------------------------------------------------------------------- */

typedef struct {
  vfy *v;
  char name[200]; /* "section 3 (category x: when)" */
} sec_ctx;

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static bool insn_fail(sec_ctx *c, uint32_t pc, uint32_t op, const char *fmt, ...) {
  char what[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (op < OP__COUNT)
    return fail(c->v, "%s, pc %u (%s): %s", c->name, (unsigned)pc, vm_ops[op].name, what);
  return fail(c->v, "%s, pc %u: %s", c->name, (unsigned)pc, what);
}

/* Pass a: opcode, operands, jump targets. */
static bool check_operands(sec_ctx *c, uint32_t start, uint32_t end) {
  const pol_program *p = c->v->p;
  for (uint32_t pc = start; pc < end; pc++) {
    uint32_t insn = p->code[pc], op = INSN_OP(insn), a = INSN_A(insn), b = INSN_B(insn);
    if (op >= OP__COUNT)
      return insn_fail(c, pc, op, "unknown opcode %u (there are %d)", (unsigned)op, OP__COUNT);
    uint8_t kind = vm_ops[op].kind;
    bool uses_a = kind == OPK_BIT || kind == OPK_MODE || kind == OPK_CONST2 || kind == OPK_ANSWER;
    bool uses_b = kind != OPK_NONE && kind != OPK_BIT && kind != OPK_MODE && kind != OPK_ANSWER;
    if (!uses_a && a != 0)
      return insn_fail(c, pc, op, "unused operand A is %u, must be 0", (unsigned)a);
    if (!uses_b && b != 0)
      return insn_fail(c, pc, op, "unused operand B is %u, must be 0", (unsigned)b);
    switch ((pol_operand_kind)kind) {
    case OPK_NONE:
      break;
    case OPK_K:
      if (b >= p->nconsts)
        return insn_fail(c, pc, op, "constant %u out of range (%u constants)", (unsigned)b,
                         (unsigned)p->nconsts);
      break;
    case OPK_CONST2:
      if (a >= p->nconsts)
        return insn_fail(c, pc, op, "constant %u out of range (%u constants)", (unsigned)a,
                         (unsigned)p->nconsts);
      if (b >= p->nconsts)
        return insn_fail(c, pc, op, "constant %u out of range (%u constants)", (unsigned)b,
                         (unsigned)p->nconsts);
      break;
    case OPK_SLOT:
      if (b >= p->nslots)
        return insn_fail(c, pc, op, "slot %u out of range (%u slots)", (unsigned)b,
                         (unsigned)p->nslots);
      break;
    case OPK_BIT:
      if (a >= p->nidentities || a >= PRG_MAX_IDENTITIES)
        return insn_fail(c, pc, op, "identity bit %u out of range (%u identities)",
                         (unsigned)a, (unsigned)p->nidentities);
      break;
    case OPK_WINDOW:
      if (b >= p->nwindows)
        return insn_fail(c, pc, op, "window %u out of range (%u windows)", (unsigned)b,
                         (unsigned)p->nwindows);
      break;
    case OPK_EXTERN:
      if (b >= p->nexterns)
        return insn_fail(c, pc, op, "extern %u out of range (%u externs)", (unsigned)b,
                         (unsigned)p->nexterns);
      break;
    case OPK_ANSWER:
      if (a >= ANSWER_FIGURES)
        return insn_fail(c, pc, op, "answer figure %u out of range (0..%d)", (unsigned)a,
                         ANSWER_FIGURES - 1);
      break;
    case OPK_MODE:
      if (a > ROUND_UP)
        return insn_fail(c, pc, op, "rounding mode %u out of range (0..%d)", (unsigned)a,
                         ROUND_UP);
      break;
    case OPK_JUMP: {
      uint64_t target = (uint64_t)pc + 1 + b;
      if (target > end)
        return insn_fail(c, pc, op, "jump target %llu beyond section end %u",
                         (unsigned long long)target, (unsigned)end);
      if (target == end)
        return insn_fail(c, pc, op,
                         "jump target %llu is the section end; the section must end in RET",
                         (unsigned long long)target);
      break;
    }
    }
  }
  return true;
}

/* Record depth d before pc `to`, reached from `from` by a jump or by falling through. */
static bool merge(sec_ctx *c, uint32_t from, uint32_t op, uint32_t to, int d, bool jump) {
  int8_t *depth = c->v->depth;
  if (depth[to] < 0) {
    depth[to] = (int8_t)d;
    return true;
  }
  if (depth[to] == d) return true;
  return insn_fail(c, from, op,
                   "%s pc %u with stack depth %d, but another path reaches it with depth %d",
                   jump ? "jumps to" : "falls through to", (unsigned)to, d, depth[to]);
}

/* Pass b: stack depth along every path.  Operands are known good. */
static bool check_stack(sec_ctx *c, uint32_t start, uint32_t end) {
  const pol_program *p = c->v->p;
  int8_t *depth = c->v->depth;
  memset(depth + start, -1, end - start);
  depth[start] = 0;
  for (uint32_t pc = start; pc < end; pc++) {
    uint32_t insn = p->code[pc], op = INSN_OP(insn);
    const vm_opinfo *info = &vm_ops[op];
    int d = depth[pc];
    int pops = (int)vm_pops(p, insn); /* CALL: the arity of its extern, checked below 9 */
    if (d < 0) return insn_fail(c, pc, op, "unreachable instruction");
    if (d < pops) {
      if (info->kind == OPK_EXTERN) {
        char sig[256];
        vfy_extern_signature(p, INSN_B(insn), sig, sizeof sig);
        return insn_fail(c, pc, op, "stack underflow: extern %s pops %d, depth is %d", sig,
                         pops, d);
      }
      return insn_fail(c, pc, op, "stack underflow: pops %d, depth is %d", pops, d);
    }
    int after = d - pops + info->pushes;
    if (after > PRG_STACK_MAX)
      return insn_fail(c, pc, op, "stack overflow: depth %d exceeds %d", after, PRG_STACK_MAX);
    if (op == OP_RET) {
      if (d != 1) return insn_fail(c, pc, op, "returns with stack depth %d, must be 1", d);
      continue;
    }
    int fall = after;
    if (info->kind == OPK_JUMP) {
      /* taken: pops/pushes of the table; not taken: a conditional jump pops its operand */
      if (!merge(c, pc, op, pc + 1 + INSN_B(insn), after, true)) return false;
      if (op == OP_JMP) continue;
      fall = d - pops;
    }
    if (pc + 1 == end) return insn_fail(c, pc, op, "falls off the end of the section without RET");
    if (!merge(c, pc, op, pc + 1, fall, false)) return false;
  }
  return true;
}

static bool check_section(void *ud, const vfy_section *s) {
  sec_ctx c;
  c.v = ud;
  vfy_section_name(s, c.name, sizeof c.name);
  uint32_t start = s->s.start, end = s->s.end, ncode = c.v->p->ncode;
  if (start == 0 && end == 0) {
    if (s->required) return fail(c.v, "%s: missing (no code)", c.name);
    return true;
  }
  if (start >= end)
    return fail(c.v, "%s: empty code range %u..%u", c.name, (unsigned)start, (unsigned)end);
  if (end > ncode)
    return fail(c.v, "%s: code range %u..%u outside the %u instructions", c.name,
                (unsigned)start, (unsigned)end, (unsigned)ncode);
  if (!s->reads_answer)
    for (uint32_t pc = start; pc < end; pc++)
      if (INSN_OP(c.v->p->code[pc]) == OP_ANSWER)
        return fail(c.v, "%s, pc %u (ANSWER): only the `when` of a rule that runs after the "
                    "others (after 1) reads the answer's dates", c.name, (unsigned)pc);
  if (!check_operands(&c, start, end) || !check_stack(&c, start, end)) return false;
  /* an assumption runs before lets and the category exist: it loads attributes and the
   * payment date only (program.h, prg_assume) */
  if (strcmp(s->owner, "assume") == 0) {
    const pol_program *p = c.v->p;
    for (uint32_t pc = start; pc < end; pc++) {
      uint32_t op = INSN_OP(p->code[pc]), b = INSN_B(p->code[pc]);
      if (op != OP_LOAD && op != OP_PRESENT) continue;
      bool ok = b == SLOT_PAID_ON || b == SLOT_IDENTITIES;
      for (uint32_t i = 0; !ok && i < p->nattrs; i++) ok = p->attrs[i].slot == b;
      if (!ok)
        return fail(c.v, "%s: instruction %u loads slot %u, which is not an attribute or the "
                         "payment date", c.name, (unsigned)pc, (unsigned)b);
    }
  }
  return true;
}

bool vfy_program(const pol_program *p, char *err, size_t errsz) {
  vfy v = {p, err, errsz, NULL};
  if (errsz > 0) err[0] = '\0';
  if (!check_tables(&v)) return false;
  if (p->ncode > 0) {
    v.depth = malloc(p->ncode);
    if (v.depth == NULL) return fail(&v, "out of memory verifying %u instructions", (unsigned)p->ncode);
  }
  bool ok = vfy_each_section(p, check_section, &v);
  free(v.depth);
  return ok;
}
