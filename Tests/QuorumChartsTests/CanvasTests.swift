import Foundation
import QuorumModel
import Testing

@testable import QuorumCharts

@Suite struct CanvasTests {
    let style = ChartStyle(
        kind: .bars, title: "Participants per session", subtitle: "By year", source: "Test data",
        width: 400, height: 200, valueLabels: true)
    let data = ChartData(
        categories: ["2021", "2022"], series: [ChartSeries(name: "Participants", points: [ChartPoint(116), ChartPoint(140, .atLeast)])])

    @Test func makesAPalettePNGOfTheAskedSize() throws {
        let png = try ChartRenderer.png(data, style: style)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let decoded = try DecodedPNG(quorumPNG: png)
        #expect(decoded.width == 400 && decoded.height == 200)
        #expect(decoded.isPalette)
        #expect(decoded.colourCount > 2 && decoded.colourCount <= 256)
        // The background is exactly the theme's white, not a quantised near-white.
        #expect(decoded.pixel(x: 1, y: 1) == 0xFFFFFF)
    }

    /// An image of more colours than a palette holds still becomes a palette PNG,
    /// through the quantiser, close to what was drawn.
    @Test func moreThan256ColoursAreQuantised() throws {
        let canvas = try Canvas(width: 300, height: 10, background: RGB(255, 255, 255))
        for x in 0..<300 { canvas.fillRect(x: Double(x), y: 0, width: 1, height: 10, color: RGB(UInt8(x * 255 / 299), 40, 200).gd) }
        let decoded = try DecodedPNG(quorumPNG: try canvas.png(palette: true))
        #expect(decoded.isPalette && decoded.colourCount <= 256)
        for x in 0..<300 {
            let red = Int(decoded.pixel(x: x, y: 5) >> 16)
            #expect(abs(red - x * 255 / 299) <= 8, "column \(x): red \(red)")
        }
    }

    @Test func twiceTheScaleIsTwiceTheSize() throws {
        var doubled = style
        doubled.scale = 2
        let decoded = try DecodedPNG(quorumPNG: try ChartRenderer.png(data, style: doubled))
        #expect(decoded.width == 800 && decoded.height == 400)
    }

    @Test func sameInputSameBytes() throws {
        #expect(try ChartRenderer.png(data, style: style) == ChartRenderer.png(data, style: style))
    }

    @Test func textIsDrawnWhereTheTitleGoes() throws {
        let decoded = try DecodedPNG(quorumPNG: try ChartRenderer.png(data, style: style))
        func darkPixels(_ xs: Range<Int>, _ ys: Range<Int>) -> Int {
            var count = 0
            for y in ys { for x in xs where decoded.pixel(x: x, y: y) & 0xFF < 0x80 { count += 1 } }
            return count
        }
        // The title's glyphs in the top band at the left; nothing to the right of it.
        #expect(darkPixels(18..<200, 14..<32) > 150)
        #expect(darkPixels(300..<400, 0..<12) == 0)
    }

    @Test func darkThemeHasADarkBackground() throws {
        var dark = style
        dark.theme = .dark
        let decoded = try DecodedPNG(quorumPNG: try ChartRenderer.png(data, style: dark))
        #expect(decoded.pixel(x: 1, y: 1) == 0x16191D)
    }

    @Test func refusesBytesThatAreNotAPNG() {
        #expect(throws: ChartError.self) { try DecodedPNG(quorumPNG: Array("GIF89a".utf8)) }
    }

    @Test func refusesAnImpossibleSize() {
        var huge = style
        huge.width = 100_000
        #expect(throws: ChartError.self) { try ChartRenderer.png(data, style: huge) }
    }
}

@Suite struct LayoutTests {
    @Test func thousandsAreSeparated() {
        #expect(NumberFormat.grouped(0) == "0")
        #expect(NumberFormat.grouped(999) == "999")
        #expect(NumberFormat.grouped(1_000) == "1,000")
        #expect(NumberFormat.grouped(3_100_000) == "3,100,000")
        #expect(NumberFormat.grouped(12.5) == "12.5")
        #expect(NumberFormat.grouped(0.704) == "0.7")
        #expect(NumberFormat.grouped(-1_250) == "−1,250")
    }

    @Test func qualifiedFiguresShowTheirQualifier() {
        #expect(ChartPoint(140, .atLeast).label == "140+")
        #expect(ChartPoint(1_500, .approximately).label == "≈1,500")
        #expect(ChartPoint(28).label == "28")
    }

    @Test(arguments: [
        (150.0, 5, 50.0, 150.0), (165.0, 5, 50.0, 200.0), (7.0, 5, 2.0, 8.0), (0.0, 5, 1.0, 1.0),
        (3_100_000.0, 4, 1_000_000.0, 4_000_000.0), (1.0, 5, 1.0, 1.0),
    ])
    func ticksAreNiceNumbers(largest: Double, target: Int, step: Double, maximum: Double) {
        let ticks = AxisTicks(covering: largest, target: target)
        #expect(ticks.step == step)
        #expect(ticks.maximum == maximum)
        #expect(ticks.values.first == 0 && ticks.values.last == maximum)
    }
}
