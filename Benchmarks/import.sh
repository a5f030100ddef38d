#!/usr/bin/env bash
# Benchmarks/import.sh — how fast `quorum import` loads a figures CSV, next to
# `psql \copy` loading the same rows into the same tables.
#
# The goal it checks: importing N (default 1,000,000) generated rows from CSV
# runs at no less than 0.8× the rows per second of `psql \copy` loading the
# same rows into the same tables, measured side by side in one run.
#
# What it does, in one throwaway database:
#   1. builds quorum in release mode (scratch path .build-release, never .build);
#   2. `quorum generate --rows N` writes synthetic-reference.json and
#      synthetic-figures.csv; the reference JSON is imported with `quorum import`;
#   3. quorum run 1: times `quorum import synthetic-figures.csv` into empty
#      quorum.event / quorum.figure tables;
#   4. psql baseline: the events and figures quorum just loaded are dumped with
#      `\copy (SELECT …) TO` (events with their ids, figures with event_id, both
#      as CSV), the tables are truncated, and ONE psql invocation loads both files
#      with `\copy … FROM … (FORMAT csv)` in a single transaction (like quorum's
#      import). Same tables, so the same constraints, foreign keys, unique
#      indexes, generated natural_key and the figure trigger cost both sides;
#      what psql is spared is exactly quorum's work: parsing and validating the
#      file, resolving names to ids, checking references and upserting;
#   5. quorum run 2: truncates again and imports the CSV again, so order effects
#      (cache warmth, checkpoints) are visible;
#   6. quorum re-import: imports the same CSV once more; every row is unchanged.
#   A CHECKPOINT precedes every timed step. Times are wall clock (date +%s.%N)
#   around the whole command, process start and connection included, for psql
#   as for quorum. The ratio uses the better of the two quorum runs (the psql
#   run sits between them); the ratio of each run is printed too.
#
# Run it from anywhere:
#   Benchmarks/import.sh            # 1,000,000 rows
#   Benchmarks/import.sh 100000     # fewer rows, for a quick look
# Database: by default quorum's embedded PostgreSQL in a fresh `mktemp -d` data
# directory (removed afterwards; set KEEP=1 to keep it). With DATABASE_URL set,
# that database is used instead: it must be a throwaway one — the script
# refuses to run if quorum.event holds any rows, because it truncates
# quorum.event and quorum.figure, and it leaves the SYNTH reference data behind.
# Needs swift, psql and (for the embedded cluster) PostgreSQL's server binaries.
# ENFORCE=1 makes the script exit 1 when the ratio is below the goal.
set -euo pipefail

ROWS=${1:-1000000}
GOAL=0.8
[[ $ROWS =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [ROWS]" >&2; exit 64; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."

note() { printf '== %s\n' "$*" >&2; }

# --- build -------------------------------------------------------------------
note "building quorum (release, .build-release)"
swift build -c release --scratch-path .build-release >&2
QUORUM="$(swift build -c release --scratch-path .build-release --show-bin-path)/quorum"
[[ -x $QUORUM ]] || { echo "no quorum binary at $QUORUM" >&2; exit 1; }

# --- database ----------------------------------------------------------------
WORK=$(mktemp -d)
LOG=$WORK/log
STARTED_SERVER=
PG_DIR=

# PostgreSQL's programs, found the way quorum's EmbeddedCluster finds them.
pg_bin() {
    if [[ -n ${QUORUM_PG_BINDIR:-} ]]; then echo "$QUORUM_PG_BINDIR/$1"; return; fi
    local v
    for v in $(ls /usr/lib/postgresql 2>/dev/null | grep -E '^[0-9]+$' | sort -rn); do
        if [[ -x /usr/lib/postgresql/$v/bin/$1 ]]; then echo "/usr/lib/postgresql/$v/bin/$1"; return; fi
    done
    command -v "$1"
}
# pg_ctl as quorum runs it: as root, as the unprivileged server user.
pg_ctl_as_server() {
    if [[ $EUID -eq 0 ]]; then
        local user=nobody
        id -u postgres >/dev/null 2>&1 && user=postgres
        runuser -u "$user" -- env -C / "$(pg_bin pg_ctl)" "$@"
    else
        env -C / "$(pg_bin pg_ctl)" "$@"
    fi
}

cleanup() {
    local status=$?
    if [[ -n $STARTED_SERVER ]]; then
        pg_ctl_as_server stop -D "$PG_DIR" -m fast -w -s >/dev/null 2>&1 || true
    fi
    if [[ ${KEEP:-} == 1 || $status -ne 0 ]]; then
        echo "work directory kept: $WORK" >&2
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -n ${DATABASE_URL:-} ]]; then
    CONN=$DATABASE_URL
    WHERE="DATABASE_URL"
else
    # The embedded cluster, and nothing the caller's PG* variables point at.
    unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGSERVICE PGSERVICEFILE PGPASSFILE PGSSLMODE
    export QUORUM_DATA_DIR=$WORK/data
    mkdir -p "$QUORUM_DATA_DIR"
    chmod 755 "$WORK" "$QUORUM_DATA_DIR"   # as root the server user must reach the cluster
    PG_DIR=$QUORUM_DATA_DIR/postgres
    CONN="host=$PG_DIR dbname=quorum user=quorum"
    WHERE="embedded PostgreSQL in $PG_DIR"
fi

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$CONN" "$@"; }
scalar() { psql_q -At -c "$1"; }

if [[ -n ${DATABASE_URL:-} ]]; then
    if [[ $(scalar "SELECT to_regclass('quorum.event') IS NOT NULL") == t &&
          $(scalar "SELECT EXISTS (SELECT FROM quorum.event)") == t ]]; then
        echo "DATABASE_URL's quorum.event holds rows; this benchmark truncates it: use a throwaway database" >&2
        exit 1
    fi
fi

# --- data --------------------------------------------------------------------
GEN=$WORK/gen
note "generating $ROWS rows"
"$QUORUM" generate --rows "$ROWS" --out "$GEN" >>"$LOG"
CSV=$GEN/synthetic-figures.csv

note "importing the reference data ($WHERE)"
"$QUORUM" import "$GEN/synthetic-reference.json" >>"$LOG" 2>&1

if [[ -z ${DATABASE_URL:-} ]]; then
    # quorum stops a server it started after each command; keep one running for
    # psql and the timed steps (quorum reuses a running server and leaves it be).
    pg_ctl_as_server start -D "$PG_DIR" -l "$PG_DIR/server.log" -w -s
    STARTED_SERVER=1
fi

# --- measuring -----------------------------------------------------------------
ELAPSED=
timed() {   # runs "$@" with its output in the log; sets ELAPSED (seconds)
    local t0 t1
    psql_q -c CHECKPOINT 2>/dev/null || true   # needs superuser or pg_checkpoint
    t0=$(date +%s.%N)
    "$@" >>"$LOG" 2>&1 || { echo "failed: $* (see $LOG)" >&2; tail -20 "$LOG" >&2; exit 1; }
    t1=$(date +%s.%N)
    ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}
empty_tables() { psql_q -c "SET client_min_messages = warning" -c "TRUNCATE quorum.event RESTART IDENTITY CASCADE"; }
expect_figures() {
    local n
    n=$(scalar "SELECT count(*) FROM quorum.figure")
    [[ $n == "$ROWS" ]] || { echo "$1: quorum.figure holds $n rows, expected $ROWS" >&2; exit 1; }
}
quorum_import() { echo "--- quorum import ($1)" >>"$LOG"; "$QUORUM" import "$CSV"; }

empty_tables
note "quorum import, run 1"
timed quorum_import "run 1"
Q1=$ELAPSED
expect_figures "quorum run 1"
EVENTS=$(scalar "SELECT count(*) FROM quorum.event")

note "psql \\copy baseline"
EVENT_COLUMNS="id, body_id, session, title, start_date, date_precision, end_date, city, country_code, format, dimension_code, priority_area_code, status, source_id, locator, topics"
FIGURE_COLUMNS="event_id, measure, value, qualifier, scope, source_id, locator, derivation, note"
psql_q \
    -c "\\copy (SELECT $EVENT_COLUMNS FROM quorum.event ORDER BY id) TO '$WORK/events.csv' WITH (FORMAT csv)" \
    -c "\\copy (SELECT $FIGURE_COLUMNS FROM quorum.figure ORDER BY event_id, measure) TO '$WORK/figures.csv' WITH (FORMAT csv)"
empty_tables
timed psql_q --single-transaction \
    -c "\\copy quorum.event ($EVENT_COLUMNS) FROM '$WORK/events.csv' WITH (FORMAT csv)" \
    -c "\\copy quorum.figure ($FIGURE_COLUMNS) FROM '$WORK/figures.csv' WITH (FORMAT csv)"
P=$ELAPSED
expect_figures "psql \\copy"

empty_tables
note "quorum import, run 2"
timed quorum_import "run 2"
Q2=$ELAPSED
expect_figures "quorum run 2"

note "quorum re-import (all rows unchanged)"
timed quorum_import "re-import"
R=$ELAPSED
expect_figures "quorum re-import"
grep -q "figures: 0 created, 0 updated, $ROWS unchanged" "$LOG" ||
    { echo "the re-import changed rows (see $LOG)" >&2; exit 1; }

# --- report --------------------------------------------------------------------
rate() { awk -v n="$ROWS" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v q="$1" -v p="$2" 'BEGIN { printf "%.2f", p / q }'; }   # (rows/q) ÷ (rows/p)
BEST=$(awk -v a="$Q1" -v b="$Q2" 'BEGIN { print (a < b ? a : b) }')
RATIO=$(ratio "$BEST" "$P")

echo
echo "rows: $ROWS figures of $EVENTS events; $(du -h "$CSV" | cut -f1) CSV; $WHERE"
echo "PostgreSQL $(scalar 'SHOW server_version'); $(nproc) CPUs"
printf '%-22s %10s %10s %12s\n' "load" "rows" "seconds" "rows/s"
row() { printf '%-22s %10s %10s %12s\n' "$1" "$ROWS" "$2" "$(rate "$2")"; }
row 'psql \copy' "$P"
row 'quorum import, run 1' "$Q1"
row 'quorum import, run 2' "$Q2"
row 'quorum re-import' "$R"
echo "(psql \\copy loads $EVENTS event rows and $ROWS figure rows, ids already resolved; quorum the $ROWS-line CSV)"
echo "ratio per run: run 1 $(ratio "$Q1" "$P"), run 2 $(ratio "$Q2" "$P"); the better run counts"
echo "import ratio: $RATIO (goal ≥ $GOAL)"

if [[ ${ENFORCE:-} == 1 ]] && awk -v r="$RATIO" -v g="$GOAL" 'BEGIN { exit !(r < g) }'; then
    exit 1
fi
