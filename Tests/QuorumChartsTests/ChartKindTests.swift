import Foundation
import QuorumModel
import QuorumTestSupport
import Testing

@testable import QuorumCharts

@Suite(.serialized) struct ChartKindTests {
    static let cases: [(ChartKind, String)] = ChartKind.allCases.flatMap { kind in EdgeCases.all.map { (kind, $0.0) } }

    func style(_ kind: ChartKind) -> ChartStyle {
        ChartStyle(
            kind: kind, title: "A chart", subtitle: "A subtitle", source: "Test data",
            width: kind == .sparkline ? 160 : 640, height: kind == .sparkline ? 40 : 320, valueLabels: true)
    }

    @Test(arguments: cases)
    func everyKindDrawsEveryEdgeCase(kind: ChartKind, name: String) async throws {
        let data = EdgeCases.all.first { $0.0 == name }!.1
        let style = style(kind)
        let decoded = try await offPool { try DecodedPNG(quorumPNG: try ChartRenderer.png(data, style: style)) }
        #expect(decoded.width == (kind == .sparkline ? 160 : 640))
        #expect(decoded.isPalette)
        // Something besides the background was drawn.
        #expect(Set(decoded.pixels).count > 1)
    }

    @Test func emptyDataSaysSo() throws {
        let decoded = try DecodedPNG(quorumPNG: try ChartRenderer.png(EdgeCases.empty, style: style(.bars)))
        // "No data", centred in the plot: muted text around the middle of the image.
        var inked = 0
        for y in 150..<200 { for x in 280..<360 where decoded.pixel(x: x, y: y) != 0xFFFFFF { inked += 1 } }
        #expect(inked > 40)
        // …and no bars: none of the series colours anywhere.
        #expect(!decoded.pixels.contains(0x0072B2))
    }

    @Test func barsUseTheFirstPaletteColour() throws {
        let decoded = try DecodedPNG(quorumPNG: try ChartRenderer.png(EdgeCases.largeNumbers, style: style(.bars)))
        #expect(decoded.pixels.contains(0x0072B2))
    }

    @Test func longLabelsAreShortened() throws {
        let painter = Painter(style: style(.bars))
        let label = try painter.fit("Council of Ministers of Foreign Affairs (Ministerial Council)", size: 9, width: 120)
        #expect(label.hasSuffix("…"))
        #expect(label.count < 40)
        #expect(try painter.fit("2024", size: 9, width: 120) == "2024")
    }

    @Test func wrappedTextKeepsToItsLines() throws {
        let painter = Painter(style: style(.bars))
        let lines = try painter.wrap(String(repeating: "many words here ", count: 40), size: 8, width: 300, lines: 2)
        #expect(lines.count == 2)
        #expect(lines[1].hasSuffix("…"))
    }
}
