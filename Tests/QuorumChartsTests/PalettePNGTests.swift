import Testing

@testable import QuorumCharts

/// Quorum's own PNG encoder, read back by libgd (through libpng and zlib, which
/// check the stream, its Adler-32 and every chunk's CRC).
@Suite struct PalettePNGTests {
    /// Rows of `width` indices, each led by its filter byte, from `index(x, y)`.
    func rows(width: Int, height: Int, _ index: (Int, Int) -> Int) -> [UInt8] {
        (0..<height).flatMap { y in [0] + (0..<width).map { x in UInt8(index(x, y)) } }
    }

    let palette = (0..<256).map { RGB(UInt8($0), UInt8(255 - $0), UInt8($0 / 2)) }

    func expectDecodes(width: Int, height: Int, _ index: @escaping (Int, Int) -> Int, colours: Int = 256) throws {
        let png = PalettePNG.encode(
            width: width, height: height, rows: rows(width: width, height: height, index), palettes: [Array(palette.prefix(colours))])[0]
        let decoded = try DecodedPNG(quorumPNG: png)
        #expect(decoded.width == width && decoded.height == height && decoded.isPalette)
        var wrong = 0
        for y in 0..<height {
            for x in 0..<width where decoded.pixel(x: x, y: y) != UInt32(palette[index(x, y)].gd) { wrong += 1 }
        }
        #expect(wrong == 0, "\(width)×\(height): \(wrong) pixels differ")
    }

    @Test func whatAChartIsMadeOfDecodesPixelForPixel() throws {
        // Runs longer than one match (258), rows that repeat the one above, short runs
        // and lone pixels between them, as a chart's background, bars and text edges.
        try expectDecodes(width: 1080, height: 300) { x, y in
            if y % 50 < 30 { return 0 }
            if x % 97 < 40 { return 3 }
            return (x * 7 + y * 13) % 5 == 0 ? (x ^ y) & 0xFF : 1
        }
    }

    @Test func everyIndexAndNoRepeatsDecode() throws {
        // Every one of 256 colours, in a pattern with no run of three.
        try expectDecodes(width: 257, height: 40) { x, y in (x * 31 + y * 17) % 256 }
    }

    @Test func theSmallestImagesDecode() throws {
        try expectDecodes(width: 1, height: 1, { _, _ in 0 }, colours: 1)
        try expectDecodes(width: 2, height: 1, { x, _ in x }, colours: 2)
        try expectDecodes(width: 5, height: 4, { _, _ in 2 }, colours: 3)
    }

    @Test func oneIDATServesEveryPalette() throws {
        let image = rows(width: 30, height: 20) { x, y in (x + y) % 3 }
        let light = [RGB(255, 255, 255), RGB(0, 0, 0), RGB(200, 0, 0)]
        let dark = [RGB(20, 20, 20), RGB(240, 240, 240), RGB(255, 120, 120)]
        let pngs = PalettePNG.encode(width: 30, height: 20, rows: image, palettes: [light, dark])
        let decoded = try pngs.map { try DecodedPNG(quorumPNG: $0) }
        #expect(decoded[0].pixel(x: 2, y: 0) == UInt32(light[2].gd) && decoded[1].pixel(x: 2, y: 0) == UInt32(dark[2].gd))
        #expect(pngs[0].count == pngs[1].count)
    }

    /// Counts that would give codes longer than DEFLATE's 15 bits (a Fibonacci
    /// sequence makes the deepest tree) still give a complete code within the limit.
    @Test func codesStayWithinTheirLimitAndComplete() {
        var fibonacci = [1, 1]
        while fibonacci.count < 30 { fibonacci.append(fibonacci[fibonacci.count - 1] + fibonacci[fibonacci.count - 2]) }
        for (counts, limit) in [(fibonacci, 15), (fibonacci + [0, 0, 5], 7), ([0, 9, 0], 15), ([0, 0, 0], 7)] {
            let lengths = PalettePNG.Huffman.lengths(counts, limit: limit)
            #expect(lengths.max()! <= limit)
            // Kraft's sum of exactly one: every code word is used, none is a prefix of another.
            let kraft = lengths.filter { $0 > 0 }.reduce(0.0) { $0 + 1 / Double(1 << $1) }
            #expect(kraft == 1, "\(counts) → \(lengths)")
            #expect(zip(counts, lengths).allSatisfy { $0 == 0 || $1 > 0 })
        }
    }
}
