#!/usr/bin/env bash
# Measures the public portal on this machine, loopback only, and prints the
# figures recorded in docs/benchmarks.md:
#   1. `dangjian demo --articles N --no-serve` time (a fresh SQLite data dir);
#   2. a cached article page: requests per second at 64 connections and p99
#      latency, next to nginx serving the same bytes from a file, in one run
#      (ROUNDS rounds, alternating the two);
#   3. with the page cache off: median latency of an article page and of the
#      homepage at one connection (the render cost);
#   4. resident memory after the warm-cache load.
# Needs wrk and nginx (apt-get install wrk nginx-light).
#
# Pointing the same load at another server: BASE_URL=http://host:port
# PATHS="/ /article/1" scripts/bench-portal.sh  (skips steps 1, 3 and 4).
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/dangjian-target}
ARTICLES=${ARTICLES:-100000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-2}

for tool in wrk nginx curl; do
    command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install wrk nginx-light curl)" >&2; exit 1; }
done

# wrk's summary: requests/s and the 50%/99% latency lines, normalised to ms.
wrk_figures() {
    local output=$1
    local rps p50 p99
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$output")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$output")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$output")
    printf '%s %s %s\n' "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")"
}

to_ms() {
    local value=$1
    case $value in
        *us) awk -v v="${value%us}" 'BEGIN {printf "%.3f", v / 1000}' ;;
        *ms) awk -v v="${value%ms}" 'BEGIN {printf "%.3f", v}' ;;
        *s) awk -v v="${value%s}" 'BEGIN {printf "%.3f", v * 1000}' ;;
        *) echo "$value" ;;
    esac
}

load() {
    local threads=2
    [ "$1" -lt 2 ] && threads=1
    wrk -t"$threads" -c"$1" -d"$DURATION" --latency "$2"
}

if [ -n "${BASE_URL:-}" ]; then
    for path in ${PATHS:-/}; do
        read -r rps p50 p99 < <(wrk_figures "$(load "$CONNECTIONS" "$BASE_URL$path")")
        echo "$BASE_URL$path: $rps req/s, p50 $p50 ms, p99 $p99 ms ($CONNECTIONS connections)"
    done
    exit 0
fi

cargo build --release --quiet
bin=$CARGO_TARGET_DIR/release/dangjian
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

for name in $(env | grep -o '^DANGJIAN_[A-Z_]*' || true); do unset "$name"; done
export DANGJIAN_DATA_DIR=$work/data DANGJIAN_LOG=warn

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

started=$(date +%s%N)
"$bin" demo --articles "$ARTICLES" --no-serve >"$work/demo.log" 2>&1
demo_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "demo --articles $ARTICLES: $demo_ms ms"

serve() {
    local public=$1 office=$2
    "$bin" serve --public-addr "127.0.0.1:$public" --office-addr "127.0.0.1:$office" >"$work/serve-$public.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 300); do
        curl -fs "http://127.0.0.1:$public/healthz" >/dev/null && return 0
        sleep 0.1
    done
    echo "the server did not become ready" >&2
    exit 1
}

public=$(free_port); office=$(free_port)
serve "$public" "$office"
server_pid=${pids[-1]}
base="http://127.0.0.1:$public"
article=$(curl -fs "$base/" | grep -o 'href="/article/[0-9]*"' | head -n 1 | grep -o '/article/[0-9]*')
[ -n "$article" ] || { echo "no article link on the homepage" >&2; exit 1; }

# nginx serving the same bytes from a file, same connection count.
mkdir -p "$work/nginx/root" "$work/nginx/tmp"
curl -fs "$base$article" >"$work/nginx/root/article.html"
nginx_port=$(free_port)
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/tmp;
    proxy_temp_path $work/nginx/tmp;
    fastcgi_temp_path $work/nginx/tmp;
    uwsgi_temp_path $work/nginx/tmp;
    scgi_temp_path $work/nginx/tmp;
    default_type text/html;
    server { listen 127.0.0.1:$nginx_port; root $work/nginx/root; }
}
CONF
nginx -c "$work/nginx/nginx.conf"
trap 'nginx -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true; cleanup' EXIT

# The page must come from the cache: the second answer repeats the first's
# ETag.
etag() { curl -fsI "$base$article" | tr -d '\r' | awk -F': ' 'tolower($1) == "etag" {print $2}'; }
[ -n "$(etag)" ] && [ "$(etag)" = "$(etag)" ] || { echo "the article page is not cached" >&2; exit 1; }
# Rounds alternate the two servers (ours, nginx, nginx, ours, ...) so that
# load from elsewhere on a shared machine falls on both alike; the figures
# are the sums over the rounds and the worst p99.
ours_total=0; nginx_total=0; ours_p99=0; nginx_p99=0
for round in $(seq 1 "$ROUNDS"); do
    order="ours nginx"
    [ $((round % 2)) -eq 0 ] && order="nginx ours"
    for who in $order; do
        if [ "$who" = ours ]; then url=$base$article; else url=http://127.0.0.1:$nginx_port/article.html; fi
        read -r rps _ p99 < <(wrk_figures "$(load "$CONNECTIONS" "$url")")
        echo "  round $round, $who: $rps req/s, p99 $p99 ms"
        if [ "$who" = ours ]; then
            ours_total=$(awk -v a="$ours_total" -v b="$rps" 'BEGIN {print a + b}')
            ours_p99=$(awk -v a="$ours_p99" -v b="$p99" 'BEGIN {print (b > a) ? b : a}')
        else
            nginx_total=$(awk -v a="$nginx_total" -v b="$rps" 'BEGIN {print a + b}')
            nginx_p99=$(awk -v a="$nginx_p99" -v b="$p99" 'BEGIN {print (b > a) ? b : a}')
        fi
    done
done
ours_rps=$(awk -v a="$ours_total" -v n="$ROUNDS" 'BEGIN {printf "%.0f", a / n}')
nginx_rps=$(awk -v a="$nginx_total" -v n="$ROUNDS" 'BEGIN {printf "%.0f", a / n}')
ratio=$(awk -v a="$ours_total" -v b="$nginx_total" 'BEGIN {printf "%.2f", a / b}')
echo "cached article page ($CONNECTIONS connections): $ours_rps req/s, p99 $ours_p99 ms (mean of $ROUNDS rounds, worst p99)"
echo "nginx, same bytes from a file:              $nginx_rps req/s, p99 $nginx_p99 ms"
echo "ratio dangjian / nginx: $ratio"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")
echo "resident memory after the warm-cache load: $((rss / 1024)) MiB ($rss kB)"

# The render cost: the same pages with the page cache off, one connection.
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
public=$(free_port); office=$(free_port)
DANGJIAN_PAGE_CACHE=off serve "$public" "$office"
base="http://127.0.0.1:$public"
for path in "$article" "/"; do
    read -r rps p50 p99 < <(wrk_figures "$(load 1 "$base$path")")
    echo "uncached $path (1 connection): median $p50 ms, p99 $p99 ms, $rps req/s"
done
