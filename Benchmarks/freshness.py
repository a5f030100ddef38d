#!/usr/bin/env python3
"""From a corrected figure to the new chart on the page.

Runs `quorum serve` on its embedded PostgreSQL with the demo data, then ROUNDS
times: imports a CSV that changes one participant figure of the Youth Council,
and fetches /charts/youth-council-participants.png until its bytes change. Prints
each latency (from the import's exit, after its commit, to the first changed
chart) and their median, the daemon's resident memory as the rounds go (every
tenth round, and at the end), and the daemon's own log of what each render drew.

    python3 Benchmarks/freshness.py [ROUNDS] [--figures N] [--sql] [--warmup N] [--log PATH]   # default 10 rounds

--figures N loads N synthetic figures (`quorum generate`) beside the demo data
first, so that every aggregation reads them. --sql changes the figure with an
UPDATE through one psql session instead of a `quorum import` per round (the
same triggers announce the change), for long runs: a thousand rounds show
whether the daemon's memory stays flat over a thousand incremental renders.
The daemon runs with its default configuration, and each change comes half a
second after the last one's chart, after a quiet period as a person makes them;
--sql sends them back to back and sets the debounce to 0.

--warmup N (default 5) makes N changes first, timed and printed but not counted:
the publisher keeps five releases and writes a changed file over one of the
oldest release's files once there is a release to prune, so the first four
changes after a start create their files anew and take longer. The counted
rounds are the daemon as it runs for months; --warmup 0 counts from the start.

--log PATH keeps the daemon's whole log there (the work directory, with the
log in it, is removed at the end): each render's building and publishing times,
each aggregation's.

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


def resident_kib(pid):
    """The process's resident set (VmRSS) in KiB."""
    with open(f"/proc/{pid}/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS:"))


def main():
    arguments = sys.argv[1:]
    figures = 0
    if "--figures" in arguments:
        at = arguments.index("--figures")
        figures = int(arguments[at + 1])
        del arguments[at:at + 2]
    warmup = 5
    if "--warmup" in arguments:
        at = arguments.index("--warmup")
        warmup = int(arguments[at + 1])
        del arguments[at:at + 2]
    keep_log = None
    if "--log" in arguments:
        at = arguments.index("--log")
        keep_log = arguments[at + 1]
        del arguments[at:at + 2]
    by_sql = "--sql" in arguments
    if by_sql:
        arguments.remove("--sql")
    rounds = int(arguments[0]) if arguments else 10
    quorum = os.path.abspath(os.environ.get("QUORUM", ".build/debug/quorum"))
    work = tempfile.mkdtemp(prefix="quorum-freshness-")
    os.chmod(work, 0o755)  # as root the embedded server runs as postgres, which must reach it
    port = free_port()
    env = dict(os.environ, QUORUM_DATA_DIR=os.path.join(work, "data"), QUORUM_SERVER_PORT=str(port))
    if by_sql:
        # Each UPDATE follows the last render at once, within the default debounce
        # (300 ms), which would then hold it back: a change after a quiet period runs at once.
        env["QUORUM_AGGREGATION_DEBOUNCE_MS"] = "0"
    run = lambda *args: subprocess.run([quorum, *args], env=env, check=True, capture_output=True, text=True,
                                       stdin=subprocess.DEVNULL)
    server = psql = None
    try:
        run("seed", "--demo")
        if figures:
            generated = os.path.join(work, "generated")
            run("generate", "--rows", str(figures), "--out", generated)
            run("import", os.path.join(generated, "synthetic-reference.json"))
            run("import", os.path.join(generated, "synthetic-figures.csv"))
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

        if by_sql:
            psql = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                                     f"host={work}/data/postgres dbname=quorum user=quorum"],
                                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        latencies = []
        memory = [(0, resident_kib(server.pid))]
        for round_number in range(-warmup, rounds):
            if not by_sql:
                time.sleep(0.5)  # each change after a quiet period (the debounce, 300 ms), as a person makes them
            line[value] = str(base + 1 + round_number % 2)  # alternate, so every round changes the figure
            before = fetch(port, CHART)[1]
            if psql:
                psql.stdin.write(
                    f"UPDATE quorum.figure SET value = {line[value]} WHERE measure = 'participants' AND event_id = ("
                    "SELECT e.id FROM quorum.event e JOIN quorum.body b ON b.id = e.body_id "
                    "WHERE b.code = 'youth-council' AND e.title = '" + line[header.index("title")].replace("'", "''") + "' "
                    "ORDER BY e.start_date LIMIT 1);\n"
                    "SELECT 1;\n")
                psql.stdin.flush()
            else:
                path = os.path.join(work, "change.csv")
                with open(path, "w", newline="") as f:
                    csv.writer(f, lineterminator="\n").writerows([header, line])
                run("import", path)
            imported = time.monotonic()
            while fetch(port, CHART)[1] == before:
                if time.monotonic() - imported > 30:
                    sys.exit("freshness: the chart did not change within 30 s")
                time.sleep(0.005)
            latency = (time.monotonic() - imported) * 1000
            if round_number < 0:
                print(f"warm-up {warmup + round_number + 1}: {latency:.0f} ms (not counted)", flush=True)
                continue
            latencies.append(latency)
            print(f"round {round_number + 1}: {latencies[-1]:.0f} ms", flush=True)
            if (round_number + 1) % 10 == 0 or round_number + 1 == rounds:
                memory.append((round_number + 1, resident_kib(server.pid)))
        print(f"median {statistics.median(latencies):.0f} ms, min {min(latencies):.0f}, max {max(latencies):.0f} "
              f"({rounds} changes after {warmup} warm-up, {figures} synthetic figures beside the demo data, {os.path.basename(quorum)} at {quorum})")
        print("resident memory (MiB) after rounds: "
              + ", ".join(f"{n}: {kib / 1024:.0f}" for n, kib in memory[:: max(1, len(memory) // 12)] + memory[-1:]))
        log.flush()
        lines = open(os.path.join(work, "serve.log")).readlines()
        renders = [l.strip() for l in lines if "site published" in l]
        for l in renders[:1] + renders[-3:]:  # the first render draws everything; the others what changed
            print("  " + l[:200])
        for l in [l.strip() for l in lines if " aggregated" in l][-3:]:
            print("  " + l[:200])
    finally:
        if psql:
            psql.stdin.close()
            psql.wait(10)
        if server and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if keep_log and os.path.exists(os.path.join(work, "serve.log")):
            shutil.copy(os.path.join(work, "serve.log"), keep_log)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
