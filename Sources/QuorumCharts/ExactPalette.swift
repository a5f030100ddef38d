import CGD

/// A true-colour image's colours, each given a palette index in the order first
/// seen, for as long as there are at most 256 of them.
///
/// A chart is drawn from a theme's few colours and their anti-aliasing blends
/// (coverage is kept to `Canvas.coverageLevels` steps), so its colours usually fit a
/// palette as they are: no quantiser, no colour shifted, and a fraction of the time.
struct ExactPalette {
    private static let slots = 1024  // a power of two, four times the most colours kept
    private var keys = [Int32](repeating: -1, count: slots)  // -1 is no colour: libgd's alpha is 7 bits
    private var indexes = [UInt8](repeating: 0, count: slots)
    private(set) var colours: [Int32] = []  // the values, in the order of their indexes
    /// For values known to be small (colour pairs' ids): the index of each value, by value, -1 for none yet.
    private var byValue: [Int16]

    /// `below`: every value is known to be under it (and small): the values are looked
    /// up in a table by value rather than hashed.
    init(below limit: Int = 0) { byValue = [Int16](repeating: -1, count: limit) }

    /// The index of `colour`, newly given if it is new; nil once a 257th colour is seen.
    mutating func index(of colour: Int32) -> UInt8? {
        if colour >= 0, Int(colour) < byValue.count {
            if byValue[Int(colour)] >= 0 { return UInt8(byValue[Int(colour)]) }
            guard colours.count < 256 else { return nil }
            byValue[Int(colour)] = Int16(colours.count)
            colours.append(colour)
            return UInt8(colours.count - 1)
        }
        var slot = Int(truncatingIfNeeded: (UInt32(bitPattern: colour) &* 0x9E37_79B1) >> 22)
        while true {
            if keys[slot] == colour { return indexes[slot] }
            if keys[slot] == -1 { break }
            slot = (slot + 1) & (Self.slots - 1)
        }
        guard colours.count < 256 else { return nil }
        keys[slot] = colour
        indexes[slot] = UInt8(colours.count)
        colours.append(colour)
        return indexes[slot]
    }

    /// `image` as rows of palette indices with exactly its own colours, each row led
    /// by a PNG filter byte (0), or nil if it has more than 256; with the pixel values
    /// in the order of their palette entries.
    static func rows(from image: gdImagePtr, width: Int, height: Int, below limit: Int = 0) -> (rows: [UInt8], values: [Int32])? {
        var rows = [UInt8](repeating: 0, count: height * (width + 1))
        let palette = rows.withUnsafeMutableBufferPointer { rows -> ExactPalette? in
            var palette = ExactPalette(below: limit)
            for y in 0..<height {
                let source = UnsafePointer(image.pointee.tpixels[y]!)
                let row = rows.baseAddress! + y * (width + 1) + 1
                // Runs of one colour are the rule (background, bars): each is looked up
                // once, found eight pixels at a time, and filled at once.
                var x = 0
                while x < width {
                    let colour = source[x]
                    guard let index = palette.index(of: colour) else { return nil }
                    // Two pixels to a word: eight pixels match when no bit of the four words differs.
                    let two = UInt64(UInt32(bitPattern: colour)) &* 0x1_0000_0001
                    var end = x + 1
                    while end + 8 <= width {
                        let words = UnsafeRawPointer(source + end)
                        let differ =
                            (words.loadUnaligned(as: UInt64.self) ^ two) | (words.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ two)
                            | (words.loadUnaligned(fromByteOffset: 16, as: UInt64.self) ^ two)
                            | (words.loadUnaligned(fromByteOffset: 24, as: UInt64.self) ^ two)
                        if differ != 0 { break }
                        end += 8
                    }
                    while end < width, source[end] == colour { end += 1 }
                    (row + x).update(repeating: index, count: end - x)
                    x = end
                }
            }
            return palette
        }
        return palette.map { (rows, $0.colours) }
    }
}
