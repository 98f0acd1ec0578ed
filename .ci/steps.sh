# Sourced by .ci/run and .ci/full: `step NAME` starts a timed step; at exit, whether the run
# passed or failed, a table of every step's time (and the step that failed).
names=() secs=() current="" started=$(date +%s) run_started=$(date +%s)
finish() {
  [ -n "$current" ] || return 0
  names+=("$current") secs+=($(($(date +%s) - started)))
  current=""
}
step() {
  finish
  current="$*" started=$(date +%s)
  printf '\n=== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"
}
summary() {
  local status=$? failed="$current"
  finish
  printf '\n=== summary at %s (%s)\n\n| step | time |\n|---|---|\n' "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" \
    "$([ $status = 0 ] && echo passed || echo "FAILED in: $failed")"
  for i in "${!names[@]}"; do printf '| %s | %dm %02ds |\n' "${names[$i]}" $((secs[i] / 60)) $((secs[i] % 60)); done
  local total=$(($(date +%s) - run_started))
  printf '| **total** | **%dm %02ds** |\n' $((total / 60)) $((total % 60))
}
trap summary EXIT
