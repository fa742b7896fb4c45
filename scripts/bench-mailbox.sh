#!/usr/bin/env bash
# Measures the public letter endpoint (部长信箱) under a burst and prints the
# figures recorded in docs/benchmarks.md ("Mailbox burst"): 1,000 POSTs to
# /mailbox/write from 50 client addresses (20 each, interleaved, 50 in
# flight) through a public listener that trusts loopback's
# X-Forwarded-For; total seconds, requests per second, latency p50/p99/max.
# The run is the test `mailbox_burst` in release mode, so the outcome is
# checked too: exactly 5 letters accepted per address (250), the other 750
# refused as rate-limited, all 250 stored.
#
# Runs on SQLite (a temporary directory), and also on PostgreSQL when
# DANGJIAN_BENCH_DATABASE_URL is set (a scratch schema, dropped afterwards):
#   DANGJIAN_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test scripts/bench-mailbox.sh
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/dangjian-target}
test_name=mailbox_burst::a_burst_of_letters_accepts_exactly_each_addresss_limit

# The test reads its database from this variable; the SQLite run must not
# inherit one from the caller's shell.
unset DANGJIAN_TEST_DATABASE_URL

cargo test --release --quiet --test office --no-run

# Runs the burst alone (nothing else in the process) and prints its figures;
# on a failure, the whole output and the failing status.
burst() {
    local out status=0
    out=$(cargo test --release --quiet --test office -- "$test_name" \
        --exact --nocapture --test-threads=1 2>&1) || status=$?
    grep -E '^mailbox burst|^test result' <<<"$out" || true
    if [ "$status" -ne 0 ]; then
        echo "$out" >&2
        return "$status"
    fi
}

echo "== SQLite"
burst

if [ -n "${DANGJIAN_BENCH_DATABASE_URL:-}" ]; then
    echo
    echo "== PostgreSQL"
    DANGJIAN_TEST_DATABASE_URL=$DANGJIAN_BENCH_DATABASE_URL burst
fi
