/// The colours of a chart drawn in its light and dark themes at once. The two
/// differ only in colour, so the canvas holds in each pixel the id of a pair —
/// the light theme's colour and the dark's — and a blend of two pairs (an edge,
/// a glyph) is a pair of its own, each side blended as the canvas blends colours.
final class ColourPairs {
    private(set) var light: [RGB] = []
    private(set) var dark: [RGB] = []
    private struct Pair: Hashable {
        let light: RGB, dark: RGB
    }
    private var ids: [Pair: Ink] = [:]
    /// Blends already made, by (top, below, coverage level).
    private var blends: [Int64: Ink] = [:]
    /// The last blend of each slot of keys, in front of `blends`: nearly every partly
    /// covered pixel repeats a recent blend, and hashing each key for the dictionary
    /// was a tenth of drawing a chart.
    private static let recentSlots = 4096  // a power of two
    private let recent = UnsafeMutablePointer<(key: Int64, ink: Ink)>.allocate(capacity: recentSlots)

    init() { recent.initialize(repeating: (key: -1, ink: 0), count: Self.recentSlots) }
    deinit { recent.deallocate() }

    /// The id of the pair of `light` and `dark`.
    func ink(_ light: RGB, _ dark: RGB) -> Ink {
        if let id = ids[Pair(light: light, dark: dark)] { return id }
        let id = Ink(self.light.count)
        self.light.append(light)
        self.dark.append(dark)
        ids[Pair(light: light, dark: dark)] = id
        return id
    }

    /// The pair `top` makes over `below` at `level` steps of `Canvas.coverageLevels`.
    func blend(_ top: Ink, over below: Ink, level: Int) -> Ink {
        let key = Int64(top) << 40 | Int64(below) << 8 | Int64(level)
        let slot = Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 52)
        if recent[slot].key == key { return recent[slot].ink }
        let id: Ink
        if let made = blends[key] {
            id = made
        } else {
            let amount = Double(level) / Canvas.coverageLevels
            id = ink(
                light[Int(top)].mixed(over: light[Int(below)], amount: amount), dark[Int(top)].mixed(over: dark[Int(below)], amount: amount))
            blends[key] = id
        }
        recent[slot] = (key, id)
        return id
    }
}
