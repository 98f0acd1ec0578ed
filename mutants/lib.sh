# Sourced by check.sh, sample.sh and rest.sh: cargo-mutants (pinned), and the equivalents list.
command -v cargo-mutants >/dev/null || cargo install cargo-mutants --locked --version 27.1.0
# A mutant's name without its line:column.
strip() { sed -E 's/^([^:]+):[0-9]+:[0-9]+: /\1: /'; }
listed=$(grep -v '^#' mutants/equivalent.txt | sed -E 's/ +# .*$//' | grep . | strip || true)
