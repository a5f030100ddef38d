/// Bytes as lowercase hexadecimal digits, two to a byte: a token's hash as
/// stored, an entity tag. (Foundation's `String(format:)` for each byte took
/// longer than hashing the bytes.)
public enum Hex {
    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes { text += [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]] }
        return String(decoding: text, as: UTF8.self)
    }
}
