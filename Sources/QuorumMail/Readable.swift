import QuorumAggregates
import QuorumModel

/// Values and text written for readers: numbers with thousands separators,
/// dates in words, codes by their names, lines wrapped to a width.
enum Readable {
    /// A cell's value as a reader sees it, by what its column holds, in `language`.
    static func value(
        _ value: Value, _ kind: ColumnLabels.Kind, organisation: String?, names: ReadableTable.Names, language: Language = .en
    ) -> String {
        func grouped(_ number: Double) -> String { NumberFormat.grouped(number, in: language) }
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
            return percent(grouped(number * 100), in: language)
        case (.percent, _):
            guard let number = value.number else { return value.description }
            return percent(grouped(number), in: language)
        case (.date, .text(let text)): return date(text, in: language)
        case (.code(let vocabulary), .text(let code)): return ColumnLabels.words(code, vocabulary, in: language)
        case (.qualifier, .text(let code)): return ColumnLabels.words(code, .qualifier, in: language)
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

    /// "12.5%"; in Russian, as CLDR writes it, with a no-break space: "12,5 %".
    static func percent(_ number: String, in language: Language) -> String {
        language == .ru ? number + "\u{00A0}%" : number + "%"
    }

    /// A date with its precision in words: "2024", "October 2024", "3 October 2024";
    /// "октябрь 2024 г.", "2024年10月" (CLDR's).
    static func date(_ text: String, in language: Language = .en) -> String {
        guard let date = try? PartialDate(parsing: text) else { return text }
        return date.words(in: language)
    }

    /// How many columns of a fixed-width font `text` takes: two for a wide
    /// character (Han, kana, Hangul, full-width forms), as terminals and mail
    /// clients set them, one for any other.
    static func width(_ text: some StringProtocol) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (isWide($1) ? 2 : 1) }
    }

    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            true
        default: false
        }
    }

    /// `text` in lines at most `width` columns wide (`width(_:)`), broken between
    /// words, and within a run of wide characters between any two of them; a word
    /// longer than a line is cut, after a hyphen where it has one. Later lines
    /// start with `indent`.
    static func wrap(_ text: String, width: Int, indent: String = "") -> [String] {
        let room = max(1, width)
        let indent = Self.width(indent) < room ? indent : ""
        var lines: [String] = []
        var line = "", used = 0, hasWord = false
        func finish() {
            lines.append(line)
            (line, used, hasWord) = (indent, Self.width(indent), false)
        }
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var rest = Substring(word)
            // A word that does not fit starts a new line; wide text, which breaks anywhere, fills the line it starts on.
            let breaksAnywhere = rest.unicodeScalars.contains(where: isWide)
            if hasWord && !breaksAnywhere && used + 1 + Self.width(rest) > room { finish() }
            while !rest.isEmpty {
                let separator = hasWord ? 1 : 0
                if used + separator + Self.width(rest) <= room {
                    line += (hasWord ? " " : "") + rest
                    used += separator + Self.width(rest)
                    hasWord = true
                    break
                }
                // The longest head of the word that fits on this line.
                var head = rest.startIndex, headWidth = 0
                while head < rest.endIndex, used + separator + headWidth + Self.width(rest[head...head]) <= room {
                    headWidth += Self.width(rest[head...head])
                    head = rest.index(after: head)
                }
                if !breaksAnywhere, let hyphen = rest[..<head].lastIndex(of: "-"), hyphen > rest.startIndex {
                    head = rest.index(after: hyphen)
                }
                // Nor does a line start with closing punctuation or end with opening: the
                // break moves back a character, to the word's start if the line holds
                // words already (else the line keeps at least one).
                let earliest = hasWord ? rest.startIndex : rest.index(after: rest.startIndex)
                while breaksAnywhere, head < rest.endIndex, head > earliest,
                    Punctuation.isClosing(rest[head]) || Punctuation.isOpening(rest[rest.index(before: head)])
                {
                    head = rest.index(before: head)
                }
                if head == rest.startIndex {
                    // Nothing fits after what the line holds: a new line, or one character on an empty one.
                    if hasWord {
                        finish()
                        continue
                    }
                    head = rest.index(after: head)
                }
                line += (hasWord ? " " : "") + rest[..<head]
                rest = rest[head...]
                finish()
            }
        }
        if hasWord || lines.isEmpty { lines.append(line) }
        return lines
    }
}
