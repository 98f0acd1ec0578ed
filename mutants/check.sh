#!/usr/bin/env bash
# What CI runs of the mutation testing (no build): every mutant that mutants/equivalent.txt names
# still exists (names compared without their line:column, which move with every edit above them).
# The sample (mutants/sample.sh) and the whole run (mutants/rest.sh) are documented commands whose
# latest results are in mutants/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source mutants/lib.sh
all=$(cargo mutants --package zkrollup-spec --list | strip)
gone=$(comm -23 <(sort -u <<<"$listed") <(sort -u <<<"$all") | grep . || true)
if [ -n "$gone" ]; then
  echo "mutants/equivalent.txt names mutants that no longer exist:"; echo "$gone"; exit 1
fi
echo "equivalents listed: $(grep -c . <<<"$listed" || true), all among the $(grep -c . <<<"$all") mutants of the spec"
