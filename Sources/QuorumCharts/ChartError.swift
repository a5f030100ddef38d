/// Why a chart could not be made. A spec problem names the file and the key, so
/// an operator can mend it; the other charts render regardless.
public struct ChartError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Code: Equatable, Sendable { case spec, library, font, data }

    private let code: Code
    /// The chart file, when the error is about one.
    public let file: String?
    /// The key in that file, when one key is to blame.
    public let key: String?
    public let message: String

    private init(_ code: Code, file: String? = nil, key: String? = nil, message: String) {
        self.code = code
        self.file = file
        self.key = key
        self.message = message
    }

    /// A chart file that says something wrong.
    public static func spec(file: String, key: String?, _ message: String) -> ChartError {
        ChartError(.spec, file: file, key: key, message: message)
    }

    /// libgd failed (no memory, an encoder error).
    public static func library(_ message: String) -> ChartError { ChartError(.library, message: message) }

    /// The font file is missing or unreadable.
    public static func font(_ message: String) -> ChartError { ChartError(.font, message: message) }

    /// Data that cannot be drawn as asked.
    public static func data(_ message: String) -> ChartError { ChartError(.data, message: message) }

    public var isSpecError: Bool { code == .spec }

    public var description: String {
        switch (file, key) {
        case let (file?, key?): "\(file): \(key): \(message)"
        case let (file?, nil): "\(file): \(message)"
        default: message
        }
    }
}
