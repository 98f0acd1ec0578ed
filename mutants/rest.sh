#!/usr/bin/env bash
# Run the mutants of the current tree that have no committed result (mutants/results.py todo:
# results carry across edits through git diff; a mutant on a changed line runs again), and the
# missed ones equivalent.txt does not explain, optionally only those matching a regex.
# Usage: mutants/rest.sh LABEL [NAME-REGEX]   e.g.  mutants/rest.sh l1 'spec/src/l1\.rs'
# Results go to mutants/results/LABEL/ with the commit they ran on (to be committed);
# `mutants/results.py summary` adds everything up. Run it on a clean, committed tree.
set -euo pipefail
cd "$(dirname "$0")/.."
label=${1:?label}; only=${2:-.}
source mutants/lib.sh   # cargo-mutants, pinned
git diff --quiet HEAD -- spec || { echo "the spec has uncommitted changes: results would name no commit"; exit 2; }
todo=$(python3 mutants/results.py todo | grep -E -- "$only" || true)
[ -n "$todo" ] || { echo "every mutant matching '$only' has a result"; exit 0; }
echo "$(grep -c . <<<"$todo") mutants to run"
# One anchored, escaped regex per mutant name.
args=()
while IFS= read -r name; do
  args+=(-F "^$(sed -E 's/[][\\.+*?(){}|^$#&~-]/\\&/g' <<<"$name")\$")
done <<<"$todo"
out=$(mktemp -d)
cargo mutants --package zkrollup-spec --baseline skip --timeout 240 "${args[@]}" --output "$out" || true
dest="mutants/results/$label"
mkdir -p "$dest"
git rev-parse HEAD > "$dest/commit"
for f in caught missed unviable timeout; do
  sort "$out/mutants.out/$f.txt" > "$dest/$f.txt" 2>/dev/null || : > "$dest/$f.txt"
done
wc -l "$dest"/*.txt
rm -rf "$out"
