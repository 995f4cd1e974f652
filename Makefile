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
LIBS    := -ljansson -lffi -lxxhash -pthread

# polc's subcommands (compiler/polc.c and the files of cli.h) are not part of libpol
CLI_SRC := compiler/polc.c compiler/batch.c compiler/explain.c compiler/diff.c compiler/help.c compiler/fmt.c
LIB_SRC := $(wildcard lang/*.c) $(filter-out $(CLI_SRC),$(wildcard compiler/*.c)) \
           $(wildcard analysis/*.c) $(wildcard vm/*.c) $(wildcard api/*.c) $(wildcard stdlib/*.c)
GEN_SRC := $(B)/gen/lexer.c $(B)/gen/parser.c $(B)/gen/prelude.c
LIB_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRC)) \
           $(patsubst $(B)/gen/%.c,$(B)/obj/gen/%.o,$(GEN_SRC))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC)) $(B)/tests/test_vm_switch

.PHONY: all deps check demo clean asan valgrind bench bench-callgrind tsan
all: $(B)/polc $(B)/libpol.a

# Every rule that runs flex, bison or the compiler waits for the dependency install
# (order-only), so `make -j` on a fresh machine never runs bison before it exists.
DEPS := $(B)/.deps-installed
deps: $(DEPS)
$(DEPS): scripts/deps.sh
	@sh scripts/deps.sh
	@mkdir -p $(B) && touch $@

$(B)/gen/lexer.c $(B)/gen/lexer.h &: lang/lexer.l | $(DEPS)
	@mkdir -p $(B)/gen
	flex --header-file=$(B)/gen/lexer.h -o $(B)/gen/lexer.c $<

$(B)/gen/parser.c $(B)/gen/parser.h &: lang/parser.y | $(DEPS)
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

# the documents `polc help TOPIC` prints, embedded in polc (compiler/help.c)
HELP_DOCS := readme:README.md language:docs/LANGUAGE.md patterns:docs/PATTERNS.md \
             query:docs/QUERY.md embedding:docs/EMBEDDING.md bytecode:docs/BYTECODE.md \
             tutorial:docs/TUTORIAL.md
$(B)/gen/help_docs.c: $(foreach d,$(HELP_DOCS),$(word 2,$(subst :, ,$(d)))) scripts/embed.sh
	@mkdir -p $(B)/gen
	@rm -f $@.tmp
	@for d in $(HELP_DOCS); do sh scripts/embed.sh pol_doc_$${d%%:*} $${d#*:} >> $@.tmp || exit 1; done
	@mv $@.tmp $@

$(B)/obj/gen/help_docs.o: $(B)/gen/help_docs.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) -Wall -Werror $(OPT) $(EXTRA_CFLAGS) -c $< -o $@

# -rdynamic: a --plugin (dlopen) calls pol_host_bind of this executable
$(B)/polc: $(patsubst %.c,$(B)/obj/%.o,$(CLI_SRC)) $(B)/obj/gen/help_docs.o $(B)/libpol.a
	$(CC) $(CFLAGS) -rdynamic -o $@ $^ $(LIBS) -ldl

# The host-function example (examples/hostfn): a plugin for `polc --plugin`.  Always at
# build/plugins/, without sanitizers, so the CLI tests name one path in every build.
PLUGIN := build/plugins/workdays.so
$(PLUGIN): examples/hostfn/workdays.c api/pol.h | $(DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O2 -g -fPIC -shared -Iapi -o $@ $<

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

# polc batch's CSV reader against libcsv on random RFC 4180 records (tests/batch/csv.test.sh;
# `csvbench time FILE` compares their speed).  It includes compiler/batch.c itself.
$(B)/tests/csvbench: tests/batch/csvbench.c compiler/batch.c compiler/batch.h $(B)/libpol.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Iapi -Icompiler -o $@ $< $(B)/libpol.a $(LIBS) -lcsv

check: all $(UNIT_BIN) $(B)/tests/csvbench $(PLUGIN)
	@sh tests/run.sh

demo: all
	@sh scripts/demo.sh

# Speed against a baseline measured in the same run (bench/run.sh, bench/bench.c): the
# quote against the hand-written C function for Pingshun and Lua 5.4, compile, check,
# `polc batch`.  bench/deps.sh installs Lua 5.4 (its flags are read at recipe time, after
# the install, so a fresh machine builds in one go).
BENCH_SRC  := bench/bench.c bench/roster.c bench/hand/pingshun.c bench/lua/peer.c
BENCH_HDR  := bench/roster.h bench/hand/pingshun.h bench/lua/peer.h
BENCH_DEPS := $(B)/.bench-deps-installed
$(BENCH_DEPS): bench/deps.sh | $(DEPS)
	@sh bench/deps.sh
	@mkdir -p $(B) && touch $@

$(B)/bench/bench: $(BENCH_SRC) $(BENCH_HDR) $(B)/libpol.a | $(BENCH_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC) -Ibench -Ibench/hand -Ibench/lua $$(pkg-config --cflags lua5.4) \
	  -o $@ $(BENCH_SRC) $(B)/libpol.a $(LIBS) $$(pkg-config --libs lua5.4)

bench: all $(B)/bench/bench
	@sh bench/run.sh

# Instructions per quote of each path under callgrind (bench/callgrind.sh).
bench-callgrind: all $(B)/bench/bench
	@sh bench/callgrind.sh

asan:
	$(MAKE) B=build/asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" check POLC=build/asan/polc

# One program shared by 16 threads, 100,000 quotes each, under ThreadSanitizer; and one
# host (pol_host) shared by threads calling its functions through libffi (test_host).
tsan:
	$(MAKE) B=build/tsan OPT="-O1 -g -fsanitize=thread" LDFLAGS="-fsanitize=thread" \
	  build/tsan/tests/test_threads build/tsan/tests/test_host
	POL_THREAD_QUOTES=100000 TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/test_threads
	TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/test_host
	$(MAKE) B=build/tsan OPT="-O1 -g -fsanitize=thread" LDFLAGS="-fsanitize=thread" build/tsan/polc
	sh tests/batch/tsan.sh build/tsan/polc

# Every policy's examples and a quote under valgrind: no leak, no invalid access.
valgrind: all $(PLUGIN)
	@for p in policies/*.pol examples/patterns/*.pol; do \
	  valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=1 \
	    $(B)/polc test $$p >/dev/null || exit 1; done
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=1 \
	  $(B)/polc test examples/hostfn/holiday-extension.pol --plugin $(PLUGIN) >/dev/null
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=1 \
	  $(B)/polc quote policies/pingshun-2026.pol --date 2025-11-10 \
	  --resident '{"birth_date":"1975-03-02","identities":["subsistence_allowance"]}' >/dev/null
	@# check exits 1 on error findings; only valgrind's own status 99 fails
	@valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99 \
	  $(B)/polc check --verbose policies/*.pol tests/check/*.pol >/dev/null 2>&1; \
	  test $$? -ne 99 || { echo "valgrind: polc check"; exit 1; }
	@# polc batch: rejects, small blocks on three threads, JSON Lines, long records
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99 \
	  $(B)/polc batch policies/pingshun-2026.pol tests/batch/bad.csv --date-column paid_on \
	  --jobs 3 --block-size 64 >/dev/null 2>&1; test $$? -ne 99 || { echo "valgrind: polc batch"; exit 1; }
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99 \
	  $(B)/polc batch policies/pingshun-2026.pol tests/batch/bad.jsonl --date-column paid_on \
	  --format jsonl >/dev/null 2>&1; test $$? -ne 99 || { echo "valgrind: polc batch jsonl"; exit 1; }
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99 \
	  $(B)/polc batch policies/pingshun-2026.pol tests/batch/long.csv --date-column paid_on \
	  --block-size 64 >/dev/null 2>&1; test $$? -ne 99 || { echo "valgrind: polc batch long"; exit 1; }
	@echo "valgrind: clean"

clean:
	rm -rf $(B)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# ---- the installable library: libpol.so, make install / uninstall, make examples ------
# (kept apart from the rules above; see docs/EMBEDDING.md)
# libpol.so is linked from a second object set compiled position-independent (build/pic/)
# and exports exactly the functions api/pol.h declares: pkg/exports.sh reads them from the
# preprocessed header into a linker version script, everything else is local.  The static
# library that is installed (build/dist/libpol.a) is the same PIC objects prelinked into one
# object with the same symbols global, so it neither leaks internal names (ast_new,
# cal_parse, ...) into a program nor refuses to go into another shared object.  build/libpol.a
# keeps its internal symbols for polc and the unit tests and is not installed.
POL_VERSION := 1.0.0
POL_MAJOR   := $(firstword $(subst ., ,$(POL_VERSION)))
SONAME      := libpol.so.$(POL_MAJOR)
PIC_CFLAGS  := -fPIC -fno-semantic-interposition
PIC_OBJ     := $(patsubst $(B)/obj/%,$(B)/pic/%,$(LIB_OBJ))

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
MANDIR      ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL     ?= install
# where `make examples` installs the library it builds them against
EMBED_PREFIX ?= $(abspath $(B))/stage

.PHONY: install uninstall examples
all: $(B)/libpol.so $(B)/dist/libpol.a

$(B)/pic/gen/%.o: $(B)/gen/%.c $(B)/gen/parser.h $(B)/gen/lexer.h
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) -Wall -Werror -Wno-unused-function -Wno-unused-but-set-variable $(OPT) $(EXTRA_CFLAGS) $(PIC_CFLAGS) $(INC) -c $< -o $@

$(B)/pic/%.o: %.c $(B)/gen/parser.h $(B)/gen/lexer.h | $(DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PIC_CFLAGS) $(INC) -MMD -MP -c $< -o $@

$(B)/libpol.exports: api/pol.h pkg/exports.sh
	@mkdir -p $(B)
	sh pkg/exports.sh "$(CC)" api/pol.h > $@

$(B)/libpol.map: $(B)/libpol.exports
	{ echo '{'; echo '  global:'; sed 's/.*/    &;/' $<; echo '  local: *;'; echo '};'; } > $@

$(B)/libpol.so.$(POL_VERSION): $(PIC_OBJ) $(B)/libpol.map
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=$(B)/libpol.map \
	  -Wl,-z,defs -o $@ $(PIC_OBJ) $(LIBS)

$(B)/libpol.so: $(B)/libpol.so.$(POL_VERSION)
	ln -sf libpol.so.$(POL_VERSION) $(B)/$(SONAME)
	ln -sf $(SONAME) $@

$(B)/dist/libpol.a: $(PIC_OBJ) $(B)/libpol.exports
	@mkdir -p $(B)/dist
	@rm -f $@
	$(CC) -r -nostdlib -o $(B)/dist/libpol.o $(PIC_OBJ)
	objcopy --keep-global-symbols=$(B)/libpol.exports $(B)/dist/libpol.o
	ar rcs $@ $(B)/dist/libpol.o

# pol.pc is written at install time: it names the installed directories
install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PKGCONFIGDIR)
	$(INSTALL) -m 755 $(B)/polc $(DESTDIR)$(BINDIR)/polc
	$(INSTALL) -m 644 api/pol.h $(DESTDIR)$(INCLUDEDIR)/pol.h
	$(INSTALL) -m 644 $(B)/libpol.so.$(POL_VERSION) $(DESTDIR)$(LIBDIR)/libpol.so.$(POL_VERSION)
	ln -sf libpol.so.$(POL_VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libpol.so
	$(INSTALL) -m 644 $(B)/dist/libpol.a $(DESTDIR)$(LIBDIR)/libpol.a
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	  -e 's|@VERSION@|$(POL_VERSION)|' pkg/pol.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/pol.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/pol.pc
	$(INSTALL) -m 644 docs/polc.1 $(DESTDIR)$(MANDIR)/man1/polc.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/polc $(DESTDIR)$(INCLUDEDIR)/pol.h \
	  $(DESTDIR)$(LIBDIR)/libpol.so.$(POL_VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	  $(DESTDIR)$(LIBDIR)/libpol.so $(DESTDIR)$(LIBDIR)/libpol.a \
	  $(DESTDIR)$(PKGCONFIGDIR)/pol.pc $(DESTDIR)$(MANDIR)/man1/polc.1

# examples/embed/ built as a service author builds them: against an installed copy, found
# with pkg-config (examples/embed/Makefile); binaries in $(B)/examples/.  Every directory
# of that install is under EMBED_PREFIX, whatever LIBDIR and the others say.
EMBED_DIRS := PREFIX=$(EMBED_PREFIX) BINDIR=$(EMBED_PREFIX)/bin LIBDIR=$(EMBED_PREFIX)/lib \
  INCLUDEDIR=$(EMBED_PREFIX)/include MANDIR=$(EMBED_PREFIX)/share/man \
  PKGCONFIGDIR=$(EMBED_PREFIX)/lib/pkgconfig
examples: all
	$(MAKE) --no-print-directory install $(EMBED_DIRS) DESTDIR=
	$(MAKE) --no-print-directory -C examples/embed $(EMBED_DIRS) OUT=$(abspath $(B))/examples \
	  CC="$(CC)" LDFLAGS="$(LDFLAGS)"

-include $(shell find $(B)/pic -name '*.d' 2>/dev/null)
include tests/fuzz/fuzz.mk
