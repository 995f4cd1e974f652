# polc — build, test, demo.  `make` builds build/polc and build/libpol.a.
# `make check` runs every test; `make demo` quotes residents on the bundled policies.
# Both install missing Debian build dependencies first (scripts/deps.sh).

CC      ?= cc
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L
WARN    := -Wall -Wextra -Werror
OPT     ?= -O2 -g
CFLAGS  += $(CSTD) $(WARN) $(OPT) $(EXTRA_CFLAGS)
B       := build
INC     := -Iapi -Ivm -Ilang -Icompiler -Ianalysis -Istdlib -I$(B)/gen
LIBS    := -ljansson -lffi -pthread

LIB_SRC := $(wildcard lang/*.c) $(filter-out compiler/polc.c,$(wildcard compiler/*.c)) \
           $(wildcard analysis/*.c) $(wildcard vm/*.c) $(wildcard api/*.c) $(wildcard stdlib/*.c)
GEN_SRC := $(B)/gen/lexer.c $(B)/gen/parser.c $(B)/gen/prelude.c
LIB_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRC)) \
           $(patsubst $(B)/gen/%.c,$(B)/obj/gen/%.o,$(GEN_SRC))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC)) $(B)/tests/test_vm_switch

.PHONY: all deps check demo clean asan valgrind bench tsan
all: $(B)/polc $(B)/libpol.a

# Every rule that runs flex, bison or the compiler waits for the dependency install
# (order-only), so `make -j` on a fresh machine never runs bison before it exists.
DEPS := $(B)/.deps-installed
deps: $(DEPS)
$(DEPS): scripts/deps.sh
	@sh scripts/deps.sh
	@mkdir -p $(B) && touch $@

$(B)/gen/lexer.c $(B)/gen/lexer.h: lang/lexer.l | $(DEPS)
	@mkdir -p $(B)/gen
	flex --header-file=$(B)/gen/lexer.h -o $(B)/gen/lexer.c $<

$(B)/gen/parser.c $(B)/gen/parser.h: lang/parser.y | $(DEPS)
	@mkdir -p $(B)/gen
	bison -Wall -Werror -d -o $(B)/gen/parser.c $<

$(B)/gen/prelude.c: stdlib/prelude.pol scripts/embed.sh
	@mkdir -p $(B)/gen
	sh scripts/embed.sh pol_prelude_src $< > $@

# generated scanner/parser code is not ours to warn about beyond -Wall
$(B)/obj/gen/%.o: $(B)/gen/%.c $(B)/gen/parser.h $(B)/gen/lexer.h
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) -Wall -Werror -Wno-unused-function -Wno-unused-but-set-variable $(OPT) $(EXTRA_CFLAGS) $(INC) -c $< -o $@

$(B)/obj/%.o: %.c $(B)/gen/parser.h $(B)/gen/lexer.h | $(DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC) -MMD -MP -c $< -o $@

$(B)/libpol.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/polc: $(B)/obj/compiler/polc.o $(B)/libpol.a
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libpol.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC) -o $@ $< $(B)/libpol.a $(LIBS) -lcmocka

# The VM's unit tests once more with switch dispatch instead of computed goto: the
# interpreter object compiled with -DPOL_VM_SWITCH is linked ahead of the library.
$(B)/obj/vm/vm_switch.o: vm/vm.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DPOL_VM_SWITCH $(INC) -MMD -MP -c $< -o $@

$(B)/tests/test_vm_switch: tests/unit/test_vm.c $(B)/obj/vm/vm_switch.o $(B)/libpol.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC) -o $@ $< $(B)/obj/vm/vm_switch.o $(B)/libpol.a $(LIBS) -lcmocka

check: all $(UNIT_BIN)
	@sh tests/run.sh

demo: all
	@sh scripts/demo.sh

# Speed against a baseline measured in the same run (bench/run.sh).
bench: all
	@sh bench/run.sh

asan:
	$(MAKE) B=build/asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" check POLC=build/asan/polc

# One program shared by 16 threads, 100,000 quotes each, under ThreadSanitizer.
tsan:
	$(MAKE) B=build/tsan OPT="-O1 -g -fsanitize=thread" LDFLAGS="-fsanitize=thread" \
	  build/tsan/tests/test_threads
	POL_THREAD_QUOTES=100000 TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/test_threads

# Every policy's examples and a quote under valgrind: no leak, no invalid access.
valgrind: all
	@for p in policies/*.pol examples/patterns/*.pol; do \
	  valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=1 \
	    $(B)/polc test $$p >/dev/null || exit 1; done
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=1 \
	  $(B)/polc quote policies/pingshun-2026.pol --date 2025-11-10 \
	  --resident '{"birth_date":"1975-03-02","identities":["subsistence_allowance"]}' >/dev/null
	@# check exits 1 on error findings; only valgrind's own status 99 fails
	@valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99 \
	  $(B)/polc check --verbose policies/*.pol tests/check/*.pol >/dev/null 2>&1; \
	  test $$? -ne 99 || { echo "valgrind: polc check"; exit 1; }
	@echo "valgrind: clean"

clean:
	rm -rf $(B)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
