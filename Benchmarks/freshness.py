#!/usr/bin/env python3
"""From a corrected figure to the new chart on the page.

Runs `quorum serve` on its embedded PostgreSQL with the demo data, then ROUNDS
times: imports a CSV that changes one participant figure of the Youth Council,
and fetches /charts/youth-council-participants.png until its bytes change. Prints
each latency (from the import's exit, after its commit, to the first changed
chart) and their median, and the daemon's own log of what each render drew.

    python3 Benchmarks/freshness.py [ROUNDS]       # default 10

QUORUM names the executable (default .build/debug/quorum; a release build gives
the figures worth reporting).
"""
import csv
import io
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

CHART = "/charts/youth-council-participants.png"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
            return answer.status, answer.read()
    except Exception:
        return None, b""


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    quorum = os.path.abspath(os.environ.get("QUORUM", ".build/debug/quorum"))
    work = tempfile.mkdtemp(prefix="quorum-freshness-")
    os.chmod(work, 0o755)  # as root the embedded server runs as postgres, which must reach it
    port = free_port()
    env = dict(os.environ, QUORUM_DATA_DIR=os.path.join(work, "data"), QUORUM_SERVER_PORT=str(port),
               QUORUM_AGGREGATION_DEBOUNCE_MS="0")
    run = lambda *args: subprocess.run([quorum, *args], env=env, check=True, capture_output=True, text=True,
                                       stdin=subprocess.DEVNULL)
    server = None
    try:
        run("seed", "--demo")
        rows = list(csv.reader(io.StringIO(run("export", "--format", "csv").stdout)))
        header, lines = rows[0], rows[1:]
        body, measure, value = header.index("body"), header.index("measure"), header.index("value")
        line = next(r for r in lines if r[body] == "youth-council" and r[measure] == "participants")
        base = int(line[value])

        log = open(os.path.join(work, "serve.log"), "w")
        server = subprocess.Popen([quorum, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while fetch(port, CHART)[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit(f"freshness: the server did not publish {CHART}; see {work}/serve.log")
            time.sleep(0.1)

        latencies = []
        for round_number in range(rounds):
            line[value] = str(base + 1 + round_number % 2)  # alternate, so every round changes the figure
            path = os.path.join(work, "change.csv")
            with open(path, "w", newline="") as f:
                csv.writer(f, lineterminator="\n").writerows([header, line])
            before = fetch(port, CHART)[1]
            run("import", path)
            imported = time.monotonic()
            while fetch(port, CHART)[1] == before:
                if time.monotonic() - imported > 30:
                    sys.exit("freshness: the chart did not change within 30 s")
                time.sleep(0.005)
            latencies.append((time.monotonic() - imported) * 1000)
            print(f"round {round_number + 1}: {latencies[-1]:.0f} ms", flush=True)
        print(f"median {statistics.median(latencies):.0f} ms, min {min(latencies):.0f}, max {max(latencies):.0f} "
              f"({rounds} changes, {os.path.basename(quorum)} at {quorum})")
        log.flush()
        renders = [l.strip() for l in open(os.path.join(work, "serve.log")) if "site published" in l]
        for l in renders[:1] + renders[-3:]:  # the first render draws everything; the others what changed
            print("  " + l[:200])
    finally:
        if server and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
