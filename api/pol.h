/*
 * pol.h — the public C API of libpol.  The `polc` CLI uses nothing else.
 *
 * Life cycle:
 *   pol_compile_file / pol_load  ->  pol_program*   (immutable; share it between threads)
 *   pol_eval_new(program)        ->  pol_eval*      (one per thread; reused per query)
 *     or pol_eval_open(program, host, &ev) for a program with host functions (`extern`)
 *   pol_resident_json(ev, json)  ->  resident held in ev
 *   pol_quote(ev, date, ...)     ->  answer held in ev; read with pol_answer_json
 *   pol_eval_free, pol_program_free
 *
 * Ownership: every char* returned by a pol_* function is malloc'd and owned by the
 * caller (free it), unless stated otherwise.  The library never prints and keeps no
 * global or thread-local state.
 */
#ifndef POL_H
#define POL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  POL_OK = 0,
  POL_NEGATIVE = 1, /* the answer is negative / findings were reported / examples failed */
  POL_EINPUT = 2,   /* bad input: a .pol with errors, bad resident, corrupt .polb, bad usage */
  POL_ENOMEM = 3,
  POL_ERUNTIME = 4  /* an evaluation failed (overflow, invalid date): message says where */
} pol_status;

typedef struct pol_program pol_program;
typedef struct pol_eval pol_eval;
typedef struct pol_diags pol_diags;

/* ---- compiling and loading ---------------------------------------------------------- */

/* Compile `src` (UTF-8, `len` bytes) named `path` (used in messages; the policy id is its
 * base name without `.pol`).  On POL_EINPUT, *diags holds the errors.  *diags may hold
 * warnings on success too.  Free both. */
pol_status pol_compile(const char *path, const char *src, size_t len, pol_program **out,
                       pol_diags **diags);

/* Read and compile a .pol, or load and verify a .polb (chosen by content, not name). */
pol_status pol_open(const char *path, pol_program **out, pol_diags **diags);

/* Serialize to .polb bytes (malloc'd) and back; pol_load verifies before returning. */
pol_status pol_save(const pol_program *p, unsigned char **bytes, size_t *len);
pol_status pol_load(const char *path, const unsigned char *bytes, size_t len, pol_program **out,
                    pol_diags **diags);
void pol_program_free(pol_program *p);

/* Diagnostics: rendered as gcc-style text (with source line and caret), JSON or SARIF. */
typedef enum { POL_FMT_TEXT, POL_FMT_JSON, POL_FMT_SARIF } pol_format;
size_t pol_diags_count(const pol_diags *d, int errors_only);
char *pol_diags_render(const pol_diags *d, pol_format fmt);
void pol_diags_free(pol_diags *d);
/* NULL when every analysis recorded in d was complete; else what was not covered (owned
 * by d), as every output format says it. */
const char *pol_diags_not_covered(const pol_diags *d);

/* ---- querying ----------------------------------------------------------------------- */

/* A context for p, or NULL (out of memory, or p declares `extern` host functions: those
 * programs need pol_eval_open with a pol_host that binds them). */
pol_eval *pol_eval_new(const pol_program *p);
void pol_eval_free(pol_eval *ev);

/* Dates are day numbers: days since 1970-01-01 in the proleptic Gregorian calendar,
 * 0001-01-01 .. 9999-12-31.  Parse one from "YYYY-MM-DD" (POL_EINPUT if malformed or
 * impossible), or format one into buf (11 bytes; POL_EINPUT outside the calendar). */
pol_status pol_date_parse(const char *s, int32_t *day);
pol_status pol_date_format(int32_t day, char buf[11]);

/* The benefit year the policy is about (2026 for pingshun-2026). */
int pol_program_year(const pol_program *p);

/* Set the resident from a JSON object (QUERY.md).  `query_date` supplies defaults such as
 * registered_on.  On POL_EINPUT, pol_eval_error(ev) names the key and what was expected. */
pol_status pol_resident_json(pol_eval *ev, const char *json, int32_t query_date);

/* Buy an add-on tier: "accident=30" (yuan).  Cleared by pol_resident_json. */
pol_status pol_buy_addon(pol_eval *ev, const char *spec);

/* Answer a quote for the resident on payment date `date`. */
pol_status pol_quote(pol_eval *ev, int32_t date);

/* The last answer as JSON (QUERY.md): kind 0 = quote, 1 = eligible. */
typedef enum { POL_ANSWER_QUOTE, POL_ANSWER_ELIGIBLE } pol_answer_kind;
char *pol_answer_json(pol_eval *ev, pol_answer_kind kind);

/* The message of the last failed call on ev (owned by ev). */
const char *pol_eval_error(const pol_eval *ev);

/* ---- the typed API ---------------------------------------------------------------------
 *
 * For services that quote many residents: names are resolved once to handles, a resident
 * is set value by value, and every answer field is read by accessor.  None of these
 * calls allocates or formats text, except pol_answer_reason and pol_answer_why, which
 * format into buffers owned by ev (valid until the next call on ev).
 *
 *   pol_handle age = pol_find(p, POL_ATTRIBUTE, "disability_grade");   once
 *   pol_handle low = pol_find(p, POL_IDENTITY, "subsistence_allowance");
 *   for each resident:
 *     pol_resident_clear(ev);                 defaults; no identity; required keys unset
 *     pol_set(ev, birth, day);                a date is a day number (pol_date_parse)
 *     pol_set(ev, low, 1);                    an identity: 1 held, 0 not
 *     pol_quote(ev, paid_on);
 *     pol_answer_individual(ev) ...
 *
 * A handle names one attribute, identity, funding source, category, add-on or window of
 * one program.  Using it where another kind is expected, or with a program that declares
 * other names, is POL_EINPUT (accessors return their "none" value) and never reads out of
 * bounds; a program that declares the same names in the same order (the same policy
 * compiled twice, or its .polb) accepts it and means the same thing.  A handle stays
 * valid as long as its program.  Handles are plain values: copy them freely. */

typedef enum {
  POL_ATTRIBUTE = 1, /* a resident key: birth_date, disability_grade, policy-declared ones */
  POL_IDENTITY,      /* an identity a resident may hold (an element of `identities`) */
  POL_SOURCE,        /* a funding source (a key of `funding`) */
  POL_CATEGORY,
  POL_ADDON,
  POL_WINDOW
} pol_kind;

/* An opaque handle; `bits` == 0 is the null handle (pol_find of an unknown key). */
typedef struct { uint64_t bits; } pol_handle;

/* The handle of `key` of that kind, or the null handle. */
pol_handle pol_find(const pol_program *p, pol_kind kind, const char *key);
/* How many of that kind the program has, and the i-th (0-based, policy order). */
uint32_t pol_count(const pol_program *p, pol_kind kind);
pol_handle pol_handle_at(const pol_program *p, pol_kind kind, uint32_t i);
int pol_handle_is_null(pol_handle h);
/* The key ("subsistence_allowance") and the Chinese label; owned by p; "" for a null or
 * foreign handle. */
const char *pol_key(const pol_program *p, pol_handle h);
const char *pol_label(const pol_program *p, pol_handle h);

/* Value types of attributes (and of host-function arguments and results). */
typedef enum {
  POL_T_BOOL = 1, /* 0 or 1 */
  POL_T_INT,      /* within the attribute's declared range */
  POL_T_DATE,     /* a day number (pol_date_parse) */
  POL_T_MONEY,    /* fen */
  POL_T_ENUM,     /* 0 .. n-1, the index of the value in its declaration */
  POL_T_IDENTITIES /* the `identities` attribute: set through POL_IDENTITY handles */
} pol_type;
pol_type pol_attr_type(const pol_program *p, pol_handle attr);
/* An enum attribute's value i: key and label (owned by p), or NULL past the last. */
const char *pol_enum_key(const pol_program *p, pol_handle attr, uint32_t i);

/* Start a new resident: every attribute at its default, optional dates absent, no
 * identity, no add-on bought.  Required attributes (birth_date) must be set before
 * pol_quote, else it fails with POL_EINPUT naming the key. */
pol_status pol_resident_clear(pol_eval *ev);
/* Set an attribute (POL_ATTRIBUTE handle, value of its pol_type) or an identity
 * (POL_IDENTITY handle, value 0 or 1).  POL_EINPUT for a value out of range, with
 * pol_eval_error naming the key and what was expected. */
pol_status pol_set(pol_eval *ev, pol_handle h, int64_t value);
/* An optional date attribute not given (exited_scheme_on: absent). */
pol_status pol_unset(pol_eval *ev, pol_handle attr);
/* Buy a tier of an add-on (fen); POL_EINPUT if no tier has that amount. */
pol_status pol_buy(pol_eval *ev, pol_handle addon, int64_t fen);

/* The last answer of pol_quote on ev.  Before a successful quote every accessor returns
 * its "none" value: 0, the null handle, INT32_MIN for dates. */
int pol_answer_payable(const pol_eval *ev);
pol_handle pol_answer_category(const pol_eval *ev);   /* null: no category applies */
/* Whether category's `when` holds (computed on first use after a quote: it is not needed
 * to answer, so the quote's fast path leaves it out). */
int pol_answer_matched(pol_eval *ev, pol_handle category);
int pol_answer_subsidized(const pol_eval *ev);        /* some funding source pays part */
pol_handle pol_answer_window(const pol_eval *ev);     /* window of the date, or null */
int64_t pol_answer_individual(const pol_eval *ev);    /* fen, surcharge included */
int64_t pol_answer_funding(const pol_eval *ev, pol_handle source); /* fen */
int64_t pol_answer_worth(const pol_eval *ev);         /* individual + funding */
int32_t pol_answer_start(const pol_eval *ev);         /* benefit start, wait included */
int32_t pol_answer_end(const pol_eval *ev);
int64_t pol_answer_wait_months(const pol_eval *ev);
int64_t pol_answer_wait_days(const pol_eval *ev);
/* A wait delays the benefits (in months or in days): the contract's `waiting`. */
int pol_answer_waiting(const pol_eval *ev);
/* An add-on included in the answer: amount in fen (-1: not included) and who pays it
 * (*payer: a POL_SOURCE handle, or null for the individual). */
int64_t pol_answer_addon(const pol_eval *ev, pol_handle addon, pol_handle *payer);
/* The resident's share of an included add-on, fen (-1: not included): all of it when the
 * individual pays, 0 when a source pays it all, the rest of a compulsory add-on a source
 * pays in part.  The payer's share is pol_answer_addon minus this. */
int64_t pol_answer_addon_individual(const pol_eval *ev, pol_handle addon);
/* 1 if the add-on is compulsory (`required`): in every payment, counted in individual,
 * funding and worth; 0 if voluntary, or for a handle that is not one of p's add-ons. */
int pol_addon_required(const pol_program *p, pol_handle addon);
/* Values of an answer that a policy may declare the notice does not state
 * (`unstated "sentence"`; JSON null, listed under `unstated`). */
typedef enum {
  POL_VALUE_PAYABLE, POL_VALUE_INDIVIDUAL, POL_VALUE_FUNDING, POL_VALUE_WORTH,
  POL_VALUE_START, POL_VALUE_END, POL_VALUE_WAIT
} pol_value;
/* The notice's sentence when value v of the last answer is not stated by the notice, else
 * NULL (source: a POL_SOURCE handle, for POL_VALUE_FUNDING only).  An unstated value's
 * accessor returns its "none" value (pol_answer_payable 0, amounts 0, dates INT32_MIN), so
 * a caller that reads amounts asks this first.  Strings belong to the program. */
const char *pol_answer_unstated(const pol_eval *ev, pol_value v, pol_handle source);
/* The clause (`cite`) of the declaration holding it, "" if none; NULL as above. */
const char *pol_answer_unstated_cite(const pol_eval *ev, pol_value v, pol_handle source);
/* The benefit years the last answer's payment buys (a policy's `period`s): 0 for a policy
 * without periods or an answer without a category; else the policy's own year first
 * (unless a period is bought instead of it), then each period bought, in file order.
 * The answer's individual, funding and worth are their sums. */
uint32_t pol_answer_period_count(const pol_eval *ev);
/* How many values the policy declares the notice does not state (`unstated`): 0 means
 * no answer of it has a null value. */
uint32_t pol_unstated_count(const pol_program *p);
typedef struct {
  const char *key;    /* the period's key; NULL for the policy's own benefit year */
  const char *label;  /* its label; NULL for the policy's own year */
  int32_t year;
  int64_t individual, worth;  /* fen */
  int32_t start, end;         /* day numbers (the policy's own year: the answer's) */
} pol_benefit_period;
/* Period i (0 .. count-1) into *out: 1, or 0 past the last.  Strings belong to the
 * program. */
int pol_answer_period(const pol_eval *ev, uint32_t i, pol_benefit_period *out);
/* What source pays of period i, fen (0: none, or i past the last). */
int64_t pol_answer_period_funding(const pol_eval *ev, uint32_t i, pol_handle source);
/* Why the date is not payable, one sentence ("" when payable); owned by ev. */
const char *pol_answer_reason(pol_eval *ev);
/* The `why` lines: how many, and line i formatted into a buffer owned by ev. */
uint32_t pol_answer_why_count(pol_eval *ev);
const char *pol_answer_why(pol_eval *ev, uint32_t i);

/* ---- explanations (api/explain.c) -----------------------------------------------------
 *
 * What `polc explain` and `polc diff` show beyond the answer: the policy's own words (its
 * title, the clause each part cites), its periods, rules and choose keys, and for the last
 * answer on ev what every category that holds would cost and which effects the window and
 * the rules applied, with their values.  None of these changes the answer; the pol_answer_*
 * ones run sections of the program (like pol_answer_matched) and are valid after a
 * successful pol_quote.  Strings are owned by p. */

const char *pol_program_title(const pol_program *p);   /* policy { title } */
const char *pol_program_issuer(const pol_program *p);
/* The clause a category, window or add-on cites ("二、2 缴费标准"), or "". */
const char *pol_cite(const pol_program *p, pol_handle h);
/* Whether a category is `when otherwise` (it holds exactly when no other holds). */
int pol_category_otherwise(const pol_program *p, pol_handle category);
/* The date range and day-of-month filter (1..31 when none) of a window, or with the null
 * handle of the collection period (POL_EINPUT if the policy states none). */
pol_status pol_period(const pol_program *p, pol_handle window, int32_t *lo, int32_t *hi,
                      int *dlo, int *dhi);
const char *pol_period_label(const pol_program *p);    /* the collection period's */
const char *pol_period_cite(const pol_program *p);

/* Rules, by index in file order (0 .. pol_rule_count-1): key, label, cite ("" past the
 * last), and whether rule i applied in the last answer. */
uint32_t pol_rule_count(const pol_program *p);
const char *pol_rule_key(const pol_program *p, uint32_t rule);
const char *pol_rule_label(const pol_program *p, uint32_t rule);
const char *pol_rule_cite(const pol_program *p, uint32_t rule);
int pol_answer_rule_applied(const pol_eval *ev, uint32_t rule);

/* The `choose` keys in order; *source is the funding source of the _SOURCE ones. */
typedef enum {
  POL_CHOOSE_NONE = 0, /* past the last key */
  POL_CHOOSE_LOWEST_INDIVIDUAL,
  POL_CHOOSE_HIGHEST_INDIVIDUAL,
  POL_CHOOSE_LOWEST_FUNDING,
  POL_CHOOSE_HIGHEST_FUNDING,
  POL_CHOOSE_LOWEST_SOURCE,
  POL_CHOOSE_HIGHEST_SOURCE,
  POL_CHOOSE_FIRST, /* file order */
  POL_CHOOSE_LAST
} pol_choose;
uint32_t pol_choose_count(const pol_program *p);
pol_choose pol_choose_at(const pol_program *p, uint32_t i, pol_handle *source);
const char *pol_choose_cite(const pol_program *p);

/* What `category` would cost for the last answer's resident and date, before any rule:
 * worth, individual part and funding by source (funding: pol_count(p, POL_SOURCE) entries)
 * in fen.  POL_EINPUT without an answer or for a foreign handle; POL_ERUNTIME if a section
 * fails or the parts do not add up (pol_eval_error says why). */
pol_status pol_answer_amounts(pol_eval *ev, pol_handle category, int64_t *worth,
                              int64_t *individual, int64_t *funding);

/* The effects the last answer applied, in the order applied (the window's, then those of
 * every rule that applied, in file order; a later effect of a kind replaces an earlier):
 * the kind, its value (START, END: a day number; WAIT_MONTHS, WAIT_DAYS: a count;
 * WAIT_MONTHS_AS_DAYS, WAIT_DAYS_AS_MONTHS — a wait stated in one unit and counted in the
 * other — the stated count (pol_answer_wait_months and pol_answer_wait_days give both);
 * SURCHARGE: fen; 0 for the others), the rule that states it (POL_NO_RULE: the window)
 * and for NOT_PAYABLE the rule's reason. */
typedef enum {
  POL_EFFECT_START = 1,
  POL_EFFECT_END,
  POL_EFFECT_WAIT_MONTHS,
  POL_EFFECT_WAIT_DAYS,
  POL_EFFECT_SURCHARGE,
  POL_EFFECT_FREE,
  POL_EFFECT_PAYABLE,
  POL_EFFECT_NOT_PAYABLE,
  POL_EFFECT_WAIT_MONTHS_AS_DAYS,  /* `wait 3 months counted as 90 days` */
  POL_EFFECT_WAIT_DAYS_AS_MONTHS   /* `wait 90 days counted as 3 months` */
} pol_effect;
#define POL_NO_RULE UINT32_MAX
uint32_t pol_answer_effect_count(const pol_eval *ev);
pol_status pol_answer_effect(pol_eval *ev, uint32_t i, pol_effect *kind, int64_t *value,
                             uint32_t *rule, const char **reason);
/* Effect i's count in the unit the wait is counted in (WAIT_MONTHS_AS_DAYS: the days,
 * WAIT_DAYS_AS_MONTHS: the months; 0 for other kinds).  POL_EINPUT past the last. */
pol_status pol_answer_effect_counted(pol_eval *ev, uint32_t i, int64_t *counted);

/* Fen as yuan in the shortest exact decimal ("80", "80.5"), as the answers print them
 * (dates: pol_date_format). */
void pol_money_format(int64_t fen, char buf[32]);

/* ---- host functions ----------------------------------------------------------------------
 *
 * A policy may declare host functions, e.g. a working-day calendar:
 *
 *   extern next_workday "下一个工作日" (date) -> date
 *
 * The embedder binds a C function to each name in a pol_host, once, and opens evaluation
 * contexts with it:
 *
 *   static int64_t next_workday(int64_t day) { ... }
 *   pol_host *h = pol_host_new();
 *   pol_type args[] = {POL_T_DATE};
 *   pol_host_bind(h, "next_workday", (void (*)(void))next_workday, POL_T_DATE, 1, args);
 *   pol_eval *ev;
 *   if (pol_eval_open(p, h, &ev) != POL_OK) ... pol_eval_error(ev) says why ...
 *
 * C types, for arguments and results alike:
 *   POL_T_BOOL   int       0 or 1 (a result other than 0 is true)
 *   POL_T_INT    int64_t
 *   POL_T_DATE   int64_t   a day number (days since 1970-01-01, pol_date_parse)
 *   POL_T_MONEY  int64_t   fen
 *   POL_T_ENUM   int64_t   the index of the value in the enum attribute's declaration;
 *                          POL_T_ENUM matches an extern of any enum attribute
 * A date result outside 0001-01-01..9999-12-31 or an enum result outside its values fails
 * the quote with POL_ERUNTIME naming the extern.
 *
 * Host functions must be pure (the same arguments always give the same result; `polc
 * check` and the examples rely on it), must not block or call back into libpol, and must
 * be thread-safe: contexts on many threads call them concurrently.
 *
 * Threads and ownership: bind everything first, from one thread; after that the pol_host
 * is never written again and may be shared by any number of threads and contexts.  It
 * must outlive every context opened with it.  The libffi call interface of each function
 * is prepared once, by pol_host_bind; a call allocates nothing. */

#define POL_HOST_MAX_ARGS 8

typedef struct pol_host pol_host;

/* An empty registry, or NULL when out of memory. */
pol_host *pol_host_new(void);
/* Bind `fn` (cast to void (*)(void); called with its real signature) to `name` with that
 * result type and nargs argument types (POL_T_BOOL..POL_T_ENUM; at most
 * POL_HOST_MAX_ARGS).  POL_EINPUT, with pol_host_error saying why, for a NULL host, name
 * or function, an empty name, a name bound already, a type that is not one of those, too
 * many arguments, or NULL args with nargs > 0; POL_ENOMEM.  Not thread-safe: bind before
 * sharing. */
pol_status pol_host_bind(pol_host *h, const char *name, void (*fn)(void), pol_type result,
                         uint32_t nargs, const pol_type *args);
/* Why the last pol_host_bind failed ("" if it did not); owned by h. */
const char *pol_host_error(const pol_host *h);
void pol_host_free(pol_host *h);

/* A context for p whose externs call h's functions (h may be NULL for a program without
 * externs; it may bind more functions than p declares).  POL_EINPUT when some extern of p
 * is not bound, or bound with another signature: then *out is still a context, whose only
 * use is pol_eval_error(*out) (a message naming the extern and both signatures) and
 * pol_eval_free: pol_quote on it fails with that message and runs nothing.  POL_EINPUT
 * with *out NULL for a NULL p or out; POL_ENOMEM with *out NULL. */
pol_status pol_eval_open(const pol_program *p, const pol_host *h, pol_eval **out);

/* pol_test (below) for a program with externs, bound by h (NULL for none); if examples
 * and failures are not NULL they receive the counts. */
pol_status pol_test_host(const pol_program *p, const pol_host *h, char **report,
                         uint32_t *examples, uint32_t *failures);

/* pol_check (below) for a program with externs.  `polc check` cannot see inside a host
 * function: with h, each is answered by h; without, by a stand-in (its first argument of
 * the result's type, else false, 0, the first enum value or 1 January of the benefit
 * year).  POL_EINPUT, with an error in *out, when h refuses p as pol_eval_open does.  Either way the output names
 * every extern, where it is called, and marks each finding that depends on its answers. */
pol_status pol_check_host(const pol_program *p, const pol_host *h, const char *source,
                          size_t len, int verbose, pol_diags **out);

/* ---- tools -------------------------------------------------------------------------- */

/* Run the policy's inline examples; the report is appended to *report (malloc'd).
 * POL_OK all passed, POL_NEGATIVE some failed. */
pol_status pol_test(const pol_program *p, char **report);
/* The same, also giving how many examples the policy has and how many failed (either
 * pointer may be NULL), for a summary over several policies. */
pol_status pol_test_counted(const pol_program *p, char **report, uint32_t *examples,
                            uint32_t *failures);

/* Analyse a policy for overlapping and missing categories, amounts that do not add up,
 * date windows with gaps or overlaps, and dead rules; every finding carries a witness
 * (resident JSON and date) replayed on the VM.  `source` is the policy text (for carets;
 * NULL for a .polb).  verbose: a set of POL_CHECK_ flags (below); 1 also lists overlaps
 * the choice rule settles, as notes.
 * If *out is not NULL (e.g. the warnings of pol_compile: unused declarations), the
 * findings are appended to it; else a new list is made.  Either way the caller frees *out.
 * POL_OK no errors, POL_NEGATIVE errors found or the analysis was partial (what it did not
 * cover: pol_diags_not_covered). */
pol_status pol_check(const pol_program *p, const char *source, size_t len, int verbose,
                     pol_diags **out);
#define POL_CHECK_NOTES 1    /* also list overlaps the choice rule settles, as notes */
#define POL_CHECK_LIFTED 4   /* with POL_CHECK_DIAGRAMS: build every category's diagram from
                              * its lifted condition, as for a category whose own inputs are
                              * too many to tabulate (differential tests) */
#define POL_CHECK_DIAGRAMS 2 /* analyse every group of categories through decision diagrams,
                              * not only groups too large to enumerate: the same findings,
                              * witnesses possibly more ordinary (differential tests) */

/* Human-readable listing of the bytecode. */
char *pol_disasm(const pol_program *p);

/* The keys a resident may carry (QUERY.md "Policy-declared keys"). */
char *pol_schema(const pol_program *p, pol_format fmt);

/* The policy id ("pingshun-2026"). Owned by p. */
const char *pol_program_id(const pol_program *p);

#ifdef __cplusplus
}
#endif
#endif
