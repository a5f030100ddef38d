import CGD

/// A palette PNG written directly: rows of palette indices, compressed by a
/// DEFLATE encoder made for charts.
///
/// A chart is mostly runs of one colour and rows that repeat the row above, with
/// anti-aliased edges and text between them. zlib, at any level, examines every
/// byte for matches anywhere in its window, and spent about half of a chart's
/// drawing time on its 2× and 3× images. This encoder looks for two matches
/// only, the byte before and the byte a row above, and codes them with Huffman
/// codes made for each image (RFC 1951, 3.2.7): in a fraction of zlib's time, for
/// files about 4% larger than its level 3 (`Benchmarks/README.md`). Any PNG reader
/// decodes them; the tests decode what it writes, and every default chart, with libgd.
enum PalettePNG {
    /// A PNG of `rows` — `height` rows of `width` indices, each row led by its
    /// filter byte (0: none) — for each of `palettes` (a chart's light and dark
    /// colours), which give one colour per index used. The rows are compressed once.
    static func encode(width: Int, height: Int, rows: [UInt8], palettes: [[RGB]]) -> [[UInt8]] {
        precondition(rows.count == height * (width + 1))
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let typed = Array(type.utf8) + data
            return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
        }
        // Bit depth 8, colour type 3 (palette), deflate, the filter bytes of the rows, not interlaced.
        let header =
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 3, 0, 0, 0])
        let image = chunk("IDAT", zlib(rows, stride: width + 1)) + chunk("IEND", [])
        return palettes.map { palette in
            precondition(!palette.isEmpty && palette.count <= 256)
            return header + chunk("PLTE", palette.flatMap { [$0.red, $0.green, $0.blue] }) + image
        }
    }

    /// The CRC-32 a PNG chunk ends with (ISO 3309, zlib's), over its type and data.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CGD.crc32(0, $0.baseAddress, UInt32($0.count))) }
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

    /// `data` as a zlib stream (RFC 1950) of one DEFLATE block with codes made for it.
    static func zlib(_ data: [UInt8], stride: Int) -> [UInt8] {
        precondition(stride <= 32768, "a match reaches at most 32768 bytes back")
        // First the matches and literals, counted; then the codes; then the bits.
        var tokens: [UInt32] = []
        tokens.reserveCapacity(data.count / 16)
        var literalCounts = [Int](repeating: 0, count: 286), distanceCounts = [Int](repeating: 0, count: 30)
        let up = distanceSymbol(stride)
        data.withUnsafeBufferPointer { data in
            let count = data.count
            let base = UnsafeRawPointer(data.baseAddress!)
            // How far the bytes at `index` repeat those `distance` back, up to 258:
            // eight bytes at a time, then the first that differs.
            func run(_ index: Int, _ distance: Int) -> Int {
                let limit = min(258, count - index)
                var length = 0
                while length + 8 <= limit {
                    let here = base.loadUnaligned(fromByteOffset: index + length, as: UInt64.self)
                    let back = base.loadUnaligned(fromByteOffset: index + length - distance, as: UInt64.self)
                    if here != back { return length + (here ^ back).trailingZeroBitCount / 8 }
                    length += 8
                }
                while length < limit, data[index + length] == data[index + length - distance] { length += 1 }
                return length
            }
            var index = 0
            while index < count {
                let before = index >= 1 ? run(index, 1) : 0
                let above = index >= stride && before < 258 ? run(index, stride) : 0
                let length = max(before, above)
                if length >= 3 {
                    let fromAbove = above > before
                    tokens.append(Token.match | UInt32(length) | (fromAbove ? Token.above : 0))
                    literalCounts[257 + Self.lengthSymbols[length].index] += 1
                    distanceCounts[fromAbove ? up.index : 0] += 1
                    index += length
                } else {
                    tokens.append(UInt32(data[index]))
                    literalCounts[Int(data[index])] += 1
                    index += 1
                }
            }
        }
        literalCounts[256] = 1  // the end of the block

        let literalLengths = Huffman.lengths(literalCounts, limit: 15)
        let distanceLengths = Huffman.lengths(distanceCounts, limit: 15)
        let literalCodes = Huffman.codes(literalLengths), distanceCodes = Huffman.codes(distanceLengths)

        var out = Bits(capacity: tokens.count + 1024)
        out.bytes += [0x78, 0x01]  // deflate, 32 KiB window, no dictionary
        out.put(0b101, 3)  // the final block, codes of its own
        writeCodeLengths(literalLengths, distanceLengths, to: &out)
        let one = distanceSymbol(1)
        for token in tokens {
            if token & Token.match == 0 {
                out.put(literalCodes[Int(token)])
                continue
            }
            let length = Self.lengthSymbols[Int(token & 0x1FF)]
            out.put(literalCodes[257 + length.index])
            out.put(length.extra, length.extraCount)
            let distance = token & Token.above == 0 ? one : up
            out.put(distanceCodes[distance.index])
            out.put(distance.extra, distance.extraCount)
        }
        out.put(literalCodes[256])
        out.flush()
        out.bytes += bigEndian(adler32(data))
        return out.bytes
    }

    /// A literal byte, or a match: its length, and whether it copies the row above
    /// (else the byte before).
    private enum Token {
        static let match: UInt32 = 1 << 31
        static let above: UInt32 = 1 << 30
    }

    /// The code lengths of both codes, themselves coded (RFC 1951, 3.2.7): runs of
    /// zeros and repeats shortened, then a code for the lengths.
    private static func writeCodeLengths(_ literal: [Int], _ distance: [Int], to out: inout Bits) {
        let literalCount = max(257, (literal.lastIndex { $0 > 0 } ?? 0) + 1)
        let distanceCount = max(1, (distance.lastIndex { $0 > 0 } ?? 0) + 1)
        let lengths = Array(literal[..<literalCount] + distance[..<distanceCount])
        // (symbol, extra bits, how many extra bits)
        var symbols: [(symbol: Int, extra: UInt32, count: Int)] = []
        var index = 0
        while index < lengths.count {
            let value = lengths[index]
            var run = 1
            while index + run < lengths.count, lengths[index + run] == value { run += 1 }
            if value == 0, run >= 11 {
                let taken = min(run, 138)
                symbols.append((18, UInt32(taken - 11), 7))
                index += taken
            } else if value == 0, run >= 3 {
                let taken = min(run, 10)
                symbols.append((17, UInt32(taken - 3), 3))
                index += taken
            } else if value != 0, run >= 4 {
                let taken = min(run - 1, 6)
                symbols.append((value, 0, 0))
                symbols.append((16, UInt32(taken - 3), 2))
                index += 1 + taken
            } else {
                symbols.append((value, 0, 0))
                index += 1
            }
        }
        var counts = [Int](repeating: 0, count: 19)
        for symbol in symbols { counts[symbol.symbol] += 1 }
        let lengthLengths = Huffman.lengths(counts, limit: 7)
        let lengthCodes = Huffman.codes(lengthLengths)
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        let orderCount = max(4, (order.lastIndex { lengthLengths[$0] > 0 } ?? 0) + 1)
        out.put(UInt32(literalCount - 257), 5)
        out.put(UInt32(distanceCount - 1), 5)
        out.put(UInt32(orderCount - 4), 4)
        for symbol in order[..<orderCount] { out.put(UInt32(lengthLengths[symbol]), 3) }
        for symbol in symbols {
            out.put(lengthCodes[symbol.symbol])
            out.put(symbol.extra, symbol.count)
        }
    }

    /// A Huffman code, or extra bits, as they go into the stream.
    struct Code {
        let bits: UInt32
        let count: Int
    }

    /// Bits written least significant first, as DEFLATE packs them.
    private struct Bits {
        var bytes: [UInt8] = []
        private var buffer: UInt64 = 0
        private var filled = 0

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        mutating func put(_ code: Code) { put(code.bits, code.count) }

        mutating func put(_ bits: UInt32, _ count: Int) {
            buffer |= UInt64(bits) << filled
            filled += count
            if filled >= 32 {
                for shift in [0, 8, 16, 24] { bytes.append(UInt8(truncatingIfNeeded: buffer >> shift)) }
                buffer >>= 32
                filled -= 32
            }
        }

        mutating func flush() {
            while filled > 0 {
                bytes.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                filled -= 8
            }
            filled = 0
        }
    }

    /// A length or distance as DEFLATE codes it: a symbol, then extra bits.
    private struct Symbol {
        let index: Int
        let extra: UInt32
        let extraCount: Int
    }

    /// The symbol of each match length 3–258 (its index among symbols 257–285).
    private static let lengthSymbols: [Symbol] = (0...258).map { (length: Int) -> Symbol in
        guard length >= 3 else { return Symbol(index: 0, extra: 0, extraCount: 0) }
        let bases: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        let extras: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        let index = bases.lastIndex { $0 <= length }!
        return Symbol(index: index, extra: UInt32(length - bases[index]), extraCount: extras[index])
    }

    /// The symbol of a match distance, 1–32768.
    private static func distanceSymbol(_ distance: Int) -> Symbol {
        let bases: [Int] = [
            1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
            8193, 12289, 16385, 24577,
        ]
        let index = bases.lastIndex { $0 <= distance }!
        return Symbol(index: index, extra: UInt32(distance - bases[index]), extraCount: index < 4 ? 0 : index / 2 - 1)
    }

    /// Huffman codes as DEFLATE makes them: lengths from how often each symbol
    /// occurs, at most `limit` bits, and canonical codes from the lengths.
    enum Huffman {
        /// Each symbol's code length; 0 for a symbol that never occurs. Two symbols at
        /// least have a code, so that the code is complete, as a decoder may require.
        static func lengths(_ counts: [Int], limit: Int) -> [Int] {
            var counts = counts
            while counts.filter({ $0 > 0 }).count < 2 { counts[counts.firstIndex(of: 0)!] = 1 }
            while true {
                let lengths = unlimited(counts)
                if lengths.max() ?? 0 <= limit { return lengths }
                // Flatter counts make a shallower tree; the rarest symbols lose a little.
                counts = counts.map { $0 == 0 ? 0 : max(1, $0 / 2) }
            }
        }

        private static func unlimited(_ counts: [Int]) -> [Int] {
            var lengths = [Int](repeating: 0, count: counts.count)
            let used = counts.indices.filter { counts[$0] > 0 }.sorted { counts[$0] < counts[$1] }
            // Two queues, leaves by weight and merged nodes in the order made, give the
            // two lightest nodes at each step; each node keeps its parent.
            var weights = used.map { counts[$0] }, parents = [Int](repeating: -1, count: used.count)
            var leaf = 0, merged = used.count
            func lightest() -> Int {
                if leaf < used.count, merged >= weights.count || weights[leaf] <= weights[merged] {
                    leaf += 1
                    return leaf - 1
                }
                merged += 1
                return merged - 1
            }
            for _ in 1..<used.count {
                let a = lightest(), b = lightest()
                weights.append(weights[a] + weights[b])
                parents.append(-1)
                parents[a] = weights.count - 1
                parents[b] = weights.count - 1
            }
            for (node, symbol) in used.enumerated() {
                var depth = 0, at = node
                while parents[at] >= 0 {
                    depth += 1
                    at = parents[at]
                }
                lengths[symbol] = depth
            }
            return lengths
        }

        /// The canonical code of each length (RFC 1951, 3.2.2), bits reversed to be
        /// written least significant first.
        static func codes(_ lengths: [Int]) -> [Code] {
            var perLength = [Int](repeating: 0, count: 16)
            for length in lengths where length > 0 { perLength[length] += 1 }
            var next = [UInt32](repeating: 0, count: 16)
            var code: UInt32 = 0
            for bits in 1...15 {
                code = (code + UInt32(perLength[bits - 1])) << 1
                next[bits] = code
            }
            return lengths.map { length in
                guard length > 0 else { return Code(bits: 0, count: 0) }
                defer { next[length] += 1 }
                return Code(bits: reversed(next[length], length), count: length)
            }
        }

        private static func reversed(_ code: UInt32, _ count: Int) -> UInt32 {
            (0..<count).reduce(0) { $0 << 1 | (code >> $1 & 1) }
        }
    }

    /// The Adler-32 checksum a zlib stream ends with (zlib's own).
    static func adler32(_ data: [UInt8]) -> UInt32 {
        data.withUnsafeBufferPointer { UInt32(CGD.adler32(CGD.adler32(0, nil, 0), $0.baseAddress, UInt32($0.count))) }
    }
}
