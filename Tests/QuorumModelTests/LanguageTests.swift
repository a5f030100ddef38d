import Foundation
import Testing

@testable import QuorumModel

@Suite struct LanguageTests {
    @Test func translationsAreReadAndEnglishStandsInVisiblyWhereOneIsMissing() throws {
        let json = #"""
            {"organisations": [{"code": "SCO", "name": "Shanghai Cooperation Organization",
                                "names": {"ru": "Шанхайская организация сотрудничества", "zh": "上海合作组织"}}],
             "bodies": [{"organisation": "SCO", "code": "summit", "name": "Council of Heads of State", "kind": "summit",
                         "names": {"ru": "Совет глав государств"}}]}
            """#
        let d = try Dataset.decode(json: Data(json.utf8), file: "names.json")
        #expect(d.validate().isEmpty)
        #expect(d.organisations[0].name(in: .zh) == LocalizedName(text: "上海合作组织", isFallback: false))
        #expect(d.organisations[0].name(in: .en) == LocalizedName(text: "Shanghai Cooperation Organization", isFallback: false))
        #expect(d.bodies[0].name(in: .ru).text == "Совет глав государств")
        #expect(d.bodies[0].name(in: .zh) == LocalizedName(text: "Council of Heads of State", isFallback: true))
    }

    @Test func aTranslationInAnotherLanguageOrEmptyIsRefusedWhereItIs() throws {
        var d = Dataset()
        d.organisations = [Dataset.Organisation(code: "SCO", name: "SCO", names: ["fr": "OCS", "zh": " "])]
        var event = Dataset.Event(
            organisation: "SCO", body: "summit", session: 24, title: "24th Summit",
            date: try PartialDate(parsing: "2024-07-04"), source: "s", locator: "l")
        event.titles = ["ru": "24-й саммит\u{7}"]
        d.events = [event]
        let issues = d.validate().map(\.description)
        #expect(issues.contains { $0.hasPrefix("organisations[0].names.fr: is not a language Quorum translates into") })
        #expect(issues.contains("organisations[0].names.zh: must not be empty"))
        #expect(issues.contains { $0.hasPrefix("events[0].titles.ru:") })
    }

    @Test func countryNamesComeFromCLDR() {
        #expect(CountryNames.name(of: "KAZ", in: .ru) == "Казахстан")
        #expect(CountryNames.name(of: "KAZ", in: .zh) == "哈萨克斯坦")
        #expect(CountryNames.name(of: "CHN", in: .en) == "China")
        #expect(CountryNames.name(of: "CHN", in: .ru) == "Китай")
        #expect(CountryNames.name(of: "CHN", in: .zh) == "中国")
        #expect(CountryNames.name(of: "QQQ", in: .ru) == nil)
        #expect(CountryNames.name(of: "kaz", in: .ru) == nil)
    }

    /// The key sits under tables of real figures: an example number in it
    /// ("≈150" beside an exact 150) could be taken for one of them.
    @Test func theKeyToTheMarksGivesNoNumberAReaderCouldTakeForAFigure() {
        for language in Language.allCases {
            let wording = Wording(language)
            for text in [wording.qualifierKey, wording.marksExplained] {
                #expect(!text.contains { $0.isNumber }, "\(language): \(text)")
                #expect(text.contains("+") && text.contains("≈"))
            }
        }
    }

    @Test func numbersAndDatesFollowTheLanguage() throws {
        let date = try #require(ISO8601DateFormatter().date(from: "2026-12-02T12:00:00Z"))
        func long(_ language: Language) -> String {
            var style = Date.FormatStyle(date: .long, time: .omitted).locale(language.locale)
            style.timeZone = TimeZone(identifier: "UTC")!
            // Spaces as plain spaces: CLDR's data puts no-break spaces where they belong.
            return String(date.formatted(style).map { $0.isWhitespace ? " " : $0 })
        }
        #expect(long(.ru) == "2 декабря 2026 г.")
        #expect(long(.zh) == "2026年12月2日")
        #expect(1000.formatted(.number.locale(Language.ru.locale)).first { $0.isWhitespace } != nil)
    }
}
