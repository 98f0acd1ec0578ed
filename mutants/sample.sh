#!/usr/bin/env bash
# A sample of the mutation run: one shard of 57 of the spec's mutants (about 10; the first by
# default), run against the committed vectors; none may be missed unless mutants/equivalent.txt
# lists it with its reason. Builds a copy of the tree (a few minutes cold), so it is a documented
# command, not a CI step; its latest result is in mutants/README.md.
# Usage: mutants/sample.sh [SHARD] (default 0).
set -euo pipefail
cd "$(dirname "$0")/.."
source mutants/lib.sh
shard="${1:-0}"
out=$(mktemp -d)
cargo mutants --package zkrollup-spec --baseline skip --timeout 240 --shard "$shard/57" --output "$out" || true
cat "$out/mutants.out/outcomes.json" >/dev/null   # the run happened
missed=$(strip < "$out/mutants.out/missed.txt" | sort -u)
unexplained=$(comm -23 <(grep . <<<"$missed" || true) <(sort -u <<<"$listed") | grep . || true)
echo "sample $shard/57 at $(git rev-parse --short HEAD): $(wc -l < "$out/mutants.out/caught.txt") caught, $(grep -c . <<<"$missed" || true) missed, $(wc -l < "$out/mutants.out/unviable.txt") unviable"
rm -rf "$out"
if [ -n "$unexplained" ]; then
  echo "missed mutants no vector catches (add a vector, or list them in mutants/equivalent.txt with the reason):"
  echo "$unexplained"; exit 1
fi
