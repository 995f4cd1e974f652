/*
 * host.c — host functions: the registry an embedder binds C functions into (pol_host), the
 * check that a program's externs are all bound with their signatures (pol_eval_open), and
 * the call itself through libffi (eval_call, behind OP_CALL).
 *
 * Invariants:
 *  - a pol_host is written only by pol_host_bind; after binding it is read-only, so any
 *    number of threads may open contexts with it and call through it at once;
 *  - each binding is a separate allocation that never moves: its ffi_cif points into its
 *    own atypes array, prepared once by pol_host_bind;
 *  - a context made by pol_eval_open has calls[i] non-NULL and of extern i's signature for
 *    every extern i, or is refused (ev->refused) and never runs code; only the contexts of
 *    `polc check` (eval_open_standin) have NULL entries, answered by a stand-in;
 *  - a call allocates nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ffi.h>

#include "calendar.h"
#include "eval.h"
#include "pol.h"
#include "vmint.h"

_Static_assert(POL_HOST_MAX_ARGS == PRG_MAX_EXTERN_ARGS, "one arity limit");

typedef struct host_fn {
  char *name;
  void (*fn)(void);
  pol_type result;
  uint32_t nargs;
  pol_type args[POL_HOST_MAX_ARGS];
  ffi_type *atypes[POL_HOST_MAX_ARGS]; /* cif.arg_types points here */
  ffi_cif cif;
} host_fn;

struct pol_host {
  host_fn **fns; /* each binding allocated alone: the cif points into it */
  uint32_t n, cap;
  char error[256];
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static pol_status host_fail(pol_host *h, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(h->error, sizeof h->error, fmt, ap);
  va_end(ap);
  return POL_EINPUT;
}

static bool type_ok(pol_type t) {
  return t == POL_T_BOOL || t == POL_T_INT || t == POL_T_DATE || t == POL_T_MONEY ||
         t == POL_T_ENUM;
}

/* bool is a C int; every other type an int64_t. */
static ffi_type *ffi_of(pol_type t) {
  return t == POL_T_BOOL ? &ffi_type_sint : &ffi_type_sint64;
}

static const char *type_name(pol_type t) {
  switch (t) {
  case POL_T_BOOL: return "bool";
  case POL_T_INT: return "int";
  case POL_T_DATE: return "date";
  case POL_T_MONEY: return "money";
  case POL_T_ENUM: return "enum";
  default: return "?";
  }
}

static pol_type pol_type_of(uint8_t ty) {
  switch (ty) {
  case TY_BOOL: return POL_T_BOOL;
  case TY_INT: return POL_T_INT;
  case TY_DATE: return POL_T_DATE;
  case TY_MONEY: return POL_T_MONEY;
  default: return POL_T_ENUM; /* the verifier admits no other extern type */
  }
}

pol_host *pol_host_new(void) { return calloc(1, sizeof(pol_host)); }

void pol_host_free(pol_host *h) {
  if (!h) return;
  for (uint32_t i = 0; i < h->n; i++) {
    free(h->fns[i]->name);
    free(h->fns[i]);
  }
  free(h->fns);
  free(h);
}

const char *pol_host_error(const pol_host *h) { return h ? h->error : "no host"; }

static const host_fn *find(const pol_host *h, const char *name) {
  for (uint32_t i = 0; h && i < h->n; i++)
    if (strcmp(h->fns[i]->name, name) == 0) return h->fns[i];
  return NULL;
}

pol_status pol_host_bind(pol_host *h, const char *name, void (*fn)(void), pol_type result,
                         uint32_t nargs, const pol_type *args) {
  if (!h) return POL_EINPUT;
  h->error[0] = '\0';
  if (!name || !name[0]) return host_fail(h, "pol_host_bind: no name");
  if (!fn) return host_fail(h, "pol_host_bind %s: no function", name);
  if (find(h, name)) return host_fail(h, "pol_host_bind %s: already bound", name);
  if (!type_ok(result))
    return host_fail(h, "pol_host_bind %s: result type %d is not POL_T_BOOL, POL_T_INT, "
                        "POL_T_DATE, POL_T_MONEY or POL_T_ENUM", name, (int)result);
  if (nargs > POL_HOST_MAX_ARGS)
    return host_fail(h, "pol_host_bind %s: %u arguments, more than %d", name,
                     (unsigned)nargs, POL_HOST_MAX_ARGS);
  if (nargs > 0 && !args) return host_fail(h, "pol_host_bind %s: no argument types", name);
  for (uint32_t i = 0; i < nargs; i++)
    if (!type_ok(args[i]))
      return host_fail(h, "pol_host_bind %s: argument %u has type %d, not POL_T_BOOL, "
                          "POL_T_INT, POL_T_DATE, POL_T_MONEY or POL_T_ENUM",
                       name, (unsigned)i + 1, (int)args[i]);
  if (h->n == h->cap) {
    uint32_t cap = h->cap ? h->cap * 2 : 8;
    host_fn **fns = realloc(h->fns, cap * sizeof *fns);
    if (!fns) return POL_ENOMEM;
    h->fns = fns;
    h->cap = cap;
  }
  host_fn *f = calloc(1, sizeof *f);
  if (!f || !(f->name = strdup(name))) {
    free(f);
    return POL_ENOMEM;
  }
  f->fn = fn;
  f->result = result;
  f->nargs = nargs;
  for (uint32_t i = 0; i < nargs; i++) {
    f->args[i] = args[i];
    f->atypes[i] = ffi_of(args[i]);
  }
  if (ffi_prep_cif(&f->cif, FFI_DEFAULT_ABI, nargs, ffi_of(result), f->atypes) != FFI_OK) {
    free(f->name);
    free(f);
    return host_fail(h, "pol_host_bind %s: libffi cannot prepare the call", name);
  }
  h->fns[h->n++] = f;
  return POL_OK;
}

/* "next_workday(date) -> date" as the host bound it. */
static void bound_signature(const host_fn *f, char *buf, size_t n) {
  size_t k = (size_t)snprintf(buf, n, "%s(", f->name);
  for (uint32_t a = 0; a < f->nargs && k < n; a++)
    k += (size_t)snprintf(buf + k, n - k, "%s%s", a ? ", " : "", type_name(f->args[a]));
  if (k < n) snprintf(buf + k, n - k, ") -> %s", type_name(f->result));
}

static bool same_signature(const pol_program *p, const prg_extern *x, const host_fn *f) {
  if (f->nargs != x->arg_count || f->result != pol_type_of(x->result.type)) return false;
  for (uint32_t a = 0; a < f->nargs; a++)
    if (f->args[a] != pol_type_of(p->ext_args[x->arg_first + a].type)) return false;
  return true;
}

/* Resolves every extern of p in h into ev->calls; false with the refusal in ev->refused. */
static bool resolve(pol_eval *ev, const pol_host *h, bool standin) {
  const pol_program *p = ev->p;
  for (uint32_t i = 0; i < p->nexterns; i++) {
    const prg_extern *x = &p->externs[i];
    const host_fn *f = find(h, prg_str(p, x->key));
    char want[180], got[180]; /* sized so that the message fits ev->refused */
    if (!f && standin) continue;
    vfy_extern_signature(p, i, want, sizeof want);
    if (!f) {
      snprintf(ev->refused, sizeof ev->refused,
               "extern %s is not bound by the host (pol_host_bind \"%.100s\")", want,
               prg_str(p, x->key));
      return false;
    }
    if (!same_signature(p, x, f)) {
      bound_signature(f, got, sizeof got);
      snprintf(ev->refused, sizeof ev->refused,
               "extern %.100s is declared %s but the host binds %s", prg_str(p, x->key), want,
               got);
      return false;
    }
    ev->calls[i] = f;
  }
  return true;
}

/* for_check: a context of `polc check`, which never builds the plan and, without a host,
 * answers every extern with the stand-in. */
static pol_status open_ctx(const pol_program *p, const pol_host *h, bool for_check,
                           pol_eval **out) {
  if (!out) return POL_EINPUT;
  *out = NULL;
  if (!p) return POL_EINPUT;
  pol_eval *ev = eval_new(p, !for_check); /* with externs, no plan anyway (plan_build) */
  if (!ev) return POL_ENOMEM;
  if (p->nexterns > 0) {
    ev->calls = calloc(p->nexterns, sizeof *ev->calls);
    if (!ev->calls) {
      pol_eval_free(ev);
      return POL_ENOMEM;
    }
    if (!resolve(ev, h, for_check && h == NULL)) {
      snprintf(ev->error, sizeof ev->error, "%s", ev->refused);
      *out = ev;
      return POL_EINPUT;
    }
  }
  *out = ev;
  return POL_OK;
}

pol_status pol_eval_open(const pol_program *p, const pol_host *h, pol_eval **out) {
  return open_ctx(p, h, false, out);
}

pol_eval *eval_open_standin(const pol_program *p, const pol_host *h) {
  pol_eval *ev = NULL;
  if (open_ctx(p, h, true, &ev) != POL_OK) {
    pol_eval_free(ev);
    return NULL;
  }
  return ev;
}

/* The stand-in answer of `polc check` without a host. */
static int64_t standin(const pol_program *p, const prg_extern *x, const int64_t *args) {
  for (uint32_t a = 0; a < x->arg_count; a++) {
    prg_ext_type t = p->ext_args[x->arg_first + a];
    if (t.type == x->result.type && t.en == x->result.en) return args[a];
  }
  return x->result.type == TY_DATE ? cal_from_ymd(p->year ? p->year : 1970, 1, 1) : 0;
}

bool eval_call(pol_eval *ev, uint32_t i, const int64_t *args, int64_t *out, char *why,
               size_t whysz) {
  const pol_program *p = ev->p;
  const prg_extern *x = &p->externs[i];
  const host_fn *f = ev->calls ? ev->calls[i] : NULL;
  int64_t r;
  if (!f) {
    r = standin(p, x, args);
  } else {
    /* values and pointers to them, in the C type of each argument */
    int ints[POL_HOST_MAX_ARGS];
    int64_t longs[POL_HOST_MAX_ARGS];
    void *ptrs[POL_HOST_MAX_ARGS];
    for (uint32_t a = 0; a < f->nargs; a++) {
      if (f->args[a] == POL_T_BOOL) {
        ints[a] = args[a] != 0;
        ptrs[a] = &ints[a];
      } else {
        longs[a] = args[a];
        ptrs[a] = &longs[a];
      }
    }
    /* libffi widens a return value narrower than a register to ffi_arg */
    union { ffi_arg narrow; int64_t wide; } ret = {0};
    /* ffi_call takes a non-const cif but only reads it: the host stays immutable */
    ffi_call((ffi_cif *)&f->cif, f->fn, &ret, ptrs);
    r = f->result == POL_T_BOOL ? (int)ret.narrow != 0 : ret.wide;
  }
  switch (x->result.type) {
  case TY_DATE:
    if (r < CAL_MIN_DAY || r > CAL_MAX_DAY) {
      snprintf(why, whysz, "extern %s returned day %lld, outside 0001-01-01..9999-12-31",
               prg_str(p, x->key), (long long)r);
      return false;
    }
    break;
  case TY_ENUM: {
    const prg_attr *a = &p->attrs[x->result.en];
    if (r < 0 || (uint64_t)r >= a->enum_count) {
      snprintf(why, whysz, "extern %s returned %lld, not a value of %s (0..%u)",
               prg_str(p, x->key), (long long)r, prg_str(p, a->key),
               (unsigned)a->enum_count - 1);
      return false;
    }
    break;
  }
  default:
    break;
  }
  *out = r;
  return true;
}
