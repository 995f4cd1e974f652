# polc — build, test, demo.  `make` builds build/polc and build/libpol.a.
# `make check` runs every test; `make demo` quotes residents on the bundled policies.
# Both install missing Debian build dependencies first (scripts/deps.sh).

CC      ?= cc
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L
WARN    := -Wall -Wextra -Werror
OPT     ?= -O2 -g
CFLAGS  += $(CSTD) $(WARN) $(OPT) $(EXTRA_CFLAGS)
B       := build
INC     := -Ivm -Ilang -Icompiler -Istdlib -I$(B)/gen
LIBS    := -ljansson -lffi

LIB_SRC := $(wildcard lang/*.c) $(filter-out compiler/polc.c,$(wildcard compiler/*.c)) \
           $(wildcard vm/*.c) $(wildcard stdlib/*.c)
GEN_SRC := $(B)/gen/lexer.c $(B)/gen/parser.c $(B)/gen/prelude.c
LIB_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRC)) \
           $(patsubst $(B)/gen/%.c,$(B)/obj/gen/%.o,$(GEN_SRC))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))

.PHONY: all deps check demo clean bench asan valgrind
all: deps $(B)/polc $(B)/libpol.a

deps:
	@sh scripts/deps.sh

$(B)/gen/lexer.c $(B)/gen/lexer.h: lang/lexer.l
	@mkdir -p $(B)/gen
	flex --header-file=$(B)/gen/lexer.h -o $(B)/gen/lexer.c $<

$(B)/gen/parser.c $(B)/gen/parser.h: lang/parser.y
	@mkdir -p $(B)/gen
	bison -Wall -Werror -d -o $(B)/gen/parser.c $<

$(B)/gen/prelude.c: stdlib/prelude.pol scripts/embed.sh
	@mkdir -p $(B)/gen
	sh scripts/embed.sh pol_prelude_src $< > $@

# generated scanner/parser code is not ours to warn about beyond -Wall
$(B)/obj/gen/%.o: $(B)/gen/%.c $(B)/gen/parser.h $(B)/gen/lexer.h
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) -Wall -Werror -Wno-unused-function -Wno-unused-but-set-variable $(OPT) $(EXTRA_CFLAGS) $(INC) -c $< -o $@

$(B)/obj/%.o: %.c $(B)/gen/parser.h $(B)/gen/lexer.h
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

check: all $(UNIT_BIN)
	@sh tests/run.sh

demo: all
	@sh scripts/demo.sh

asan:
	$(MAKE) B=build/asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" check POLC=build/asan/polc

clean:
	rm -rf $(B)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
