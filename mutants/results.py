#!/usr/bin/env python3
"""The committed mutation results, carried to the current tree.

Each results directory (mutants/results/NAME/) holds the mutants' names by outcome
(caught.txt, missed.txt, unviable.txt, timeout.txt) and `commit`: the commit whose spec they
were run on. A mutant's name includes its line and column, which move with every edit above
it, so a result is carried to HEAD through `git diff` of the spec between that commit and HEAD:
a mutant on an unchanged line keeps its result at the line's new number; a mutant on a changed
line has no result any more and is run again (rest.sh). A newer result replaces an older one.

    mutants/results.py summary      outcomes per file, and the missed mutants with no
                                    entry in equivalent.txt (exit 1 if any)
    mutants/results.py todo         the current mutants to run: those with no result, and the
                                    missed ones equivalent.txt does not explain (a vector may
                                    catch them now), one per line
"""

import os
import re
import subprocess
import sys
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTCOMES = ["caught", "missed", "unviable", "timeout"]
NAME = re.compile(r"^([^:]+):(\d+):(\d+): (.*)$")


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def line_maps(commit):
    """For each spec file changed since `commit`: a function from an old line number to the
    new one, or None where the line changed."""
    hunks = defaultdict(list)
    diff = git("diff", "-U0", commit, "HEAD", "--", "spec/src")
    path = None
    for line in diff.splitlines():
        if line.startswith("--- "):
            path = line[6:] if line.startswith("--- a/") else None
        m = re.match(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", line)
        if m and path:
            a, b, c, d = int(m[1]), int(m[2] or 1), int(m[3]), int(m[4] or 1)
            hunks[path].append((a, b, c, d))

    def mapper(path):
        hs = hunks.get(path)
        if hs is None:
            return lambda n: n

        def f(n):
            shift = 0
            for a, b, _, d in hs:
                # Old lines a .. a+b-1 became d new lines (b = 0: d lines inserted after line a).
                if b and a <= n < a + b:
                    return None
                if (b and n >= a + b) or (not b and n > a):
                    shift += d - b
            return n + shift

        return f

    return mapper


def carried():
    """Every result, carried to HEAD: name -> (outcome, results directory)."""
    out = {}
    base = os.path.join(ROOT, "mutants", "results")
    dirs = []
    for d in sorted(os.listdir(base)):
        commit_file = os.path.join(base, d, "commit")
        if not os.path.exists(commit_file):
            sys.exit(f"mutants/results/{d}/ has no `commit` file")
        commit = open(commit_file).read().strip()
        when = int(git("show", "-s", "--format=%ct", commit).strip())
        dirs.append((when, d, commit))
    for _, d, commit in sorted(dirs):
        mapper = line_maps(commit)
        for outcome in OUTCOMES:
            path = os.path.join(base, d, f"{outcome}.txt")
            if not os.path.exists(path):
                continue
            for name in open(path).read().splitlines():
                m = NAME.match(name)
                if not m:
                    continue
                new = mapper(m[1])(int(m[2]))
                if new is not None:
                    out[f"{m[1]}:{new}:{m[3]}: {m[4]}"] = (outcome, d)
    return out


def current():
    listed = subprocess.run(
        ["cargo", "mutants", "--package", "zkrollup-spec", "--list"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return [l for l in listed.splitlines() if l.strip()]


def strip(name):
    """A name without its line and column (equivalent.txt is compared so, as check.sh does)."""
    m = NAME.match(name)
    return f"{m[1]}: {m[4]}" if m else name


def equivalents():
    names = set()
    for line in open(os.path.join(ROOT, "mutants", "equivalent.txt")):
        if line.startswith("#") or not line.strip():
            continue
        names.add(strip(line.split("  # ")[0].strip()))
    return names


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else "summary"
    results = carried()
    now = current()
    if cmd == "todo":
        eq = equivalents()
        for name in now:
            outcome = results.get(name, (None,))[0]
            if outcome is None or (outcome == "missed" and strip(name) not in eq):
                print(name)
        return
    if cmd != "summary":
        sys.exit(__doc__)
    per_file = defaultdict(Counter)
    for name in now:
        outcome = results.get(name, ("not run", None))[0]
        per_file[NAME.match(name)[1]][outcome] += 1
    cols = OUTCOMES + ["not run"]
    print(f"{'file':<32}" + "".join(f"{c:>10}" for c in ["mutants"] + cols))
    total = Counter()
    for f in sorted(per_file):
        c = per_file[f]
        total.update(c)
        print(f"{f:<32}{sum(c.values()):>10}" + "".join(f"{c[k]:>10}" for k in cols))
    print(f"{'all':<32}{sum(total.values()):>10}" + "".join(f"{total[k]:>10}" for k in cols))
    eq = equivalents()
    missed = [n for n in now if results.get(n, ("",))[0] == "missed"]
    unexplained = [n for n in missed if strip(n) not in eq]
    print(f"\nmissed: {len(missed)}, of which listed as equivalent: {len(missed) - len(unexplained)}")
    gone = sorted(eq - {strip(n) for n in now})
    if gone:
        print("equivalent.txt names mutants that no longer exist:", *gone, sep="\n  ")
    if unexplained:
        print("missed mutants no vector catches and equivalent.txt does not explain:", *unexplained, sep="\n  ")
    sys.exit(1 if unexplained or gone else 0)


if __name__ == "__main__":
    main()
