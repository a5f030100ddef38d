import Foundation

/// The result of one aggregation run: every aggregate, computed in one
/// consistent read of the database. Every view — page, chart, API, e-mail — is
/// made from a snapshot, so they agree, and each can name the run it came from.
public struct Snapshot: Codable, Equatable, Sendable {
    public let id: Int64
    public let startedAt: Date
    public let finishedAt: Date
    /// The data version the run saw: nothing changed since if it is still current.
    public let dataVersion: Int64
    public let tables: [AggregateTable]
    /// The partial aggregates the run left, where the next run starts from; nil
    /// when loaded for reading (the next run then loads those stored with it).
    public private(set) var eventGroups: EventGroups? = nil
    /// Its rows as the run wrote them, where the next run's payload starts from.
    public private(set) var encodedRows: EncodedRows? = nil

    public init(
        id: Int64, startedAt: Date, finishedAt: Date, dataVersion: Int64, tables: [AggregateTable],
        eventGroups: EventGroups? = nil, encodedRows: EncodedRows? = nil
    ) {
        self.id = id
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.dataVersion = dataVersion
        self.tables = tables
        self.eventGroups = eventGroups
        self.encodedRows = encodedRows
    }

    private enum CodingKeys: String, CodingKey {
        case id, startedAt, finishedAt, dataVersion, tables
    }

    /// Snapshots are equal when their results are; the working state does not count.
    public static func == (a: Snapshot, b: Snapshot) -> Bool {
        a.id == b.id && a.startedAt == b.startedAt && a.finishedAt == b.finishedAt && a.dataVersion == b.dataVersion
            && a.tables == b.tables
    }

    public subscript(name: String) -> AggregateTable? { tables.first { $0.name == name } }
}

/// One aggregate: named columns and rows of plain values.
public struct AggregateTable: Codable, Equatable, Sendable {
    public let name: String
    public let description: String
    public let columns: [String]
    public let rows: [[Value]]
    /// Why a user-defined aggregate (a chart's own SQL) has no rows; nil when it ran.
    public let error: String?

    public init(name: String, description: String, columns: [String], rows: [[Value]], error: String? = nil) {
        self.name = name
        self.description = description
        self.columns = columns
        self.rows = rows
        self.error = error
    }

    /// The rows as dictionaries, for tests and templates.
    public var records: [[String: Value]] {
        rows.map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }
    }
}

/// A cell: null, a whole number, a decimal number or text.
public enum Value: Codable, Hashable, Sendable, CustomStringConvertible {
    case null
    case integer(Int64)
    case number(Double)
    case text(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let integer = try? container.decode(Int64.self) {
            self = .integer(integer)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        }
    }

    public var description: String {
        switch self {
        case .null: ""
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .text(let value): value
        }
    }

    public var integer: Int64? { if case .integer(let value) = self { value } else { nil } }
    public var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }
    public var text: String? { if case .text(let value) = self { value } else { nil } }
}
