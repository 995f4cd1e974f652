# tests/fuzz/fuzz.mk — fuzzing, included by the Makefile.
#
#   make check                      replays tests/fuzz/regress/H/ and tests/fuzz/seeds/H/
#                                   through each harness H with a plain driver (no clang needed)
#   make fuzz FUZZ_SECONDS=N        builds the libFuzzer harnesses with clang (ASan + UBSan) in
#                                   build/fuzz and runs each for N seconds (FUZZ_JOBS at a time)
#   make fuzz-smoke                 the same for 10 s each (for CI)
#
# Harnesses (tests/fuzz/fuzz_H.c): policy (text -> compile, round trip, check), polb (bytes ->
# load, quote, check), resident (resident JSON and add-on specs), vm (answer invariants).

FUZZ_HARNESSES := policy polb resident vm
FUZZ_COMMON    := tests/fuzz/fuzz_common.c
FUZZ_DEPS      := $(FUZZ_COMMON) tests/fuzz/fuzz.h
FUZZ_REPLAY    := $(patsubst %,$(B)/fuzz/replay_%,$(FUZZ_HARNESSES))
FUZZ_CFLAGS     = $(CFLAGS) $(INC) -Itests/fuzz -DFUZZ_ROOT='"$(CURDIR)"'
FUZZ_SECONDS   ?= 60
FUZZ_JOBS      ?= 1
FUZZ_B         := build/fuzz
FUZZ_SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: fuzz fuzz-build fuzz-bins fuzz-smoke

# The replay driver: every harness without libFuzzer, part of `make check`.
$(B)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(FUZZ_DEPS) $(B)/libpol.a
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_CFLAGS) -o $@ $< tests/fuzz/replay.c $(FUZZ_COMMON) $(B)/libpol.a $(LIBS)

check: $(FUZZ_REPLAY)

# The fuzzers: the library instrumented for coverage (fuzzer-no-link) and sanitizers.
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS) $(B)/libpol.a
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_COMMON) $(B)/libpol.a $(LIBS)

fuzz-bins: $(patsubst %,$(B)/fuzz/fuzz_%,$(FUZZ_HARNESSES)) $(B)/polc

fuzz-build: | $(DEPS)
	@command -v clang >/dev/null 2>&1 || sh scripts/deps.sh fuzz
	$(MAKE) B=$(FUZZ_B) CC=clang OPT="-O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link" fuzz-bins

fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_B) $(FUZZ_SECONDS) $(FUZZ_JOBS) $(FUZZ_HARNESSES)

fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=10

# Allocation-failure injection (tests/fuzz/oom.c): every allocation fails in turn.
OOM_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup
$(B)/fuzz/oom: tests/fuzz/oom.c $(B)/libpol.a
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_CFLAGS) -o $@ $< $(B)/libpol.a $(LIBS) $(OOM_WRAP)

check: $(B)/fuzz/oom

# Line and branch coverage of the library by `make check` (gcovr, gcc --coverage, -O0), in
# build/coverage: a summary per folder, then build/coverage/coverage.txt per file.
COV_DIRS := lang compiler vm api analysis
.PHONY: coverage
coverage: | $(DEPS)
	@command -v gcovr >/dev/null 2>&1 || sh scripts/deps.sh coverage
	@find build/coverage -name '*.gcda' -delete 2>/dev/null || true
	-$(MAKE) B=build/coverage OPT="-O0 -g --coverage -fprofile-update=atomic" LDFLAGS="--coverage" \
	  check POLC=build/coverage/polc
	@# the embedding examples are built from elsewhere: gcov cannot find their sources
	@rm -f build/coverage/examples/*.gcda
	@for d in $(COV_DIRS); do \
	  printf '%-10s ' "$$d/"; \
	  gcovr -r . build/coverage -f "$$d/" --print-summary -o build/coverage/coverage-$$d.txt \
	    | tr '\n' ' ' | sed 's/  */ /g'; echo; done
	@gcovr -r . build/coverage $(patsubst %,-f %/,$(COV_DIRS)) --print-summary \
	  -o build/coverage/coverage.txt | sed 's/^/all:       /'
