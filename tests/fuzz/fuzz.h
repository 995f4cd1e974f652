/*
 * fuzz.h — shared by the libFuzzer harnesses of tests/fuzz/ and their plain replay driver.
 *
 * Each harness (fuzz_*.c) defines LLVMFuzzerTestOneInput.  Built with clang
 * -fsanitize=fuzzer it is a fuzzer (`make fuzz`); linked with replay.c instead it runs
 * the given files once each (`make check` replays tests/fuzz/regress/ that way).
 *
 * A harness reports a broken invariant with FUZZ_ASSERT, which prints what broke and
 * aborts: libFuzzer saves the input as a crash, the replay driver fails the test.
 * Harness state that lives across inputs (the bundled policies, compiled once) is
 * read-only after the first input, so every input's outcome depends on it alone.
 */
#ifndef POL_FUZZ_H
#define POL_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "pol.h"
#include "program.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void fuzz_fail(const char *file, int line, const char *what, const char *detail);
/* The replay driver names the input being run, for fuzz_fail's message. */
void fuzz_set_input_name(const char *name);
#define FUZZ_ASSERT(cond, detail)                                                        \
  do {                                                                                   \
    if (!(cond)) fuzz_fail(__FILE__, __LINE__, #cond, (detail));                         \
  } while (0)

/* A cursor over fuzz bytes; reads past the end give 0. */
typedef struct {
  const uint8_t *p;
  size_t n, at;
} fuzz_bytes;
uint8_t fuzz_u8(fuzz_bytes *b);
uint32_t fuzz_u32(fuzz_bytes *b);

/* The bundled policies (the .pol files of policies/ and examples/patterns/), compiled once
 * from the source tree (FUZZ_ROOT, or the environment variable POLC_ROOT), each with its
 * .polb reloaded: `loaded` must answer exactly as `compiled`.  `clean`: pol_check reports
 * no error on it, so no payable answer may buy nothing (start after end). */
typedef struct {
  const char *path;
  pol_program *compiled, *loaded;
  int clean;
} fuzz_policy;
size_t fuzz_policies(const fuzz_policy **out);

/* A resident of p as JSON text (malloc'd) drawn from the bytes: every attribute either
 * absent or a value of its type, mostly inside its declared range.  `wild` allows values
 * outside the range and keys of the wrong type (the answer may then be an input error). */
char *fuzz_resident(const pol_program *p, fuzz_bytes *b, int wild);

/* A payment date near something the policy names (its collection period, a window's
 * bounds, the benefit year), drawn from the bytes. */
int32_t fuzz_date(const pol_program *p, fuzz_bytes *b);

/* Quote resident `json` on `date` with ev; the outcome as text (status, then the answer
 * JSON of both kinds, or the error message), malloc'd.  Checks the answer invariants:
 * individual + funding == worth, no negative part, a category whenever payable, the JSON
 * agrees (see fuzz_common.c).  A payable answer whose benefits start after they end is
 * something `polc check` must report as an error, not a VM fault: if `empty` is NULL
 * that is asserted never to happen (the bundled policies check clean), else *empty is set. */
char *fuzz_quote(pol_eval *ev, const char *json, int32_t date, const char *const *addons,
                 size_t naddons, int *empty);

/* Save p, load it back (it must verify), and save again: the bytes must be equal.
 * Returns the reloaded program. */
pol_program *fuzz_round_trip(const pol_program *p);

#endif
