#!/usr/bin/env bash
# Three Quorum replicas behind nginx on one machine — the way to see, and to
# test, what running Quorum on more than one machine does.
#
#   Deploy/replicas.sh start    one PostgreSQL (a throwaway cluster on 127.0.0.1),
#                               the demo data, three `quorum serve` on ports
#                               8081–8083, nginx on 8080 in front of them
#   Deploy/replicas.sh status   who runs, who leads, what nginx answers
#   Deploy/replicas.sh check    kills the leader with SIGKILL and shows another
#                               replica take over while nginx keeps answering
#   Deploy/replicas.sh stop     stops everything and removes the directory
#
# Settings (environment): QUORUM (the quorum executable; default: the newest of
# .build/release/quorum and .build/debug/quorum), QUORUM_REPLICAS_DIR (default
# /tmp/quorum-replicas), QUORUM_REPLICAS_HTTP_PORT (nginx, 8080),
# QUORUM_REPLICAS_FIRST_PORT (the replicas: it and the next two, 8081),
# QUORUM_REPLICAS_PG_PORT (55432). Needs PostgreSQL's server programs, nginx,
# curl (scripts/bootstrap installs them). As root, PostgreSQL runs as the user
# postgres and nginx's workers as www-data.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
run=${QUORUM_REPLICAS_DIR:-/tmp/quorum-replicas}
http_port=${QUORUM_REPLICAS_HTTP_PORT:-8080}
pg_port=${QUORUM_REPLICAS_PG_PORT:-55432}
first_port=${QUORUM_REPLICAS_FIRST_PORT:-8081}
replica_ports=("$first_port" $((first_port + 1)) $((first_port + 2)))
# LeaderElection's advisory lock: pg_try_advisory_lock(0x71756f72, 1).
lock_class=$((0x71756f72))

say() { printf '%s\n' "$*" >&2; }
fail() { say "replicas.sh: $*"; exit 1; }

quorum_executable() {
    if [ -n "${QUORUM:-}" ]; then echo "$QUORUM"; return; fi
    local newest="" candidate
    for candidate in "$root/.build/release/quorum" "$root/.build/debug/quorum"; do
        if [ -x "$candidate" ] && { [ -z "$newest" ] || [ "$candidate" -nt "$newest" ]; }; then newest=$candidate; fi
    done
    [ -n "$newest" ] || fail "no quorum executable: run 'swift build -c release' first, or set QUORUM"
    echo "$newest"
}

pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$dir" ] || dir=$(dirname "$(command -v initdb 2>/dev/null || fail "PostgreSQL's server programs are missing (apt-get install postgresql)")")
    echo "$dir"
}

# PostgreSQL refuses to run as root: as root, it runs as postgres.
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

database_url() { echo "postgresql://quorum@127.0.0.1:$pg_port/quorum"; }

psql_query() { "$(pg_bindir)/psql" "$(database_url)" -X -A -t -q -c "$1"; }

# The application_name of the session that holds the leader lock ("" if none).
leader() {
    psql_query "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $lock_class AND l.objid = 1 AND l.objsubid = 2"
}

has_leader() { [ -n "$(leader)" ]; }

start_replica() {
    local n=$1 port=${replica_ports[$(($1 - 1))]} directory="$run/replica$1"
    mkdir -p "$directory"
    chmod 755 "$directory"
    # application_name tells the replicas apart in pg_stat_activity.
    nohup "$(quorum_executable)" serve --database-url "$(database_url)?application_name=quorum-replica-$n" \
        --data-dir "$directory" --host 127.0.0.1 --port "$port" >>"$directory/serve.log" 2>&1 &
    echo $! >"$directory/pid"
    say "replica $n: pid $!, http://127.0.0.1:$port/, log $directory/serve.log"
}

start_postgres() {
    local bin directory="$run/postgres"
    bin=$(pg_bindir)
    mkdir -p "$directory"
    chmod 755 "$run"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$directory"
    as_postgres "$bin/initdb" --pgdata="$directory/data" --username=quorum --auth=trust --encoding=UTF8 \
        --no-instructions >"$run/initdb.log" 2>&1 || fail "initdb failed; see $run/initdb.log"
    # Loopback and a socket in its own directory only: nothing else reaches it.
    as_postgres "$bin/pg_ctl" --pgdata="$directory/data" --log="$directory/server.log" --wait \
        --options="-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$directory" start >/dev/null \
        || fail "PostgreSQL did not start; see $directory/server.log"
    "$bin/createdb" --host=127.0.0.1 --port="$pg_port" --username=quorum quorum
    say "PostgreSQL: $(database_url)"
}

# nginx from Deploy/nginx/quorum.conf, its paths and ports rewritten for $run.
start_nginx() {
    local directory="$run/nginx" user=""
    mkdir -p "$directory/cache" "$directory/temp"
    if [ "$(id -u)" -eq 0 ]; then
        user="user www-data www-data;"
        chown www-data: "$directory/cache" "$directory/temp"
    fi
    sed -e "s|/var/lib/quorum/site/current|$run/replica1/site/current|" \
        -e "s|/var/cache/nginx/quorum|$directory/cache|" \
        -e "s|/etc/nginx/quorum-proxy.conf|$root/Deploy/nginx/quorum-proxy.conf|" \
        -e "s|listen 8080;|listen 127.0.0.1:$http_port;|" \
        -e "/listen \[::\]:8080;/d" \
        -e "s|127.0.0.1:8081 |127.0.0.1:${replica_ports[0]} |" \
        -e "s|127.0.0.1:8082 |127.0.0.1:${replica_ports[1]} |" \
        -e "s|127.0.0.1:8083 |127.0.0.1:${replica_ports[2]} |" \
        "$root/Deploy/nginx/quorum.conf" >"$directory/quorum.conf"
    cat >"$directory/nginx.conf" <<EOF
$user
worker_processes 1;
pid $directory/nginx.pid;
error_log $directory/error.log;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    types { text/csv csv; }
    default_type application/octet-stream;
    access_log $directory/access.log;
    client_body_temp_path $directory/temp/body;
    proxy_temp_path $directory/temp/proxy;
    fastcgi_temp_path $directory/temp/fastcgi;
    uwsgi_temp_path $directory/temp/uwsgi;
    scgi_temp_path $directory/temp/scgi;
    include $directory/quorum.conf;
}
EOF
    nginx -q -t -c "$directory/nginx.conf" -p "$directory" || fail "the generated nginx configuration is invalid: $directory/nginx.conf"
    nginx -c "$directory/nginx.conf" -p "$directory"
    say "nginx: http://127.0.0.1:$http_port/ (site from replica 1, API from all three)"
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND…
    local seconds=$1 what=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || { say "timed out waiting for $what"; return 1; }
        sleep 0.2
    done
}

# Lines of each replica's log when the leader was killed (check).
declare -a log_lines
log_since_kill_says() { tail -n +$((log_lines[$1] + 1)) "$run/replica$1/serve.log" | grep -q "$2"; }

elapsed_since() { awk -v from="$1" -v now="$EPOCHREALTIME" 'BEGIN { printf "%.1f", now - from }'; }

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

start() {
    [ ! -e "$run" ] || fail "$run exists: run 'Deploy/replicas.sh stop' first"
    command -v nginx >/dev/null || fail "nginx is missing (apt-get install nginx-light)"
    command -v curl >/dev/null || fail "curl is missing (apt-get install curl)"
    mkdir -p "$run"
    start_postgres
    "$(quorum_executable)" seed --demo --database-url "$(database_url)" --data-dir "$run/seed" >"$run/seed.log" 2>&1 \
        || fail "seeding failed; see $run/seed.log"
    say "demo data loaded"
    for n in 1 2 3; do start_replica "$n"; done
    start_nginx
    wait_for 30 "a leader" has_leader || true
    status
    wait_for 60 "nginx to answer /readyz" http_ok "http://127.0.0.1:$http_port/readyz" \
        || fail "nginx does not answer /readyz; see $run/replica*/serve.log and $run/nginx/error.log"
    say "ready: http://127.0.0.1:$http_port/"
}

status() {
    local n pid state
    for n in 1 2 3; do
        pid=$(cat "$run/replica$n/pid" 2>/dev/null || echo "")
        state="stopped"
        [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && state="running (pid $pid)"
        say "replica $n on ${replica_ports[$((n - 1))]}: $state"
    done
    say "leader: $(leader || echo "unknown: PostgreSQL does not answer")"
    for path in /healthz /readyz /api/v1/aggregates; do
        say "nginx $path: $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$http_port$path" || true)"
    done
}

# Kills the leader with SIGKILL; another replica must hold the lock and act as
# leader within a few seconds, while nginx answers every probe with 200.
check() {
    [ -d "$run" ] || fail "nothing runs: 'Deploy/replicas.sh start' first"
    local before n pid probes="$run/check-probes.log" after="" started prober failures
    before=$(leader)
    [ -n "$before" ] || fail "no replica holds the leader lock"
    n=${before##*-}
    pid=$(cat "$run/replica$n/pid")
    say "leader: replica $n (pid $pid)"

    # Probe nginx all through the takeover: every answer is logged.
    : >"$probes"
    (
        while :; do
            for path in /healthz /api/v1/aggregates; do
                echo "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$http_port$path") $path" >>"$probes"
            done
            sleep 0.1
        done
    ) &
    prober=$!
    trap 'kill $prober 2>/dev/null || true' EXIT

    local replica
    for replica in 1 2 3; do log_lines[$replica]=$(wc -l <"$run/replica$replica/serve.log"); done
    started=$EPOCHREALTIME
    kill -KILL "$pid"
    say "killed replica $n with SIGKILL"
    local deadline=$((SECONDS + 15))
    while [ $SECONDS -lt $deadline ]; do
        after=$(leader)
        if [ -n "$after" ] && [ "$after" != "$before" ]; then break; fi
        after=""
        sleep 0.1
    done
    [ -n "$after" ] || fail "no other replica took the leader lock within 15 s"
    local m=${after##*-}
    say "replica $m holds the leader lock after $(elapsed_since "$started") s"
    # It acts as leader two heartbeats after taking the lock; its log says so
    # (in lines written since the kill: it may have led before).
    wait_for 10 "replica $m to act as leader" log_since_kill_says "$m" "leader: this process now aggregates" \
        || fail "replica $m holds the lock but did not start acting as leader"
    say "replica $m acts as leader after $(elapsed_since "$started") s"

    sleep 2
    kill "$prober" 2>/dev/null || true
    trap - EXIT
    failures=$(grep -vc '^200 ' "$probes" || true)
    say "nginx answered $(wc -l <"$probes") probes of /healthz and /api/v1/aggregates during the takeover; not 200: $failures"
    start_replica "$n"
    [ "$failures" -eq 0 ] || { grep -v '^200 ' "$probes" | sort | uniq -c >&2; fail "nginx did not keep answering"; }
    say "takeover check passed"
}

stop() {
    local n pid
    for n in 1 2 3; do
        pid=$(cat "$run/replica$n/pid" 2>/dev/null || true)
        [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
    done
    for n in 1 2 3; do
        pid=$(cat "$run/replica$n/pid" 2>/dev/null || true)
        [ -n "$pid" ] || continue
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        if kill -0 "$pid" 2>/dev/null; then
            say "replica $n (pid $pid) did not stop within 10 s of SIGTERM; killed. The end of its log:"
            tail -n 20 "$run/replica$n/serve.log" >&2 || true
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    [ -f "$run/nginx/nginx.pid" ] && nginx -c "$run/nginx/nginx.conf" -p "$run/nginx" -s quit 2>/dev/null || true
    [ -d "$run/postgres/data" ] && as_postgres "$(pg_bindir)/pg_ctl" --pgdata="$run/postgres/data" --mode=fast --wait stop >/dev/null 2>&1 || true
    rm -rf "$run"
    say "stopped; $run removed"
}

case "${1:-}" in
    start) start ;;
    status) status ;;
    check) check ;;
    stop) stop ;;
    *) say "usage: Deploy/replicas.sh start|status|check|stop"; exit 64 ;;
esac
