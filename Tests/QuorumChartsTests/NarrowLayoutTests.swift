import Foundation
import QuorumAggregates
import QuorumModel
import QuorumTestSupport
import Testing

@testable import QuorumCharts

/// The narrow layout a phone shows, for every default chart in every language:
/// its text large enough to read at the phone's width, none of it shortened,
/// nothing written over anything else, nothing outside the image.
@Suite(.testDatabases) struct NarrowLayoutTests {
    /// The smallest type a phone reader is expected to read, in CSS pixels.
    static let legible = 11.0

    @Test(arguments: Language.allCases)
    func everyChartHasALegibleNarrowLayout(language: Language) async throws {
        let snapshot = try await offPool { try DemoSnapshot.get() }
        for spec in ChartSet.builtIn().specs.map({ $0.localized(language) }) {
            let data = try spec.data(from: snapshot)
            guard let size = try spec.narrowSize(for: data) else {
                #expect(spec.kind == .sparkline || spec.width <= 480, "\(spec.name) has no narrow layout")
                continue
            }
            #expect(size.width == 360)
            let style = spec.style(ChartImage(dark: false, narrow: true, scale: 1), narrowSize: size)
            let drawing = try ChartRenderer.drawing(data, style: style)
            var boxes: [(text: String, box: Box)] = []
            for case .text(let text, let at, let font, let size, _, let anchor) in drawing.operations {
                let where_ = "\(language) \(spec.name): \"\(text)\""
                #expect(size * 96 / 72 >= Self.legible, "\(where_) is \(size) pt")
                #expect(!text.hasSuffix("…"), "\(where_) is shortened")
                let metrics = try Canvas.measure(text, font: font, size: size)
                let left = anchor.left(of: at.x, width: metrics.width)
                let box = Box(left: left, top: at.y - metrics.ascent, right: left + metrics.width, bottom: at.y + metrics.descent)
                #expect(box.left >= 0 && box.right <= Double(drawing.width), "\(where_) runs off the side")
                #expect(box.top >= 0 && box.bottom <= Double(drawing.height), "\(where_) runs off the top or bottom")
                for other in boxes where other.box.overlaps(box) {
                    Issue.record("\(where_) is written over \"\(other.text)\"")
                }
                boxes.append((text, box))
            }
        }
    }

    @Test func aPhoneSeesFewerTicksAndEveryYear() async throws {
        let snapshot = try await offPool { try DemoSnapshot.get() }
        let spec = try #require(ChartSet.builtIn().specs.first { $0.name == "participants-by-body-year" })
        let data = try spec.data(from: snapshot)
        func texts(_ style: ChartStyle) throws -> [String] {
            try ChartRenderer.drawing(data, style: style).operations.compactMap { operation in
                if case .text(let text, _, _, _, _, _) = operation { text } else { nil }
            }
        }
        let wide = try texts(spec.style(theme: .light, scale: 1))
        let narrow = try texts(spec.style(ChartImage(dark: false, narrow: true, scale: 1), narrowSize: try spec.narrowSize(for: data)))
        // Every category is labelled in both; the value axis has fewer ticks on the phone.
        for category in data.categories { #expect(wide.contains(category) && narrow.contains(category), "\(category)") }
        let ticks = { (texts: [String]) in texts.filter { ["0", "50", "100", "150", "200", "250"].contains($0) }.count }
        #expect(ticks(narrow) < ticks(wide), "\(ticks(narrow)) ticks on a phone, \(ticks(wide)) on a screen")
    }

    @Test func manyYearsAreLabelledEveryFewAndTheLatestAlways() throws {
        let years = (2001...2024).map(String.init)
        let data = ChartData(categories: years, series: [ChartSeries(name: "Events", points: years.indices.map { ChartPoint(Double($0 + 1)) })])
        let style = ChartStyle(kind: .bars, title: "Events per year", width: 360, height: 400, narrow: true)
        let texts = try ChartRenderer.drawing(data, style: style).operations.compactMap { operation -> String? in
            if case .text(let text, _, _, _, _, _) = operation { text } else { nil }
        }
        let labelled = years.filter(texts.contains)
        #expect(labelled.last == "2024")
        #expect(labelled.count < years.count && labelled.count >= 4, "\(labelled)")
        #expect(!texts.contains { $0.hasSuffix("…") }, "no year shortened")
    }
}
