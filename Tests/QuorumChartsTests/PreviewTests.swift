import Foundation
import QuorumAggregates
import Testing
@testable import QuorumCharts

@Suite struct PreviewTests {
    @Test func writePreviews() throws {
        let snapshot = try DemoSnapshot.get()
        let set = ChartSet.builtIn()
        #expect(set.errors.isEmpty, "\(set.errors)")
        let directory = URL(fileURLWithPath: "/tmp/charts-preview")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for spec in set.specs {
            let chart = try RenderedChart.render(spec, snapshot: snapshot)
            try Data(chart.light).write(to: directory.appendingPathComponent(spec.name + ".png"))
            try Data(chart.dark2x).write(to: directory.appendingPathComponent(spec.name + ".dark@2x.png"))
            print(spec.name, chart.light.count, chart.alt)
        }
    }
}

@Suite struct EdgePreviewTests {
    @Test func writeEdgeCases() throws {
        let directory = URL(fileURLWithPath: "/tmp/charts-preview/edge")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, data) in EdgeCases.all {
            for kind in ChartKind.allCases {
                let style = ChartStyle(kind: kind, title: "Edge case: \(name)", subtitle: "A subtitle", source: "Test data",
                                       width: kind == .sparkline ? 160 : 640, height: kind == .sparkline ? 40 : 320, valueLabels: true)
                let png = try ChartRenderer.png(data, style: style)
                try Data(png).write(to: directory.appendingPathComponent("\(name)-\(kind.rawValue).png"))
            }
        }
    }
}
