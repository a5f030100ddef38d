#!/usr/bin/env bash
# Benchmarks/render.sh — how long Quorum takes to draw and encode charts, next to
# a plain C program drawing the same primitives with libgd.
#
# Goals: one chart at most 1.3 times libgd's floor (the C program below); the whole
# default site, cold, in one process, narrow variants included, under 500 ms.
#
#   Benchmarks/render.sh [ROUNDS]      # default 21; medians are printed
#
# It builds quorum in release mode (.build-release), seeds the demo dataset into a
# throwaway embedded cluster, computes a snapshot, then times in one process (after
# loading the snapshot, so no database time is counted):
#   one_chart_ms        the 800×400 chart participants-by-body-year: layout, drawing,
#                       text, palette reduction, PNG encoding
#   default_set_1x_ms   every default chart, light theme at 1×
#   default_site_ms     the whole site: every chart light and dark, wide at 1× and 2×, narrow at 2× and 3×, in each language
#                       (English, Russian, Chinese), pages, page PDFs, CSV, JSON
#   default_site_english_ms  the same in English alone: the difference is what the languages cost
#   pages_ms            of that, what is not chart drawing: pages, page PDFs, data files, manifest
# and compiles Benchmarks/render-bench.c with cc, which draws the same chart's
# primitives at fixed positions by each of libgd's ways to an anti-aliased PNG, and
# reports the fastest (c_floor_ms).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-21}

source Benchmarks/release-quorum.sh

cc -O2 -o "$work/render-bench" Benchmarks/render-bench.c $(pkg-config --cflags --libs gdlib)
"$quorum" seed --demo >/dev/null
"$quorum" aggregate >/dev/null
# The machine is shared and its load varies: the two sides alternate, three times,
# and the median of the three medians is reported.
swift_runs=(); c_runs=()
for _ in 1 2 3; do
    swift_runs+=("$("$quorum" render --out "$work/site" --benchmark "$rounds")")
    c_runs+=("$("$work/render-bench" "$rounds")")
done
median_of() {  # KEY, then the runs' outputs
    local key=$1; shift
    printf '%s\n' "$@" | sed -n "s/^$key=\([0-9.]*\).*/\1/p" | sort -n | sed -n 2p
}
swift_one=$(median_of one_chart_ms "${swift_runs[@]}")
c_one=$(median_of c_floor_ms "${c_runs[@]}")
echo "one_chart_ms=$swift_one (participants-by-body-year, 800x400, render + palette + PNG)"
for way in quantised to_palette truecolour palette; do
    echo "c_${way}_ms=$(median_of "c_${way}_ms" "${c_runs[@]}")"
done
echo "c_floor_ms=$c_one (the same primitives in C, the fastest way with the same anti-aliasing)"
echo "default_set_1x_ms=$(median_of default_set_1x_ms "${swift_runs[@]}") (16 charts, light, 1x)"
echo "default_site_ms=$(median_of default_site_ms "${swift_runs[@]}") (every chart light and dark, wide at 1x and 2x and narrow at 2x and 3x, in en, ru and zh; pages, page PDFs, CSV, JSON)"
echo "default_site_english_ms=$(median_of default_site_english_ms "${swift_runs[@]}") (the same in English alone)"
echo "pages_ms=$(median_of pages_ms "${swift_runs[@]}") (of that, the pages, their PDFs, data files and manifest)"
awk -v s="$swift_one" -v c="$c_one" 'BEGIN { printf "swift_over_c_floor=%.2f (goal: at most 1.30)\n", s / c }'
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
