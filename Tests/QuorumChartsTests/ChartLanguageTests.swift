import Foundation
import QuorumModel
import Testing

@testable import QuorumCharts

/// A chart in Russian and Chinese: the file's own words under `[ru]` and `[zh]`,
/// Quorum's words from `Wording`, English (and said to be) where the file gives none.
@Suite struct ChartLanguageTests {
    let file = """
        title = "Events per year"
        subtitle = "Held events, by format"
        kind = "stacked-bars"
        aggregate = "format_mix"
        x = "year"
        values = ["online", "in_person"]
        names = ["online=Online", "in_person=In person"]
        coverage = "events"
        filter = ["organisation=CICA"]

        [ru]
        title = "Мероприятия по годам"
        names = ["online=Онлайн", "in_person=Очно"]

        [zh]
        title = "各年活动"
        subtitle = "已举行的活动，按形式"
        names = ["online=线上"]
        """

    @Test func eachLanguageTakesTheFilesWordsAndNamesWhatStayedEnglish() throws {
        let spec = try ChartSpec.parse(file, file: "Charts/events.toml")
        let russian = spec.localized(.ru)
        #expect(russian.title == "Мероприятия по годам")
        #expect(russian.subtitle == "Held events, by format")
        #expect(russian.displayName("in_person") == "Очно")
        #expect(russian.untranslated == ["subtitle"])
        let chinese = spec.localized(.zh)
        #expect(chinese.subtitle == "已举行的活动，按形式")
        #expect(chinese.displayName("in_person") == "In person")
        #expect(chinese.untranslated == ["names: in_person"])
        #expect(spec.localized(.en).untranslated.isEmpty)
        #expect(spec.localized(.en).title == "Events per year")
    }

    @Test func aTranslationIsCheckedLikeTheEnglish() {
        func error(_ text: String) -> ChartError? {
            do {
                _ = try ChartSpec.parse(text, file: "Charts/events.toml")
                return nil
            } catch { return error }
        }
        #expect(error(file + "\ncolour = \"red\"")?.key == "zh.colour")
        #expect(error(file.replacingOccurrences(of: "names = [\"online=线上\"]", with: "names = [\"hybrid=混合\"]"))?.key == "zh.names")
        // A chart over the events in the dataset must not call them all, in any language.
        let all = error(file.replacingOccurrences(of: "\"Мероприятия по годам\"", with: "\"Все мероприятия по годам\""))
        #expect(all?.key == "ru.title")
        #expect(all?.message.contains("все") == true)
        #expect(error(file.replacingOccurrences(of: "\"各年活动\"", with: "\"各年全部活动\""))?.key == "zh.title")
    }

    @Test func quorumsOwnWordsAndFiguresFollowTheLanguage() throws {
        var data = ChartData(
            categories: ["2024"],
            series: [ChartSeries(name: "Участники", points: [ChartPoint(1250, .atLeast, derivation: "counted")])],
            language: .ru)
        #expect(data.notes.contains(Wording(.ru).derivedNote))
        let label = try #require(data.series[0].points[0]).label(in: .ru)
        #expect(label == "1\u{A0}250+†")
        #expect(try #require(data.series[0].points[0]).label(in: .zh) == "1,250+†")
        data.language = .zh
        #expect(data.notes.contains("† 由 Quorum 推算，文件未载明（推算方法见表格）"))

        let style = ChartStyle(kind: .bars, title: "Участники", source: "Документ", width: 400, height: 200, language: .ru)
        data.language = .ru
        var written: [String] = []
        let texts = WrittenTexts()
        _ = try Canvas.$writtenTexts.withValue(texts) { try ChartRenderer.png(data, style: style) }
        written = texts.all
        #expect(written.contains("Источник: Документ"))
        #expect(written.contains(label))
    }

    /// The words a screen reader and the plain-text e-mail give for a chart, punctuated
    /// as the language is: no Latin colons, commas or spaces between Chinese sentences.
    @Test func theTextAlternativeIsPunctuatedAsTheLanguageIs() throws {
        let spec = try ChartSpec.parse(file, file: "Charts/events.toml")
        let data = ChartData(
            categories: ["2023", "2024"],
            series: [
                ChartSeries(name: "线上", points: [ChartPoint(3), ChartPoint(2)]),
                ChartSeries(name: "线下", points: [ChartPoint(1), ChartPoint(4, .atLeast)]),
            ], language: .zh)
        let chinese = try RenderedChart.render(spec.localized(.zh), data: data).alt
        #expect(chinese.hasPrefix("各年活动。线上：2023 3，2024 2。线下：2023 1，2024 4+。带 + 的数字为下限（至少）。"), "\(chinese)")
        var english = data
        english.language = .en
        let alt = try RenderedChart.render(spec.localized(.en), data: english).alt
        #expect(alt.hasPrefix("Events per year. 线上: 2023 3, 2024 2. 线下: 2023 1, 2024 4+. A figure with + is a lower bound"), "\(alt)")
    }

    @Test func aRussianCoverageSentenceAgreesWithItsNumber() {
        let period = (try! PartialDate(parsing: "2020-10"), try! PartialDate(parsing: "2024-10"))
        let one = Wording(.ru).coverage(held: 20, reported: (21, "21"), cbm: false, period: period, chartCount: 20)
        #expect(one.hasPrefix("В наборе данных 20 из 21 мероприятия,"))
        let many = Wording(.ru).coverage(held: 22, reported: (160, "160"), cbm: true, period: period, chartCount: 20)
        #expect(many.hasPrefix("В наборе данных 22 из 160 мероприятий по мерам доверия"))
        #expect(many.contains("октябрь 2020"))
        #expect(many.hasSuffix("на графике учтено 20 из них."))
        let chinese = Wording(.zh).coverage(held: 22, reported: (160, "160"), cbm: false, period: period, chartCount: 22)
        #expect(chinese == "数据集收录了来源报告的2020年10月 – 2024年10月期间160项活动中的22项。")
    }
}
