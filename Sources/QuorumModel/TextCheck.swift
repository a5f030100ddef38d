/// What makes a text unfit to store as it was given: Quorum refuses such input
/// rather than store it changed (PostgreSQL's text cannot hold NUL, and bytes
/// that are not UTF-8 would become U+FFFD). Messages name the character by its
/// code point, never echo it.
public enum TextCheck {
    /// A control character (any C0 but tab, line feed and carriage return, and DEL).
    public static func isRefusedControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) || value == 0x7F
    }

    /// What is wrong with a text, or nil.
    public static func problem(_ text: String) -> String? {
        guard let scalar = text.unicodeScalars.first(where: isRefusedControl) else { return nil }
        return "contains the control character \(codePoint(scalar.value)), which is not stored"
    }

    /// What is wrong with a one-line setting (an address, a subject, a path), or
    /// nil: any control character, line breaks and tabs included.
    public static func settingProblem(_ text: String) -> String? {
        guard let scalar = text.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        return "contains the control character \(codePoint(scalar.value)), which no setting may hold"
    }

    /// What is wrong with the bytes of a text, or nil: not UTF-8, or a control character.
    public static func problem(_ bytes: ArraySlice<UInt8>) -> String? {
        var plain = true
        for byte in bytes {
            if byte >= 0x80 {
                plain = false
                continue
            }
            if isRefusedControl(Unicode.Scalar(byte)) { return "contains the control character \(codePoint(UInt32(byte))), which is not stored" }
        }
        if !plain {
            var iterator = bytes.makeIterator()
            var decoder = UTF8()
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue: continue
                case .emptyInput: return nil
                case .error: return "is not valid UTF-8"
                }
            }
        }
        return nil
    }

    /// `text` with every control character (tab and line breaks included)
    /// written as its code point, `<U+001A>`: fit for a one-line message.
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) { out += "<\(codePoint(scalar.value))>" } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    static func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
