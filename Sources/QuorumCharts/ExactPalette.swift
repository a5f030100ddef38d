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

    /// The index of `colour`, newly given if it is new; nil once a 257th colour is seen.
    mutating func index(of colour: Int32) -> UInt8? {
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

    /// `image` as a palette image with exactly its own colours, or nil if it has more
    /// than 256; with the pixel values in the order of their palette entries.
    /// `colour` says what a value stands for (a colour pair's id: its light colour).
    /// The caller destroys the image returned.
    static func image(
        from image: gdImagePtr, width: Int, height: Int, colour: (Int32) -> RGB = { RGB(ink: $0) }
    ) -> (image: gdImagePtr, values: [Int32])? {
        guard let indexed = gdImageCreate(Int32(width), Int32(height)) else { return nil }
        var palette = ExactPalette()
        for y in 0..<height {
            let source = image.pointee.tpixels[y]!, target = indexed.pointee.pixels[y]!
            // Runs of one colour are the rule (background, bars): look each run up once.
            var previous: Int32 = -1, previousIndex: UInt8 = 0
            for x in 0..<width {
                let colour = source[x]
                if colour != previous {
                    guard let index = palette.index(of: colour) else {
                        gdImageDestroy(indexed)
                        return nil
                    }
                    previous = colour
                    previousIndex = index
                }
                target[x] = previousIndex
            }
        }
        for value in palette.colours {
            let rgb = colour(value)
            _ = gdImageColorAllocate(indexed, Int32(rgb.red), Int32(rgb.green), Int32(rgb.blue))
        }
        return (indexed, palette.colours)
    }
}
