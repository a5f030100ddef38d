import Foundation
import QuorumTestSupport
import Testing

@testable import QuorumStore

@Suite(.testDatabases) struct ConnectionTests {
    @Test func decodesTypesAndNulls() throws {
        let c = try TestDatabase.connect(migrated: false)
        let text = "Türkiye \"quoted\" 'single' \\ back\nslash"
        let row = try c.query(
            """
            SELECT \(42)::int AS i, \(Int64.max)::bigint AS b, \(2.5)::float8 AS d, \(true)::bool AS t,
                   \(text)::text AS s, \(Optional<String>.none)::text AS n
            """)[0]
        #expect(try row.require(Int.self, "i") == 42)
        #expect(try row.require(Int64.self, "b") == Int64.max)
        #expect(try row.require(Double.self, "d") == 2.5)
        #expect(try row.require(Bool.self, "t") == true)
        #expect(try row.require(String.self, "s") == text)
        #expect(try row.decode(String.self, "n") == nil)
        #expect(throws: PQError.self) { try row.require(String.self, "n") }
        #expect(throws: PQError.self) { try row.require(Int.self, "s") }
    }

    @Test func readsArraysBackAsPostgreSQLWritesThem() throws {
        let c = try TestDatabase.connect(migrated: false)
        let elements = ["plain", "with space", "quote \" inside", "back\\slash", "comma, brace}", "", "NULL"]
        let row = try c.query("SELECT \(TextArray(elements))::text[] || ARRAY[NULL]::text[], '{}'::int[], ARRAY[3, -1]")[0]
        #expect(try PGArray.elements(try row.require(at: 0)) == elements + [nil])
        #expect(try PGArray.elements(try row.require(at: 1)) == [])
        #expect(try PGArray.elements(try row.require(at: 2)) == ["3", "-1"])
        #expect(throws: PQError.self) { try PGArray.elements("3,4") }
    }

    @Test func bindsValuesSoTheyCannotBecomeSQL() throws {
        let c = try TestDatabase.connect(migrated: false)
        let hostile = "x'); DROP TABLE pg_class; --"
        #expect(try c.query("SELECT \(hostile)::text")[0].require(String.self, at: 0) == hostile)
        let array = TextArray(["a\"b", "c\\d", "e,f", "{g}"])
        #expect(
            try c.query("SELECT array_to_json(\(array)::text[])::text")[0].require(String.self, at: 0)
                == #"["a\"b","c\\d","e,f","{g}"]"#)
    }

    @Test func errorsCarrySQLStateButNoParameters() throws {
        let c = try TestDatabase.connect(migrated: false)
        try c.execute("CREATE TABLE t (id int PRIMARY KEY)")
        try c.execute("INSERT INTO t VALUES (1)")
        do {
            try c.execute("INSERT INTO t VALUES (\(1))")
            Issue.record("duplicate accepted")
        } catch let error as PQError {
            #expect(error.sqlState == "23505")
            #expect(error.constraint == "t_pkey")
        }
        do {
            try c.execute("INSERT INTO t VALUES (\("supersecret-value")::int)")
            Issue.record("bad integer accepted")
        } catch let error as PQError {
            #expect(error.sqlState == "22P02")
            #expect(!error.description.contains("supersecret"))
            #expect(!"\(error)".contains("INSERT"))
        }
        do {
            // An out-of-range number is quoted differently ("value \"…\" is out of range"): withheld too.
            try c.execute("INSERT INTO t VALUES (\("2147483648")::int)")
            Issue.record("an integer out of range accepted")
        } catch let error as PQError {
            #expect(error.sqlState == "22003")
            #expect(!error.description.contains("2147483648"), "\(error)")
            #expect(error.description.contains("(value withheld)"))
        }
        #expect(throws: PQError.self) { try c.execute("SELEKT 1") }
        // The session is still usable after statement errors.
        #expect(try c.query("SELECT 1")[0].require(Int.self, at: 0) == 1)
    }

    @Test func connectionErrorsNeverShowThePassword() throws {
        #expect {
            try Connection(conninfo: "postgresql://quorum:hunter2secret@127.0.0.1:1/none?connect_timeout=2")
        } throws: { error in
            !"\(error)".contains("hunter2secret") && (error as? PQError)?.isConnectionFailure == true
        }
    }

    @Test func transactionsCommitOrRollBack() throws {
        let c = try TestDatabase.connect(migrated: false)
        try c.execute("CREATE TABLE t (v int NOT NULL)")
        try c.transaction { try $0.execute("INSERT INTO t VALUES (1)") }
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try c.transaction { c in
                try c.execute("INSERT INTO t VALUES (2)")
                throw Stop()
            }
        }
        #expect(throws: PQError.self) {
            try c.transaction { c in
                try c.execute("INSERT INTO t VALUES (3)")
                try c.execute("INSERT INTO t VALUES (NULL)")
            }
        }
        #expect(try c.query("SELECT array_agg(v)::text FROM t")[0].require(String.self, at: 0) == "{1}")
        #expect(c.isAlive)
    }

    @Test func copiesInAndAbortsCleanly() throws {
        let c = try TestDatabase.connect(migrated: false)
        try c.execute("CREATE TABLE t (n int, s text)")
        let copied = try c.copyIn("COPY t FROM STDIN") { copy in
            for n in 0..<10_000 { try copy.write("\(n)\tline \(n)\\twith tab\n") }
        }
        #expect(copied == 10_000)
        #expect(try c.query("SELECT s FROM t WHERE n = 7")[0].require(String.self, at: 0) == "line 7\twith tab")

        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try c.copyIn("COPY t FROM STDIN") { copy in
                try copy.write("1\tkept?\n")
                throw Stop()
            }
        }
        #expect(throws: PQError.self) {
            try c.copyIn("COPY t FROM STDIN") { try $0.write("not a number\tx\n") }
        }
        #expect(try c.query("SELECT count(*) FROM t")[0].require(Int.self, at: 0) == 10_000)
    }

    @Test func streamsLargeResultsRowByRow() throws {
        let c = try TestDatabase.connect(migrated: false)
        var sum = 0
        var rows = 0
        try c.forEachRow("SELECT g FROM generate_series(1, \(100_000)) g") { row in
            sum += try row.require(Int.self, at: 0)
            rows += 1
        }
        #expect(rows == 100_000)
        #expect(sum == 100_000 * 100_001 / 2)
        #expect(throws: PQError.self) { try c.forEachRow("SELECT 1/0") { _ in } }
        #expect(try c.query("SELECT 2")[0].require(Int.self, at: 0) == 2)
    }

    @Test func deliversNotifications() throws {
        let conninfo = try TestDatabase.fresh(migrated: false)
        let listener = try Connection(conninfo: conninfo)
        let sender = try Connection(conninfo: conninfo)
        try listener.listen("quorum data")
        #expect(try listener.waitForNotifications(timeout: .milliseconds(50)).isEmpty)
        try sender.notify("quorum data", payload: "version 7")
        let received = try listener.waitForNotifications(timeout: .seconds(15))
        #expect(received.map(\.payload) == ["version 7"])
        #expect(received.first?.channel == "quorum data")
    }
}

@Suite(.testDatabases) struct ConnectionPoolTests {
    @Test func sharesFewConnectionsAmongManyTasks() async throws {
        let pool = ConnectionPool(conninfo: try TestDatabase.fresh(migrated: false), maxConnections: 2)
        defer { pool.close() }
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 0..<20 {
                group.addTask { try await pool.withConnection { try $0.query("SELECT \(n)::int FROM pg_sleep(0.01)")[0].require(Int.self, at: 0) } }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == Array(0..<20))
        #expect(pool.openConnections <= 2)
    }

    @Test func reconnectsAfterTheServerRestarts() async throws {
        try await withPrivateCluster { cluster in
            let pool = ConnectionPool(conninfo: cluster.conninfo, maxConnections: 2)
            defer { pool.close() }
            let before = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()")[0].require(Int.self, at: 0) }

            try await cluster.stop()
            await #expect(throws: PQError.self) { try await pool.withConnection { try $0.query("SELECT 1") } }
            _ = try await cluster.start()

            let after = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()")[0].require(Int.self, at: 0) }
            #expect(before != after)
            #expect(pool.openConnections == 1)
        }
    }

    /// A task cancelled while its connection is being opened, to a server that
    /// accepts and never answers, stops waiting; the opening keeps its slot until
    /// it ends, and then frees it.
    @Test func aCancelledLeaseDoesNotWaitForAConnectionBeingOpened() async throws {
        let (silent, port) = try loopbackSocket(listening: true)
        var open = true
        defer { if open { close(silent) } }
        let pool = ConnectionPool(conninfo: "host=127.0.0.1 port=\(port) dbname=quorum user=quorum connect_timeout=60", maxConnections: 1)
        defer { pool.close() }
        let lease = Task { try await pool.withConnection { _ in } }
        while pool.openConnections == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock(), started = clock.now
        lease.cancel()
        await #expect(throws: CancellationError.self) { try await lease.value }
        #expect(clock.now - started < .seconds(30), "the lease waited for the minute's connect timeout")
        #expect(pool.openConnections == 1, "the opening still holds its slot")
        // The server goes away: the opening fails, and frees its slot.
        close(silent)
        open = false
        #expect(try await eventually { pool.openConnections == 0 })
    }

    /// A task cancelled while every connection is leased stops waiting at once,
    /// without waiting for the lease ahead of it.
    @Test func aCancelledWaitForAConnectionEndsAtOnce() async throws {
        let pool = ConnectionPool(conninfo: try TestDatabase.fresh(migrated: false), maxConnections: 1)
        defer { pool.close() }
        let holder = Task { try await pool.withConnection { try $0.query("SELECT pg_sleep(60)") } }
        while pool.openConnections == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let waiter = Task { try await pool.withConnection { try $0.query("SELECT 1") } }
        try await Task.sleep(for: .milliseconds(200))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        // The lease ahead is still running: the wait ended by cancellation, not by a free connection.
        #expect(holder.isCancelled == false)
        let clock = ContinuousClock(), started = clock.now
        holder.cancel()
        _ = try? await holder.value
        #expect(clock.now - started < .seconds(30), "the holder's statement is cancelled on the server too")
    }

    /// A cancelled task's statement is cancelled on the server, and the pool
    /// serves the next lease; a cancellation after a lease ends never reaches it.
    @Test func aCancelledStatementStopsOnTheServerAndTheConnectionServesOn() async throws {
        let conninfo = try TestDatabase.fresh(migrated: false)
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 1)
        defer { pool.close() }
        let backend = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()")[0].require(Int.self, at: 0) }
        let clock = ContinuousClock(), started = clock.now
        let sleeper = Task { try await pool.withConnection { try $0.query("SELECT pg_sleep(30)") } }
        // Cancelled once the statement runs (cancelled before, it would never start).
        let observer = try Connection(conninfo: conninfo)
        defer { observer.finish() }
        #expect(
            try await eventually {
                try observer.query(SQL("SELECT count(*) FROM pg_stat_activity WHERE pid = \(backend) AND state = 'active'"))[0]
                    .require(Int.self, at: 0) == 1
            })
        sleeper.cancel()
        do {
            _ = try await sleeper.value
            Issue.record("the statement ran to its end")
        } catch let error as PQError {
            #expect(error.isCancellation, "\(error)")
        }
        #expect(clock.now - started < .seconds(10))

        // Cancelled after its lease ended: the next lease's statement runs to its end.
        let interrupter = try await pool.withConnection { $0.interrupter }
        interrupter.interrupt()
        let slow = try await pool.withConnection { try $0.query("SELECT pg_backend_pid() FROM pg_sleep(0.3)")[0].require(Int.self, at: 0) }
        #expect(slow > 0 && backend > 0)
        #expect(pool.openConnections == 1, "the cancelled lease's connection served on, or was replaced: never both")
    }
}

/// The embedded cluster's programs start with no signal blocked or ignored,
/// whatever the threads of the process that starts them hold (a service group
/// blocks SIGTERM on its threads), so what they start can be stopped politely.
@Suite struct ChildProcessTests {
    @Test func aChildStartsWithNoSignalBlockedOrIgnored() async throws {
        let outcome = try await ChildProcess.run("/bin/sh", ["-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status"])
        #expect(outcome.status == 0)
        // Masks of signals 1–64 in hex; signals 1–31 are the standard ones (32 and 33 belong to the C library).
        let masks = Dictionary(
            uniqueKeysWithValues: outcome.output.split(separator: "\n").map {
                let field = $0.split(separator: ":\t")
                return (String(field[0]), UInt64(field[1], radix: 16) ?? .max)
            })
        #expect(masks["SigBlk"].map { $0 & 0x7fff_ffff } == 0, "\(outcome.output)")
        #expect(masks["SigIgn"].map { $0 & 0x7fff_ffff } == 0, "\(outcome.output)")
    }

    @Test func aProgramThatCannotStartIsNamed() async throws {
        let error = await #expect(throws: PQError.self) { try await ChildProcess.run("/nonexistent/pg_ctl", []) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("/nonexistent/pg_ctl"))
    }
}
