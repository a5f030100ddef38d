import QuorumModel

/// Draws charts: `png(data, style)` and `drawing(data, style)` are pure functions
/// of their arguments, so the same snapshot and spec always give the same bytes.
public enum ChartRenderer {
    public static func png(_ data: ChartData, style: ChartStyle) throws(ChartError) -> [UInt8] {
        guard (1...3).contains(style.scale) else { throw ChartError.data("scale must be 1, 2 or 3") }
        return try png(try drawing(data, style: style), theme: style.theme)
    }

    /// A laid-out chart as a palette PNG; should it need the quantiser, the theme's
    /// own colours come out exact.
    private static func png(_ drawing: ChartDrawing, theme: Theme) throws(ChartError) -> [UInt8] {
        try Canvas.raster(drawing).png(palette: true, exactColours: [theme.background, theme.text, theme.grid] + theme.series)
    }

    /// The chart in two styles that differ only in theme, as PNGs drawn and encoded
    /// once: a chart's light and dark images differ only in colour, so one raster of
    /// colour pairs makes both, and the dark PNG is the light one with the dark
    /// theme's colours in its palette. Pixel for pixel the same as `png` of each.
    public static func pngs(_ data: ChartData, light: ChartStyle, dark: ChartStyle) throws(ChartError) -> (light: [UInt8], dark: [UInt8]) {
        guard (1...3).contains(light.scale) else { throw ChartError.data("scale must be 1, 2 or 3") }
        let lightDrawing = try drawing(data, style: light), darkDrawing = try drawing(data, style: dark)
        if let pair = try Canvas.raster(light: lightDrawing, dark: darkDrawing)?.pngs() { return pair }
        // More colour pairs than a palette holds, or layouts that differ: one at a time.
        return (try png(lightDrawing, theme: light.theme), try png(darkDrawing, theme: dark.theme))
    }

    /// The chart laid out for `style`, to be drawn on any surface.
    public static func drawing(_ data: ChartData, style: ChartStyle) throws(ChartError) -> ChartDrawing {
        let sketch = try Sketch(
            width: style.width * style.scale, height: style.height * style.scale,
            background: style.theme.background)
        try Painter(style: style).draw(data, on: sketch)
        return sketch.drawing
    }
}
