#!/usr/bin/env bash
# Benchmarks/aggregate.sh — how long a full aggregation run takes, next to psql
# running the same SELECTs (`quorum aggregate --sql`) in one REPEATABLE READ
# transaction on the same data, and how long a refresh after 1,000 new rows takes.
#
# Goals (issue "The daemon"): a full run costs at most 1.2× the bare SQL; a refresh
# after 1,000 new rows finishes in under 100 ms whatever the table size.
#
#   Benchmarks/aggregate.sh [ROWS]      # default 1,000,000 generated figures
#
# It builds quorum in release mode (.build-release), generates ROWS synthetic
# figures into a throwaway embedded cluster, imports them with the demo dataset,
# then times three full quorum runs (--full) and three psql runs alternately. Quorum's figure is
# its own start-to-commit time (it includes storing the snapshot); psql's is wall
# clock around the psql process. Then, five times, it imports 1,000 more rows and
# times the next run. Run it at 1,000,000 and at 5,000,000 rows to see that a
# refresh does not grow with the table.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}

source Benchmarks/release-quorum.sh

"$quorum" migrate >/dev/null                   # creates the cluster
pgctl -D "$work/data/postgres" -l "$work/data/postgres/server.log" start -w -s   # kept up across commands
psql_quorum() { psql -X -q "host=$work/data/postgres dbname=quorum user=quorum" "$@"; }

"$quorum" generate --rows "$rows" --out "$work/gen" >/dev/null
"$quorum" seed --demo >/dev/null
"$quorum" import "$work/gen/synthetic-reference.json" >/dev/null
"$quorum" import "$work/gen/synthetic-figures.csv" >/dev/null
"$quorum" aggregate --sql > "$work/aggregates.sql"
psql_quorum -c "VACUUM ANALYZE" >/dev/null

ms() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%d", (e - s) * 1000 }'; }
quorum_runs=(); psql_runs=()
for _ in 1 2 3; do
    quorum_runs+=("$("$quorum" aggregate --full | sed -E 's/.* ([0-9]+) ms$/\1/')")
    start=$(date +%s.%N)
    psql_quorum -o /dev/null -c "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" -f "$work/aggregates.sql" -c "COMMIT"
    psql_runs+=("$(ms "$start" "$(date +%s.%N)")")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
q=$(median "${quorum_runs[@]}"); p=$(median "${psql_runs[@]}")

# Refreshes: five batches of 1,000 new figures (250 new events each), each
# imported and followed by a run; the figure is the run's own time, from its start
# to its commit.
"$quorum" generate --rows $((rows + 5000)) --out "$work/more" >/dev/null
refreshes=()
for batch in 0 1 2 3 4; do
    head -1 "$work/gen/synthetic-figures.csv" > "$work/more.csv"
    sed -n "$((rows + 2 + batch * 1000)),$((rows + 1 + (batch + 1) * 1000))p" "$work/more/synthetic-figures.csv" >> "$work/more.csv"
    "$quorum" import "$work/more.csv" >/dev/null
    refreshes+=("$("$quorum" aggregate | sed -E 's/.* ([0-9]+) ms$/\1/')")
done
refresh=$(printf '%s\n' "${refreshes[@]}" | sort -n | sed -n 3p)

printf '%-34s %s\n' "figures" "$rows"
printf '%-34s %s ms (runs: %s)\n' "quorum aggregate, median" "$q" "${quorum_runs[*]}"
printf '%-34s %s ms (runs: %s)\n' "psql, same SQL, median" "$p" "${psql_runs[*]}"
printf '%-34s %s ms (runs: %s)\n' "refresh after 1,000 new rows, median" "$refresh" "${refreshes[*]}"
awk -v q="$q" -v p="$p" 'BEGIN { printf "aggregation cost ratio: %.2f (goal <= 1.2)\n", q / p }'
echo "refresh: $refresh ms (goal < 100 ms)"
