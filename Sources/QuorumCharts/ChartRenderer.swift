import QuorumModel

/// Draws charts: `png(data, style)` and `drawing(data, style)` are pure functions
/// of their arguments, so the same snapshot and spec always give the same bytes.
public enum ChartRenderer {
    public static func png(_ data: ChartData, style: ChartStyle) throws(ChartError) -> [UInt8] {
        guard (1...3).contains(style.scale) else { throw ChartError.data("scale must be 1, 2 or 3") }
        let canvas = try Canvas.raster(try drawing(data, style: style))
        let theme = style.theme
        return try canvas.png(palette: true, exactColours: [theme.background, theme.text, theme.grid] + theme.series)
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
