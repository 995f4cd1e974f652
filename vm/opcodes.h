/*
 * opcodes.h — the instruction set, declared once.
 *
 * An instruction is one 32-bit word:
 *
 *     31            16 15      8 7       0
 *    +----------------+---------+---------+
 *    |       B        |    A    |   OP    |
 *    +----------------+---------+---------+
 *
 * Every value is an int64_t: bool (0/1), int, money (fen), date (day number, see
 * stdlib/calendar.h), ratio (millionths), durations, enum and category indices.
 * Types are checked by the compiler; the verifier checks what memory safety needs
 * (operands in range, stack depth, forward jumps).
 *
 * Notation: K[b] constant b; S[b] context slot b; W[b] window b; push/pop on the
 * evaluation stack; x = top, y = below it.  Jumps are forward only, relative to the
 * next instruction: target = pc + 1 + B.  So every section ends within its length.
 *
 * Columns: name, operand kind, pops, pushes, meaning.
 * Operand kinds: NONE, K (B indexes the constant pool), SLOT (B indexes the context),
 * BIT (A is an identity bit), JUMP (B is a forward offset), WINDOW (B indexes the
 * window table), MODE (A is a rounding mode), CONST2 (A and B index two constants),
 * EXTERN (B indexes the extern table), ANSWER (A names a figure of the answer).
 *
 * CALL is the one instruction whose pops are not a constant: it pops the arity of the
 * extern B (its `arg_count`, at most PRG_MAX_EXTERN_ARGS), the last argument on top, and
 * pushes the host function's result.  Its pops column is 0; the verifier and every
 * other reader of the table take the arity from the extern (vm_pops in vmint.h).
 */
#ifndef POL_OPCODES_H
#define POL_OPCODES_H

#define POL_OPCODES(X)                                                          \
  X(CONST,    K,      0, 1, "push K[b]")                                        \
  X(LOAD,     SLOT,   0, 1, "push S[b]")                                        \
  X(IDENT,    BIT,    0, 1, "push 1 if the resident holds identity a, else 0") \
  X(PRESENT,  SLOT,   0, 1, "push 1 if optional S[b] was given")                \
  X(ADD,      NONE,   2, 1, "push y + x (overflow is a run-time error)")        \
  X(SUB,      NONE,   2, 1, "push y - x")                                       \
  X(MUL,      NONE,   2, 1, "push y * x")                                       \
  X(NEG,      NONE,   1, 1, "push -x")                                          \
  X(MIN,      NONE,   2, 1, "push min(y, x)")                                   \
  X(MAX,      NONE,   2, 1, "push max(y, x)")                                   \
  X(RATIO,    MODE,   2, 1, "push x * y / 1e6 (y ratio, x money) rounded by a") \
  X(EQ,       NONE,   2, 1, "push y == x")                                      \
  X(NE,       NONE,   2, 1, "push y != x")                                      \
  X(LT,       NONE,   2, 1, "push y < x")                                       \
  X(LE,       NONE,   2, 1, "push y <= x")                                      \
  X(GT,       NONE,   2, 1, "push y > x")                                       \
  X(GE,       NONE,   2, 1, "push y >= x")                                      \
  X(NOT,      NONE,   1, 1, "push !x")                                          \
  X(INRANGE,  CONST2, 1, 1, "push K[a] <= x <= K[b]")                           \
  X(INSET,    K,      1, 1, "push bit x of the mask K[b] (0 if x outside 0..63)") \
  X(INWIN,    WINDOW, 1, 1, "push 1 if date x is payable in window W[b]")      \
  X(INCOLL,   NONE,   1, 1, "push 1 if date x is in the collection period")    \
  X(AGE,      NONE,   2, 1, "push whole years from birth y to date x")         \
  X(YEAR,     NONE,   1, 1, "push the year of date x")                          \
  X(MONTH,    NONE,   1, 1, "push the month (1-12) of date x")                  \
  X(DAY,      NONE,   1, 1, "push the day of month of date x")                  \
  X(EOM,      NONE,   1, 1, "push the last day of date x's month")              \
  X(MKDATE,   NONE,   3, 1, "pop d, m, y; push date(y, m, d) (invalid: error)") \
  X(ADDDAYS,  NONE,   2, 1, "push date y + x days")                             \
  X(ADDMONS,  NONE,   2, 1, "push date y + x months, clamped to month end")     \
  X(JMP,      JUMP,   0, 0, "pc += b")                                          \
  X(JMPF,     JUMP,   1, 0, "pop x; if !x: pc += b")                            \
  X(ANDJ,     JUMP,   1, 1, "if !x: pc += b (x stays) else pop x")              \
  X(ORJ,      JUMP,   1, 1, "if x: pc += b (x stays) else pop x")               \
  X(RET,      NONE,   1, 0, "end the section with result x")                    \
  X(CALL,     EXTERN, 0, 1, "pop the arguments of extern E[b]; push its result") \
  X(ANSWER,   ANSWER, 0, 1, "push the answer's figure a: 0 benefit_start, 1 benefit_end, " \
                            "2 waiting_months, 3 waiting_days (an after rule's when only)")

typedef enum {
#define POL_OP_ENUM(name, kind, pops, pushes, doc) OP_##name,
  POL_OPCODES(POL_OP_ENUM)
#undef POL_OP_ENUM
  OP__COUNT
} pol_opcode;

typedef enum {
  OPK_NONE, OPK_K, OPK_SLOT, OPK_BIT, OPK_JUMP, OPK_WINDOW, OPK_MODE, OPK_CONST2, OPK_EXTERN,
  OPK_ANSWER /* A: which figure of the answer, 0..ANSWER_FIGURES-1 */
} pol_operand_kind;
#define ANSWER_FIGURES 4

#define INSN(op, a, b) ((uint32_t)(op) | ((uint32_t)(a) << 8) | ((uint32_t)(b) << 16))
#define INSN_OP(i) ((i) & 0xffu)
#define INSN_A(i) (((i) >> 8) & 0xffu)
#define INSN_B(i) ((i) >> 16)

#endif
