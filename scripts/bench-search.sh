#!/usr/bin/env bash
# Measures search on the demo site and prints the figures recorded in
# docs/benchmarks.md ("Search"): a fresh installation with `demo
# --articles ARTICLES` (default 100,000), the full index build (items/s),
# the index size, p50/p99 of 200 realistic queries with highlighting, the
# resident memory, and the same queries through the database's own
# full-text search (SQLite FTS5 trigram; PostgreSQL to_tsvector('simple')).
#
# Runs on SQLite (a temporary directory), and also on PostgreSQL when
# DANGJIAN_BENCH_DATABASE_URL is set (a scratch schema, dropped afterwards):
#   DANGJIAN_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test scripts/bench-search.sh
# The engine alone, on synthetic documents:
#   cargo run --release -p dangjian-search --example bench_search
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/dangjian-target}
ARTICLES=${ARTICLES:-100000}

cargo build --release --quiet -p dangjian-app --example bench_search
bin=$CARGO_TARGET_DIR/release/examples/bench_search

echo "== SQLite"
"$bin" --articles "$ARTICLES"

if [ -n "${DANGJIAN_BENCH_DATABASE_URL:-}" ]; then
    echo
    echo "== PostgreSQL"
    "$bin" --articles "$ARTICLES" --database-url "$DANGJIAN_BENCH_DATABASE_URL"
fi
