/*
 * decls.c — declarations to program tables.  Two passes: the first declares every name
 * (so a rule may name a window declared below it), the second compiles bodies in file
 * order.  Lets are evaluated in order, so a let may use only lets above it.
 */
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cg.h"
#include "money.h"
#include "opcodes.h"

#define ROUNDING_UNSET 0xff

static const char *field_str(cg *c, ast_node *f) {
  if (!f->a || f->a->kind != A_NAME || f->a->op != 1) {
    cg_error(c, f->loc, "'%s' takes a string", f->name);
    return NULL;
  }
  return f->a->str;
}

static void header(cg *c, ast_node *h) {
  for (ast_node *f = h->list; f; f = f->next) {
    if (strcmp(f->name, "title") == 0) c->p.title = cg_str(c, field_str(c, f));
    else if (strcmp(f->name, "issuer") == 0) c->p.issuer = cg_str(c, field_str(c, f));
    else if (strcmp(f->name, "document") == 0) c->p.document = cg_str(c, field_str(c, f));
    else if (strcmp(f->name, "year") == 0) {
      int64_t y;
      if (f->a->kind != A_INT || !gen_literal(c, f->a, (ty){TY_INT, 0}, &y) || y < PRG_YEAR_MIN || y > PRG_YEAR_MAX)
        cg_error(c, f->loc, "'year' takes the benefit year, e.g. 2026");
      else c->p.year = (int32_t)y;
    } else if (strcmp(f->name, "rounding") == 0) {
      static const char *const modes[] = {"half_up", "half_even", "down", "up"};
      const char *m = f->a->kind == A_NAME && f->a->name ? f->a->name : "";
      c->p.rounding = ROUNDING_UNSET;
      for (int i = 0; i < 4; i++)
        if (strcmp(m, modes[i]) == 0) c->p.rounding = (uint8_t)i;
      if (c->p.rounding == ROUNDING_UNSET)
        cg_error(c, f->a->loc, "'rounding' is one of half_up, half_even, down, up");
    } else {
      cg_error(c, f->loc, "unknown header field '%s' (expected title, issuer, year, document, "
                          "rounding)", f->name);
    }
  }
}

/* ---- pass 1: names ------------------------------------------------------------------ */

static void declare_attribute(cg *c, ast_node *d) {
  prg_attr *a = CG_PUSH(c, c->p.attrs, c->p.nattrs, c->cap_attrs);
  if (!a) return;
  uint32_t idx = c->p.nattrs - 1;
  memset(a, 0, sizeof *a);
  a->key = cg_str(c, d->name);
  a->label = cg_str(c, d->str);
  sym *s = sym_declare(c, d->name, SYM_ATTR, idx, d);
  ast_node *t = d->a;
  const char *tn = t->name;
  if (strcmp(tn, "identities") == 0) {
    a = &c->p.attrs[idx];
    a->is_identities = 1;
    a->type = TY_INT;
    a->slot = SLOT_IDENTITIES;
    a->presence = PRESENCE_DEFAULT;
    return;
  }
  a->slot = c->p.nslots++;
  if (strcmp(tn, "bool") == 0) a->type = TY_BOOL;
  else if (strcmp(tn, "date") == 0) a->type = TY_DATE;
  else if (strcmp(tn, "money") == 0) a->type = TY_MONEY;
  else if (strcmp(tn, "int") == 0 && t->a) {
    a->type = TY_INT;
    if (!gen_literal(c, t->a, (ty){TY_INT, 0}, &a->lo) ||
        !gen_literal(c, t->b, (ty){TY_INT, 0}, &a->hi) || a->lo > a->hi)
      cg_error(c, t->loc, "an int attribute declares its range, e.g. 'int 0..4'");
  } else if (strcmp(tn, "enum") == 0) {
    a->type = TY_ENUM;
    a->enum_first = c->p.nenum_values / 2;
    int64_t n = 0;
    for (ast_node *v = t->list; v; v = v->next, n++) {
      sym *ev = sym_declare(c, v->name, SYM_ENUMVAL, (uint32_t)n, v);
      if (ev) ev->type = (ty){TY_ENUM, idx};
      prg_strref *k = CG_PUSH(c, c->p.enum_values, c->p.nenum_values, c->cap_enum);
      if (k) *k = cg_str(c, v->name);
      prg_strref *l = CG_PUSH(c, c->p.enum_values, c->p.nenum_values, c->cap_enum);
      if (l) *l = cg_str(c, v->str);
      a = &c->p.attrs[idx];
    }
    a = &c->p.attrs[idx];
    a->enum_count = (uint32_t)n;
    a->lo = 0;
    a->hi = n - 1;
  } else {
    cg_error(c, t->loc, "unknown type '%s' (expected bool, int A..B, date, money or one of { … })",
             tn);
  }
  a = &c->p.attrs[idx];
  if (s) {
    s->type = (ty){a->type, a->type == TY_ENUM ? idx : 0};
    s->typed = true;
  }
  ast_node *dv = d->b;
  if (!dv) {
    cg_error(c, d->loc, "attribute '%s' needs '= default', 'required' or 'optional'", d->name);
  } else if (dv->kind == A_NAME && !dv->name && dv->op == 2) {
    a->presence = PRESENCE_REQUIRED;
  } else if (dv->kind == A_NAME && !dv->name && dv->op == 3) {
    a->presence = PRESENCE_OPTIONAL;
    a->dflt = PRG_ABSENT;
    if (a->type != TY_DATE) cg_error(c, dv->loc, "only date attributes may be optional");
    if (s) s->optional = true;
  } else if (dv->kind == A_NAME && dv->name && strcmp(dv->name, "paid_on") == 0) {
    a->presence = PRESENCE_QUERY_DATE;
    if (a->type != TY_DATE) cg_error(c, dv->loc, "only a date defaults to the payment date");
  } else {
    a->presence = PRESENCE_DEFAULT;
    int64_t v = 0;
    if (gen_literal(c, dv, (ty){a->type, a->type == TY_ENUM ? idx : 0}, &v)) {
      a = &c->p.attrs[idx];
      a->dflt = v;
      if (a->type == TY_INT && (v < a->lo || v > a->hi))
        cg_error(c, dv->loc, "default %lld is outside %lld..%lld", (long long)v,
                 (long long)a->lo, (long long)a->hi);
    }
  }
}

static void declare(cg *c, ast_node *d) {
  prg_name *nm;
  switch (d->kind) {
  case A_ATTRIBUTE:
    declare_attribute(c, d);
    break;
  case A_IDENTITY:
    if (c->p.nidentities >= PRG_MAX_IDENTITIES) {
      cg_error(c, d->loc, "at most %d identities", PRG_MAX_IDENTITIES);
      break;
    }
    sym_declare(c, d->name, SYM_IDENTITY, c->p.nidentities, d);
    nm = CG_PUSH(c, c->p.identities, c->p.nidentities, c->cap_ids);
    if (nm) *nm = (prg_name){cg_str(c, d->name), cg_str(c, d->str)};
    break;
  case A_SOURCE:
    sym_declare(c, d->name, SYM_SOURCE, c->p.nsources, d);
    nm = CG_PUSH(c, c->p.sources, c->p.nsources, c->cap_srcs);
    if (nm) *nm = (prg_name){cg_str(c, d->name), cg_str(c, d->str)};
    break;
  case A_CONST:
    sym_declare(c, d->name, SYM_CONST, 0, d);
    break;
  case A_LET: {
    sym_declare(c, d->name, SYM_LET, c->p.nlets, d);
    prg_let *l = CG_PUSH(c, c->p.lets, c->p.nlets, c->cap_lets);
    if (l) *l = (prg_let){cg_str(c, d->name), c->p.nslots++, {0, 0}, cg_str(c, d->str)};
    break;
  }
  case A_CATEGORY: {
    sym_declare(c, d->name, SYM_CATEGORY, c->p.ncategories, d);
    prg_category *k = CG_PUSH(c, c->p.categories, c->p.ncategories, c->cap_cats);
    if (k) memset(k, 0, sizeof *k);
    break;
  }
  case A_WINDOW: {
    sym_declare(c, d->name, SYM_WINDOW, c->p.nwindows, d);
    prg_window *w = CG_PUSH(c, c->p.windows, c->p.nwindows, c->cap_wins);
    if (w) memset(w, 0, sizeof *w);
    break;
  }
  case A_COLLECTION:
    if (!sym_declare(c, "collection", SYM_COLLECTION, 0, d) && !c->oom)
      cg_error(c, d->loc, "only one collection period may be declared");
    break;
  case A_PERIOD:
    sym_declare(c, d->name, SYM_PERIOD, 0, d);
    break;
  case A_EXTERN: {
    sym_declare(c, d->name, SYM_EXTERN, c->p.nexterns, d);
    prg_extern *x = CG_PUSH(c, c->p.externs, c->p.nexterns, c->cap_externs);
    if (x) memset(x, 0, sizeof *x);
    break;
  }
  case A_ASSUME: {
    sym_declare(c, d->name, SYM_ASSUME, c->p.nassumes, d);
    prg_assume *a = CG_PUSH(c, c->p.assumes, c->p.nassumes, c->cap_assumes);
    if (a) memset(a, 0, sizeof *a);
    break;
  }
  case A_ADDON: {
    sym_declare(c, d->name, SYM_ADDON, c->p.naddons, d);
    prg_addon *a = CG_PUSH(c, c->p.addons, c->p.naddons, c->cap_addons);
    if (a) memset(a, 0, sizeof *a);
    break;
  }
  default:
    break;
  }
}

/* A type of an extern's signature: bool, int, money, date or an enum attribute's key. */
static bool extern_type(cg *c, ast_node *n, prg_ext_type *out) {
  static const struct { const char *name; prg_type t; } plain[] = {
      {"bool", TY_BOOL}, {"int", TY_INT}, {"money", TY_MONEY}, {"date", TY_DATE}};
  for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
    if (strcmp(n->name, plain[i].name) == 0) {
      *out = (prg_ext_type){(uint8_t)plain[i].t, 0};
      return true;
    }
  sym *s = sym_find(c, n->name);
  if (s && s->kind == SYM_ATTR && c->p.attrs[s->index].type == TY_ENUM) {
    s->used = true;
    *out = (prg_ext_type){TY_ENUM, s->index};
    return true;
  }
  cg_error(c, n->loc, "'%s' is not a type a host function takes (bool, int, money, date, or an "
                      "enum attribute)", n->name);
  return false;
}

/* `extern NAME "label" (T, ...) -> T`: after pass 1, so an enum attribute declared below
 * may be named.  Built-in function names are refused: a call names one function. */
static void extern_decl(cg *c, ast_node *d) {
  static const char *const builtin_names[] = {"age", "year", "month", "day", "end_of_month",
                                              "date", "min", "max", "present"};
  sym *s = sym_find(c, d->name);
  if (!s || s->decl != d) return;
  prg_extern x = {cg_str(c, d->name), cg_str(c, d->str), cg_str(c, d->cite),
                  {TY_BOOL, 0}, c->p.next_args, 0, d->loc.start};
  for (size_t i = 0; i < sizeof builtin_names / sizeof builtin_names[0]; i++)
    if (strcmp(d->name, builtin_names[i]) == 0)
      cg_error(c, d->loc, "'%s' is a built-in function; name the host function otherwise",
               d->name);
  for (ast_node *a = d->list; a; a = a->next) {
    prg_ext_type t = {TY_BOOL, 0};
    extern_type(c, a, &t);
    if (++x.arg_count == PRG_MAX_EXTERN_ARGS + 1)
      cg_error(c, a->loc, "a host function takes at most %d arguments", PRG_MAX_EXTERN_ARGS);
    prg_ext_type *p = CG_PUSH(c, c->p.ext_args, c->p.next_args, c->cap_ext_args);
    if (p) *p = t;
  }
  extern_type(c, d->a, &x.result);
  c->p.externs[s->index] = x;
}

/* ---- pass 2: bodies ------------------------------------------------------------------- */

static bool day_range(cg *c, ast_node *days, uint8_t *lo, uint8_t *hi) {
  *lo = 1;
  *hi = 31;
  if (!days) return true;
  int64_t a, b;
  if (!gen_literal(c, days->a, (ty){TY_INT, 0}, &a) || !gen_literal(c, days->b, (ty){TY_INT, 0}, &b))
    return false;
  if (a < 1 || b > 31 || a > b) {
    cg_error(c, days->loc, "days of the month run 1..31 with the first not after the last");
    return false;
  }
  *lo = (uint8_t)a;
  *hi = (uint8_t)b;
  return true;
}

static bool date_range(cg *c, ast_node *d, int32_t *lo, int32_t *hi) {
  int64_t a = 0, b = 0;
  if (!gen_literal(c, d->a, (ty){TY_DATE, 0}, &a) || !gen_literal(c, d->b, (ty){TY_DATE, 0}, &b))
    return false;
  if (a > b) {
    cg_error(c, d->b->loc, "the period ends (%s) before it starts (%s)", d->b->str, d->a->str);
    return false;
  }
  int32_t min, max;
  if (c->p.year) { /* the header has a valid year: periods stay near it (program.h) */
    prg_period_limits(c->p.year, &min, &max);
    if (a < min || b > max) {
      char x[11], y[11];
      cal_format(min, x);
      cal_format(max, y);
      cg_error(c, a < min ? d->a->loc : d->b->loc,
               "the period %s .. %s reaches outside %s .. %s, within %d years of the benefit "
               "year %d",
               d->a->str, d->b->str, x, y, PRG_PERIOD_YEARS, (int)c->p.year);
      return false;
    }
  }
  *lo = (int32_t)a;
  *hi = (int32_t)b;
  return true;
}

/* A section computing an amount of money.  An amount known at compile time (a literal or
 * a constant) must not be negative: that is an error here, not at quote time. */
static prg_section amount(cg *c, ast_node *e, const char *what) {
  prg_section s = gen_section(c, e, TY_MONEY, what);
  ty t;
  int64_t v;
  if (gen_constant(c, e, &t, &v) && t.t == TY_MONEY && v < 0) {
    char m[MONEY_MAX_TEXT];
    money_format(v, m);
    cg_error(c, e->loc, "%s is negative (%s yuan): an amount is at least 0", what, m);
  }
  return s;
}

/* `unstated "sentence"` where a value goes (#19 B3): records what it marks and stores in
 * *out (unless NULL: a window's dates) a section returning the neutral stand-in
 * (program.h prg_unstated); false, with nothing done, when e is an ordinary expression. */
static bool unstated(cg *c, ast_node *e, uint8_t what, uint32_t index, const char *cite,
                     int64_t standin, prg_section *out) {
  if (!e || e->kind != A_UNSTATED) return false;
  if (!e->str || !*e->str)
    cg_error(c, e->loc, "'unstated' names the notice's sentence: unstated \"按规定予以资助\"");
  prg_unstated u = {what, index, cg_str(c, e->str), cg_str(c, cite), e->loc.start};
  prg_unstated *p = CG_PUSH(c, c->p.unstated, c->p.nunstated, c->cap_unstated);
  if (p) *p = u;
  if (out) *out = gen_value_section(c, standin);
  return true;
}

static uint32_t effects(cg *c, ast_node *list, uint32_t *count, const char *cite) {
  uint32_t first = c->p.neffects;
  for (ast_node *e = list; e; e = e->next) {
    prg_effect eff = {0, {0, 0}, PRG_NONE, {0, 0}};
    ty t, u;
    uint32_t at = c->p.neffects;
    /* stand-ins: the defaults of start and end, no wait, no surcharge */
    int64_t standin = e->op == 0 ? (int64_t)cal_from_ymd(c->p.year, 1, 1)
                      : e->op == 1 ? (int64_t)cal_from_ymd(c->p.year, 12, 31)
                                   : 0;
    if (e->op <= 4 && e->op != 3 && cal_valid(c->p.year, 1, 1) &&
        unstated(c, e->a, UNST_EFFECT, at, cite, standin, &eff.value)) {
      eff.kind = e->op == 0   ? EFF_START
                 : e->op == 1 ? EFF_END
                 : e->op == 2 ? EFF_WAIT_MONTHS
                              : EFF_SURCHARGE;
      prg_effect *p = CG_PUSH(c, c->p.effects, c->p.neffects, c->cap_effs);
      if (p) *p = eff;
      continue;
    }
    switch (e->op) {
    case 0: eff.kind = EFF_START; eff.value = gen_section(c, e->a, TY_DATE, "'start'"); break;
    case 1: eff.kind = EFF_END; eff.value = gen_section(c, e->a, TY_DATE, "'end'"); break;
    case 2:
      eff.value = gen_section_infer(c, e->a, &t);
      eff.kind = t.t == TY_DAYS ? EFF_WAIT_DAYS : EFF_WAIT_MONTHS;
      if (t.t != TY_DAYS && t.t != TY_MONTHS && t.t != TY_ERR)
        cg_error(c, e->a->loc, "'wait' takes a duration such as '3 months' or '90 days', not %s",
                 ty_name(c, t));
      break;
    case 3:
      /* `wait 3 months counted as 90 days` ("3个月(按90天计算)"): the answer reports both
       * units; the benefit start counts the second */
      eff.value = gen_section_infer(c, e->a, &t);
      eff.counted = gen_section_infer(c, e->b, &u);
      if (t.t != TY_DAYS && t.t != TY_MONTHS && t.t != TY_ERR)
        cg_error(c, e->a->loc, "'wait' takes a duration such as '3 months' or '90 days', not %s",
                 ty_name(c, t));
      else if (u.t != TY_DAYS && u.t != TY_MONTHS && u.t != TY_ERR)
        cg_error(c, e->b->loc, "'counted as' takes a duration such as '90 days', not %s",
                 ty_name(c, u));
      else if (t.t == u.t && t.t != TY_ERR)
        cg_error(c, e->b->loc, "'counted as' gives the wait in the other unit ('3 months counted "
                               "as 90 days' or '90 days counted as 3 months'), not in %s again",
                 t.t == TY_DAYS ? "days" : "months");
      eff.kind = t.t == TY_DAYS ? EFF_WAIT_DAYS_AS_MONTHS : EFF_WAIT_MONTHS_AS_DAYS;
      break;
    case 4: eff.kind = EFF_SURCHARGE; eff.value = amount(c, e->a, "'surcharge'"); break;
    case 5: eff.kind = EFF_FREE; break;
    case 6: eff.kind = EFF_PAYABLE; break;
    default: eff.kind = EFF_NOT_PAYABLE; eff.reason = cg_str(c, e->str); break;
    }
    prg_effect *p = CG_PUSH(c, c->p.effects, c->p.neffects, c->cap_effs);
    if (p) *p = eff;
  }
  *count = c->p.neffects - first;
  return first;
}

static uint32_t line_of(cg *c, ast_loc loc) {
  uint32_t line, col;
  diag_locate(&c->diags->sources[loc.src], loc.start, &line, &col);
  return line;
}

static void parts(cg *c, ast_node *d, uint32_t *first, uint32_t *count, uint32_t *rest,
                  const char *what);

static void category(cg *c, ast_node *d, uint32_t idx, int *otherwise_seen) {
  prg_category k = {0};
  k.key = cg_str(c, d->name);
  k.label = cg_str(c, d->str);
  k.cite = cg_str(c, d->cite);
  k.line = line_of(c, d->loc);
  k.pos = d->loc.start;
  k.rest_part = PRG_NONE;
  if (d->op) {
    k.otherwise = 1;
    if ((*otherwise_seen)++) cg_error(c, d->loc, "only one category may hold 'when otherwise'");
  } else {
    k.when = gen_section(c, d->a, TY_BOOL, "the condition of a category");
  }
  if (d->b) {
    if (!unstated(c, d->b, UNST_WORTH, idx, d->cite, 0, &k.worth))
      k.worth = amount(c, d->b, "'worth'");
  } else {
    sym *std = sym_find(c, "standard");
    if (!std || std->kind != SYM_CONST) {
      cg_error(c, d->loc, "category '%s' needs 'worth': no constant 'standard' is declared",
               d->name);
    } else {
      ast_node ref = {.kind = A_NAME, .loc = d->loc, .name = "standard"};
      k.worth = amount(c, &ref, "the constant 'standard'");
    }
  }
  parts(c, d, &k.part_first, &k.part_count, &k.rest_part, "category");
  c->p.categories[idx] = k;
}

/* The parts `SOURCE EXPR` / `individual EXPR` / `… rest` of a category or a period `d`
 * (its list), appended to c->p.parts: *first, *count, and *rest (index among them, or
 * PRG_NONE). */
static void parts(cg *c, ast_node *d, uint32_t *first, uint32_t *count, uint32_t *rest,
                  const char *what) {
  prg_category k = {0};
  k.rest_part = PRG_NONE;
  k.part_first = c->p.nparts;
  for (ast_node *p = d->list; p; p = p->next) {
    prg_part part = {PRG_NONE, {0, 0}};
    if (strcmp(p->name, "individual") != 0) {
      sym *s = sym_find(c, p->name);
      if (!s || s->kind != SYM_SOURCE) {
        char hint[SYM_HINT_SIZE];
        cg_error(c, p->loc, "'%s' is not a funding source or 'individual'%s", p->name,
                 sym_suggest(c, p->name, 1u << SYM_SOURCE, "individual", hint, sizeof hint));
        continue;
      }
      s->used = true;
      part.source = s->index;
    }
    for (uint32_t i = k.part_first; i < c->p.nparts; i++)
      if (c->p.parts[i].source == part.source)
        cg_error(c, p->loc, "'%s' is listed twice in %s '%s'", p->name, what, d->name);
    if (p->op) {
      if (k.rest_part != PRG_NONE) cg_error(c, p->loc, "only one part may be 'rest'");
      k.rest_part = c->p.nparts - k.part_first;
    } else if (p->a && p->a->kind == A_UNSTATED && strcmp(what, "period") == 0) {
      /* the quote reports a category's unstated parts; a period is bought only when the
       * notice states what it costs */
      cg_error(c, p->a->loc, "a period's parts are stated: 'unstated' goes in a category's "
                             "worth or part, or an effect's value");
      part.value = gen_value_section(c, 0);
    } else if (!unstated(c, p->a, UNST_PART, c->p.nparts, d->cite, 0, &part.value)) {
      part.value = amount(c, p->a, "a part");
    }
    prg_part *pp = CG_PUSH(c, c->p.parts, c->p.nparts, c->cap_parts);
    if (pp) *pp = part;
  }
  *first = k.part_first;
  *count = c->p.nparts - k.part_first;
  *rest = k.rest_part;
}

static void choose(cg *c, ast_node *d, int *seen) {
  if ((*seen)++) cg_error(c, d->loc, "only one 'choose' may be declared");
  c->p.choose_cite = cg_str(c, d->cite);
  for (ast_node *k = d->list; k; k = k->next) {
    prg_choose_key key = {KEY_FIRST, PRG_NONE};
    if (k->op == 2) key.kind = KEY_FIRST;
    else if (k->op == 3) key.kind = KEY_LAST;
    else if (strcmp(k->name, "individual") == 0)
      key.kind = k->op ? KEY_HIGHEST_INDIVIDUAL : KEY_LOWEST_INDIVIDUAL;
    else if (strcmp(k->name, "funding") == 0)
      key.kind = k->op ? KEY_HIGHEST_FUNDING : KEY_LOWEST_FUNDING;
    else {
      sym *s = sym_find(c, k->name);
      if (!s || s->kind != SYM_SOURCE) {
        char hint[SYM_HINT_SIZE];
        cg_error(c, k->loc, "'%s' is not 'individual', 'funding' or a funding source%s", k->name,
                 sym_suggest(c, k->name, 1u << SYM_SOURCE, "individual", hint, sizeof hint));
        continue;
      }
      key.kind = k->op ? KEY_HIGHEST_SOURCE : KEY_LOWEST_SOURCE;
      key.source = s->index;
    }
    if ((key.kind == KEY_FIRST || key.kind == KEY_LAST) && k->next)
      cg_error(c, k->next->loc, "nothing can follow '%s': it always decides",
               key.kind == KEY_FIRST ? "first" : "last");
    prg_choose_key *p = CG_PUSH(c, c->p.choose, c->p.nchoose, c->cap_choose);
    if (p) *p = key;
  }
}

/* `restate collection|WINDOW "label" LO .. HI [days a..b] [accepted "reason"]`: a clause of the notice that
 * states again a period the policy defines elsewhere.  Stored for `polc check`, which
 * reports a restatement that differs; it never changes an answer. */
static void restate(cg *c, ast_node *d) {
  prg_restate r = {PRG_NONE, 0, 0, 1, 31, cg_str(c, d->str), cg_str(c, d->cite),
                   cg_str(c, d->list ? d->list->str : NULL), d->loc.start};
  sym *s = sym_find(c, d->name);
  if (strcmp(d->name, "collection") == 0) {
    if (!s) {
      cg_error(c, d->loc, "restates the collection period, but the policy declares no 'collection'");
      return;
    }
  } else if (!s || s->kind != SYM_WINDOW) {
    char hint[SYM_HINT_SIZE];
    cg_error(c, d->loc, "'%s' is not a window or 'collection': only a period can be restated%s",
             d->name, sym_suggest(c, d->name, 1u << SYM_WINDOW, NULL, hint, sizeof hint));
    return;
  } else {
    r.target = s->index;
  }
  if (!date_range(c, d, &r.lo, &r.hi) || !day_range(c, d->c, &r.dlo, &r.dhi)) return;
  prg_restate *p = CG_PUSH(c, c->p.restates, c->p.nrestates, c->cap_restates);
  if (p) *p = r;
}

/* `assume NAME "label" EXPR`: a condition every resident satisfies (program.h). */
static void assume(cg *c, ast_node *d) {
  sym *s = sym_find(c, d->name);
  if (!s || s->decl != d) return;
  c->in_assume = true;
  prg_section holds = gen_section(c, d->a, TY_BOOL, "an assumption");
  c->in_assume = false;
  c->p.assumes[s->index] = (prg_assume){cg_str(c, d->name), cg_str(c, d->str), cg_str(c, d->cite), holds,
                                        d->loc.start};
}

/* `unlisted { IDENTITY, … }`: identities of the vocabulary the notice does not list; the
 * policy treats their holders as holding no identity, and says so instead of leaving
 * `polc check` to warn. */
static void unlisted(cg *c, ast_node *d, ast_node **others) {
  if (d->op) { /* `unlisted others`: resolved once all code is generated (unlisted_untested) */
    if (*others) {
      uint32_t line, col;
      diag_locate(&c->diags->sources[(*others)->loc.src], (*others)->loc.start, &line, &col);
      cg_error(c, d->loc, "'unlisted others' is already declared on line %u", line);
    }
    *others = d;
    return;
  }
  for (ast_node *n = d->list; n; n = n->next) {
    sym *s = sym_find(c, n->name);
    if (!s || s->kind != SYM_IDENTITY) {
      char hint[SYM_HINT_SIZE];
      cg_error(c, n->loc, "'%s' is not an identity%s", n->name,
               sym_suggest(c, n->name, 1u << SYM_IDENTITY, NULL, hint, sizeof hint));
      continue;
    }
    bool dup = false;
    for (uint32_t i = 0; i < c->p.nunlisted; i++) dup = dup || c->p.unlisted[i] == s->index;
    if (dup) {
      cg_error(c, n->loc, "identity '%s' is listed as unlisted twice", n->name);
      continue;
    }
    uint32_t *p = CG_PUSH(c, c->p.unlisted, c->p.nunlisted, c->cap_unlisted);
    if (p) *p = s->index;
  }
}

/* Whether identity i is tested by some code of the policy (OP_IDENT). */
static bool identity_tested(const cg *c, uint32_t i) {
  for (uint32_t pc = 0; pc < c->p.ncode; pc++)
    if (INSN_OP(c->p.code[pc]) == OP_IDENT && INSN_A(c->p.code[pc]) == i) return true;
  return false;
}

/* `unlisted others`: every identity (the prelude's and the policy's) that no condition
 * tests and no `unlisted { … }` lists joins the unlisted ones.  Covering none is a
 * warning: the declaration says nothing. */
static void unlisted_others(cg *c, ast_node *others) {
  uint32_t added = 0;
  for (uint32_t i = 0; i < c->p.nidentities; i++) {
    bool listed = false;
    for (uint32_t k = 0; k < c->p.nunlisted; k++) listed = listed || c->p.unlisted[k] == i;
    if (listed || identity_tested(c, i)) continue;
    uint32_t *p = CG_PUSH(c, c->p.unlisted, c->p.nunlisted, c->cap_unlisted);
    if (p) *p = i;
    added++;
  }
  if (!added)
    cg_warn(c, others->loc, "'unlisted others' covers no identity: the policy tests every "
                            "identity or lists the others already");
}

/* An identity declared unlisted must not be tested anywhere (run after all code). */
static void unlisted_untested(cg *c, ast_node *decls) {
  for (ast_node *d = decls; d; d = d->next) {
    if (d->kind != A_UNLISTED) continue;
    for (ast_node *n = d->list; n; n = n->next) {
      sym *s = sym_find(c, n->name);
      if (!s || s->kind != SYM_IDENTITY) continue;
      if (identity_tested(c, s->index))
        cg_error(c, n->loc, "identity '%s' is declared unlisted, but the policy tests it", n->name);
    }
  }
}

static void window(cg *c, ast_node *d, uint32_t idx) {
  prg_window w = {0};
  w.key = cg_str(c, d->name);
  w.label = cg_str(c, d->str);
  w.cite = cg_str(c, d->cite);
  w.pos = d->loc.start;
  if (d->a && d->a->kind == A_UNSTATED) {
    /* dates the notice does not state: the window answers every day a payment for this
     * benefit year may plausibly be made on, 1 January of year - 1 .. 31 December of
     * year, neither accepting nor refusing (decided: docs/LANGUAGE.md) */
    if (cal_valid(c->p.year, 1, 1)) {
      w.lo = cal_from_ymd(c->p.year - 1, 1, 1);
      w.hi = cal_from_ymd(c->p.year, 12, 31);
    }
    w.dlo = 1;
    w.dhi = 31;
    unstated(c, d->a, UNST_WINDOW, idx, d->cite, 0, NULL);
  } else {
    date_range(c, d, &w.lo, &w.hi);
    day_range(c, d->c, &w.dlo, &w.dhi);
  }
  w.eff_first = effects(c, d->list, &w.eff_count, d->cite);
  c->p.windows[idx] = w;
}

/* `overrides a, b`: each a rule declared above this one (so overrides never form a cycle:
 * a cycle needs a rule that overrides one below it), of the same kind (both read the
 * answer's dates or neither), named once.  Run after `r->after` is known. */
static void overrides(cg *c, ast_node *d, prg_rule *r) {
  r->ovr_first = c->p.noverrides;
  for (ast_node *n = d->b ? d->b->list : NULL; n; n = n->next) {
    uint32_t found = PRG_NONE, count = 0;
    for (uint32_t i = 0; i < c->p.nrules; i++)
      if (strcmp(prg_str(&c->p, c->p.rules[i].key), n->name) == 0) found = i, count++;
    if (strcmp(n->name, d->name) == 0) {
      cg_error(c, n->loc, "rule '%s' cannot override itself", d->name);
      continue;
    }
    if (count == 0) {
      bool below = false, overrides_back = false;
      for (ast_node *x = d->next; x && !below; x = x->next)
        if (x->kind == A_RULE && x->name && strcmp(x->name, n->name) == 0) {
          below = true;
          for (ast_node *m = x->b ? x->b->list : NULL; m; m = m->next)
            overrides_back = overrides_back || strcmp(m->name, d->name) == 0;
        }
      if (overrides_back)
        cg_error(c, n->loc, "rules '%s' and '%s' override each other: overrides may not form "
                            "a cycle (keep the override in the later rule)",
                 d->name, n->name);
      else if (below)
        cg_error(c, n->loc, "rule '%s' is declared below '%s': a rule overrides only rules "
                            "declared before it (move the overriding rule after it)",
                 n->name, d->name);
      else
        cg_error(c, n->loc, "'%s' is not a rule declared above '%s'%s", n->name, d->name,
                 c->p.nrules ? "" : " (it is the first rule)");
      continue;
    }
    if (count > 1) {
      cg_error(c, n->loc, "%u rules are named '%s': an override must name one", count, n->name);
      continue;
    }
    if (c->p.rules[found].after != r->after) {
      cg_error(c, n->loc, "rule '%s' %s the answer's dates and '%s' %s: an override joins rules "
                          "that run together",
               d->name, r->after ? "reads" : "does not read", n->name,
               r->after ? "does not" : "does");
      continue;
    }
    bool dup = false;
    for (uint32_t k = r->ovr_first; k < c->p.noverrides; k++) dup = dup || c->p.overrides[k] == found;
    if (dup) {
      cg_error(c, n->loc, "rule '%s' is named twice after 'overrides'", n->name);
      continue;
    }
    uint32_t *p = CG_PUSH(c, c->p.overrides, c->p.noverrides, c->cap_overrides);
    if (p) *p = found;
  }
  r->ovr_count = c->p.noverrides - r->ovr_first;
}

static void rule(cg *c, ast_node *d) {
  prg_rule r = {0};
  r.key = cg_str(c, d->name);
  r.label = cg_str(c, d->str);
  r.cite = cg_str(c, d->cite);
  r.pos = d->loc.start;
  c->in_rule_when = true;
  c->read_answer = NULL;
  r.when = gen_section(c, d->a, TY_BOOL, "the condition of a rule");
  c->in_rule_when = false;
  /* effects run only when the rule holds: what its condition proves present guards them */
  uint32_t n = c->nguard;
  gen_assume(c, d->a, true);
  r.eff_first = effects(c, d->list, &r.eff_count, d->cite);
  c->nguard = n;
  /* A rule that reads the answer's dates runs after every other rule, once they are
   * known; were it to set one (or the surcharge, or payable), what it read would no
   * longer be the answer's.  So it may only refuse. */
  if (c->read_answer) {
    r.after = 1;
    for (ast_node *e = d->list; e; e = e->next)
      if (e->op != 7)
        cg_error(c, e->loc,
                 "rule '%s' reads '%s' (the answer's dates), so it runs after every other rule "
                 "and may only refuse ('not payable \"…\"'); set dates in another rule",
                 d->name, c->read_answer);
  }
  overrides(c, d, &r);
  if (!r.eff_count) cg_warn(c, d->loc, "rule '%s' has no effect", d->name);
  prg_rule *p = CG_PUSH(c, c->p.rules, c->p.nrules, c->cap_rules);
  if (p) *p = r;
}

/* `period NAME "label" year Y [instead] when COND { worth … parts start … end … }`: another
 * benefit year the same payment buys where COND holds (program.h prg_period).  Its
 * condition and amounts see the chosen `category` and `subsidized`, like a rule. */
static void period(cg *c, ast_node *d) {
  prg_period pd = {0};
  pd.key = cg_str(c, d->name);
  pd.label = cg_str(c, d->str);
  pd.cite = cg_str(c, d->cite);
  pd.pos = d->loc.start;
  pd.instead = d->op ? 1 : 0;
  pd.rest_part = PRG_NONE;
  ast_node *y = d->c;
  int64_t year = 0;
  int32_t lo, hi;
  int ylo, yhi, m, dd;
  prg_period_limits(c->p.year, &lo, &hi);
  cal_to_ymd(lo, &ylo, &m, &dd);
  cal_to_ymd(hi, &yhi, &m, &dd);
  if (!y || !y->name || strcmp(y->name, "year") != 0) {
    cg_error(c, y ? y->loc : d->loc, "a period names its benefit year: period %s \"…\" year "
                                     "%d …", d->name, (int)c->p.year - 1);
  } else if (gen_literal(c, y, (ty){TY_INT, 0}, &year) &&
             (year == c->p.year || year < ylo || year > yhi)) {
    cg_error(c, y->loc, "a period's year is another benefit year than the policy's (%d), "
                        "within %d..%d", (int)c->p.year, ylo, yhi);
    year = 0;
  }
  pd.year = (int32_t)year;
  pd.when = gen_section(c, d->a, TY_BOOL, "the condition of a period");
  pd.worth = amount(c, d->b, "'worth'");
  parts(c, d, &pd.part_first, &pd.part_count, &pd.rest_part, "period");
  bool has_start = false, has_end = false;
  for (ast_node *e = y ? y->list : NULL; e; e = e->next) {
    bool start = e->op == 0;
    if (e->op > 1) {
      cg_error(c, e->loc, "a period states its worth, parts, start and end; waits, "
                          "surcharges and payability are the window's and the rules'");
      continue;
    }
    if (start ? has_start : has_end)
      cg_error(c, e->loc, "'%s' is given twice in period '%s'", start ? "start" : "end", d->name);
    *(start ? &has_start : &has_end) = true;
    prg_section s = gen_section(c, e->a, TY_DATE, start ? "'start'" : "'end'");
    *(start ? &pd.start : &pd.end) = s;
  }
  /* defaults: the whole of its year */
  if (year && !has_start) pd.start = gen_value_section(c, cal_from_ymd((int)year, 1, 1));
  if (year && !has_end) pd.end = gen_value_section(c, cal_from_ymd((int)year, 12, 31));
  if (!year && (!has_start || !has_end)) { /* already an error: keep the sections present */
    if (!has_start) pd.start = gen_value_section(c, 0);
    if (!has_end) pd.end = gen_value_section(c, 0);
  }
  prg_period *p = CG_PUSH(c, c->p.periods, c->p.nperiods, c->cap_periods);
  if (p) *p = pd;
}

static void addon(cg *c, ast_node *d, uint32_t idx) {
  prg_addon a = {0};
  a.key = cg_str(c, d->name);
  a.label = cg_str(c, d->str);
  a.cite = cg_str(c, d->cite);
  a.pos = d->loc.start;
  a.paid_by = PRG_NONE;
  a.tier_first = c->p.ntiers;
  for (ast_node *t = d->list; t; t = t->next) {
    prg_tier tier = {cg_str(c, t->name), cg_str(c, t->str), 0};
    if (!gen_literal(c, t->a, (ty){TY_MONEY, 0}, &tier.amount)) continue;
    for (uint32_t i = a.tier_first; i < c->p.ntiers; i++)
      if (c->p.tiers[i].amount == tier.amount)
        cg_error(c, t->loc, "two tiers of '%s' cost the same", d->name);
    prg_tier *p = CG_PUSH(c, c->p.tiers, c->p.ntiers, c->cap_tiers);
    if (p) *p = tier;
  }
  a.tier_count = c->p.ntiers - a.tier_first;
  if (d->a) {
    sym *s = sym_find(c, d->a->name);
    char hint[SYM_HINT_SIZE];
    if (!s || s->kind != SYM_SOURCE)
      cg_error(c, d->a->loc, "'%s' is not a funding source%s", d->a->name,
               sym_suggest(c, d->a->name, 1u << SYM_SOURCE, NULL, hint, sizeof hint));
    else {
      s->used = true;
      a.paid_by = s->index;
    }
    a.paid_when = gen_section(c, d->a->a, TY_BOOL, "the condition of 'paid by'");
    if (d->a->b) {
      /* `paid by S AMOUNT when …`: S pays a part, the resident the rest, so the add-on is
       * in every payment whoever pays: only a compulsory add-on can be split. */
      if (!d->op)
        cg_error(c, d->a->b->loc, "only a 'required' add-on is paid in part by a source (the "
                                  "resident pays the rest); a voluntary one is paid in full "
                                  "('paid by %s when …') or bought", d->a->name);
      int64_t v;
      ty t;
      if (gen_constant(c, d->a->b, &t, &v) && t.t == TY_MONEY && v < 0)
        cg_error(c, d->a->b->loc, "the part paid by '%s' must not be negative", d->a->name);
      a.paid_amount = gen_section(c, d->a->b, TY_MONEY, "the part a source pays of an add-on");
    }
  }
  a.required = d->op ? 1 : 0;
  c->p.addons[idx] = a;
}

/* ---- examples ------------------------------------------------------------------------ */

static void push_expect(cg *c, prg_expect_kind k, uint32_t arg, int64_t v) {
  prg_expect *e = CG_PUSH(c, c->p.expects, c->p.nexpects, c->cap_expects);
  if (e) *e = (prg_expect){(uint8_t)k, arg, v};
}

static sym *find_kind(cg *c, ast_node *n, const char *name, sym_kind k) {
  sym *s = k == SYM_CATEGORY ? sym_find_category(c, name) : sym_find(c, name);
  if (!s || s->kind != k) {
    const char *kn = sym_kind_name(k);
    char hint[SYM_HINT_SIZE];
    cg_error(c, n->loc, "'%s' is not %s %s%s", name, strchr("aeiou", kn[0]) ? "an" : "a", kn,
             sym_suggest(c, name, 1u << k, NULL, hint, sizeof hint));
    return NULL;
  }
  return s;
}

static void example_resident(cg *c, ast_node *item, prg_example *ex) {
  for (ast_node *g = item->list; g; g = g->next) {
    sym *s = find_kind(c, g, g->name, SYM_ATTR);
    if (!s) continue;
    const prg_attr *a = &c->p.attrs[s->index];
    prg_given gv = {s->index, 0};
    if (a->is_identities) {
      if (!g->b) {
        cg_error(c, g->loc, "identities are written as a set: identities { student }");
        continue;
      }
      for (ast_node *n = g->b->list; n; n = n->next) {
        sym *id = find_kind(c, n, n->name, SYM_IDENTITY);
        if (id) gv.value |= (int64_t)((uint64_t)1 << id->index);
      }
    } else if (g->b || !gen_literal(c, g->a, s->type, &gv.value)) {
      if (g->b) cg_error(c, g->loc, "'%s' takes a %s, not a set", g->name, ty_name(c, s->type));
      continue;
    } else if (a->type == TY_INT && (gv.value < a->lo || gv.value > a->hi)) {
      cg_error(c, g->a->loc, "'%s' must be in %lld..%lld", g->name, (long long)a->lo,
               (long long)a->hi);
    }
    for (uint32_t i = ex->given_first; i < c->p.ngivens; i++)
      if (c->p.givens[i].attr == gv.attr) cg_error(c, g->loc, "'%s' is given twice", g->name);
    prg_given *p = CG_PUSH(c, c->p.givens, c->p.ngivens, c->cap_givens);
    if (p) *p = gv;
  }
}

/* `individual unstated` in an `expect`: the answer gives null for it (PRG_ABSENT, which
 * no expected value can be).  True when x is one, pushed if its key takes it. */
static bool expect_unstated(cg *c, ast_node *x) {
  static const struct { const char *key; prg_expect_kind kind; } ok[] = {
      {"payable", EXP_PAYABLE}, {"individual", EXP_INDIVIDUAL}, {"start", EXP_START},
      {"end", EXP_END}, {"wait", EXP_WAIT_MONTHS}};
  if (!x->a || x->a->kind != A_UNSTATED) return false;
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
    if (strcmp(x->name, ok[i].key) == 0) {
      push_expect(c, ok[i].kind, 0, PRG_ABSENT);
      return true;
    }
  cg_error(c, x->a->loc, "'%s' is never unstated (expected payable, individual, start, end, "
                         "wait or a funding source)", x->name);
  return true;
}

static void example_expect(cg *c, ast_node *item) {
  static const ty T_MONEY = {TY_MONEY, 0}, T_DATE = {TY_DATE, 0}, T_BOOL = {TY_BOOL, 0};
  /* `payable false` with a benefit date: a refused answer has none (QUERY.md), so the
   * expectation could never hold */
  bool refused = false;
  for (ast_node *x = item->list; x; x = x->next)
    refused = refused || (strcmp(x->name, "payable") == 0 && x->a && x->a->kind == A_BOOL &&
                          x->a->ival == 0);
  for (ast_node *x = item->list; x; x = x->next) {
    int64_t v = 0;
    const char *k = x->name;
    if (refused && (strcmp(k, "start") == 0 || strcmp(k, "end") == 0)) {
      cg_error(c, x->loc, "a refused answer ('payable false') has no benefit period: its "
                          "benefit_start and benefit_end are null; drop '%s' from this 'expect'",
               k);
      continue;
    }
    if (expect_unstated(c, x)) continue;
    if (strcmp(k, "payable") == 0) {
      if (gen_literal(c, x->a, T_BOOL, &v)) push_expect(c, EXP_PAYABLE, 0, v);
    } else if (strcmp(k, "subsidized") == 0) {
      if (gen_literal(c, x->a, T_BOOL, &v)) push_expect(c, EXP_SUBSIDIZED, 0, v);
    } else if (strcmp(k, "category") == 0) {
      sym *s = find_kind(c, x, x->str, SYM_CATEGORY);
      if (s) push_expect(c, EXP_CATEGORY, s->index, 0);
    } else if (strcmp(k, "individual") == 0) {
      if (gen_literal(c, x->a, T_MONEY, &v)) push_expect(c, EXP_INDIVIDUAL, 0, v);
    } else if (strcmp(k, "start") == 0 || strcmp(k, "end") == 0) {
      if (gen_literal(c, x->a, T_DATE, &v)) push_expect(c, k[0] == 's' ? EXP_START : EXP_END, 0, v);
    } else if (strcmp(k, "wait") == 0) {
      /* `wait 3 months counted as 90 days` expects both units */
      for (ast_node *w = x->a; w; w = w == x->a ? x->b : NULL) {
        bool days = w->kind == A_DURATION && w->op == 0;
        if (gen_literal(c, w, (ty){days ? TY_DAYS : TY_MONTHS, 0}, &v))
          push_expect(c, days ? EXP_WAIT_DAYS : EXP_WAIT_MONTHS, 0, v);
      }
    } else if (strcmp(k, "funding") == 0) {
      push_expect(c, EXP_FUNDING_ALL, 0, 0);
      for (ast_node *f = x->list; f; f = f->next) {
        sym *s = find_kind(c, f, f->name, SYM_SOURCE);
        if (s && f->a && f->a->kind == A_UNSTATED) push_expect(c, EXP_FUNDING, s->index, PRG_ABSENT);
        else if (s && gen_literal(c, f->a, T_MONEY, &v)) push_expect(c, EXP_FUNDING, s->index, v);
      }
    } else if (strcmp(k, "matched") == 0) {
      push_expect(c, EXP_MATCHED, PRG_NONE, 0);
      for (ast_node *n = x->b->list; n; n = n->next) {
        sym *s = find_kind(c, n, n->name, SYM_CATEGORY);
        if (s) push_expect(c, EXP_MATCHED, s->index, 0);
      }
    } else if (strcmp(k, "period") == 0) {
      push_expect(c, EXP_PERIOD, PRG_NONE, 0);
      for (ast_node *f = x->list; f; f = f->next) {
        sym *s = find_kind(c, f, f->name, SYM_PERIOD);
        uint32_t i = 0;
        if (s)
          while (i < c->p.nperiods && strcmp(prg_str(&c->p, c->p.periods[i].key), f->name) != 0) i++;
        if (s && i < c->p.nperiods && gen_literal(c, f->a, T_MONEY, &v))
          push_expect(c, EXP_PERIOD, i, v);
        else if (s && i == c->p.nperiods)
          cg_error(c, f->loc, "period '%s' is declared after this example", f->name);
      }
    } else if (strcmp(k, "addons") == 0) {
      push_expect(c, EXP_ADDON, PRG_NONE, 0);
      for (ast_node *f = x->list; f; f = f->next) {
        sym *s = find_kind(c, f, f->name, SYM_ADDON);
        if (s && gen_literal(c, f->a, T_MONEY, &v)) push_expect(c, EXP_ADDON, s->index, v);
      }
    } else {
      cg_error(c, x->loc, "unknown expectation '%s' (expected payable, category, individual, "
                          "funding, start, end, wait, matched, subsidized, addons, period)", k);
    }
  }
}

static void example(cg *c, ast_node *d) {
  prg_example ex = {0};
  ex.name = cg_str(c, d->str);
  ex.line = line_of(c, d->loc);
  ex.given_first = c->p.ngivens;
  ex.buy_first = c->p.nbuys;
  ex.expect_first = c->p.nexpects;
  bool has_date = false, has_resident = false, has_expect = false;
  for (ast_node *it = d->list; it; it = it->next) {
    int64_t v;
    switch (it->op) {
    case 0:
      has_resident = true;
      example_resident(c, it, &ex);
      break;
    case 1:
      if (strcmp(it->name, "paid_on") != 0) {
        cg_error(c, it->loc, "unknown example item '%s' (expected resident, paid_on, addons, "
                             "expect)", it->name);
      } else if (gen_literal(c, it->a, (ty){TY_DATE, 0}, &v)) {
        ex.paid_on = (int32_t)v;
        has_date = true;
      }
      break;
    case 2:
      for (ast_node *b = it->list; b; b = b->next) {
        sym *s = find_kind(c, b, b->name, SYM_ADDON);
        prg_buy buy = {0, 0};
        if (!s || !gen_literal(c, b->a, (ty){TY_MONEY, 0}, &buy.amount)) continue;
        buy.addon = s->index;
        prg_buy *p = CG_PUSH(c, c->p.buys, c->p.nbuys, c->cap_buys);
        if (p) *p = buy;
      }
      break;
    default:
      has_expect = true;
      example_expect(c, it);
      break;
    }
  }
  ex.given_count = c->p.ngivens - ex.given_first;
  ex.buy_count = c->p.nbuys - ex.buy_first;
  ex.expect_count = c->p.nexpects - ex.expect_first;
  if (!has_resident) cg_error(c, d->loc, "example \"%s\" has no 'resident { … }'", d->str);
  if (!has_date) cg_error(c, d->loc, "example \"%s\" has no 'paid_on DATE'", d->str);
  if (!has_expect) cg_error(c, d->loc, "example \"%s\" has no 'expect { … }'", d->str);
  for (uint32_t i = 0; has_resident && i < c->p.nattrs; i++) {
    if (c->p.attrs[i].presence != PRESENCE_REQUIRED) continue;
    bool given = false;
    for (uint32_t g = ex.given_first; g < c->p.ngivens; g++) given |= c->p.givens[g].attr == i;
    if (!given)
      cg_error(c, d->loc, "example \"%s\": the resident lacks required '%s'", d->str,
               prg_str(&c->p, c->p.attrs[i].key));
  }
  prg_example *p = CG_PUSH(c, c->p.examples, c->p.nexamples, c->cap_examples);
  if (p) *p = ex;
}

/* Declarations of the policy (not the prelude, source 0) that nothing uses.  Uses are
 * known only when every expansion of a constant was complete. */
static void warn_unused(cg *c) {
  if (c->too_deep || c->code_full) return;
  for (uint32_t i = 0; i < c->nsyms; i++) {
    sym *s = sym_at(c, i);
    if (s->used || !s->decl || s->decl->loc.src == 0) continue;
    switch (s->kind) {
    case SYM_CONST: case SYM_LET: case SYM_ATTR: case SYM_IDENTITY: case SYM_SOURCE:
    case SYM_EXTERN:
      diag_add(c->diags, DIAG_WARNING, s->decl->loc.src, s->decl->loc.start, s->decl->loc.end,
               "unused", "%s '%s' is declared but never used", sym_kind_name(s->kind), s->name);
      break;
    default:
      break;
    }
  }
}

/* ---- driver ----------------------------------------------------------------------------- */

void sema_program(cg *c, ast_node *decls, const char *id, const char *path) {
  c->p.id = cg_str(c, id);
  c->p.file = cg_str(c, path);
  c->p.title = c->p.issuer = c->p.document = PRG_NONE;
  c->p.coll_lo = 1;
  c->p.coll_hi = 0;
  c->p.coll_dlo = 1;
  c->p.coll_dhi = 31;
  c->p.coll_label = c->p.coll_cite = c->p.choose_cite = PRG_NONE;
  c->p.rounding = ROUNDING_UNSET;
  c->p.nslots = SLOT__FIXED;
  sym_declare(c, "paid_on", SYM_PAID_ON, 0, NULL);
  sym_declare(c, "benefit_year", SYM_BENEFIT_YEAR, 0, NULL);
  sym_declare(c, "subsidized", SYM_SUBSIDIZED, 0, NULL);
  sym_declare(c, "category", SYM_CHOSEN, 0, NULL);
  sym_declare(c, "benefit_start", SYM_ANSWER, 0, NULL);
  sym_declare(c, "benefit_end", SYM_ANSWER, 1, NULL);
  sym_declare(c, "waiting_months", SYM_ANSWER, 2, NULL);
  sym_declare(c, "waiting_days", SYM_ANSWER, 3, NULL);

  ast_node *hdr = NULL;
  for (ast_node *d = decls; d; d = d->next) {
    if (d->kind == A_POLICY) {
      if (hdr) cg_error(c, d->loc, "only one 'policy { … }' header may be declared");
      hdr = d;
      header(c, d);
    }
  }
  bool declares = false;
  for (ast_node *d = decls; d && !declares; d = d->next) declares = d->loc.src == c->src;
  ast_loc top = {0, 0, c->src}; /* the policy's first byte */
  if (!declares) {
    cg_error(c, top, "the file declares nothing: a policy begins with 'policy { title \"…\" "
                     "year 2026 }' and declares its categories");
    return;
  } else if (!hdr) {
    cg_error(c, top, "missing 'policy { title … year … }' header");
  } else if (hdr && !c->p.year) {
    cg_error(c, hdr->loc, "the policy header lacks 'year' (the benefit year)");
  }

  for (ast_node *d = decls; d; d = d->next) declare(c, d);
  /* Below, every let, category, window and add-on symbol indexes its table entry, pushed in
   * pass 1: true unless a push failed, so an allocation failure stops here. */
  if (c->oom) return;
  for (ast_node *d = decls; d; d = d->next)
    if (d->kind == A_EXTERN) extern_decl(c, d);
  if (c->oom) return;

  /* constants: type-check each once (unless a constant above has expanded it already),
   * emitting into scratch code that is dropped */
  for (ast_node *d = decls; d; d = d->next) {
    if (d->kind != A_CONST) continue;
    sym *s = sym_find(c, d->name);
    if (!s || s->decl != d || s->typed) continue;
    uint32_t mark = c->p.ncode, errors = c->diags->nerrors;
    bool used = s->used;
    s->busy = true;
    ty t = gen_expr(c, d->a);
    s->busy = false;
    s->used = used;
    s->type = c->diags->nerrors == errors ? t : (ty){TY_ERR, 0};
    s->typed = true;
    c->p.ncode = mark;
  }

  uint32_t cat = 0, win = 0, add = 0;
  int otherwise = 0, chose = 0;
  ast_node *others = NULL; /* `unlisted others` */
  for (ast_node *d = decls; d; d = d->next) {
    switch (d->kind) {
    case A_LET: {
      sym *s = sym_find(c, d->name);
      if (!s || s->decl != d) break;
      c->let_limit = s->index;
      ty t;
      prg_section sec = gen_section_infer(c, d->a, &t);
      c->p.lets[s->index].value = sec;
      s->type = t;
      s->typed = true;
      c->let_limit = s->index + 1;
      break;
    }
    default:
      break;
    }
  }
  c->let_limit = c->p.nlets;
  for (ast_node *d = decls; d; d = d->next) {
    switch (d->kind) {
    case A_CATEGORY:
      c->in_rule = false;
      category(c, d, cat++, &otherwise);
      break;
    case A_CHOOSE:
      choose(c, d, &chose);
      break;
    case A_COLLECTION:
      if (date_range(c, d, &c->p.coll_lo, &c->p.coll_hi))
        day_range(c, d->c, &c->p.coll_dlo, &c->p.coll_dhi);
      c->p.coll_label = cg_str(c, d->str);
      c->p.coll_cite = cg_str(c, d->cite);
      c->p.coll_pos = d->loc.start;
      break;
    case A_WINDOW:
      c->in_rule = true;
      window(c, d, win++);
      break;
    case A_RESTATE:
      restate(c, d);
      break;
    case A_UNLISTED:
      unlisted(c, d, &others);
      break;

    case A_RULE:
      c->in_rule = true;
      rule(c, d);
      break;
    case A_PERIOD:
      c->in_rule = true;
      period(c, d);
      break;
    case A_ADDON:
      c->in_rule = true;
      addon(c, d, add++);
      break;
    default:
      break;
    }
  }
  c->in_rule = false;
  for (ast_node *d = decls; d; d = d->next) /* last: every other section keeps its place */
    if (d->kind == A_ASSUME) assume(c, d);
  if (c->p.ncategories > 1 && !chose) {
    ast_loc at = hdr ? hdr->loc : top;
    cg_error(c, at, "%u categories but no 'choose': declare how one is chosen when several "
                    "hold (e.g. 'choose lowest individual then first')", c->p.ncategories);
  }
  if (c->p.ncategories == 0 && hdr) cg_error(c, hdr->loc, "the policy declares no category");
  for (ast_node *d = decls; d; d = d->next)
    if (d->kind == A_EXAMPLE) example(c, d);
  if (c->p.rounding == ROUNDING_UNSET) c->p.rounding = ROUND_HALF_UP;
  unlisted_untested(c, decls);
  if (others) unlisted_others(c, others);
  warn_unused(c);
}
