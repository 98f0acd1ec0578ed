#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds (default 20) from its committed corpus, new
# inputs going to a scratch corpus under /tmp; prints executions and rate per target and fails
# if any target found a crash (kept under fuzz/artifacts/<target>/).
#
#   bash fuzz/run.sh 20                 # CI
#   bash fuzz/run.sh 3600 decode_tx     # a long run of one target
#
# The decoder and spec targets build with the address sanitizer (the default); the circuit and
# contract targets (feature `heavy`: Groth16 and revm) build without a sanitizer: our crates
# forbid unsafe code, and instrumenting arkworks and revm divides their rate by several.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
seconds="${1:-20}"
shift || true
light=(decode_tx decode_pubdata harness_json spec_vs_reference)
heavy=(circuit_vs_spec contract_vs_spec)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${light[@]}" "${heavy[@]}"); fi

is_heavy() { [[ " ${heavy[*]} " == *" $1 "* ]]; }
built_light=0 built_heavy=0
for target in "${targets[@]}"; do
  if is_heavy "$target"; then
    [ $built_heavy = 1 ] || { cargo fuzz build -O -s none --features heavy; built_heavy=1; }
    flags=(-s none --features heavy)
  else
    [ $built_light = 1 ] || { cargo fuzz build -O; built_light=1; }
    flags=()
  fi
  scratch="/tmp/zkrollup-fuzz-$target"
  mkdir -p "$scratch"
  log="$scratch.log"
  cargo fuzz run -O "${flags[@]}" "$target" "$scratch" "corpus/$target" -- \
    -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 || true
  execs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$log" | grep -oE "[0-9]+$" || echo 0)
  rate=$(grep -oE "stat::average_exec_per_sec: *[0-9]+" "$log" | grep -oE "[0-9]+$" || echo 0)
  cov=$(grep -oE "cov: [0-9]+" "$log" | tail -1 | grep -oE "[0-9]+" || echo "?")
  printf '%-20s %12s executions in %ss, %8s/s, coverage %s edges\n' "$target" "$execs" "$seconds" "$rate" "$cov"
  grep -E "panicked|SUMMARY" "$log" || true
  if [ -n "$(ls "artifacts/$target" 2>/dev/null)" ]; then
    echo "fuzz target $target found a failure: fuzz/artifacts/$target/ (log: $log)"
    exit 1
  fi
done
