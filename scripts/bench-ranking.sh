#!/usr/bin/env bash
# Measures the upload ranking and the documents built on it and prints the
# figures recorded in docs/benchmarks.md ("Review and ranking"): a fresh
# installation with 200 authors, ARTICLES articles (default 100,000) and a
# year of their review timeline, adoptions and 批示; then the median and
# p95 of RUNS runs (default 20) of the ranking of the year, its SQL alone,
# the ranking of a quarter, the quarterly bulletin and the annual
# assessment.
#
# Runs on SQLite (a temporary directory), and also on PostgreSQL when
# DANGJIAN_BENCH_DATABASE_URL is set (a scratch schema in that database,
# dropped afterwards), e.g.
#   DANGJIAN_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test scripts/bench-ranking.sh
# KEEP=1 keeps the databases for EXPLAIN (their location is printed).
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/dangjian-target}
ARTICLES=${ARTICLES:-100000}
RUNS=${RUNS:-20}

cargo build --release --quiet -p dangjian-app --example bench_ranking
bin=$CARGO_TARGET_DIR/release/examples/bench_ranking
args=(--articles "$ARTICLES" --runs "$RUNS")
if [ -n "${KEEP:-}" ]; then args+=(--keep); fi

echo "== SQLite"
"$bin" "${args[@]}"

if [ -n "${DANGJIAN_BENCH_DATABASE_URL:-}" ]; then
    echo
    echo "== PostgreSQL"
    "$bin" "${args[@]}" --database-url "$DANGJIAN_BENCH_DATABASE_URL"
fi
