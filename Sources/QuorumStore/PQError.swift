/// An error from PostgreSQL or from talking to it.
///
/// Its description carries the SQLSTATE and the server's primary message, never
/// the SQL text, its parameters or a password: it is safe to log and to show.
public struct PQError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case connection, query, copy, decoding, closed, migration, embedded, interrupted
    }

    private let code: Code
    /// The five-character SQLSTATE, when the server gave one.
    public let sqlState: String?
    /// The server's primary message, or ours.
    public let message: String
    /// The violated constraint, when there is one.
    public let constraint: String?

    private init(_ code: Code, message: String, sqlState: String? = nil, constraint: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.constraint = constraint
    }

    static func connection(_ message: String) -> PQError { PQError(.connection, message: message) }
    static func query(_ message: String, sqlState: String?, constraint: String?) -> PQError {
        PQError(.query, message: message, sqlState: sqlState, constraint: constraint)
    }
    static func copy(_ message: String) -> PQError { PQError(.copy, message: message) }
    static func decoding(_ message: String) -> PQError { PQError(.decoding, message: message) }
    static let closed = PQError(.closed, message: "the connection is closed")
    static func migration(_ message: String) -> PQError { PQError(.migration, message: message) }
    static func embedded(_ message: String) -> PQError { PQError(.embedded, message: message) }
    /// The statement was stopped because the work that asked for it was cancelled.
    static let interrupted = PQError(.interrupted, message: "the statement was cancelled")

    /// Cancelled on purpose: by an interruption, or on the server by a cancel request.
    public var isCancellation: Bool { code == .interrupted || sqlState == "57014" }

    /// The connection itself failed (refused, lost, closed), as opposed to a statement.
    public var isConnectionFailure: Bool {
        code == .connection || code == .closed || (sqlState?.hasPrefix("08") ?? false)
            || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }

    /// The database could not be reached or used at all: the connection failed,
    /// or the embedded cluster did not start. Never the input's fault.
    public var isUnavailable: Bool { isConnectionFailure || code == .embedded }

    public var description: String {
        var text = message
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        return text
    }
}
