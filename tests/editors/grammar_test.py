#!/usr/bin/env python3
"""grammar_test.py — the editor grammars recognise every token class of the lexer.

Run by tests/run.sh (make check) from the repository root, on every .pol file given
(default: policies/*.pol and examples/patterns/*.pol).

1. The keywords are read from lang/lexer.l (every `"word" { return X; }`); each must be
   in the TextMate grammar's keyword patterns and in a `syn keyword` list of the Vim
   syntax, so a keyword added to the lexer fails here until both grammars know it.
2. A reference scanner with the rules of lang/lexer.l (longest match, then rule order)
   cuts each policy into tokens: comments, strings, dates, money (a number and its unit
   yuan/元), percentages, numbers, keywords, identifiers, operators, punctuation.
3. The TextMate grammar (flat `match` patterns) is applied line by line as TextMate does:
   from the current position, the pattern whose match starts leftmost wins, ties to the
   earlier pattern.  The Vim syntax is applied as Vim does: at each column keywords first
   (a whole keyword-character word), then the last-defined `syn match` that matches there.
   Every character of every token must carry a scope of the token's class.
Exit 0 when all hold; else each failure is printed as FILE:LINE:COL and exit 1.
"""
import glob
import json
import re
import sys

ROOT = "."
fails = []


def fail(msg):
    fails.append(msg)


# ---- 1. keywords of the lexer --------------------------------------------------------
lexer = open(f"{ROOT}/lang/lexer.l", encoding="utf-8").read()
rules = lexer.split("%%")[1]
KEYWORDS = [w for w in re.findall(r'^"([a-z_]+)"\s', rules, re.M) if w.isalpha() or "_" in w]
if len(KEYWORDS) < 40:
    fail(f"lang/lexer.l: only {len(KEYWORDS)} keywords found; the test cannot read the lexer")

tm = json.load(open(f"{ROOT}/editors/textmate/pol.tmLanguage.json", encoding="utf-8"))
TM = [(p["name"], re.compile(p["match"])) for p in tm["patterns"]]
for k in KEYWORDS:
    owners = [n for n, r in TM if r.fullmatch(k) and not n.startswith("variable")]
    if not owners:
        fail(f"editors/textmate/pol.tmLanguage.json: keyword '{k}' of lang/lexer.l has no pattern")

vim = open(f"{ROOT}/editors/vim/syntax/pol.vim", encoding="utf-8").read()
VIM_KW = {}
for group, words in re.findall(r"^syn keyword (\w+) (.*)$", vim, re.M):
    for w in words.split():
        VIM_KW[w] = group
for k in KEYWORDS:
    if k not in VIM_KW:
        fail(f"editors/vim/syntax/pol.vim: keyword '{k}' of lang/lexer.l is in no `syn keyword`")


def vim_to_re(p):
    """A very-magic Vim pattern (the constructs pol.vim uses) as a Python regex."""
    assert p.startswith("\\v"), p
    p = p[2:]
    out, i, in_class = "", 0, False
    while i < len(p):
        c = p[i]
        if in_class:  # a [...] collection: literal but for its closing bracket
            out += c  # ranges and a final '-' mean the same in both
            in_class = c != "]"
            i += 1
            continue
        if c == "[":
            in_class = True
            out += c
            i += 1
            continue
        if c == "\\" and i + 1 < len(p):
            n = p[i + 1]
            out += {"<": "<", ">": ">", "=": "=", "%": "%", '"': '"', ".": "\\.",
                    "\\": "\\\\", "s": "\\s"}.get(n, "\\" + n)
            i += 2
            continue
        out += {"<": r"\b", ">": r"\b"}.get(c, c)
        i += 1
    return re.compile(out)


VIM_MATCH = []
for group, pat in re.findall(r'^syn match (\w+) "((?:[^"\\]|\\.)*)"', vim, re.M):
    VIM_MATCH.append((group, vim_to_re(pat) if pat.startswith("\\v") else re.compile(re.escape(pat))))

# ---- 2. the reference scanner (lang/lexer.l) -------------------------------------------
OPS = ["..", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "=", ":"]
PUNCT = ["(", ")", "{", "}", ","]
SCAN = [("ws", re.compile(r"[ \t\r\n]+")), ("comment", re.compile(r"#[^\n]*"))]
SCAN += [("keyword", re.compile(re.escape(k))) for k in KEYWORDS if k != "yuan"]
SCAN += [
    ("yuan", re.compile(r"yuan|元")),
    ("date", re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")),
    ("percent", re.compile(r"[0-9]+(?:\.[0-9]+)?%")),
    ("number", re.compile(r"[0-9]+(?:\.[0-9]+)?")),
    ("identifier", re.compile(r"[A-Za-z_][A-Za-z0-9_]*")),
    ("string", re.compile(r'"(?:[^"\\\n\x00-\x1f]|\\["\\n])*"')),
]
SCAN += [("operator", re.compile(re.escape(o))) for o in OPS]
SCAN += [("punct", re.compile(re.escape(o))) for o in PUNCT]


def scan(text, path):
    toks, pos = [], 0
    while pos < len(text):
        best = None
        for kind, r in SCAN:
            m = r.match(text, pos)
            if m and m.end() > pos and (best is None or m.end() > best[1]):
                best = (kind, m.end())
        if best is None:
            fail(f"{path}: offset {pos}: the reference scanner found no token (a bad policy?)")
            return toks
        if best[0] != "ws":
            toks.append([best[0], pos, best[1]])
        pos = best[1]
    # a number followed by its unit is money; the unit after a number too
    for i, t in enumerate(toks):
        if t[0] == "number" and i + 1 < len(toks) and toks[i + 1][0] == "yuan" and \
                text[t[2]:toks[i + 1][1]].strip(" \t") == "":
            t[0] = "money"
            toks[i + 1][0] = "money"
    return toks


# ---- 3. the grammars applied ------------------------------------------------------------
def textmate_scopes(text):
    scopes = [None] * len(text)
    start = 0
    for line in text.split("\n"):
        pos = 0
        while pos < len(line):
            best = None
            for name, r in TM:
                m = r.search(line, pos)
                if m and m.end() > m.start() and (best is None or m.start() < best[1].start()):
                    best = (name, m)
            if best is None:
                break
            name, m = best
            for i in range(m.start(), m.end()):
                scopes[start + i] = name
            pos = m.end()
        start += len(line) + 1
    return scopes


def vim_groups(text):
    groups = [None] * len(text)
    start = 0
    word = re.compile(r"[A-Za-z0-9_]+")
    for line in text.split("\n"):
        pos = 0
        while pos < len(line):
            w = word.match(line, pos)
            if w and (pos == 0 or not re.match(r"[A-Za-z0-9_]", line[pos - 1])) and \
                    w.group() in VIM_KW:
                for i in range(pos, w.end()):
                    groups[start + i] = VIM_KW[w.group()]
                pos = w.end()
                continue
            hit = None
            for group, r in VIM_MATCH:  # the last defined wins
                m = r.match(line, pos)
                if m and m.end() > pos:
                    hit = (group, m.end())
            if hit:
                for i in range(pos, hit[1]):
                    groups[start + i] = hit[0]
                pos = hit[1]
            else:
                pos += 1
        start += len(line) + 1
    return groups


TM_CLASS = {
    "comment": ("comment.",), "string": ("string.",), "date": ("constant.numeric.date",),
    "money": ("constant.numeric.money", "keyword.other.unit.money"),
    "yuan": ("keyword.other.unit.money",), "percent": ("constant.numeric.percent",),
    "number": ("constant.numeric.pol",),
    "keyword": ("storage.type", "keyword.other", "keyword.control", "keyword.operator.word",
                "constant.language"),
    "identifier": ("variable.other", "support.function"),
    "operator": ("keyword.operator.pol",), "punct": ("punctuation.",),
}
VIM_CLASS = {
    "comment": {"polComment"}, "string": {"polString"}, "date": {"polDate"},
    "money": {"polMoney", "polUnit"}, "yuan": {"polUnit"}, "percent": {"polPercent"},
    "number": {"polNumber"},
    "keyword": {"polDeclaration", "polOperatorWord", "polConditional", "polBoolean", "polKeyword"},
    "identifier": {"polIdentifier"}, "operator": {"polOperator"}, "punct": None,
}


def where(text, off):
    line = text.count("\n", 0, off) + 1
    col = off - (text.rfind("\n", 0, off) + 1) + 1
    return f"{line}:{col}"


files = sys.argv[1:] or sorted(glob.glob("policies/*.pol") + glob.glob("examples/patterns/*.pol"))
seen = set()
for path in files:
    text = open(path, encoding="utf-8").read()
    toks = scan(text, path)
    tms, vgs = textmate_scopes(text), vim_groups(text)
    for kind, a, b in toks:
        seen.add(kind)
        tok = text[a:b]
        for i in range(a, b):
            s = tms[i] or ""
            if not s.startswith(TM_CLASS[kind]):
                fail(f"{path}:{where(text, a)}: textmate: {kind} '{tok}' has scope '{s or 'none'}'")
                break
        if VIM_CLASS[kind] is not None:
            for i in range(a, b):
                if vgs[i] not in VIM_CLASS[kind]:
                    fail(f"{path}:{where(text, a)}: vim: {kind} '{tok}' is in group '{vgs[i]}'")
                    break
for kind in ("comment", "string", "date", "money", "number", "keyword", "identifier", "operator"):
    if kind not in seen:
        fail(f"no token of class {kind} in the policies tested")

for f in fails[:50]:
    print(f)
if fails:
    print(f"grammar_test: {len(fails)} failures")
    sys.exit(1)
print(f"grammar_test: {len(files)} policies, {len(KEYWORDS)} keywords, every token class recognised "
      "by the TextMate and Vim grammars")
