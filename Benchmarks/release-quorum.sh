# Sourced by the benchmark scripts: builds quorum in release mode (.build-release),
# sets $quorum to it and $work to a scratch directory whose embedded cluster
# ($QUORUM_DATA_DIR) is stopped and removed when the script exits; pgctl runs pg_ctl.
swift build -c release --product quorum --scratch-path .build-release >/dev/null
quorum=$PWD/.build-release/release/quorum
work=$(mktemp -d)
chmod 755 "$work"   # as root the server runs as postgres, which must reach the cluster
export QUORUM_DATA_DIR=$work/data
# pg_ctl of the newest PostgreSQL installed, run as quorum runs the server (as root: as postgres).
pgctl() {
    local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$bin/pg_ctl" "$@"; else "$bin/pg_ctl" "$@"; fi
}
cleanup() { pgctl -D "$work/data/postgres" stop -m fast -s >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
