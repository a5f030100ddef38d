#!/usr/bin/env bash
# Benchmarks/render.sh — how long Quorum takes to draw and encode charts, next to
# a plain C program drawing the same primitives with libgd.
#
# Goals (issue "Charts with libgd"): the whole default set renders in well under a
# second; against the C program the Swift layer adds at most 50%.
#
#   Benchmarks/render.sh [ROUNDS]      # default 21; medians are printed
#
# It builds quorum in release mode (.build-release), seeds the demo dataset into a
# throwaway embedded cluster, computes a snapshot, then times in one process (after
# loading the snapshot, so no database time is counted):
#   one_chart_ms        the 800×400 chart participants-by-body-year: layout, drawing,
#                       text, palette reduction, PNG encoding
#   default_set_1x_ms   every default chart, light theme at 1×
#   default_site_ms     the whole site: every chart light and dark at 1× and 2×, pages, CSV, JSON
# and compiles Benchmarks/render-bench.c with cc, which draws the same chart's
# primitives at fixed positions and encodes it the same way (c_one_chart_ms).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-21}

swift build -c release --product quorum --scratch-path .build-release >/dev/null
quorum=$PWD/.build-release/release/quorum
work=$(mktemp -d)
chmod 755 "$work"   # as root the server runs as postgres, which must reach the cluster
export QUORUM_DATA_DIR=$work/data
trap 'rm -rf "$work"' EXIT

cc -O2 -o "$work/render-bench" Benchmarks/render-bench.c $(pkg-config --cflags --libs gdlib)
"$quorum" seed --demo >/dev/null
"$quorum" aggregate >/dev/null
swift_figures=$("$quorum" render --out "$work/site" --benchmark "$rounds")
c_figures=$("$work/render-bench" "$rounds")
echo "$swift_figures"
echo "$c_figures"

swift_one=$(sed -n 's/^one_chart_ms=\([0-9.]*\).*/\1/p' <<<"$swift_figures")
c_one=$(sed -n 's/^c_one_chart_ms=\([0-9.]*\).*/\1/p' <<<"$c_figures")
awk -v s="$swift_one" -v c="$c_one" 'BEGIN { printf "swift_over_c=%.2f (goal: at most 1.50)\n", s / c }'
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
