import Foundation
import QuorumAggregates
import QuorumModel
import QuorumTestSupport
import Testing

@testable import QuorumCharts

/// The default charts drawn from the demo data, compared with reviewed reference
/// images. After a deliberate change, look at the new images and update them with
/// `QUORUM_UPDATE_REFERENCES=1 swift test --filter ReferenceTests`.
@Suite(.serialized, .testDatabases) struct ReferenceTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("References")

    @Test(arguments: ChartSet.builtIn().specs.map(\.name))
    func matchesItsReference(name: String) async throws {
        let spec = try #require(ChartSet.builtIn().specs.first { $0.name == name })
        let chart = try await offPool { try RenderedChart.render(spec, snapshot: try DemoSnapshot.get()) }
        // The wide layout in both themes, and the narrow one a phone shows.
        let images =
            [ChartImage(dark: false, narrow: false, scale: 1), ChartImage(dark: true, narrow: false, scale: 1)]
            + (chart.narrowSize == nil ? [] : [ChartImage(dark: false, narrow: true, scale: 2)])
        for image in images {
            let png = try #require(chart.images[image])
            let file = Self.directory.appendingPathComponent(image.file(name))
            let suffix = image.file("")
            if ProcessInfo.processInfo.environment["QUORUM_UPDATE_REFERENCES"] == "1" {
                try Data(png).write(to: file)
                continue
            }
            let difference = try await offPool {
                PixelDifference(try DecodedPNG(quorumPNG: Array(try Data(contentsOf: file))), try DecodedPNG(quorumPNG: png))
            }
            #expect(difference.sameSize, "\(name)\(suffix): size changed")
            // A small tolerance: font hinting or quantiser details may move a few pixels.
            #expect(difference.differingShare < 0.005, "\(name)\(suffix): \(difference.differingShare * 100)% of pixels differ")
        }
    }

    /// The light and dark images drawn together, as one raster of colour pairs, are
    /// pixel for pixel the images drawn one theme at a time.
    @Test(arguments: ChartSet.builtIn().specs.map(\.name))
    func bothThemesAtOnceAreEachThemeAlone(name: String) async throws {
        let spec = try #require(ChartSet.builtIn().specs.first { $0.name == name })
        let data = try spec.data(from: try await DemoSnapshot.get())
        let narrow = try spec.narrowSize(for: data)
        for (scale, isNarrow) in [(1, false), (2, true)] where !isNarrow || narrow != nil {
            let light = spec.style(ChartImage(dark: false, narrow: isNarrow, scale: scale), narrowSize: narrow)
            let dark = spec.style(ChartImage(dark: true, narrow: isNarrow, scale: scale), narrowSize: narrow)
            try await offPool {
                let both = try ChartRenderer.pngs(data, light: light, dark: dark)
                for (png, style) in [(both.light, light), (both.dark, dark)] {
                    let together = try DecodedPNG(quorumPNG: png), alone = try DecodedPNG(quorumPNG: try ChartRenderer.png(data, style: style))
                    #expect(together.isPalette && together.width == alone.width && together.height == alone.height)
                    var differing = 0
                    for y in 0..<alone.height {
                        for x in 0..<alone.width where together.pixel(x: x, y: y) != alone.pixel(x: x, y: y) { differing += 1 }
                    }
                    #expect(differing == 0, "\(name) \(style.theme.name) \(scale)×: \(differing) pixels differ")
                }
            }
        }
    }

    /// A chart's PNG holds exactly the pixels it was drawn with: its colours fit a
    /// palette as they are, with nothing shifted by a quantiser.
    @Test(arguments: ChartSet.builtIn().specs.map(\.name))
    func isStoredWithExactlyItsColours(name: String) async throws {
        let spec = try #require(ChartSet.builtIn().specs.first { $0.name == name })
        let data = try spec.data(from: try await DemoSnapshot.get())
        for theme in [Theme.light, .dark] {
            try await offPool {
                let canvas = try Canvas.raster(try ChartRenderer.drawing(data, style: spec.style(theme: theme, scale: 1)))
                let decoded = try DecodedPNG(quorumPNG: try canvas.png(palette: true))
                #expect(decoded.isPalette)
                var differing = 0
                for y in 0..<canvas.height {
                    for x in 0..<canvas.width where decoded.pixel(x: x, y: y) != UInt32(canvas.pixel(x: x, y: y).gd) { differing += 1 }
                }
                #expect(differing == 0, "\(name): \(differing) pixels changed on the way to the PNG")
            }
        }
    }
}

/// How far two images are apart: the share of pixels whose colour differs by
/// more than a little in any channel.
struct PixelDifference {
    let sameSize: Bool
    let differingShare: Double

    init(_ a: DecodedPNG, _ b: DecodedPNG) {
        sameSize = a.width == b.width && a.height == b.height
        guard sameSize else {
            differingShare = 1
            return
        }
        var differing = 0
        for (p, q) in zip(a.pixels, b.pixels) where p != q {
            let channels = [(p >> 16 & 0xFF, q >> 16 & 0xFF), (p >> 8 & 0xFF, q >> 8 & 0xFF), (p & 0xFF, q & 0xFF)]
            if channels.contains(where: { abs(Int($0.0) - Int($0.1)) > 24 }) { differing += 1 }
        }
        differingShare = Double(differing) / Double(max(1, a.pixels.count))
    }
}

@Suite(.testDatabases) struct PixelDifferenceTests {
    @Test func seesAChangedChart() throws {
        let style = ChartStyle(kind: .bars, title: "T", width: 300, height: 150)
        let a = try DecodedPNG(quorumPNG: try ChartRenderer.png(EdgeCases.zeros, style: style))
        let b = try DecodedPNG(quorumPNG: try ChartRenderer.png(EdgeCases.largeNumbers, style: style))
        #expect(PixelDifference(a, a).differingShare == 0)
        #expect(PixelDifference(a, b).differingShare > 0.01)
    }
}
