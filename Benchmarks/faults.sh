#!/usr/bin/env bash
# Benchmarks/faults.sh — fault trials against the real quorum binary and a real,
# throwaway PostgreSQL: PostgreSQL or quorum killed mid-work, a full disk, a
# locked or stalled database, fuzzed imports, HTTP abuse, and a leader or
# PostgreSQL killed while a report is sent. One line per family, then a table;
# exit status 1 if any check failed. The work is done by Benchmarks/faults.py
# (python3, standard library only); its header documents every family and option.
#
#   Benchmarks/faults.sh --quick      # small counts, a few minutes (the test suite's)
#   Benchmarks/faults.sh              # full counts, 15-25 minutes
#   Benchmarks/faults.sh --only 4,6   # some families; --seed N, --keep
#
# QUORUM names the executable (default .build/debug/quorum; it is copied first,
# so a rebuild during the run does not disturb it). Needs PostgreSQL's server
# programs (/usr/lib/postgresql/*/bin or QUORUM_PG_BINDIR) and psql; as root,
# PostgreSQL runs as the user postgres and the full-disk family mounts a tmpfs.
set -euo pipefail
command -v python3 >/dev/null || { echo "faults.sh: needs python3" >&2; exit 1; }
exec python3 "$(dirname "${BASH_SOURCE[0]}")/faults.py" "$@"
