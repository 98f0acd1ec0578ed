#!/usr/bin/env bash
# Run the mutants of the current tree that no committed result names yet (mutants/results/*/,
# matched by full name, line:column included), optionally only those whose name matches a
# regex. Usage: mutants/rest.sh LABEL [NAME-REGEX]   e.g.  mutants/rest.sh l1-final 'spec/src/l1\.rs'
# Results go to mutants/results/LABEL/ (to be committed); mutants/summary.sh adds them up.
# Stop it at any time: what finished is in LABEL/ only at the end, so run it on small regexes
# when a session is short.
set -euo pipefail
cd "$(dirname "$0")/.."
label=${1:?label}; only=${2:-.}
command -v cargo-mutants >/dev/null || cargo install cargo-mutants --locked --version 27.1.0
done_list=$(mktemp)
cat mutants/results/*/{caught,missed,unviable,timeout}.txt 2>/dev/null | sort -u > "$done_list"
todo=$(cargo mutants --package zkrollup-spec --list | grep -E -- "$only" | sort -u | comm -23 - "$done_list")
rm -f "$done_list"
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
for f in caught missed unviable timeout; do
  sort "$out/mutants.out/$f.txt" > "$dest/$f.txt" 2>/dev/null || : > "$dest/$f.txt"
done
wc -l "$dest"/*.txt
rm -rf "$out"
