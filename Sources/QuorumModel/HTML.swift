/// Escaping at output: every text that comes from data or chart files goes
/// through one of these before it meets HTML.
public enum HTML {
    /// Text for element content and for double-quoted attribute values.
    public static func escape(_ text: String) -> String {
        // By UTF-8 bytes: the five are ASCII, and no byte of a longer character is.
        // Most texts have none of them and come back as they are.
        let special: (UInt8) -> Bool = { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }
        guard text.utf8.contains(where: special) else { return text }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case 0x26: escaped += "&amp;".utf8
            case 0x3C: escaped += "&lt;".utf8
            case 0x3E: escaped += "&gt;".utf8
            case 0x22: escaped += "&quot;".utf8
            case 0x27: escaped += "&#39;".utf8
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }
}
