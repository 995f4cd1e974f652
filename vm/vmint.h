/*
 * vmint.h — internal interface of the VM back end: opcode metadata expanded from
 * opcodes.h, the canonical list of a program's sections, the verifier, the .polb
 * format and freeing a program.  Not part of pol.h.
 */
#ifndef POL_VMINT_H
#define POL_VMINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opcodes.h"
#include "program.h"

/* One row of POL_OPCODES, indexed by opcode (vm.c expands the table). */
typedef struct {
  const char *name;   /* "JMPF" */
  uint8_t kind;       /* pol_operand_kind */
  uint8_t pops, pushes;
  const char *doc;    /* the semantics column */
} vm_opinfo;

extern const vm_opinfo vm_ops[OP__COUNT];

/* What instruction `insn` pops: the table's column, or for CALL the arity of its extern.
 * Requires the operand to be in range (the verifier checks it first). */
static inline uint32_t vm_pops(const pol_program *p, uint32_t insn) {
  uint32_t op = INSN_OP(insn);
  if (vm_ops[op].kind == OPK_EXTERN) return p->externs[INSN_B(insn)].arg_count;
  return vm_ops[op].pops;
}

/* ---- program layout ------------------------------------------------------------------ */

/*
 * Every field of pol_program that is stored, declared once; polb.c serializes from these
 * lists, verify.c checks every `str` field against the string pool, prg_free frees every
 * table.  F(type, member) where type is one of
 *   u8 ch u32 i32 i64 — fixed-width integers (ch: a byte of the string pool)
 *   str               — a prg_strref (u32 on disk)
 *   sec               — a prg_section (two u32: start, end)
 * and member is the access path after the record (`.key`, or empty for a scalar table).
 * T(table, count member, record type, record fields) in file order.  A field added to program.h must be
 * added here.
 */
#define PRG_HEADER_FIELDS(F)                                                          \
  F(str, .id) F(str, .title) F(str, .issuer) F(str, .document) F(str, .file)          \
  F(i32, .year) F(u8, .rounding) F(i32, .coll_lo) F(i32, .coll_hi) F(u8, .coll_dlo)   \
  F(u8, .coll_dhi) F(str, .coll_label) F(str, .coll_cite) F(u32, .coll_pos) F(u32, .nslots) \
  F(str, .choose_cite)

#define PRG_CHAR_FIELDS(F) F(ch, )
#define PRG_I64_FIELDS(F) F(i64, )
#define PRG_U32_FIELDS(F) F(u32, )
#define PRG_STR_FIELDS(F) F(str, )
#define PRG_NAME_FIELDS(F) F(str, .key) F(str, .label)
#define PRG_ATTR_FIELDS(F)                                                            \
  F(str, .key) F(str, .label) F(u8, .type) F(u8, .presence) F(u32, .slot) F(i64, .lo) \
  F(i64, .hi) F(i64, .dflt) F(u32, .enum_first) F(u32, .enum_count) F(u8, .is_identities)
#define PRG_LET_FIELDS(F) F(str, .key) F(u32, .slot) F(sec, .value) F(str, .label)
#define PRG_CATEGORY_FIELDS(F)                                                        \
  F(str, .key) F(str, .label) F(str, .cite) F(u8, .otherwise) F(sec, .when)          \
  F(sec, .worth) F(u32, .part_first) F(u32, .part_count) F(u32, .rest_part) F(u32, .line) \
  F(u32, .pos)
#define PRG_PART_FIELDS(F) F(u32, .source) F(sec, .value)
#define PRG_CHOOSE_FIELDS(F) F(u8, .kind) F(u32, .source)
#define PRG_WINDOW_FIELDS(F)                                                          \
  F(str, .key) F(str, .label) F(str, .cite) F(i32, .lo) F(i32, .hi) F(u8, .dlo)        \
  F(u8, .dhi) F(u32, .eff_first) F(u32, .eff_count) F(u32, .pos)
#define PRG_RULE_FIELDS(F)                                                            \
  F(str, .key) F(str, .label) F(str, .cite) F(sec, .when) F(u32, .eff_first)          \
  F(u32, .eff_count) F(u32, .pos) F(u8, .after) F(u32, .ovr_first) F(u32, .ovr_count)
#define PRG_EFFECT_FIELDS(F) F(u8, .kind) F(sec, .value) F(str, .reason) F(sec, .counted)
#define PRG_ADDON_FIELDS(F)                                                           \
  F(str, .key) F(str, .label) F(str, .cite) F(u32, .tier_first) F(u32, .tier_count)   \
  F(u32, .paid_by) F(sec, .paid_when) F(u32, .pos) F(u8, .required) F(sec, .paid_amount)
#define PRG_TIER_FIELDS(F) F(str, .key) F(str, .label) F(i64, .amount)
#define PRG_EXAMPLE_FIELDS(F)                                                         \
  F(str, .name) F(u32, .line) F(i32, .paid_on) F(u32, .given_first)                   \
  F(u32, .given_count) F(u32, .buy_first) F(u32, .buy_count) F(u32, .expect_first)    \
  F(u32, .expect_count)
#define PRG_GIVEN_FIELDS(F) F(u32, .attr) F(i64, .value)
#define PRG_BUY_FIELDS(F) F(u32, .addon) F(i64, .amount)
#define PRG_EXPECT_FIELDS(F) F(u8, .kind) F(u32, .arg) F(i64, .value)
#define PRG_RESTATE_FIELDS(F)                                                         \
  F(u32, .target) F(i32, .lo) F(i32, .hi) F(u8, .dlo) F(u8, .dhi) F(str, .label)      \
  F(str, .cite) F(str, .accepted) F(u32, .pos)

#define PRG_ASSUME_FIELDS(F)                                                          \
  F(str, .key) F(str, .label) F(str, .cite) F(sec, .holds) F(u32, .pos)

#define PRG_EXTERN_FIELDS(F)                                                          \
  F(str, .key) F(str, .label) F(str, .cite) F(u8, .result.type) F(u32, .result.en)    \
  F(u32, .arg_first) F(u32, .arg_count) F(u32, .pos)
#define PRG_EXT_TYPE_FIELDS(F) F(u8, .type) F(u32, .en)
#define PRG_PERIOD_FIELDS(F)                                                          \
  F(str, .key) F(str, .label) F(str, .cite) F(i32, .year) F(u8, .instead) F(sec, .when)  \
  F(sec, .worth) F(sec, .start) F(sec, .end) F(u32, .part_first) F(u32, .part_count)      \
  F(u32, .rest_part) F(u32, .pos)
#define PRG_UNSTATED_FIELDS(F)                                                        \
  F(u8, .what) F(u32, .index) F(str, .sentence) F(str, .cite) F(u32, .pos)

#define PRG_TABLES(T)                                                                 \
  T(strings, nstrings, char, PRG_CHAR_FIELDS)                                         \
  T(consts, nconsts, int64_t, PRG_I64_FIELDS)                                         \
  T(code, ncode, uint32_t, PRG_U32_FIELDS)                                            \
  T(attrs, nattrs, prg_attr, PRG_ATTR_FIELDS)                                         \
  T(enum_values, nenum_values, prg_strref, PRG_STR_FIELDS)                            \
  T(identities, nidentities, prg_name, PRG_NAME_FIELDS)                               \
  T(sources, nsources, prg_name, PRG_NAME_FIELDS)                                     \
  T(lets, nlets, prg_let, PRG_LET_FIELDS)                                             \
  T(categories, ncategories, prg_category, PRG_CATEGORY_FIELDS)                       \
  T(parts, nparts, prg_part, PRG_PART_FIELDS)                                         \
  T(choose, nchoose, prg_choose_key, PRG_CHOOSE_FIELDS)                               \
  T(windows, nwindows, prg_window, PRG_WINDOW_FIELDS)                                 \
  T(rules, nrules, prg_rule, PRG_RULE_FIELDS)                                         \
  T(effects, neffects, prg_effect, PRG_EFFECT_FIELDS)                                 \
  T(addons, naddons, prg_addon, PRG_ADDON_FIELDS)                                     \
  T(tiers, ntiers, prg_tier, PRG_TIER_FIELDS)                                         \
  T(examples, nexamples, prg_example, PRG_EXAMPLE_FIELDS)                             \
  T(givens, ngivens, prg_given, PRG_GIVEN_FIELDS)                                     \
  T(buys, nbuys, prg_buy, PRG_BUY_FIELDS)                                             \
  T(expects, nexpects, prg_expect, PRG_EXPECT_FIELDS)                                 \
  T(unlisted, nunlisted, uint32_t, PRG_U32_FIELDS)                                    \
  T(restates, nrestates, prg_restate, PRG_RESTATE_FIELDS)                             \
  T(externs, nexterns, prg_extern, PRG_EXTERN_FIELDS)                                 \
  T(ext_args, next_args, prg_ext_type, PRG_EXT_TYPE_FIELDS)                           \
  T(overrides, noverrides, uint32_t, PRG_U32_FIELDS)                                  \
  T(assumes, nassumes, prg_assume, PRG_ASSUME_FIELDS)                                 \
  T(unstated, nunstated, prg_unstated, PRG_UNSTATED_FIELDS)                          \
  T(periods, nperiods, prg_period, PRG_PERIOD_FIELDS)

/* ---- sections ---------------------------------------------------------------------- */

/* Where a section is referenced from.  Present sections are numbered 0, 1, ... in the
 * order vfy_each_section visits them; the verifier and the disassembler use the same
 * numbers and names ("section 3 (category subsistence_allowance: when)"). */
typedef struct {
  prg_section s;
  uint32_t number;    /* PRG_NONE while the section is absent */
  bool required;      /* absent is an error (vfy_program) */
  const char *owner;  /* "let", "category", "window", "rule", "addon" */
  const char *key;    /* owner's key ("" if none) */
  char role[80];      /* "value", "when", "worth", "part individual", "effect start", ... */
  bool reads_answer;  /* may read the answer's dates (OP_ANSWER): an after rule's `when` */
} vfy_section;

/* Calls fn for every section slot of p (present or absent) in canonical order: lets,
 * categories (when, worth, parts), window effects, rules (when, effects), add-ons
 * (paid_when).  Stops early and returns false when fn returns false.  Requires the
 * table cross references to be valid (vfy_program checks them before calling it). */
bool vfy_each_section(const pol_program *p, bool (*fn)(void *ud, const vfy_section *s), void *ud);

/* "section 3 (category subsistence_allowance: when)" into buf. */
void vfy_section_name(const vfy_section *s, char *buf, size_t bufsz);

/* ---- verifier (verify.c; the section walk above lives there too) ------------------------------------------------------------ */

/* Checks every invariant of program.h: table cross references and string offsets, then
 * each section's code (operands, forward jumps inside the section, stack depth on every
 * path, RET with depth 1).  On failure writes one message into err and returns false. */
bool vfy_program(const pol_program *p, char *err, size_t errsz);

/* "next_workday(date) -> date" into buf: extern i of p, enum types by their attribute's
 * key.  Requires the extern's argument range to be valid. */
void vfy_extern_signature(const pol_program *p, uint32_t i, char *buf, size_t n);

/* ---- .polb (polb.c) ----------------------------------------------------------------- */

/* Serialize p; *bytes is malloc'd (caller frees).  False only when out of memory. */
bool polb_write(const pol_program *p, unsigned char **bytes, size_t *len);

/* Parse and verify; on success *out owns a new program (prg_free it).  On failure *out is
 * NULL, err says what was expected at which byte offset, and nothing is leaked. */
bool polb_read(const unsigned char *bytes, size_t len, pol_program **out, char *err,
               size_t errsz);

/* Rewrite the size field (len >= 12) and the checksum (len >= 20) of a .polb image of len
 * bytes (at most UINT32_MAX; otherwise nothing is written) to match its content, so that
 * it passes the integrity check and reaches the parser and the verifier: for tests and
 * fuzzers that build hostile files, which carry a valid checksum as easily as a good file
 * does. */
void polb_seal(unsigned char *bytes, size_t len);

/* Free p and every table; each table is a separate malloc.  NULL-safe. */
void prg_free(pol_program *p);

#endif
