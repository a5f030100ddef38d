#!/usr/bin/env bash
# Benchmarks/http.sh — the HTTP server under load, beside nginx in the same run.
#
# Goals (issue "HTTP"): a cached GET /api/v1/aggregates/body_year at 64
# connections on loopback reaches at least 0.7× the requests/s of nginx serving
# the same JSON bytes as a static file, with p99 under 5 ms; and 60 s at 256
# connections gives no errors, with quorum's resident memory flat and under 64 MB.
#
# Each 64-connection round is measured twice per server:
#   - at full load: every connection sends its next request as soon as the
#     answer is in, so the servers run flat out and the requests/s are theirs;
#     the latency then is mostly queueing, 64 requests waiting their turn;
#   - paced: each connection waits 3 ms after an answer (wrk's delay()), about
#     16,000 requests/s in all, well under either server's capacity; its p99 is
#     the latency of an answer when the server is not saturated.
# wrk runs one thread: on two cores a second client thread only takes the
# server's core, and the tail it measures is then the client's own.
#
#   Benchmarks/http.sh [SECONDS]     # length of each 64-connection round, default 15
#
# It builds quorum in release mode (.build-release), seeds the demo dataset into
# a throwaway embedded cluster, starts `quorum serve`, waits for the first
# snapshot, saves the aggregate's JSON bytes as a file that nginx (a temporary
# configuration, another loopback port) serves, then runs wrk against each
# server in turn, twice, and at last the 256-connection soak with the RSS of the
# quorum process read from /proc every 5 s. Needs wrk and nginx-light
# (apt-get install -y wrk nginx-light). The client shares the machine's cores
# with the server, for both servers alike.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "needs nginx: apt-get install -y nginx-light" >&2; exit 1; }
nginx=$(command -v nginx || echo /usr/sbin/nginx)

swift build -c release --product quorum --scratch-path .build-release >/dev/null
quorum=$PWD/.build-release/release/quorum
work=$(mktemp -d)
chmod 755 "$work"   # as root the embedded server runs as postgres, which must reach the cluster
export QUORUM_DATA_DIR=$work/data QUORUM_LOG_LEVEL=warning
quorum_port=18080 nginx_port=18081
path=/api/v1/aggregates/body_year

cleanup() {
    local status=$?
    set +e
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")"
    # quorum stops the embedded cluster it started on SIGTERM.
    [ -n "${server:-}" ] && kill "$server" && wait "$server"
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

"$quorum" seed --demo >/dev/null
"$quorum" serve --port $quorum_port 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$quorum_port/readyz" >/dev/null && break
    sleep 0.5
done
curl -fs "http://127.0.0.1:$quorum_port$path" -o "$work/body_year.json" || { cat "$work/serve.log" >&2; exit 1; }
mkdir -p "$work/www/api/v1/aggregates"
cp "$work/body_year.json" "$work/www/api/v1/aggregates/body_year"

cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types { }
    default_type application/json;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/www;
        etag on;
    }
}
CONF
"$nginx" -c "$work/nginx.conf" -p "$work"
sleep 0.5
cmp -s <(curl -fs "http://127.0.0.1:$nginx_port$path") "$work/body_year.json" || { echo "nginx serves other bytes" >&2; exit 1; }
echo "body: $(wc -c <"$work/body_year.json") bytes of JSON, the same from both servers"

echo 'function delay() return 3 end' >"$work/paced.lua"

# wrk's requests/s, p50 and p99 in milliseconds; more arguments go to wrk.
measure() {
    local port=$1 out
    shift
    out=$(wrk -t1 -c64 -d"${seconds}s" --latency "$@" "http://127.0.0.1:$port$path")
    local rps p50 p99 errors
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    ms() { awk -v p="$1" '$1 == p {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}' <<<"$out"; }
    p50=$(ms 50%) p99=$(ms 99%)
    errors=$(grep -E "Socket errors|Non-2xx" <<<"$out" | tr -s ' ' || true)
    echo "$rps $p50 $p99 ${errors:-no errors}"
}

echo "round  load    server  requests/s  p50 ms  p99 ms"
declare -a q_rps n_rps
row() { printf "%-6s %-7s %-7s %10.0f  %6.2f  %6.2f  %s\n" "$@"; }
for round in 1 2; do
    read -r rps p50 p99 rest < <(measure $quorum_port); q_rps+=("$rps")
    row "$round" full quorum "$rps" "$p50" "$p99" "$rest"
    read -r rps p50 p99 rest < <(measure $nginx_port); n_rps+=("$rps")
    row "$round" full nginx "$rps" "$p50" "$p99" "$rest"
    read -r rps p50 p99 rest < <(measure $quorum_port -s "$work/paced.lua")
    row "$round" paced quorum "$rps" "$p50" "$p99" "$rest"
    read -r rps p50 p99 rest < <(measure $nginx_port -s "$work/paced.lua")
    row "$round" paced nginx "$rps" "$p50" "$p99" "$rest"
done
awk -v q="${q_rps[*]}" -v n="${n_rps[*]}" 'BEGIN {
    split(q, qa, " "); split(n, na, " ")
    qs = (qa[1] + qa[2]) / 2; ns = (na[1] + na[2]) / 2
    printf "mean requests/s: quorum %.0f, nginx %.0f, ratio %.2f (goal >= 0.70)\n", qs, ns, qs / ns }'

echo "soak: 60 s at 256 connections; quorum RSS every 5 s"
rss() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$server/status"; }
echo "  before: $(rss) MB"
wrk -t2 -c256 -d60s --latency "http://127.0.0.1:$quorum_port$path" >"$work/soak.txt" &
load=$!
samples=()
for _ in $(seq 1 12); do sleep 5; samples+=("$(rss)"); done
wait $load
echo "  during: ${samples[*]} MB"
echo "  after:  $(rss) MB"
awk '/^Requests\/sec:|Socket errors|Non-2xx|^ +99%/' "$work/soak.txt" | sed 's/^ */  /'
grep -qE "Socket errors|Non-2xx" "$work/soak.txt" || echo "  no errors"
