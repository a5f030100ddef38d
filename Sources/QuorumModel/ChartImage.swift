/// One of the images a chart is published as: light or dark, wide or narrow,
/// at a pixel density. The wide layout is the chart file's own size, at 1× and
/// 2×; the narrow one is laid out again for a phone's width, at 2× and 3×, the
/// densities phones have. Each image's file name is made here and nowhere else.
public struct ChartImage: Hashable, Sendable, CustomStringConvertible {
    public let dark: Bool
    public let narrow: Bool
    /// Pixels per CSS pixel.
    public let scale: Int

    public init(dark: Bool, narrow: Bool, scale: Int) {
        self.dark = dark
        self.narrow = narrow
        self.scale = scale
    }

    /// The wide layout's images: light and dark, 1× and 2×.
    public static let wide = [false, true].flatMap { dark in [1, 2].map { ChartImage(dark: dark, narrow: false, scale: $0) } }
    /// The narrow layout's images: light and dark, 2× and 3×.
    public static let narrow = [false, true].flatMap { dark in [2, 3].map { ChartImage(dark: dark, narrow: true, scale: $0) } }

    /// "name.png", "name@2x.png", "name.dark.png", "name.narrow.dark@3x.png".
    public func file(_ name: String) -> String {
        name + (narrow ? ".narrow" : "") + (dark ? ".dark" : "") + (scale == 1 ? "" : "@\(scale)x") + ".png"
    }

    public var description: String { file("chart") }
}
