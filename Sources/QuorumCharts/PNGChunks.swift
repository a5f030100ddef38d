/// A PNG's chunks, as far as giving a palette PNG other colours needs them.
enum PNGChunks {
    /// `png` with its palette (PLTE) holding `colours` instead, entry for entry;
    /// nil when it has no palette of as many entries.
    static func replacingPalette(of png: [UInt8], with colours: [RGB]) -> [UInt8]? {
        var offset = 8  // the signature
        while offset + 12 <= png.count {
            let length = png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let end = offset + 12 + length
            guard end <= png.count else { return nil }
            if png[offset + 4..<offset + 8].elementsEqual("PLTE".utf8) {
                guard length == 3 * colours.count else { return nil }
                let chunk = Array("PLTE".utf8) + colours.flatMap { [$0.red, $0.green, $0.blue] }
                let crc = crc32(chunk)
                return Array(png[..<(offset + 4)]) + chunk + [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: crc >> $0) }
                    + png[end...]
            }
            offset = end
        }
        return nil
    }

    /// The CRC-32 a PNG chunk ends with (ISO 3309), over its type and data.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
