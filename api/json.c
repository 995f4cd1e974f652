/*
 * json.c — the JSON side of the query contract (docs/QUERY.md): the resident
 * in, add-on specs, answers and the schema out.  Every byte of JSON is parsed and printed
 * by jansson.
 *
 * Money never passes through a binary float.  Jansson has no raw-number type, so a
 * money value enters the tree as the string "\x01" + its exact yuan text (money_format)
 * and the dumped text is rewritten so that "\u0001<number>" becomes <number>
 * (unquote_money).  This is sound because no other string in the tree contains U+0001:
 * policy strings cannot (the lexer rejects control characters) and every string value
 * placed in a tree goes through text(), which replaces control characters anyway; object
 * keys are policy identifiers or literals here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calendar.h"
#include "diag.h"
#include "eval.h"
#include "money.h"

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

#define MONEY_MARK '\x01'
/* Longest JSON value quoted in a message before it is cut with "...". */
#define GOT_MAX 80

/* ---- messages ----------------------------------------------------------------------- */

typedef eval_msg msg;
#define msg_add eval_msg_add

static msg error_msg(pol_eval *ev) {
  ev->error[0] = '\0';
  return (msg){ev->error, sizeof ev->error, 0};
}

static pol_status fail(pol_eval *ev, const char *fmt, ...) PRINTF_LIKE(2, 3);

static pol_status fail(pol_eval *ev, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ev->error, sizeof ev->error, fmt, ap);
  va_end(ap);
  return POL_EINPUT;
}

/* The JSON value as the input spelled it (compact), cut at GOT_MAX bytes on a UTF-8
 * boundary.  buf holds GOT_MAX + 4 bytes. */
static void describe(const json_t *v, char buf[GOT_MAX + 4]) {
  char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
  if (s == NULL) {
    snprintf(buf, GOT_MAX + 4, "a JSON value");
    return;
  }
  size_t n = strlen(s);
  if (n <= GOT_MAX) {
    memcpy(buf, s, n + 1);
  } else {
    n = GOT_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
      n--;
    memcpy(buf, s, n);
    memcpy(buf + n, "...", 4);
  }
  free(s);
}

/* A string quoted as JSON would quote it (so quotes and control characters in a key are
 * visible), cut like describe(). */
static void describe_str(const char *s, char buf[GOT_MAX + 4]) {
  json_t *j = json_string(s);
  if (j == NULL) {
    snprintf(buf, GOT_MAX + 4, "\"%s\"", s);
    return;
  }
  describe(j, buf);
  json_decref(j);
}

/* ---- dates and ids ------------------------------------------------------------------ */

pol_status pol_date_parse(const char *s, int32_t *day) {
  if (s == NULL || day == NULL || !cal_parse(s, strlen(s), day))
    return POL_EINPUT;
  return POL_OK;
}

pol_status pol_date_format(int32_t day, char buf[11]) {
  if (buf == NULL || day < CAL_MIN_DAY || day > CAL_MAX_DAY)
    return POL_EINPUT;
  cal_format(day, buf);
  return POL_OK;
}

int pol_program_year(const pol_program *p) {
  return p ? (int)p->year : 0;
}

const char *pol_program_id(const pol_program *p) {
  return p ? prg_str(p, p->id) : "";
}

/* "YYYY-MM-DD" in shape (digits and dashes), whether or not such a day exists. */
static bool date_shaped(const char *s, size_t n) {
  if (n != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (size_t i = 0; i < n; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return false;
  return true;
}

/* ---- the resident ------------------------------------------------------------------- */

static const char *enum_key(const pol_program *p, const prg_attr *a, uint32_t i) {
  return prg_str(p, p->enum_values[2 * (a->enum_first + i)]);
}

static const char *enum_label(const pol_program *p, const prg_attr *a, uint32_t i) {
  return prg_str(p, p->enum_values[2 * (a->enum_first + i) + 1]);
}

/* A 64-bit identity mask as the slot's int64_t without implementation-defined casts. */
static int64_t mask_value(uint64_t m) {
  return m <= (uint64_t)INT64_MAX ? (int64_t)m : -(int64_t)(~m) - 1;
}

static uint64_t mask_bits(int64_t v) {
  return (uint64_t)v;
}

static pol_status parse_identities(pol_eval *ev, const prg_attr *a, const json_t *v, int64_t *out) {
  const pol_program *p = ev->p;
  const char *key = prg_str(p, a->key);
  char got[GOT_MAX + 4];
  if (!json_is_array(v)) {
    describe(v, got);
    return fail(ev, "resident: \"%s\": expected an array of identity keys, got %s", key, got);
  }
  uint64_t mask = 0;
  size_t i;
  const json_t *item;
  json_array_foreach(v, i, item) {
    uint32_t k = PRG_NONE;
    if (json_is_string(item))
      for (uint32_t j = 0; j < p->nidentities && j < PRG_MAX_IDENTITIES; j++)
        if (strcmp(json_string_value(item), prg_str(p, p->identities[j].key)) == 0) {
          k = j;
          break;
        }
    describe(item, got);
    if (k == PRG_NONE) {
      msg m = error_msg(ev);
      msg_add(&m, "resident: \"%s\"[%zu]: unknown identity %s; known: ", key, i, got);
      for (uint32_t j = 0; j < p->nidentities; j++)
        msg_add(&m, "%s%s", j ? ", " : "", prg_str(p, p->identities[j].key));
      if (p->nidentities == 0)
        msg_add(&m, "none");
      return POL_EINPUT;
    }
    if (mask & (uint64_t)1 << k)
      return fail(ev, "resident: \"%s\"[%zu]: %s listed twice", key, i, got);
    mask |= (uint64_t)1 << k;
  }
  *out = mask_value(mask);
  return POL_OK;
}

/* One attribute's JSON value into *out, checked against its type. */
static pol_status parse_attr(pol_eval *ev, const prg_attr *a, const json_t *v, int64_t *out) {
  const pol_program *p = ev->p;
  const char *key = prg_str(p, a->key);
  char got[GOT_MAX + 4];
  if (a->is_identities)
    return parse_identities(ev, a, v, out);
  describe(v, got);
  switch (a->type) {
  case TY_BOOL:
    if (!json_is_boolean(v))
      return fail(ev, "resident: \"%s\": expected true or false, got %s", key, got);
    *out = json_is_true(v);
    return POL_OK;
  case TY_INT: {
    json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;
    if (!json_is_integer(v) || n < a->lo || n > a->hi)
      return fail(ev, "resident: \"%s\": expected an integer %lld..%lld, got %s", key,
                  (long long)a->lo, (long long)a->hi, got);
    *out = (int64_t)n;
    return POL_OK;
  }
  case TY_DATE: {
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    size_t n = json_is_string(v) ? json_string_length(v) : 0;
    int32_t day;
    if (!json_is_string(v) || !cal_parse(s, n, &day))
      return fail(ev, "resident: \"%s\": expected a date \"YYYY-MM-DD\", got %s%s", key, got,
                  json_is_string(v) && date_shaped(s, n) ? " (no such day)" : "");
    *out = day;
    return POL_OK;
  }
  case TY_ENUM:
    if (json_is_string(v))
      for (uint32_t i = 0; i < a->enum_count; i++)
        if (strcmp(json_string_value(v), enum_key(p, a, i)) == 0) {
          *out = i;
          return POL_OK;
        }
    {
      msg m = error_msg(ev);
      msg_add(&m, "resident: \"%s\": expected one of ", key);
      for (uint32_t i = 0; i < a->enum_count; i++)
        msg_add(&m, "%s%s", i ? ", " : "", enum_key(p, a, i));
      msg_add(&m, ", got %s", got);
    }
    return POL_EINPUT;
  default: return fail(ev, "resident: \"%s\": this attribute cannot be given in JSON", key);
  }
}

pol_status pol_resident_json(pol_eval *ev, const char *json, int32_t query_date) {
  if (ev == NULL)
    return POL_EINPUT;
  eval_resident_clear(ev);
  ev->has_resident = false;

  json_error_t jerr;
  json_t *root = json_loads(json ? json : "", JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
  if (root == NULL && json_error_code(&jerr) == json_error_out_of_memory) {
    fail(ev, "resident: out of memory");
    return POL_ENOMEM;
  }
  if (root == NULL)
    return fail(ev, "resident: not valid JSON: %s (line %d, column %d)", jerr.text, jerr.line,
                jerr.column);
  pol_status st = eval_resident_obj(ev, root, query_date);
  json_decref(root);
  return st;
}

pol_status eval_resident_obj(pol_eval *ev, const json_t *root, int32_t query_date) {
  const pol_program *p = ev->p;
  eval_resident_clear(ev);
  ev->has_resident = false;
  if (!json_is_object(root))
    return fail(ev, "resident: expected a JSON object");

  pol_status st = POL_OK;
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)root, key, value) {
    uint32_t a = 0;
    while (a < p->nattrs && strcmp(key, prg_str(p, p->attrs[a].key)) != 0)
      a++;
    if (a == p->nattrs) {
      char k[GOT_MAX + 4];
      describe_str(key, k);
      msg m = error_msg(ev);
      msg_add(&m, "resident: unknown key %s; this policy accepts: ", k);
      for (uint32_t i = 0; i < p->nattrs; i++)
        msg_add(&m, "%s%s", i ? ", " : "", prg_str(p, p->attrs[i].key));
      st = POL_EINPUT;
      break;
    }
    const prg_attr *attr = &p->attrs[a];
    /* null stands for "not given" where absence is allowed (a form's empty field) */
    if (json_is_null(value) && attr->presence == PRESENCE_OPTIONAL)
      continue;
    int64_t v = 0;
    if ((st = parse_attr(ev, attr, value, &v)) != POL_OK)
      break;
    eval_resident_given(ev, a, v);
  }
  if (st != POL_OK)
    return st;

  for (uint32_t a = 0; a < p->nattrs; a++) {
    const prg_attr *attr = &p->attrs[a];
    if (!ev->given[a] && attr->presence == PRESENCE_REQUIRED)
      return fail(ev, "resident: missing required key \"%s\"", prg_str(p, attr->key));
    if (!ev->given[a] && attr->presence == PRESENCE_QUERY_DATE)
      ev->resident[attr->is_identities ? SLOT_IDENTITIES : attr->slot] = query_date;
  }
  ev->has_resident = true;
  return POL_OK;
}

/* ---- add-ons ------------------------------------------------------------------------ */

pol_status pol_buy_addon(pol_eval *ev, const char *spec) {
  if (ev == NULL)
    return POL_EINPUT;
  const pol_program *p = ev->p;
  const char *eq = spec ? strchr(spec, '=') : NULL;
  int64_t fen;
  if (eq == NULL || eq == spec || !money_parse(eq + 1, strlen(eq + 1), &fen))
    return fail(ev, "add-on: expected NAME=AMOUNT, got \"%s\"", spec ? spec : "");
  int len = (int)(eq - spec);
  uint32_t a = 0;
  while (a < p->naddons && !(strncmp(spec, prg_str(p, p->addons[a].key), (size_t)len) == 0 &&
                             prg_str(p, p->addons[a].key)[len] == '\0'))
    a++;
  if (a == p->naddons) {
    msg m = error_msg(ev);
    msg_add(&m, "add-on \"%.*s\": unknown; this policy offers", len, spec);
    for (uint32_t i = 0; i < p->naddons; i++)
      msg_add(&m, "%s%s", i ? ", " : ": ", prg_str(p, p->addons[i].key));
    if (p->naddons == 0)
      msg_add(&m, " none");
    return POL_EINPUT;
  }
  const prg_addon *ad = &p->addons[a];
  for (uint32_t t = 0; t < ad->tier_count; t++)
    if (p->tiers[ad->tier_first + t].amount == fen) {
      ev->bought[a] = fen;
      return POL_OK;
    }
  char y[MONEY_MAX_TEXT];
  money_format(fen, y);
  msg m = error_msg(ev);
  msg_add(&m, "add-on \"%.*s\": %s yuan is not one of its tiers (", len, spec, y);
  for (uint32_t t = 0; t < ad->tier_count; t++) {
    money_format(p->tiers[ad->tier_first + t].amount, y);
    msg_add(&m, "%s%s", t ? ", " : "", y);
  }
  msg_add(&m, ")");
  return POL_EINPUT;
}

/* ---- building trees ----------------------------------------------------------------- */

/* A string value.  Control characters (never in policy strings) become '?', so that
 * U+0001 marks money only; bytes that are not UTF-8 become '?' as well. */
static json_t *text(const char *s) {
  bool clean = true;
  for (const char *c = s; *c; c++)
    if ((unsigned char)*c < 0x20)
      clean = false;
  json_t *j = clean ? json_string(s) : NULL;
  if (j != NULL)
    return j;
  size_t n = strlen(s);
  char *t = malloc(n + 1);
  if (t == NULL)
    return NULL;
  for (size_t i = 0; i <= n; i++)
    t[i] = (unsigned char)s[i] < 0x20 && s[i] != '\0' ? '?' : s[i];
  j = json_string(t);
  if (j == NULL) {
    for (size_t i = 0; i < n; i++)
      if ((unsigned char)t[i] >= 0x80)
        t[i] = '?';
    j = json_string(t);
  }
  free(t);
  return j;
}

static json_t *money(int64_t fen) {
  char buf[1 + MONEY_MAX_TEXT];
  buf[0] = MONEY_MARK;
  money_format(fen, buf + 1);
  return json_string(buf);
}

static json_t *date(int32_t day) {
  char buf[11];
  cal_format(day, buf);
  return json_string(buf);
}

/* A benefit date of the answer: null for a refused answer, which has none. */
static json_t *benefit_date(int32_t day) {
  return day == EVAL_NO_DATE ? json_null() : date(day);
}

/* Sets obj[key] = v, stealing v; a NULL v (out of memory) or a failed set clears *ok. */
static void put(json_t *obj, const char *key, json_t *v, bool *ok) {
  if (v == NULL || json_object_set_new(obj, key, v) != 0)
    *ok = false;
}

static void push(json_t *arr, json_t *v, bool *ok);

/* Appends object o built with ook (else drops it and marks the array failed). */
static void push_object(json_t *arr, json_t *o, bool ook, bool *ok) {
  if (!ook) {
    json_decref(o);
    *ok = false;
  } else {
    push(arr, o, ok);
  }
}

/* The array, or NULL (freed) if something in it failed. */
static json_t *finish_array(json_t *arr, bool ok) {
  if (!ok) {
    json_decref(arr);
    return NULL;
  }
  return arr;
}

static void push(json_t *arr, json_t *v, bool *ok) {
  if (v == NULL || json_array_append_new(arr, v) != 0)
    *ok = false;
}

/* Rewrites "\u0001<number>" into <number> while copying; returns a malloc'd copy ending
 * with a newline.  A match needs an unescaped opening quote (preceded by anything but a
 * backslash) and a closing quote right after the number. */
static char *unquote_money(const char *s) {
  static const char mark[] = "\"\\u0001";
  const size_t mlen = sizeof mark - 1;
  size_t n = strlen(s);
  char *out = malloc(n + 2);
  if (out == NULL)
    return NULL;
  size_t w = 0;
  for (size_t r = 0; r < n;) {
    if (strncmp(s + r, mark, mlen) == 0 && (r == 0 || s[r - 1] != '\\')) {
      size_t e = r + mlen;
      while (e < n && (s[e] == '-' || s[e] == '.' || (s[e] >= '0' && s[e] <= '9')))
        e++;
      if (e > r + mlen && e < n && s[e] == '"') {
        memcpy(out + w, s + r + mlen, e - (r + mlen));
        w += e - (r + mlen);
        r = e + 1;
        continue;
      }
    }
    out[w++] = s[r++];
  }
  out[w++] = '\n';
  out[w] = '\0';
  return out;
}

/* The tree as 2-space indented JSON in insertion order, money unquoted; consumes root. */
static char *render(json_t *root, bool ok) {
  char *out = NULL;
  if (ok) {
    char *s = diag_json_dump(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s != NULL)
      out = unquote_money(s);
    free(s);
  }
  json_decref(root);
  return out;
}

/* ---- answers ------------------------------------------------------------------------ */

static json_t *matched_keys(pol_eval *ev) {
  const pol_program *p = ev->p;
  json_t *arr = json_array();
  bool ok = arr != NULL;
  for (uint32_t i = 0; ok && i < p->ncategories; i++)
    if (pol_answer_matched(ev, eval_handle(p, POL_CATEGORY, i)))
      push(arr, text(prg_str(p, p->categories[i].key)), &ok);
  return finish_array(arr, ok);
}

static json_t *why_lines(pol_eval *ev) {
  json_t *why = json_array();
  bool ok = why != NULL;
  uint32_t n = pol_answer_why_count(ev);
  for (uint32_t i = 0; ok && i < n; i++)
    push(why, text(pol_answer_why(ev, i)), &ok);
  return finish_array(why, ok);
}

static json_t *addons_array(const pol_eval *ev) {
  const pol_program *p = ev->p;
  json_t *arr = json_array();
  bool ok = arr != NULL;
  for (uint32_t i = 0; ok && i < p->naddons; i++) {
    if (ev->addon_amount[i] < 0)
      continue;
    const prg_addon *a = &p->addons[i];
    const prg_tier *tier = NULL;
    for (uint32_t t = 0; t < a->tier_count && tier == NULL; t++)
      if (p->tiers[a->tier_first + t].amount == ev->addon_amount[i])
        tier = &p->tiers[a->tier_first + t];
    json_t *o = json_object();
    bool ook = o != NULL;
    if (ook) {
      put(o, "addon", text(prg_str(p, a->key)), &ook);
      put(o, "label", text(prg_str(p, a->label)), &ook);
      put(o, "tier",
          tier && tier->key != PRG_NONE && *prg_str(p, tier->key) ? text(prg_str(p, tier->key))
                                                                  : json_null(),
          &ook);
      put(o, "amount", money(ev->addon_amount[i]), &ook);
      put(o, "paid_by",
          text(ev->addon_payer[i] == PRG_NONE || ev->addon_payer[i] >= p->nsources
                   ? "individual"
                   : prg_str(p, p->sources[ev->addon_payer[i]].key)),
          &ook);
      if (a->required) { /* QUERY.md: only a compulsory add-on's line has these keys */
        put(o, "required", json_true(), &ook);
        put(o, "individual", money(ev->addon_individual[i]), &ook);
        json_t *f = json_object();
        bool fok = f != NULL;
        int64_t part = ev->addon_amount[i] - ev->addon_individual[i];
        if (fok && part > 0 && ev->addon_payer[i] < p->nsources)
          put(f, prg_str(p, p->sources[ev->addon_payer[i]].key), money(part), &fok);
        if (!fok) {
          json_decref(f);
          f = NULL;
        }
        put(o, "funding", f, &ook);
      }
    }
    push_object(arr, o, ook, &ok);
  }
  return finish_array(arr, ok);
}

/* A value of the answer, or null when the notice does not state it (unstated entry u). */
static json_t *or_null(json_t *v, uint32_t u) {
  if (u == PRG_NONE)
    return v; /* (callers pass PRG_NONE for every value of a program without unstated) */
  json_decref(v);
  return json_null();
}

/* `unstated` (QUERY.md, ext): each null value of the answer with the sentence that
 * leaves it unknown, into *out (NULL: every value is stated, so no key).  False when
 * memory ran out. */
typedef struct { const char *name; uint32_t u; } unstated_value;
static bool unstated_array(const pol_eval *ev, pol_answer_kind kind, json_t **out) {
  const pol_program *p = ev->p;
  unstated_value v[8];
  size_t n = 0;
  *out = NULL;
  v[n++] = (unstated_value){"payable", ev->rsn_kind == RSN_UNSTATED ? ev->rsn_arg : PRG_NONE};
  if (kind != POL_ANSWER_ELIGIBLE) {
    v[n++] = (unstated_value){"individual", ev->unst_individual};
    v[n++] = (unstated_value){"funding", PRG_NONE}; /* one entry per source */
    v[n++] = (unstated_value){"worth", ev->unst_worth};
  }
  v[n++] = (unstated_value){"benefit_start",
                            ev->unst_start != PRG_NONE ? ev->unst_start : ev->unst_wait};
  v[n++] = (unstated_value){"benefit_end", ev->unst_end};
  v[n++] = (unstated_value){"waiting", ev->unst_wait};
  bool ok = true;
  for (size_t i = 0; ok && i < n; i++) {
    bool funding = strcmp(v[i].name, "funding") == 0;
    for (uint32_t s = 0; ok && s < (funding ? p->nsources : 1); s++) {
      uint32_t u = funding ? ev->unst_funding[s] : v[i].u;
      if (u == PRG_NONE || u >= p->nunstated)
        continue;
      if (*out == NULL && (*out = json_array()) == NULL)
        return false;
      char name[300];
      snprintf(name, sizeof name, "%s%s%s", v[i].name, funding ? "." : "",
               funding ? prg_str(p, p->sources[s].key) : "");
      const prg_unstated *x = &p->unstated[u];
      json_t *o = json_object();
      bool ook = o != NULL;
      if (ook) {
        put(o, "value", text(name), &ook);
        put(o, "sentence", text(prg_str(p, x->sentence)), &ook);
        put(o, "cite", *prg_str(p, x->cite) ? text(prg_str(p, x->cite)) : json_null(), &ook);
      }
      push_object(*out, o, ook, &ok);
    }
  }
  if (!ok) {
    json_decref(*out);
    *out = NULL;
  }
  return ok;
}

/* One element of `periods`: key (NULL: the policy's own year), year, amounts, dates; a
 * null where the policy's own year's value is unstated (u_*). */
static json_t *period_object(const pol_eval *ev, uint32_t i, bool *ok) {
  const pol_program *p = ev->p;
  bool main = i == PRG_NONE, ook = true;
  const prg_period *pd = main ? NULL : &p->periods[i];
  bool unknown = main && p->nunstated > 0;
  json_t *o = json_object(), *f = json_object();
  if (o == NULL || f == NULL) {
    json_decref(o);
    json_decref(f);
    *ok = false;
    return NULL;
  }
  for (uint32_t s = 0; s < p->nsources; s++) {
    int64_t v = main ? ev->main_funding[s] : ev->period_funding[(size_t)i * p->nsources + s];
    uint32_t u = unknown ? ev->unst_funding[s] : PRG_NONE;
    if (v != 0 || u != PRG_NONE)
      put(f, prg_str(p, p->sources[s].key), or_null(money(v), u), &ook);
  }
  put(o, "period", main ? json_null() : text(prg_str(p, pd->key)), &ook);
  put(o, "label", main ? json_null() : text(prg_str(p, pd->label)), &ook);
  put(o, "year", json_integer(main ? p->year : pd->year), &ook);
  put(o, "individual",
      or_null(money(main ? ev->main_individual : ev->period_individual[i]),
              unknown ? ev->unst_individual : PRG_NONE),
      &ook);
  put(o, "funding", f, &ook);
  put(o, "worth",
      or_null(money(main ? ev->main_worth : ev->period_worth[i]), unknown ? ev->unst_worth : PRG_NONE),
      &ook);
  uint32_t su = !unknown ? PRG_NONE : ev->unst_start != PRG_NONE ? ev->unst_start : ev->unst_wait;
  put(o, "start", or_null(benefit_date(main ? ev->start : ev->period_start[i]), su), &ook);
  put(o, "end",
      or_null(benefit_date(main ? ev->end : ev->period_end[i]), unknown ? ev->unst_end : PRG_NONE),
      &ook);
  if (!ook) {
    json_decref(o);
    *ok = false;
    return NULL;
  }
  return o;
}

/* `periods` (QUERY.md, ext; only for a policy that declares periods): every benefit year
 * the payment buys, the policy's own first (unless a period is bought instead of it),
 * then each period bought, in file order. */
static json_t *periods_array(const pol_eval *ev) {
  const pol_program *p = ev->p;
  json_t *arr = json_array();
  bool ok = arr != NULL;
  if (ev->category == PRG_NONE) /* no category: the payment buys nothing */
    return arr;
  if (ok && ev->instead == PRG_NONE)
    push(arr, period_object(ev, PRG_NONE, &ok), &ok);
  for (uint32_t i = 0; ok && i < p->nperiods; i++)
    if (ev->period_on[i])
      push(arr, period_object(ev, i, &ok), &ok);
  return finish_array(arr, ok);
}

/* Adds the `unstated` key when some value is null. */
static void put_unstated(json_t *o, const pol_eval *ev, pol_answer_kind kind, bool *ok) {
  json_t *arr;
  if (!unstated_array(ev, kind, &arr))
    *ok = false;
  else if (arr != NULL)
    put(o, "unstated", arr, ok);
}

char *pol_answer_json(pol_eval *ev, pol_answer_kind kind) {
  if (ev == NULL || !ev->has_answer)
    return NULL;
  const pol_program *p = ev->p;
  json_t *o = json_object();
  if (o == NULL)
    return NULL;
  bool ok = true;
  const prg_category *c = ev->category != PRG_NONE ? &p->categories[ev->category] : NULL;
  json_t *category = c ? text(prg_str(p, c->key)) : json_null();
  json_t *label = c ? text(prg_str(p, c->label)) : json_null();
  bool subsidized = ev->slots[SLOT_SUBSIDIZED] != 0;

  put(o, "policy", text(pol_program_id(p)), &ok);
  put(o, "benefit_year", json_integer(p->year), &ok);
  put(o, "date", date(ev->date), &ok);
  bool unknown = p->nunstated > 0; /* values may be null (unstated) */
  uint32_t none = PRG_NONE, pay = unknown && ev->rsn_kind == RSN_UNSTATED ? ev->rsn_arg : none;
  uint32_t u_ind = unknown ? ev->unst_individual : none, u_worth = unknown ? ev->unst_worth : none,
           u_end = unknown ? ev->unst_end : none, u_wait = unknown ? ev->unst_wait : none;
  uint32_t start_u = !unknown ? none : ev->unst_start != none ? ev->unst_start : ev->unst_wait;
  put(o, "payable", or_null(json_boolean(ev->payable), pay), &ok);
  put(o, "reason", ev->payable ? json_null() : text(pol_answer_reason(ev)), &ok);
  if (kind == POL_ANSWER_ELIGIBLE) {
    put(o, "subsidized", json_boolean(subsidized), &ok);
    put(o, "matched", matched_keys(ev), &ok);
    put(o, "category", category, &ok);
    put(o, "label", label, &ok);
    put(o, "benefit_start", or_null(benefit_date(ev->start), start_u), &ok);
    put(o, "benefit_end", or_null(benefit_date(ev->end), u_end), &ok);
    put(o, "waiting_months", or_null(json_integer(ev->wait_months), u_wait), &ok);
    put(o, "waiting_days", or_null(json_integer(ev->wait_days), u_wait), &ok);
    put(o, "waiting", or_null(json_boolean(pol_answer_waiting(ev)), u_wait), &ok);
    if (unknown)
      put_unstated(o, ev, kind, &ok);
    return render(o, ok);
  }

  put(o, "category", category, &ok);
  put(o, "label", label, &ok);
  put(o, "individual", or_null(money(ev->individual), u_ind), &ok);
  json_t *funding = json_object();
  for (uint32_t s = 0; funding && s < p->nsources; s++)
    if (ev->funding[s] != 0 || (unknown && ev->unst_funding[s] != none))
      put(funding, prg_str(p, p->sources[s].key),
          or_null(money(ev->funding[s]), unknown ? ev->unst_funding[s] : none), &ok);
  put(o, "funding", funding, &ok);
  put(o, "addons", addons_array(ev), &ok);
  put(o, "benefit_start", or_null(benefit_date(ev->start), start_u), &ok);
  put(o, "benefit_end", or_null(benefit_date(ev->end), u_end), &ok);
  put(o, "waiting_months", or_null(json_integer(ev->wait_months), u_wait), &ok);
  put(o, "waiting", or_null(json_boolean(pol_answer_waiting(ev)), u_wait), &ok);
  put(o, "matched", matched_keys(ev), &ok);
  put(o, "why", why_lines(ev), &ok);
  /* extensions, after the contract keys */
  put(o, "worth", or_null(money(ev->worth), u_worth), &ok);
  put(o, "waiting_days", or_null(json_integer(ev->wait_days), u_wait), &ok);
  put(o, "window",
      ev->window != PRG_NONE ? text(prg_str(p, p->windows[ev->window].key)) : json_null(), &ok);
  put(o, "subsidized", json_boolean(subsidized), &ok);
  if (p->nperiods > 0)
    put(o, "periods", periods_array(ev), &ok);
  if (unknown)
    put_unstated(o, ev, kind, &ok);
  return render(o, ok);
}

/* ---- schema ------------------------------------------------------------------------- */

/* A growable string; on allocation failure it is freed and stays NULL. */
typedef struct {
  char *s;
  size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void sb_add(sbuf *b, const char *fmt, ...) {
  if (b->s == NULL)
    return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if (b->len + (size_t)n + 1 > b->cap) {
    size_t cap = (b->len + (size_t)n + 1) * 2;
    char *s = realloc(b->s, cap);
    if (s == NULL) {
      free(b->s);
      b->s = NULL;
      return;
    }
    b->s = s;
    b->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

static bool sb_init(sbuf *b) {
  b->cap = 256;
  b->len = 0;
  b->s = malloc(b->cap);
  if (b->s)
    b->s[0] = '\0';
  return b->s != NULL;
}

/* Type of attribute a as text: "date", "int 0..4", "one of low|high", ... */
static void type_text(sbuf *b, const pol_program *p, const prg_attr *a) {
  if (a->is_identities) {
    sb_add(b, "array of identity keys");
    return;
  }
  switch (a->type) {
  case TY_BOOL: sb_add(b, "bool"); break;
  case TY_INT: sb_add(b, "int %lld..%lld", (long long)a->lo, (long long)a->hi); break;
  case TY_DATE: sb_add(b, "date"); break;
  case TY_MONEY: sb_add(b, "money"); break;
  case TY_ENUM:
    sb_add(b, "one of ");
    for (uint32_t i = 0; i < a->enum_count; i++)
      sb_add(b, "%s%s", i ? "|" : "", enum_key(p, a, i));
    break;
  default: sb_add(b, "value"); break;
  }
}

static void default_text(sbuf *b, const pol_program *p, const prg_attr *a) {
  char buf[MONEY_MAX_TEXT];
  switch (a->presence) {
  case PRESENCE_REQUIRED: sb_add(b, "required"); return;
  case PRESENCE_OPTIONAL: sb_add(b, "absent"); return;
  case PRESENCE_QUERY_DATE: sb_add(b, "the payment date"); return;
  default: break;
  }
  if (a->is_identities) {
    uint64_t m = mask_bits(a->dflt);
    sb_add(b, "[");
    const char *sep = "";
    for (uint32_t i = 0; i < p->nidentities && i < PRG_MAX_IDENTITIES; i++)
      if (m & (uint64_t)1 << i) {
        sb_add(b, "%s%s", sep, prg_str(p, p->identities[i].key));
        sep = ", ";
      }
    sb_add(b, "]");
    return;
  }
  switch (a->type) {
  case TY_BOOL: sb_add(b, "%s", a->dflt ? "true" : "false"); break;
  case TY_DATE:
    cal_format(a->dflt >= CAL_MIN_DAY && a->dflt <= CAL_MAX_DAY ? (int32_t)a->dflt : 0, buf);
    sb_add(b, "%s", buf);
    break;
  case TY_MONEY:
    money_format(a->dflt, buf);
    sb_add(b, "%s yuan", buf);
    break;
  case TY_ENUM:
    sb_add(b, "%s",
           a->dflt >= 0 && (uint64_t)a->dflt < a->enum_count ? enum_key(p, a, (uint32_t)a->dflt)
                                                             : "?");
    break;
  default: sb_add(b, "%lld", (long long)a->dflt); break;
  }
}

/* Width of UTF-8 text as code points; only ASCII cells are padded (labels come last). */
static size_t width(const char *s) {
  size_t w = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80)
      w++;
  return w;
}

static void pad(sbuf *b, size_t used, size_t col) {
  for (size_t i = used; i < col + 2; i++)
    sb_add(b, " ");
}

static char *schema_text(const pol_program *p) {
  sbuf out;
  if (!sb_init(&out))
    return NULL;
  /* Columns are as wide as their widest cell; cells are rendered twice to measure. */
  size_t wk = strlen("key"), wt = strlen("type"), wd = strlen("default");
  for (uint32_t i = 0; i < p->nattrs; i++) {
    sbuf t;
    if (!sb_init(&t)) {
      free(out.s);
      return NULL;
    }
    size_t k = width(prg_str(p, p->attrs[i].key));
    wk = k > wk ? k : wk;
    type_text(&t, p, &p->attrs[i]);
    if (t.s && width(t.s) > wt)
      wt = width(t.s);
    if (t.s) {
      t.len = 0;
      t.s[0] = '\0';
    }
    default_text(&t, p, &p->attrs[i]);
    if (t.s && width(t.s) > wd)
      wd = width(t.s);
    free(t.s);
  }
  sb_add(&out, "key");
  pad(&out, 3, wk);
  sb_add(&out, "type");
  pad(&out, 4, wt);
  sb_add(&out, "default");
  pad(&out, 7, wd);
  sb_add(&out, "label\n");
  for (uint32_t i = 0; i < p->nattrs; i++) {
    const prg_attr *a = &p->attrs[i];
    sb_add(&out, "%s", prg_str(p, a->key));
    pad(&out, width(prg_str(p, a->key)), wk);
    size_t at = out.len;
    type_text(&out, p, a);
    pad(&out, out.s ? width(out.s + at) : 0, wt);
    at = out.len;
    default_text(&out, p, a);
    pad(&out, out.s ? width(out.s + at) : 0, wd);
    sb_add(&out, "%s\n", prg_str(p, a->label));
  }
  sb_add(&out, "\nidentities:\n");
  size_t w = 0;
  for (uint32_t i = 0; i < p->nidentities; i++)
    w = width(prg_str(p, p->identities[i].key)) > w ? width(prg_str(p, p->identities[i].key)) : w;
  for (uint32_t i = 0; i < p->nidentities; i++) {
    sb_add(&out, "  %s", prg_str(p, p->identities[i].key));
    pad(&out, width(prg_str(p, p->identities[i].key)), w);
    sb_add(&out, "%s\n", prg_str(p, p->identities[i].label));
  }
  sb_add(&out, "\nfunding sources:\n");
  w = 0;
  for (uint32_t i = 0; i < p->nsources; i++)
    w = width(prg_str(p, p->sources[i].key)) > w ? width(prg_str(p, p->sources[i].key)) : w;
  for (uint32_t i = 0; i < p->nsources; i++) {
    sb_add(&out, "  %s", prg_str(p, p->sources[i].key));
    pad(&out, width(prg_str(p, p->sources[i].key)), w);
    sb_add(&out, "%s\n", prg_str(p, p->sources[i].label));
  }
  return out.s;
}

static json_t *names_json(const pol_program *p, const prg_name *names, uint32_t n) {
  json_t *arr = json_array();
  bool ok = arr != NULL;
  for (uint32_t i = 0; ok && i < n; i++) {
    json_t *o = json_object();
    bool ook = o != NULL;
    if (ook) {
      put(o, "key", text(prg_str(p, names[i].key)), &ook);
      put(o, "label", text(prg_str(p, names[i].label)), &ook);
    }
    push_object(arr, o, ook, &ok);
  }
  return finish_array(arr, ok);
}

/* A value of attribute a as resident JSON (identities: an array of keys).  The one
 * rendering of attribute values: schema defaults, inline examples, check's witnesses. */
json_t *eval_value_json(const pol_program *p, const prg_attr *a, int64_t v) {
  if (a->is_identities) {
    json_t *arr = json_array();
    bool ok = arr != NULL;
    uint64_t m = mask_bits(v);
    for (uint32_t i = 0; ok && i < p->nidentities && i < PRG_MAX_IDENTITIES; i++)
      if (m & (uint64_t)1 << i)
        push(arr, text(prg_str(p, p->identities[i].key)), &ok);
    if (!ok) {
      json_decref(arr);
      return NULL;
    }
    return arr;
  }
  switch (a->type) {
  case TY_BOOL: return json_boolean(v);
  case TY_DATE:
    return date(v >= CAL_MIN_DAY && v <= CAL_MAX_DAY ? (int32_t)v : 0);
  case TY_MONEY: return money(v);
  case TY_ENUM:
    return v >= 0 && (uint64_t)v < a->enum_count
               ? text(enum_key(p, a, (uint32_t)v))
               : json_null();
  default: return json_integer(v);
  }
}

static json_t *attr_json(const pol_program *p, const prg_attr *a) {
  json_t *o = json_object();
  if (o == NULL)
    return NULL;
  bool ok = true;
  static const char *const types[] = {"bool", "int",    "money", "date",    "ratio",
                                      "days", "months", "enum",  "category"};
  put(o, "key", text(prg_str(p, a->key)), &ok);
  put(o, "type",
      text(a->is_identities                         ? "identities"
           : a->type < sizeof types / sizeof *types ? types[a->type]
                                                    : "value"),
      &ok);
  if (!a->is_identities && a->type == TY_INT) {
    put(o, "min", json_integer(a->lo), &ok);
    put(o, "max", json_integer(a->hi), &ok);
  }
  if (!a->is_identities && a->type == TY_ENUM) {
    json_t *values = json_array();
    for (uint32_t i = 0; values && i < a->enum_count; i++) {
      json_t *v = json_object();
      if (v) {
        put(v, "key", text(enum_key(p, a, i)), &ok);
        put(v, "label", text(enum_label(p, a, i)), &ok);
      }
      push(values, v, &ok);
    }
    put(o, "values", values, &ok);
  }
  switch (a->presence) {
  case PRESENCE_REQUIRED:
    put(o, "default", json_null(), &ok);
    put(o, "required", json_true(), &ok);
    break;
  case PRESENCE_OPTIONAL:
    put(o, "default", json_null(), &ok);
    put(o, "optional", json_true(), &ok);
    break;
  case PRESENCE_QUERY_DATE:
    put(o, "default", json_null(), &ok);
    put(o, "default_is_payment_date", json_true(), &ok);
    break;
  default: put(o, "default", eval_value_json(p, a, a->dflt), &ok); break;
  }
  put(o, "label", text(prg_str(p, a->label)), &ok);
  if (!ok) {
    json_decref(o);
    return NULL;
  }
  return o;
}

char *pol_schema(const pol_program *p, pol_format fmt) {
  if (p == NULL)
    return NULL;
  if (fmt != POL_FMT_JSON)
    return schema_text(p);
  json_t *o = json_object();
  if (o == NULL)
    return NULL;
  bool ok = true;
  put(o, "policy", text(pol_program_id(p)), &ok);
  json_t *attrs = json_array();
  for (uint32_t i = 0; attrs && i < p->nattrs; i++)
    push(attrs, attr_json(p, &p->attrs[i]), &ok);
  put(o, "attributes", attrs, &ok);
  put(o, "identities", names_json(p, p->identities, p->nidentities), &ok);
  put(o, "funding_sources", names_json(p, p->sources, p->nsources), &ok);
  return render(o, ok);
}
