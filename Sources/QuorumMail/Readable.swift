import QuorumAggregates
import QuorumModel

/// Values and text written for readers: numbers with thousands separators,
/// dates in words, codes by their names, lines wrapped to a width.
enum Readable {
    /// A cell's value as a reader sees it, by what its column holds.
    static func value(_ value: Value, _ kind: ColumnLabels.Kind, organisation: String?, names: ReadableTable.Names) -> String {
        switch (kind, value) {
        case (_, .null): return ""
        case (.year, .integer(let number)), (.identifier, .integer(let number)): return String(number)
        case (.year, .number(let number)) where number == number.rounded(), (.identifier, .number(let number)) where number == number.rounded():
            return String(Int64(number))
        case (.count, _), (.decimal, _):
            guard let number = value.number else { return value.description }
            return grouped(number)
        case (.share, _):
            guard let number = value.number else { return value.description }
            return grouped(number * 100) + "%"
        case (.percent, _):
            guard let number = value.number else { return value.description }
            return grouped(number) + "%"
        case (.date, .text(let text)): return date(text)
        case (.code(let vocabulary), .text(let code)): return ColumnLabels.words(code, vocabulary)
        case (.qualifier, .text(let code)): return ColumnLabels.words(code, .qualifier)
        case (.body, .text(let code)): return names.bodies["\(organisation ?? "")/\(code)"] ?? code
        case (.sources, .text(let keys)):
            return keys.split(separator: " ").map { names.sources[String($0)] ?? String($0) }.joined(separator: "; ")
        case (_, .integer), (_, .number):
            return value.number.map(grouped) ?? value.description
        default: return value.description
        }
    }

    /// Thousands separated by commas; one decimal place where there is a fraction
    /// (two below 1); a minus sign, not a hyphen.
    static func grouped(_ value: Double) -> String { NumberFormat.grouped(value) }

    private static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ]

    /// A date with its precision in words: "2024", "October 2024", "3 October 2024".
    static func date(_ text: String) -> String {
        guard let date = try? PartialDate(parsing: text) else { return text }
        guard let month = date.month, (1...12).contains(month) else { return String(date.year) }
        guard let day = date.day else { return "\(months[month - 1]) \(date.year)" }
        return "\(day) \(months[month - 1]) \(date.year)"
    }

    /// `text` in lines of at most `width` characters, broken between words (a word
    /// longer than a line is cut); later lines start with `indent`.
    static func wrap(_ text: String, width: Int, indent: String = "") -> [String] {
        var lines: [String] = []
        var line = ""
        let room = max(1, width)
        let indent = indent.count < room ? indent : ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let prefix = lines.isEmpty ? "" : indent
            if line.isEmpty {
                line = prefix + word
            } else if line.count + 1 + word.count <= room {
                line += " " + word
                continue
            } else {
                lines.append(line)
                line = indent + word
            }
            while line.count > room {
                lines.append(String(line.prefix(room)))
                line = indent + line.dropFirst(room)
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}
