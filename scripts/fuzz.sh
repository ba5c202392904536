#!/usr/bin/env bash
# Runs every fuzz target (fuzz/) for a bounded time, starting from the corpus kept in the
# repository (fuzz/corpus/<target>). .ci/run calls it; by hand: `scripts/fuzz.sh 300` gives each
# target five minutes, `scripts/fuzz.sh 60 rich_text` one target a minute.
#
# cargo fuzz builds with libFuzzer's coverage instrumentation. `-s none`: no AddressSanitizer,
# which needs a nightly compiler; the code fuzzed is safe Rust, and this machine's toolchain is
# used as it is. A crash, a panic, a run past 2 GiB of memory or a single allocation past
# 512 MiB (an upload that makes a parser allocate as if it were huge: issue 16, finding 5), or
# one input taking more than 10 s, fails the run and leaves the input in fuzz/artifacts/.
# Run by hand, the inputs that reach new code are added to fuzz/corpus/<target>: commit them
# after a long run (`cargo fuzz cmin -s none <target>` first keeps the corpus small). Under CI
# (CI set) they go to a scratch folder, so a CI run leaves the repository as it was.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
shift || true
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz from crates.io"
    cargo install cargo-fuzz --locked --version 0.13.2
fi
targets=("$@")
if ((${#targets[@]} == 0)); then
    mapfile -t targets < <(cargo fuzz list)
fi
# The fuzz build has flags of its own: it keeps its files apart from the tests' in target/fuzz.
cargo fuzz build -s none --target-dir target/fuzz
for t in "${targets[@]}"; do
    echo "==> fuzzing $t for ${seconds} s"
    mkdir -p "fuzz/corpus/$t"
    # libFuzzer writes what it finds to the first folder and reads the others too.
    dirs=("fuzz/corpus/$t")
    seed=()
    if [[ -n "${CI:-}" ]]; then
        # A fixed seed: CI repeats the same search, so a run fails for a change, not for luck.
        # Open-ended searches are by hand (they found the redaction fault in docs/SECURITY.md).
        dirs=("$(mktemp -d)" "fuzz/corpus/$t")
        seed=(-seed="${FUZZ_SEED:-1}")
    fi
    cargo fuzz run -s none --target-dir target/fuzz "$t" "${dirs[@]}" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 \
        -max_len=262144 -print_final_stats=1 "${seed[@]}"
    if [[ -n "${CI:-}" ]]; then
        rm -rf "${dirs[0]}"
    fi
done
