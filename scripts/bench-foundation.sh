#!/usr/bin/env bash
# Measures the foundation on this machine, loopback only:
#   (a) time from process start to a ready /healthz on the public listener,
#       SQLite, an installation initialised beforehand (init's password
#       hashing is not counted): RUNS runs, min/median/max in ms;
#   (b) idle resident memory (VmRSS) 2 s after the server is ready.
# Builds the release binary first; DANGJIAN_BENCH_BIN=path uses an existing one.
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/dangjian-target}
RUNS=${RUNS:-20}
READY_TIMEOUT_S=30

bin=${DANGJIAN_BENCH_BIN:-}
if [ -z "$bin" ]; then
    cargo build --release --quiet
    bin=$CARGO_TARGET_DIR/release/dangjian
fi
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Settings come only from here: no dangjian.toml, no DANGJIAN_* variables.
for name in $(env | grep -o '^DANGJIAN_[A-Z_]*' || true); do unset "$name"; done
export DANGJIAN_DATA_DIR=$work/data
export DANGJIAN_LOG=warn

now_ns() { date +%s%N; }

# A free TCP port on 127.0.0.1 in the high range.
free_port() {
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "no free port found" >&2
    exit 1
}

# Starts the server on fresh ports; sets server_pid and public_port.
start_server() {
    public_port=$(free_port)
    local office_port
    office_port=$(free_port)
    "$bin" --public-addr "127.0.0.1:$public_port" --office-addr "127.0.0.1:$office_port" serve \
        >"$work/serve.out" 2>"$work/serve.err" &
    server_pid=$!
}

# Polls /healthz until it answers 200; fails after READY_TIMEOUT_S.
wait_ready() {
    local deadline=$(($(date +%s) + READY_TIMEOUT_S))
    until curl -sf --max-time 1 -o /dev/null "http://127.0.0.1:$public_port/healthz"; do
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "the server exited:" >&2
            cat "$work/serve.err" >&2
            exit 1
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "no ready /healthz within ${READY_TIMEOUT_S} s" >&2
            exit 1
        fi
        sleep 0.002
    done
}

stop_server() {
    kill -TERM "$server_pid"
    wait "$server_pid" || true
    server_pid=""
}

"$bin" init >/dev/null

times=()
for _ in $(seq 1 "$RUNS"); do
    started=$(now_ns)
    start_server
    wait_ready
    ready=$(now_ns)
    times+=($(((ready - started) / 1000000)))
    stop_server
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
count=${#sorted[@]}
if ((count % 2)); then
    median=${sorted[$((count / 2))]}
else
    median=$(((sorted[count / 2 - 1] + sorted[count / 2]) / 2))
fi

start_server
wait_ready
sleep 2
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status")
stop_server

echo "binary: $bin"
echo "start to ready /healthz (SQLite, initialised, $count runs): min ${sorted[0]} ms, median $median ms, max ${sorted[$((count - 1))]} ms"
echo "idle resident memory (VmRSS, 2 s after ready): $((rss_kb / 1024)) MiB ($rss_kb kB)"
