#!/usr/bin/env bash
# CI's part of the mutation run (the whole run: mutants/rest.sh, mutants/results.py summary):
# 1. every mutant that mutants/equivalent.txt names still exists (names compared without their
#    line:column, which move with every edit above them);
# 2. a sample, the first shard of 57 (about 10 mutants): none may be missed unless it is listed
#    as equivalent, with its reason.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install cargo-mutants --locked --version 27.1.0
strip() { sed -E 's/^([^:]+):[0-9]+:[0-9]+: /\1: /'; }
listed=$(grep -v '^#' mutants/equivalent.txt | sed -E 's/ +# .*$//' | grep . | strip || true)
all=$(cargo mutants --package zkrollup-spec --list | strip)
gone=$(comm -23 <(sort -u <<<"$listed") <(sort -u <<<"$all") | grep . || true)
if [ -n "$gone" ]; then
  echo "mutants/equivalent.txt names mutants that no longer exist:"; echo "$gone"; exit 1
fi
echo "equivalents listed: $(grep -c . <<<"$listed" || true), all still exist"
out=$(mktemp -d)
cargo mutants --package zkrollup-spec --baseline skip --timeout 240 --shard 0/57 --output "$out" || true
cat "$out/mutants.out/outcomes.json" >/dev/null   # the run happened
missed=$(strip < "$out/mutants.out/missed.txt" | sort -u)
unexplained=$(comm -23 <(grep . <<<"$missed" || true) <(sort -u <<<"$listed") | grep . || true)
echo "sample: $(wc -l < "$out/mutants.out/caught.txt") caught, $(grep -c . <<<"$missed" || true) missed, $(wc -l < "$out/mutants.out/unviable.txt") unviable"
rm -rf "$out"
if [ -n "$unexplained" ]; then
  echo "missed mutants no vector catches (add a vector, or list them in mutants/equivalent.txt with the reason):"
  echo "$unexplained"; exit 1
fi
