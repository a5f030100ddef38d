import Foundation
import QuorumModel
import Testing

@testable import QuorumStore

/// The built-in dataset audited against its documents (docs/sources/KEY.txt):
/// every fact's locator quotes the document's words in “…”, and those words
/// are in the document the fact names. A value typed in without its words, or
/// words that the document does not contain, fail here.
@Suite struct SourceAuditTests {
    static let documents = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/sources").standardized

    /// A document's text as the quotes may cite it: emphasis markers and
    /// superscript tags dropped, every run of white space one space.
    static func normalised(_ text: String) -> String {
        text.replacingOccurrences(of: "<sup>", with: "").replacingOccurrences(of: "</sup>", with: "")
            .replacingOccurrences(of: "*", with: "")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The quoted passages of a locator, each cut at " … " into the pieces that must appear in order.
    static func quotes(_ locator: String) -> [[String]] {
        var quotes: [[String]] = []
        var rest = Substring(locator)
        while let open = rest.firstIndex(of: "“"), let close = rest[open...].firstIndex(of: "”") {
            let quote = rest[rest.index(after: open)..<close]
            quotes.append(quote.components(separatedBy: " … ").map { normalised($0) })
            rest = rest[rest.index(after: close)...]
        }
        return quotes
    }

    /// Every fact of the dataset with a source and a locator, named by its place in the file.
    static func facts(_ d: Dataset) -> [(place: String, source: String, locator: String)] {
        var facts: [(String, String, String)] = []
        for (i, c) in d.coordinators.enumerated() { facts.append(("coordinators[\(i)]", c.source, c.locator)) }
        for (i, m) in d.memberships.enumerated() { facts.append(("memberships[\(i)]", m.source, m.locator)) }
        for (i, m) in d.membershipCounts.enumerated() { facts.append(("membershipCounts[\(i)]", m.source, m.locator)) }
        for (i, e) in d.events.enumerated() {
            facts.append(("events[\(i)]", e.source, e.locator))
            for (j, f) in e.figures.enumerated() { facts.append(("events[\(i)].figures[\(j)]", f.source, f.locator)) }
            for (j, a) in e.attendees.enumerated() { facts.append(("events[\(i)].attendees[\(j)]", a.source, a.locator)) }
        }
        for (i, t) in d.totals.enumerated() { facts.append(("totals[\(i)]", t.source, t.locator)) }
        for (i, m) in d.milestones.enumerated() { facts.append(("milestones[\(i)]", m.source, m.locator)) }
        return facts
    }

    @Test func everyFactQuotesWordsOfItsDocument() throws {
        let dataset = try DemoData.dataset()
        var texts: [String: String] = [:]
        for source in dataset.sources {
            let file = Self.documents.appendingPathComponent(source.key + ".txt")
            texts[source.key] = Self.normalised(try String(contentsOf: file, encoding: .utf8))
        }
        let facts = Self.facts(dataset)
        #expect(facts.count > 200)
        for fact in facts {
            let quotes = Self.quotes(fact.locator)
            #expect(!quotes.isEmpty, "\(fact.place) quotes no words: \(fact.locator)")
            let text = try #require(texts[fact.source], "\(fact.place) names the unknown document \(fact.source)")
            for pieces in quotes {
                var from = text.startIndex
                for piece in pieces {
                    let found = text.range(of: piece, range: from..<text.endIndex)
                    #expect(found != nil, "\(fact.place): “\(piece)” is not in \(fact.source) (after the passage before it)")
                    if let found { from = found.upperBound }
                }
            }
        }
    }

    @Test func theAuditCatchesWordsTheDocumentDoesNotHave() throws {
        let text = Self.normalised(try String(contentsOf: Self.documents.appendingPathComponent("cica-2020-2024.txt"), encoding: .utf8))
        #expect(text.contains("with more than 140 participants from the 28 Member States"))
        #expect(!text.contains("with 140 participants from the 28 Member States"))
        #expect(Self.quotes("Annex, 1.2: “more than 140 … 28 Member States” and “held”") == [["more than 140", "28 Member States"], ["held"]])
    }

    @Test func derivedValuesSayHowAndAnnouncedEventsAreMarked() throws {
        let dataset = try DemoData.dataset()
        let notes =
            dataset.events.flatMap(\.figures).compactMap(\.note) + dataset.totals.compactMap(\.note)
            + dataset.membershipCounts.compactMap(\.note)
        #expect(!notes.contains { $0.hasPrefix("Derived") }, "a derivation kept as a note")
        // Counted from the names the paragraph gives, not stated as a number.
        let youth = try #require(dataset.events.first { $0.body == "youth-council" && $0.session == 5 })
        #expect(youth.figures.first { $0.measure == .organisations }?.derivation != nil)
        // The annex says the Seventh Ministerial Council "will" meet in Baku on 19 December 2024.
        let baku = try #require(dataset.events.first { $0.body == "ministerial-council" && $0.session == 7 })
        #expect(baku.status == .announced)
        #expect(dataset.events.filter { $0.status == .announced }.count == 1)
        // No document says the 24th SCO summit was held in person.
        let sco = try #require(dataset.events.first { $0.organisation == "SCO" && $0.session == 24 })
        #expect(sco.format == nil)
        // The chairmanships the annex dates, and the earlier summits.
        let chairs = dataset.milestones.filter { $0.kind == .chairmanship }.compactMap(\.country)
        #expect(Set(chairs) == ["KAZ", "TUR", "CHN", "TJK"])
        #expect(dataset.events.contains { $0.body == "summit" && $0.session == 5 && $0.date.description == "2019-06-15" })
        #expect(dataset.events.contains { $0.body == "summit" && $0.session == 1 && $0.date.description == "2002-06-04" })
    }
}
