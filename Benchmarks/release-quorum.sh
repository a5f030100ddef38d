# Sourced by the benchmark scripts: builds quorum in release mode (.build-release),
# sets $quorum to it and $work to a scratch directory whose embedded cluster
# ($QUORUM_DATA_DIR) is stopped and removed when the script exits.
swift build -c release --product quorum --scratch-path .build-release >/dev/null
quorum=$PWD/.build-release/release/quorum
work=$(mktemp -d)
chmod 755 "$work"   # as root the server runs as postgres, which must reach the cluster
export QUORUM_DATA_DIR=$work/data
cleanup() {
    local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$work/data/postgres" stop -m fast -s >/dev/null 2>&1 || true
    else "$bin/pg_ctl" -D "$work/data/postgres" stop -m fast -s >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
