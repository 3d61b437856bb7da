#!/usr/bin/env bash
# Builds every `cargo fuzz` target once, then runs each for a bounded time
# from its committed seed corpus (fuzz/corpus/<target>). Any crash, failed
# property (a panic), timeout or out-of-memory fails the step; libFuzzer saves
# the input in fuzz/artifacts/<target>/ and prints how to reproduce it:
#   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> fuzz/artifacts/<target>/<crash-file>
#
# cargo-fuzz passes nightly-only flags (-Zsanitizer, sanitizer coverage);
# CI has the stable toolchain only, so RUSTC_BOOTSTRAP=1 lets stable accept
# them. The fuzz crate is its own workspace with its own lock file and target
# directory (fuzz/target), outside the main build.
#
# Build flags: optimized, with debug assertions and overflow checks (an
# arithmetic overflow is a crash), no sanitizer: every crate of the workspace
# forbids `unsafe`, so AddressSanitizer would only watch dependencies while
# doubling build and run time; panics, failed assertions, overflows, timeouts
# and out-of-memory are all caught without it. 16 codegen units instead of
# cargo-fuzz's 1 make the cold build faster on 2 cores.
#
# FUZZ_SECONDS (default 25) is each target's run time.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-25}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
cargo fuzz --version

flags=(--debug-assertions --sanitizer none --codegen-units 16)
targets="$(cargo fuzz list)"
echo "targets: $(echo "$targets" | tr '\n' ' ')"

start=$SECONDS
cargo fuzz build "${flags[@]}"
echo "built in $((SECONDS - start)) s"

for target in $targets; do
    # New inputs go to a scratch corpus under fuzz/target (ignored by git);
    # the committed seeds are read only.
    scratch="fuzz/target/corpus/$target"
    mkdir -p "$scratch"
    echo "== fuzz $target (${seconds} s)"
    cargo fuzz run "${flags[@]}" "$target" "$scratch" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
echo "fuzzing done in $((SECONDS - start)) s"
