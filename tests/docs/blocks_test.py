#!/usr/bin/env python3
"""blocks_test.py — every code block of the docs that is a policy is compiled and tested.

Run by tests/run.sh (make check) from the repository root with POLC set.  In README.md and
docs/*.md, a fenced block tagged `pol` is a complete policy: it is written to a file and
`polc test` must pass (it compiles and runs its examples; none is fine) and so must
`polc fmt --check`.  A block tagged
`pol-fragment` is part of a policy, shown on its own; tagged `pol-fragment FILE` it is an
excerpt of FILE (a policy make check tests), and each of its lines must be found in FILE
in order (trailing comments aside; a line with … marks an elision), so that the excerpt
cannot drift from the tested policy.
Any other block whose first line of code starts with a declaration keyword looks like a
policy and fails the test until it is tagged one way or the other.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

POLC = os.environ.get("POLC", "build/polc")
DECL = re.compile(r"^(policy|const|let|attribute|identity|source|category|choose|collection|"
                  r"window|restate|rule|addon|unlisted|example)\b")
def code_of(line):
    """A line without its trailing comment (a # after the last string) and blanks."""
    return re.sub(r'\s*#[^"]*$', "", line).strip()


FENCE = re.compile(r"^```(.*)$")
fails, compiled, fragments = [], 0, 0
tmp = tempfile.mkdtemp()
for path in ["README.md"] + sorted(glob.glob("docs/*.md")):
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        tag, start = m.group(1).strip(), i + 1
        j = start
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        body = "\n".join(lines[start:j]) + "\n"
        code = [l for l in lines[start:j] if l.strip() and not l.lstrip().startswith("#")]
        looks = bool(code) and DECL.match(code[0].lstrip())
        where = f"{path}:{start}"
        if tag == "pol":
            name = os.path.join(tmp, f"block{compiled}.pol")
            open(name, "w", encoding="utf-8").write(body)
            r = subprocess.run([POLC, "test", name], capture_output=True, text=True)
            if r.returncode != 0:
                fails.append(f"{where}: the `pol` block does not pass polc test:\n{r.stdout}{r.stderr}")
            r = subprocess.run([POLC, "fmt", "--check", name], capture_output=True, text=True)
            if r.returncode != 0:
                fails.append(f"{where}: the `pol` block is not in polc fmt's layout")
            compiled += 1
        elif tag.startswith("pol-fragment"):
            fragments += 1
            src = tag[len("pol-fragment"):].strip()
            if src:
                try:
                    text = [code_of(l) for l in open(src, encoding="utf-8").read().split("\n")]
                except OSError:
                    fails.append(f"{where}: the excerpt names {src}, which cannot be read")
                    text = []
                k = 0
                for l in lines[start:j]:
                    if not code_of(l) or "…" in l:
                        continue
                    while k < len(text) and text[k] != code_of(l):
                        k += 1
                    if k == len(text):
                        fails.append(f"{where}: the excerpt of {src} has a line it does not: {l.strip()}")
                        break
                    k += 1
        elif looks:
            fails.append(f"{where}: a policy block tagged '{tag}': tag it `pol` (compiled and "
                         "tested) or `pol-fragment`")
        i = j + 1
for f in fails:
    print(f)
if fails:
    sys.exit(1)
print(f"blocks_test: {compiled} policy blocks pass polc test, {fragments} fragments marked")
