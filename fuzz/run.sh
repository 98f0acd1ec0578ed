#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds (default 20) from its committed corpus, new
# inputs going to a scratch corpus under /tmp; prints executions and rate per target and fails
# if any target found a crash (kept under fuzz/artifacts/<target>/).
#
#   bash fuzz/run.sh 20                 # CI
#   bash fuzz/run.sh 3600 decode_tx     # a long run of one target
#
# Two builds: the byte-level targets (decoders, harness JSON) with the address sanitizer and
# comparison tracing (cargo-fuzz's defaults); the differential targets, whose time goes to
# field arithmetic, without either (our crates forbid unsafe code, and instrumenting arkworks'
# Montgomery multiplication divided their rate by five), in their own target directory so the
# two sets of flags do not rebuild each other. The circuit and contract targets need the
# `heavy` feature (Groth16, revm). One thread per process (rayon), for per-core figures.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1 RAYON_NUM_THREADS=1
seconds="${1:-20}"
shift || true
bytes=(decode_tx decode_pubdata harness_json)
differential=(spec_vs_reference circuit_vs_spec contract_vs_spec)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${bytes[@]}" "${differential[@]}"); fi

is_differential() { [[ " ${differential[*]} " == *" $1 "* ]]; }
fast=(-s none --no-trace-compares --features heavy --target-dir target-fast)
built_bytes=0 built_fast=0
for target in "${targets[@]}"; do
  if is_differential "$target"; then
    [ $built_fast = 1 ] || { cargo fuzz build -O "${fast[@]}"; built_fast=1; }
    flags=("${fast[@]}")
  else
    [ $built_bytes = 1 ] || { cargo fuzz build -O; built_bytes=1; }
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
  if [ "$execs" = 0 ]; then
    echo "fuzz target $target ran no input (log: $log):"; tail -20 "$log"; exit 1
  fi
  if [ -n "$(ls "artifacts/$target" 2>/dev/null)" ]; then
    echo "fuzz target $target found a failure: fuzz/artifacts/$target/ (log: $log)"
    exit 1
  fi
done
