#!/usr/bin/env bash
# One shard of the mutation run over the spec, with the conformance vectors as the only oracle
# (.cargo/mutants.toml). Usage: mutants/run.sh K N   (shard K of N, consecutive slices).
# Results (the mutant names per outcome) go to mutants/results/shard-K-of-N/, to be committed.
# The whole run is 569 mutants at about 10-20 s each on 2 cores: run shards across sessions.
set -euo pipefail
cd "$(dirname "$0")/.."
k=${1:?shard index}; n=${2:?shard count}
command -v cargo-mutants >/dev/null || cargo install cargo-mutants --locked --version 27.1.0
out=$(mktemp -d)
# The baseline would run the spec package's own tests with the oracle's arguments; the oracle
# passing on the unmutated tree is checked by `cargo test` instead.
cargo mutants --package zkrollup-spec --baseline skip --timeout 240 --shard "$k/$n" --output "$out" || true
dest="mutants/results/shard-$k-of-$n"
mkdir -p "$dest"
for f in caught missed unviable timeout; do
  sort "$out/mutants.out/$f.txt" > "$dest/$f.txt" 2>/dev/null || : > "$dest/$f.txt"
done
wc -l "$dest"/*.txt
rm -rf "$out"
