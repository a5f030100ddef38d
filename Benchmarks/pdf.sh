#!/usr/bin/env bash
# Benchmarks/pdf.sh — how long a six-chart report takes as a PDF, against the
# same report as an e-mail, and whether memory stays flat over many PDFs.
#
# Goal (issue "Reports as PDF"): under 100 ms per PDF on the 2-core machine;
# resident memory after 1,000 PDFs in one process no higher than after 100.
#
#   Benchmarks/pdf.sh [TIMES]      # default 1000 PDFs and 200 e-mails; prints medians
#
# It builds quorum in release mode (.build-release), loads the demo dataset into a
# throwaway embedded cluster, aggregates, renders the site, and defines a report
# of the site's first six charts and two tables. Then, in one process each:
#   quorum report pdf      the PDF from the snapshot already loaded: charts laid
#                          out and drawn as vectors, tables, sources, fonts subset
#   quorum report preview  the e-mail: snapshot and site loaded, text, HTML, tables,
#                          six inline PNGs, the whole MIME message rendered
set -euo pipefail
cd "$(dirname "$0")/.."
times=${1:-1000}

source Benchmarks/release-quorum.sh

"$quorum" seed --demo >/dev/null
"$quorum" aggregate >/dev/null
"$quorum" render --out "$work/site" >/dev/null
mapfile -t charts < <(python3 -c 'import json,sys; [print(c["name"]) for c in json.load(open(sys.argv[1]))["charts"][:6]]' "$work/site/current/manifest.json")

cat > "$work/quorum.toml" <<TOML
[mail]
from = "Quorum <quorum@cica.example>"
[report.bench]
schedule = "0 9 * * mon"
time_zone = "Asia/Almaty"
to = ["Secretariat <secretariat@cica.example>"]
charts = [$(printf '"%s", ' "${charts[@]}" | sed 's/, $//')]
tables = ["organisation_totals", "period_totals"]
TOML
echo "report: ${#charts[@]} charts (${charts[*]}), 2 tables"
"$quorum" report pdf bench --config "$work/quorum.toml" --site-dir "$work/site" --out "$work/bench.pdf" \
    --period 2026-12-07T04:00:00Z --timings "$times"
pdfinfo "$work/bench.pdf" | awk '/^Pages:/ { pages = $2 } /^Page size:/ { $1 = $2 = ""; size = $0 } END { printf "pdf: %d pages,%s\n", pages, size }'
"$quorum" report preview bench --config "$work/quorum.toml" --site-dir "$work/site" --out "$work/bench.eml" --timings 200
