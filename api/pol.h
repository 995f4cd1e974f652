/*
 * pol.h — the public C API of libpol.  The `polc` CLI uses nothing else.
 *
 * Life cycle:
 *   pol_compile_file / pol_load  ->  pol_program*   (immutable; share it between threads)
 *   pol_eval_new(program)        ->  pol_eval*      (one per thread; reused per query)
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

/* ---- querying ----------------------------------------------------------------------- */

pol_eval *pol_eval_new(const pol_program *p);
void pol_eval_free(pol_eval *ev);

/* Parse a day number from "YYYY-MM-DD"; POL_EINPUT if malformed or impossible. */
pol_status pol_date_parse(const char *s, int32_t *day);

/* Set the resident from a JSON object (QUERY.md).  `query_date` supplies defaults such as
 * registered_on.  On POL_EINPUT, pol_eval_error(ev) names the key and what was expected. */
pol_status pol_resident_json(pol_eval *ev, const char *json, int32_t query_date);

/* Buy an add-on tier: "accident=30" (yuan).  Cleared by pol_resident_json. */
pol_status pol_buy_addon(pol_eval *ev, const char *spec);

/* Answer a quote for the resident on payment date `date`. */
pol_status pol_quote(pol_eval *ev, int32_t date);

/* The last answer as JSON (QUERY.md): kind 0 = quote, 1 = eligible. */
typedef enum { POL_ANSWER_QUOTE, POL_ANSWER_ELIGIBLE } pol_answer_kind;
char *pol_answer_json(const pol_eval *ev, pol_answer_kind kind);
int pol_answer_payable(const pol_eval *ev);

/* The message of the last failed call on ev (owned by ev). */
const char *pol_eval_error(const pol_eval *ev);

/* ---- tools -------------------------------------------------------------------------- */

/* Run the policy's inline examples; the report is appended to *report (malloc'd).
 * POL_OK all passed, POL_NEGATIVE some failed. */
pol_status pol_test(const pol_program *p, char **report);

/* Analyse a policy for overlapping and missing categories, amounts that do not add up,
 * date windows with gaps or overlaps, and dead rules; every finding carries a witness
 * (resident JSON and date) replayed on the VM.  `source` is the policy text (for carets;
 * NULL for a .polb).  verbose: also list overlaps the choice rule settles, as notes.
 * If *out is not NULL (e.g. the warnings of pol_compile: unused declarations), the
 * findings are appended to it; else a new list is made.  Either way the caller frees *out.
 * POL_OK no errors, POL_NEGATIVE errors found. */
pol_status pol_check(const pol_program *p, const char *source, size_t len, int verbose,
                     pol_diags **out);

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
