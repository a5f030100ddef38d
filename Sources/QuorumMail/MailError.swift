/// An error while composing, sending or scheduling a report e-mail.
///
/// Its description names what is wrong — the header, the address, the SMTP reply
/// code — and never carries a password or a message body: it is safe to log.
public struct MailError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case header, address, site, report, transient, permanent, transport, file
    }

    private let code: Code
    public let message: String
    /// The SMTP reply code the server gave, when it gave one.
    public let replyCode: Int?

    private init(_ code: Code, _ message: String, replyCode: Int? = nil) {
        self.code = code
        self.message = message
        self.replyCode = replyCode
    }

    /// A header value that would break the message (CR, LF or NUL in it).
    static func header(_ name: String) -> MailError {
        MailError(.header, "the \(name) header contains a line break or NUL; refusing to send")
    }
    static func address(_ text: String, _ problem: String) -> MailError {
        MailError(.address, "'\(text)' \(problem)")
    }
    static func site(_ message: String) -> MailError { MailError(.site, message) }
    static func report(_ message: String) -> MailError { MailError(.report, message) }
    /// A failure worth retrying: a 4xx reply, a refused or timed-out connection.
    static func transient(_ message: String, replyCode: Int?) -> MailError {
        MailError(.transient, message, replyCode: replyCode)
    }
    /// A failure that a retry will not mend: a 5xx reply.
    static func permanent(_ message: String, replyCode: Int?) -> MailError {
        MailError(.permanent, message, replyCode: replyCode)
    }
    static func transport(_ message: String) -> MailError { MailError(.transport, message) }
    static func file(_ message: String) -> MailError { MailError(.file, message) }

    public var isHeaderInjection: Bool { code == .header }
    public var isAddress: Bool { code == .address }
    /// Whether sending again later may succeed.
    public var isTransient: Bool { code == .transient }
    public var isPermanent: Bool { code == .permanent }

    public var description: String {
        if let replyCode { return "\(message) (SMTP \(replyCode))" }
        return message
    }
}
