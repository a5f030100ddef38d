import Foundation

/// The encodings a message needs to travel as 7-bit text with lines of at most
/// 76 characters: base64 and quoted-printable bodies, RFC 2047 encoded-words
/// for headers with non-ASCII text, and header folding.
enum MIME {
    static let lineLimit = 76

    /// Whether `value` would end a header early or smuggle in another: CR, LF or NUL.
    static func breaksHeader(_ value: String) -> Bool {
        value.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }
    }

    /// Base64 in lines of 76 characters, joined by CRLF.
    static func base64(_ bytes: some Collection<UInt8>) -> String {
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        var output: [UInt8] = []
        output.reserveCapacity(encoded.count + encoded.count / 38)
        for start in stride(from: 0, to: encoded.count, by: lineLimit) {
            if start > 0 { output += [13, 10] }
            output += encoded[start..<min(start + lineLimit, encoded.count)]
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Quoted-printable (RFC 2045) of UTF-8 text, line breaks as CRLF, soft breaks
    /// keeping every line at 76 characters or fewer.
    static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if index > 0 { output += [13, 10] }
            var column = 0
            let bytes = Array(line.utf8)
            for (position, byte) in bytes.enumerated() {
                let isLast = position == bytes.count - 1
                // Spaces and tabs stay literal unless they end the line.
                var literal = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !isLast)
                // Leave room for the soft break's "=" unless this is the line's last character.
                if column + (literal ? 1 : 3) > (isLast ? lineLimit : lineLimit - 1) {
                    output += [61, 13, 10]
                    column = 0
                }
                // A dot opening a line is encoded, so no relay can take it for the end of the data.
                if byte == 46 && column == 0 { literal = false }
                if literal {
                    output.append(byte)
                    column += 1
                } else {
                    output += [61, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
                    column += 3
                }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A header's unstructured text: as it is when printable ASCII, else as RFC 2047
    /// encoded-words (`=?UTF-8?B?…?=`), each at most 75 characters and never
    /// splitting a character, folded onto continuation lines.
    static func encodedText(_ text: String, headerName: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 }) {
            return fold(text, firstLineUsed: headerName.count + 2)
        }
        return encodedWords(text).joined(separator: "\r\n ")
    }

    /// Encoded-words for `text`, split on character boundaries.
    static func encodedWords(_ text: String) -> [String] {
        // 75 - "=?UTF-8?B?".count - "?=".count = 63 base64 characters → 45 bytes (whole 3-byte groups).
        let maximumBytes = 45
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > maximumBytes, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words
    }

    /// Folds printable ASCII header text at spaces so lines stay within 76 characters where it can.
    static func fold(_ text: String, firstLineUsed: Int) -> String {
        var lines: [String] = []
        var current = ""
        var used = firstLineUsed
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty {
                current = String(word)
            } else if used + current.count + 1 + word.count > lineLimit {
                lines.append(current)
                current = String(word)
                used = 1
            } else {
                current += " " + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n ")
    }

    /// An address as a header writes it: `Name <a@b>`, the name quoted or encoded as needed.
    static func address(_ address: MailAddress) -> String {
        guard let name = address.name else { return address.address }
        if name.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 }) {
            let atext = name.allSatisfy { $0.isLetter || $0.isNumber || $0 == " " || "!#$%&'*+-/=?^_`{|}~".contains($0) }
            let phrase =
                atext
                ? name
                : "\""
                    + name.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "\"", with: "\\\"") + "\""
            return "\(phrase) <\(address.address)>"
        }
        return encodedWords(name).joined(separator: "\r\n ") + " <\(address.address)>"
    }

    /// A parameter value (a file name) as a quoted string, or RFC 2231 when not ASCII.
    static func parameter(_ name: String, _ value: String) -> String {
        if value.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 }) {
            return "\(name)=\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return "\(name)*=UTF-8''" + (value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")
    }

    /// RFC 5322 date-time, e.g. `Sun, 22 Nov 2026 09:00:00 +0000`.
    static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// FNV-1a, 64 bits: a short stable digest for Message-IDs and boundaries (not for security).
    static func digest(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
