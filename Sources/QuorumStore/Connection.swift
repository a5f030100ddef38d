import CLibPQ
import Foundation
import QuorumModel

/// One PostgreSQL session through libpq.
///
/// A connection is used by one thread at a time: its owner — a pool lease or a
/// dedicated task — guarantees that, which is why it is `@unchecked Sendable`.
/// Every call blocks, so it never runs on an event loop: the pool runs leases on
/// threads of its own.
public final class Connection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private let conninfo: String
    /// Stops this session's statements from another thread (a task's cancellation).
    public let interrupter: Interrupter

    /// Opens a session. `conninfo` is a `postgresql://` URL or a `key=value` string;
    /// an empty string lets libpq take everything from `PG*` variables, service
    /// files and `.pgpass`.
    public init(conninfo: String) throws {
        let handle = PQconnectdb(conninfo)
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { Connection.errorMessage($0) } ?? "out of memory"
            PQfinish(handle)  // libpq wants this even after a failed connect
            throw PQError.connection(message)
        }
        self.handle = handle
        self.conninfo = conninfo
        interrupter = Interrupter(PQgetCancel(handle))
        // Notices ("relation already exists, skipping") would go to stderr; drop them.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        guard PQsetClientEncoding(handle, "UTF8") == 0 else {
            finish()
            throw PQError.connection("the server does not accept UTF8 as client encoding")
        }
        _ = try execute("SET TIME ZONE 'UTC'")
    }

    deinit { finish() }

    /// A new session with the same connection parameters, for work that cannot
    /// wait while this one is busy (in a COPY, say).
    public func openAnother() throws -> Connection {
        try Connection(conninfo: conninfo)
    }

    /// Closes the session; calling it again does nothing.
    public func finish() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// Whether the session is still usable. Reads whatever the server sent
    /// meanwhile without blocking, so a server that closed the connection (a
    /// restart, an administrator's terminate) is noticed here, not mid-query.
    public var isAlive: Bool {
        guard let handle else { return false }
        _ = PQconsumeInput(handle)
        return PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    /// A round trip to the server (`SELECT 1`): throws unless the session answers.
    public func ping() throws {
        _ = try query("SELECT 1")
    }

    /// The server process serving this session (`pg_backend_pid()`), 0 when closed.
    public var backendProcessID: Int32 { handle.map { PQbackendPID($0) } ?? 0 }

    // MARK: Statements

    /// Runs a statement and returns its rows, copied into Swift values.
    @discardableResult
    public func query(_ sql: SQL) throws -> Rows {
        let result = try run(sql)
        defer { PQclear(result) }
        return Rows(copying: result)
    }

    /// Runs a statement and returns the number of rows it touched.
    @discardableResult
    public func execute(_ sql: SQL) throws -> Int {
        let result = try run(sql)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// Runs several statements separated by semicolons, with no parameters.
    /// Only for SQL that ships inside Quorum (migrations), never for input.
    func executeScript(_ script: String) throws {
        guard let handle else { throw PQError.closed }
        try interrupter.checkNotInterrupted()
        let result = PQexec(handle, script)
        try check(result, handle: handle)
        PQclear(result)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: (Connection) throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            if isAliveForRollback { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Streams the rows of a large result one at a time (libpq's single-row mode),
    /// so memory stays flat however many rows there are.
    public func forEachRow(_ sql: SQL, _ body: (Row) throws -> Void) throws {
        guard let handle else { throw PQError.closed }
        try interrupter.checkNotInterrupted()
        let sent = withParameters(sql.binds) { values in
            PQsendQueryParams(handle, sql.text, Int32(sql.binds.count), nil, values, nil, nil, 0)
        }
        guard sent == 1 else { throw PQError.connection(Connection.errorMessage(handle)) }
        PQsetSingleRowMode(handle)
        var failure: Error?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            guard failure == nil else { continue }  // drain what is left, then report
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                do { try body(Rows(copying: result)[0]) } catch { failure = error }
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                break
            default:
                failure = Connection.error(from: result, handle: handle)
            }
        }
        if let failure { throw failure }
    }

    // MARK: COPY

    /// Streams rows into a table with `COPY … FROM STDIN`. `body` writes the data
    /// in the format the statement names; if it throws, the COPY is aborted and
    /// nothing it wrote is kept. Returns the number of rows copied.
    @discardableResult
    public func copyIn(_ sql: SQL, _ body: (inout CopyWriter) throws -> Void) throws -> Int {
        guard let handle else { throw PQError.closed }
        try interrupter.checkNotInterrupted()
        precondition(sql.binds.isEmpty, "COPY takes no parameters")
        guard let start = PQexec(handle, sql.text) else { throw PQError.connection(Connection.errorMessage(handle)) }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            throw Connection.error(from: start, handle: handle)
        }
        PQclear(start)

        var writer = CopyWriter(handle: handle)
        var failure: Error?
        do {
            try body(&writer)
            try writer.flush()
        } catch {
            failure = error
        }
        // Ending with an error message makes the server abort the COPY.
        let ended = failure == nil ? PQputCopyEnd(handle, nil) : PQputCopyEnd(handle, "aborted by client")
        if ended != 1 && failure == nil { failure = PQError.copy(Connection.errorMessage(handle)) }

        var copied = 0
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if failure == nil {
                failure = Connection.error(from: result, handle: handle)
            }
        }
        // A COPY cut short because the server went away is the database's failure, not the data's.
        if let error = failure as? PQError, !error.isConnectionFailure, PQstatus(handle) != CONNECTION_OK {
            failure = PQError.connection(error.message)
        }
        if let failure { throw failure }
        return copied
    }

    // MARK: LISTEN / NOTIFY

    public struct Notification: Sendable, Equatable {
        public let channel: String
        public let payload: String
        public let processID: Int32
    }

    public func listen(_ channel: String) throws {
        try executeScript("LISTEN " + quoteIdentifier(channel))
    }

    public func notify(_ channel: String, payload: String = "") throws {
        try execute("SELECT pg_notify(\(channel), \(payload))")
    }

    /// Waits up to `timeout` for notifications on the channels this session
    /// listens to, and returns those that arrived (none on timeout).
    public func waitForNotifications(timeout: Duration) throws -> [Notification] {
        guard let handle else { throw PQError.closed }
        var received = drainNotifications(handle)
        if !received.isEmpty { return received }

        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(clamping: timeout.milliseconds))
        if ready > 0 {
            guard PQconsumeInput(handle) == 1 else { throw PQError.connection(Connection.errorMessage(handle)) }
            received = drainNotifications(handle)
        }
        return received
    }

    private func drainNotifications(_ handle: OpaquePointer) -> [Notification] {
        var received: [Notification] = []
        while let notify = PQnotifies(handle) {
            received.append(
                Notification(
                    channel: String(cString: notify.pointee.relname),
                    payload: String(cString: notify.pointee.extra),
                    processID: notify.pointee.be_pid))
            PQfreemem(notify)
        }
        return received
    }

    // MARK: Helpers

    /// Quotes an identifier (a channel or table name) the way the server parses it.
    public func quoteIdentifier(_ name: String) throws -> String {
        guard let handle else { throw PQError.closed }
        guard let quoted = PQescapeIdentifier(handle, name, name.utf8.count) else {
            throw PQError.query(Connection.errorMessage(handle), sqlState: nil, constraint: nil)
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    private var isAliveForRollback: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    private func run(_ sql: SQL) throws -> OpaquePointer {
        guard let handle else { throw PQError.closed }
        try interrupter.checkNotInterrupted()
        let result = withParameters(sql.binds) { values in
            PQexecParams(handle, sql.text, Int32(sql.binds.count), nil, values, nil, nil, 0)
        }
        try check(result, handle: handle)
        return result!
    }

    private func check(_ result: OpaquePointer?, handle: OpaquePointer) throws {
        guard let result else { throw PQError.connection(Connection.errorMessage(handle)) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return
        default:
            let error = Connection.error(from: result, handle: handle)
            PQclear(result)
            throw error
        }
    }

    private func withParameters<R>(_ binds: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies = binds.map { $0.flatMap { strdup($0) } }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }

    /// The message with every double-quoted value replaced by "(value withheld)".
    static func withholdingQuotedValues(_ message: String) -> String {
        var out = "", rest = Substring(message)
        while let open = rest.firstIndex(of: "\""), let close = rest[rest.index(after: open)...].firstIndex(of: "\"") {
            out += rest[..<open] + "(value withheld)"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    static func errorMessage(_ handle: OpaquePointer) -> String {
        String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The server's primary message and SQLSTATE only: the detail and the
    /// statement may quote parameter values.
    static func error(from result: OpaquePointer, handle: OpaquePointer) -> PQError {
        func field(_ code: Int32) -> String? {
            guard let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        // libpq's PG_DIAG_* codes are character macros, which Swift does not import.
        let sqlState = field(Int32(UInt8(ascii: "C")))
        var message = field(Int32(UInt8(ascii: "M"))) ?? errorMessage(handle)
        // Data exceptions quote the offending value ("invalid input syntax for type
        // integer: \"…\"", "value \"…\" is out of range"), which may be a parameter:
        // keep it out of the message.
        if sqlState?.hasPrefix("22") == true {
            message = Connection.withholdingQuotedValues(message)
        }
        if sqlState == nil, PQstatus(handle) != CONNECTION_OK {
            return PQError.connection(message)
        }
        return PQError.query(message, sqlState: sqlState, constraint: field(Int32(UInt8(ascii: "n"))))
    }
}

/// Buffers COPY data and hands it to libpq in large pieces.
public struct CopyWriter {
    fileprivate let handle: OpaquePointer
    private var buffer: [UInt8] = []
    /// Small enough to fit a socket buffer several times over: the server works
    /// through one piece while the next is prepared, instead of waiting for it.
    private static let chunk = 1 << 15

    fileprivate init(handle: OpaquePointer) {
        self.handle = handle
        buffer.reserveCapacity(CopyWriter.chunk + 4096)
    }

    public mutating func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= CopyWriter.chunk { try flush() }
    }

    /// Adds text without sending; the next `write` sends when the buffer is full.
    public mutating func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
    }

    /// Adds bytes that are COPY text already.
    mutating func write(_ bytes: ArraySlice<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= CopyWriter.chunk { try flush() }
    }

    /// One row in COPY's text format: fields escaped and tab-separated, nil as NULL.
    public mutating func row(_ fields: [String?]) throws {
        for (index, field) in fields.enumerated() {
            if index > 0 { append("\t") }
            append(field.map(CopyText.escape) ?? "\\N")
        }
        try write("\n")
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1 else { throw PQError.copy(Connection.errorMessage(handle)) }
        buffer.removeAll(keepingCapacity: true)
    }
}
