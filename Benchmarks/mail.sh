#!/usr/bin/env bash
# Benchmarks/mail.sh — how long composing a report e-mail with six charts takes:
# reading the site's manifest and PNGs, loading the snapshot the site shows from
# PostgreSQL, building the text, HTML and tables, and rendering the whole MIME
# message (base64 charts, quoted-printable text, a CSV attachment).
#
# Goal (issue "Scheduled report e-mails"): well under 100 ms per report.
#
#   Benchmarks/mail.sh [TIMES]      # default 200 compositions; prints the median and slowest
#
# It builds quorum in release mode (.build-release), loads the demo dataset into
# a throwaway embedded cluster, aggregates once, and publishes a site with six
# charts: with `quorum render --out` when this build has it, else six 800×400
# PNGs of bar charts with a band of noisy "labels", drawn by a few lines of
# Python (about the size of real charts, so the encoding work is the same).
set -euo pipefail
cd "$(dirname "$0")/.."
times=${1:-200}

source Benchmarks/release-quorum.sh

"$quorum" seed --demo >/dev/null
aggregated=$("$quorum" aggregate)   # "snapshot 1 of data version 293: …"

charts=(participants-by-year format-mix cbm-events member-states year-over-year organisation-totals)
if "$quorum" --help | grep -qE "^ +render "; then
    "$quorum" render --out "$work/site" >/dev/null
    mapfile -t charts < <(python3 -c 'import json,sys; [print(c["name"]) for c in json.load(open(sys.argv[1]))["charts"][:6]]' "$work/site/current/manifest.json")
else
    snapshot=$(echo "$aggregated" | sed -E 's/^snapshot ([0-9]+) of data version ([0-9]+):.*/\1 \2/')
    python3 - "$work/site" "$snapshot" "${charts[@]}" <<'PY'
import json, os, random, struct, sys, zlib
root, (snapshot_id, data_version), names = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
release = os.path.join(root, "releases", "bench")
os.makedirs(os.path.join(release, "charts"))
def png(width, height, seed):
    random.seed(seed)
    bars = [random.randint(40, height - 40) for _ in range(12)]
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            bar = (x - 60) // ((width - 80) // 12)
            inside = 0 <= bar < 12 and (x - 60) % ((width - 80) // 12) > 8 and y > height - 30 - bars[bar]
            # Anti-aliased labels make real charts compress less: a band of them along the axis.
            label = y > height - 24 and random.random() < 0.35
            row += bytes((random.randint(0, 255),) * 3 if label else (40, 90, 160) if inside
                         else (255, 255, 255) if y % 50 else (220, 220, 220))
        rows.append(bytes(row))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))
charts = []
for index, name in enumerate(names):
    with open(os.path.join(release, "charts", name + ".png"), "wb") as f:
        f.write(png(800, 400, index))
    charts.append({"name": name, "title": name.replace("-", " ").capitalize(), "subtitle": "CICA, 2020–2024",
                   "source": "CICA documents", "alt": "Bar chart of twelve values for " + name, "page": "index.html",
                   "width": 800, "height": 400, "files": {"png": "charts/%s.png" % name}})
manifest = {"snapshot": {"id": int(snapshot_id), "dataVersion": int(data_version), "startedAt": "", "finishedAt": ""},
            "renderedAt": "", "charts": charts, "pages": [], "errors": []}
json.dump(manifest, open(os.path.join(release, "manifest.json"), "w"))
os.symlink("releases/bench", os.path.join(root, "current"))
PY
fi
ls -l "$work/site/current/charts/" | awk '/png$/ { total += $5; n++ } END { printf "six charts: %d PNGs, %.0f KB in all\n", n, total / 1024 }'

cat > "$work/quorum.toml" <<TOML
[mail]
from = "Quorum <quorum@cica.example>"
[report.bench]
schedule = "0 9 * * mon"
time_zone = "Asia/Almaty"
to = ["Secretariat <secretariat@cica.example>"]
charts = [$(printf '"%s", ' "${charts[@]}" | sed 's/, $//')]
tables = ["organisation_totals", "body_year"]
attachments = ["body_year"]
TOML
"$quorum" report preview bench --config "$work/quorum.toml" --site-dir "$work/site" --out "$work/bench.eml" --timings "$times"
