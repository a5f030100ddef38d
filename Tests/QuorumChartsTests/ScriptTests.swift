import Foundation
import QuorumTestSupport
import Testing

@testable import QuorumCharts

/// Chart text in Latin, Cyrillic and Han: every character drawn with a face
/// that has it, by the fonts' own account of what they cover (fontconfig's
/// `fc-query`, not Quorum's reading of them).
@Suite struct ScriptTests {
    static let labels = [
        "Conference on Interaction and Confidence-building Measures in Asia",
        "Совещание по взаимодействию и мерам доверия в Азии",
        "亚洲相互协作与信任措施会议",
        "Шанхайская организация сотрудничества (ШОС) — 上海合作组织，2024年",
        "≈150 участников · 140+ participants · 约150名",
    ]

    @Test(arguments: [ChartFont.regular, .bold])
    func everyCharacterIsDrawnWithAFaceThatHasIt(font: ChartFont) async throws {
        var coverage: [FontFace: Set<UInt32>] = [:]
        for face in font.faces { coverage[face] = try await fontCoverage(of: face.path, family: face.family) }
        for label in Self.labels {
            let layout = try TextEngine.with { engine throws(ChartError) in try engine.layout(label, font: font, size: 12) }
            #expect(layout.missing.isEmpty, "\(label): no face for \(layout.missing)")
            #expect(layout.runs.map(\.text).joined() == label)
            for run in layout.runs {
                let covered = try #require(coverage[run.face])
                for scalar in run.text.unicodeScalars where !scalar.properties.isWhitespace {
                    #expect(covered.contains(scalar.value), "\(label): \(scalar) drawn with \(run.face), which lacks it")
                }
            }
        }
    }

    @Test func hanIsDrawnInNotoAndCyrillicInDejaVu() throws {
        let layout = try TextEngine.with { engine throws(ChartError) in
            try engine.layout("ШОС 上海合作组织", font: .regular, size: 12)
        }
        #expect(layout.runs.map(\.text) == ["ШОС ", "上海合作组织"])
        #expect(layout.runs.map(\.face.family) == ["DejaVu Sans", "Noto Sans CJK SC"])
    }

    @Test func aMixedLabelIsAsWideAsItsRuns() throws {
        for label in Self.labels {
            let layout = try TextEngine.with { engine throws(ChartError) in try engine.layout(label, font: .regular, size: 12) }
            let runs = try layout.runs.map { run in try Canvas.measure(run.text, size: 12).width }
            // Each run's box is truncated to whole pixels on its own: a pixel per run at most.
            #expect(abs(layout.width - runs.reduce(0, +)) <= Double(layout.runs.count), "\(label)")
        }
    }

    @Test func aCharacterNoFaceHasIsReported() throws {
        let layout = try TextEngine.with { engine throws(ChartError) in try engine.layout("A\u{10FFFD}", font: .regular, size: 12) }
        #expect(layout.missing == ["\u{10FFFD}"])
    }

    @Test func hanCharactersAreDrawnNotBoxed() throws {
        // Two different characters drawn as the same empty box would leave the same pixels.
        func ink(_ text: String) throws -> [RGB] {
            let canvas = try Canvas(width: 40, height: 30, background: RGB(255, 255, 255))
            try canvas.text(text, x: 4, y: 22, size: 16, color: RGB(0, 0, 0).gd)
            return (0..<30).flatMap { y in (0..<40).map { x in canvas.pixel(x: x, y: y) } }
        }
        let first = try ink("亚"), second = try ink("信")
        #expect(first.contains { $0 != RGB(255, 255, 255) })
        #expect(first != second)
    }

    @Test func chineseWrapsBetweenCharactersAndKeepsPunctuationWithWhatItFollows() throws {
        let painter = Painter(style: ChartStyle(kind: .bars, title: "T", width: 400, height: 200))
        let title = "亚洲相互协作与信任措施会议成员国参加的会议，按年份统计的参加者人数"
        let lines = try painter.wrap(title, size: 12, width: 160, lines: 4)
        #expect(lines.count > 1)
        #expect(lines.joined() == title)
        #expect(!lines.contains { $0.hasPrefix("，") })
        let widths = try lines.map { try Canvas.measure($0, size: 12).width }
        #expect(widths.allSatisfy { $0 <= 160 })
        #expect(LineBreaks.pieces(of: "上海，2024 SCO").map(\.text) == ["上", "海，", "2024", "SCO"])
    }
}
