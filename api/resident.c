/*
 * resident.c — the typed API's input side: handles for a program's names, and a
 * resident set value by value (api/pol.h "the typed API").  The JSON decoder
 * (api/json.c) sets residents through the same functions.
 *
 * A handle is  stamp << 32 | kind << 24 | index.  The stamp is a hash of the program's
 * names (pol_program.stamp, never 0), so a handle of another program is refused unless
 * both declare the same names in the same order, in which case it means the same thing.
 * Every function checks stamp, kind and index before touching a table.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "eval.h"

#define H_INDEX_MAX 0xffffffu

/* Key and label of entry i of a kind (i < kind_count). */
static void kind_names(const pol_program *p, pol_kind kind, uint32_t i, prg_strref *key,
                       prg_strref *label) {
  switch (kind) {
  case POL_ATTRIBUTE: *key = p->attrs[i].key; *label = p->attrs[i].label; return;
  case POL_IDENTITY: *key = p->identities[i].key; *label = p->identities[i].label; return;
  case POL_SOURCE: *key = p->sources[i].key; *label = p->sources[i].label; return;
  case POL_CATEGORY: *key = p->categories[i].key; *label = p->categories[i].label; return;
  case POL_ADDON: *key = p->addons[i].key; *label = p->addons[i].label; return;
  case POL_WINDOW: *key = p->windows[i].key; *label = p->windows[i].label; return;
  }
  *key = *label = PRG_NONE;
}

pol_handle eval_handle(const pol_program *p, pol_kind kind, uint32_t i) {
  return (pol_handle){(uint64_t)p->stamp << 32 | (uint64_t)kind << 24 | i};
}

pol_handle pol_find(const pol_program *p, pol_kind kind, const char *key) {
  if (p == NULL || key == NULL)
    return (pol_handle){0};
  uint32_t n = eval_kind_count(p, kind);
  for (uint32_t i = 0; i < n && i <= H_INDEX_MAX; i++) {
    prg_strref k, l;
    kind_names(p, kind, i, &k, &l);
    if (strcmp(prg_str(p, k), key) == 0)
      return eval_handle(p, kind, i);
  }
  return (pol_handle){0};
}

uint32_t pol_count(const pol_program *p, pol_kind kind) {
  if (p == NULL)
    return 0;
  uint32_t n = eval_kind_count(p, kind);
  return n > H_INDEX_MAX ? H_INDEX_MAX + 1 : n;
}

pol_handle pol_handle_at(const pol_program *p, pol_kind kind, uint32_t i) {
  if (p == NULL || i >= pol_count(p, kind))
    return (pol_handle){0};
  return eval_handle(p, kind, i);
}

int pol_handle_is_null(pol_handle h) {
  return h.bits == 0;
}

static const char *handle_name(const pol_program *p, pol_handle h, bool label) {
  pol_kind kind = (pol_kind)((h.bits >> 24) & 0xff);
  uint32_t i;
  if (!eval_handle_index(p, h, kind, &i))
    return "";
  prg_strref k, l;
  kind_names(p, kind, i, &k, &l);
  return prg_str(p, label ? l : k);
}

const char *pol_key(const pol_program *p, pol_handle h) {
  return handle_name(p, h, false);
}

const char *pol_label(const pol_program *p, pol_handle h) {
  return handle_name(p, h, true);
}

pol_type pol_attr_type(const pol_program *p, pol_handle attr) {
  uint32_t i;
  if (!eval_handle_index(p, attr, POL_ATTRIBUTE, &i))
    return 0;
  const prg_attr *a = &p->attrs[i];
  if (a->is_identities)
    return POL_T_IDENTITIES;
  switch (a->type) {
  case TY_BOOL: return POL_T_BOOL;
  case TY_INT: return POL_T_INT;
  case TY_DATE: return POL_T_DATE;
  case TY_MONEY: return POL_T_MONEY;
  case TY_ENUM: return POL_T_ENUM;
  default: return 0;
  }
}

const char *pol_enum_key(const pol_program *p, pol_handle attr, uint32_t i) {
  uint32_t a;
  if (!eval_handle_index(p, attr, POL_ATTRIBUTE, &a) || p->attrs[a].type != TY_ENUM ||
      i >= p->attrs[a].enum_count)
    return NULL;
  return prg_str(p, p->enum_values[2 * (p->attrs[a].enum_first + i)]);
}

/* ---- setting a resident ------------------------------------------------------------- */

static pol_status bad(pol_eval *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static pol_status bad(pol_eval *ev, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ev->error, sizeof ev->error, fmt, ap);
  va_end(ap);
  return POL_EINPUT;
}

static uint32_t attr_slot(const prg_attr *a) {
  return a->is_identities ? SLOT_IDENTITIES : a->slot;
}

/* The resident every clear starts from, made once per context (eval_resident_init). */
void eval_resident_clear(pol_eval *ev) {
  const pol_program *p = ev->p;
  ev->has_answer = false;
  ev->has_resident = true;
  ev->missing = ev->missing0;
  memcpy(ev->resident, ev->resident0, eval_slot_count(p) * sizeof *ev->resident);
  memset(ev->given, 0, p->nattrs * sizeof *ev->given);
  for (uint32_t i = 0; i < p->naddons; i++)
    ev->bought[i] = -1;
}

void eval_resident_init(pol_eval *ev) {
  const pol_program *p = ev->p;
  ev->missing0 = 0;
  ev->ids_attr = PRG_NONE;
  memset(ev->resident0, 0, eval_slot_count(p) * sizeof *ev->resident0);
  for (uint32_t i = 0; i < p->nattrs; i++) {
    const prg_attr *a = &p->attrs[i];
    int64_t v = 0;
    switch (a->presence) {
    case PRESENCE_REQUIRED: ev->missing0++; break;
    case PRESENCE_DEFAULT: v = a->dflt; break;
    case PRESENCE_OPTIONAL: v = PRG_ABSENT; break;
    default: break; /* PRESENCE_QUERY_DATE: the payment date, unless given (pol_quote) */
    }
    ev->resident0[attr_slot(a)] = v;
    if (a->is_identities && ev->ids_attr == PRG_NONE)
      ev->ids_attr = i;
    /* the values pol_set accepts: an empty range for `identities` (set one by one) */
    eval_setter *s = &ev->setters[i];
    s->slot = attr_slot(a);
    s->required = a->presence == PRESENCE_REQUIRED;
    s->lo = 1, s->hi = 0;
    if (!a->is_identities)
      switch (a->type) {
      case TY_BOOL: s->lo = 0, s->hi = 1; break;
      case TY_INT:
      case TY_ENUM: s->lo = a->lo, s->hi = a->hi; break;
      case TY_DATE: s->lo = CAL_MIN_DAY, s->hi = CAL_MAX_DAY; break;
      case TY_MONEY: s->lo = 0, s->hi = INT64_MAX; break;
      default: break;
      }
  }
}

void eval_resident_given(pol_eval *ev, uint32_t attr, int64_t v) {
  const prg_attr *a = &ev->p->attrs[attr];
  if (!ev->given[attr] && a->presence == PRESENCE_REQUIRED)
    ev->missing--;
  ev->given[attr] = 1;
  ev->resident[attr_slot(a)] = v;
  ev->has_answer = false;
}

pol_status pol_resident_clear(pol_eval *ev) {
  if (ev == NULL)
    return POL_EINPUT;
  eval_resident_clear(ev);
  return POL_OK;
}

/* The message of a value pol_set refused for attribute i (cold path). */
static pol_status set_refused(pol_eval *ev, uint32_t i, int64_t v) {
  const prg_attr *a = &ev->p->attrs[i];
  const char *key = prg_str(ev->p, a->key);
  switch (a->is_identities ? TY_CATEGORY : a->type) {
  case TY_BOOL: return bad(ev, "\"%s\": expected 0 or 1, got %lld", key, (long long)v);
  case TY_INT:
  case TY_ENUM:
    return bad(ev, "\"%s\": expected %lld..%lld, got %lld", key, (long long)a->lo,
               (long long)a->hi, (long long)v);
  case TY_DATE:
    return bad(ev, "\"%s\": expected a day number %d..%d, got %lld", key, CAL_MIN_DAY,
               CAL_MAX_DAY, (long long)v);
  case TY_MONEY:
    return bad(ev, "\"%s\": expected an amount >= 0 fen, got %lld", key, (long long)v);
  default:
    return bad(ev, "\"%s\": set identities one by one through POL_IDENTITY handles", key);
  }
}

pol_status pol_set(pol_eval *ev, pol_handle h, int64_t v) {
  if (ev == NULL)
    return POL_EINPUT;
  const pol_program *p = ev->p;
  uint32_t i;
  if (!ev->has_resident)
    eval_resident_clear(ev);
  if (eval_handle_index(p, h, POL_ATTRIBUTE, &i)) {
    const eval_setter *s = &ev->setters[i];
    if (v < s->lo || v > s->hi)
      return set_refused(ev, i, v);
    ev->resident[s->slot] = v;
    if (!ev->given[i]) {
      ev->given[i] = 1;
      ev->missing -= s->required;
    }
    ev->has_answer = false;
    return POL_OK;
  }
  if (!eval_handle_index(p, h, POL_IDENTITY, &i))
    return bad(ev, "pol_set: not an attribute or identity handle of policy %s", prg_str(p, p->id));
  if (i >= PRG_MAX_IDENTITIES || (v != 0 && v != 1))
    return bad(ev, "identity \"%s\": expected 0 or 1, got %lld", prg_str(p, p->identities[i].key),
               (long long)v);
  uint64_t mask = (uint64_t)ev->resident[SLOT_IDENTITIES];
  mask = v ? mask | (uint64_t)1 << i : mask & ~((uint64_t)1 << i);
  ev->resident[SLOT_IDENTITIES] = (int64_t)mask;
  ev->has_answer = false;
  if (ev->ids_attr != PRG_NONE)
    ev->given[ev->ids_attr] = 1;
  return POL_OK;
}

pol_status pol_unset(pol_eval *ev, pol_handle h) {
  if (ev == NULL)
    return POL_EINPUT;
  const pol_program *p = ev->p;
  uint32_t i;
  if (!eval_handle_index(p, h, POL_ATTRIBUTE, &i) || p->attrs[i].presence != PRESENCE_OPTIONAL)
    return bad(ev, "pol_unset: not an optional attribute of policy %s", prg_str(p, p->id));
  if (!ev->has_resident)
    eval_resident_clear(ev);
  ev->given[i] = 0;
  ev->resident[attr_slot(&p->attrs[i])] = PRG_ABSENT;
  ev->has_answer = false;
  return POL_OK;
}

pol_status pol_buy(pol_eval *ev, pol_handle addon, int64_t fen) {
  if (ev == NULL)
    return POL_EINPUT;
  const pol_program *p = ev->p;
  uint32_t i;
  if (!eval_handle_index(p, addon, POL_ADDON, &i))
    return bad(ev, "pol_buy: not an add-on handle of policy %s", prg_str(p, p->id));
  const prg_addon *a = &p->addons[i];
  for (uint32_t t = 0; t < a->tier_count; t++)
    if (p->tiers[a->tier_first + t].amount == fen) {
      if (!ev->has_resident)
        eval_resident_clear(ev);
      ev->bought[i] = fen;
      ev->has_answer = false;
      return POL_OK;
    }
  return bad(ev, "add-on \"%s\": %lld fen is not one of its tiers", prg_str(p, a->key),
             (long long)fen);
}
