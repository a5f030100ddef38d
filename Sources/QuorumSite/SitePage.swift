import Foundation
import QuorumAggregates
import QuorumCharts
import QuorumModel

/// One HTML page of the site and the charts on it.
public struct SitePage: Equatable, Sendable {
    /// The page's name without `.html`; "index" for the front page.
    public let name: String
    public let title: String
    public let chartNames: [String]
    /// The title is English standing in for a translation the chart files do not give.
    var titleIsEnglish = false

    public var path: String { name + ".html" }
    /// The page printed, beside it.
    public var pdfPath: String { name + ".pdf" }
    /// The registers are English only, at the root of the tree.
    var isRegister: Bool { RegisterAnchor.Page(rawValue: name) != nil }

    /// The pages the charts ask for: the index first, then the others by name.
    /// A page's title is the first `page_title` its charts give.
    /// In another language, the charts' words in it give the titles.
    static func pages(for charts: [RenderedChart]) -> [SitePage] {
        var order: [String] = ["index"]
        var titles: [String: (text: String, english: Bool)] = [:]
        var members: [String: [String]] = [:]
        for chart in charts {
            let page = chart.spec.page
            if !order.contains(page) { order.append(page) }
            if titles[page] == nil, let title = chart.spec.pageTitle {
                titles[page] = (title, chart.spec.untranslated.contains("page_title"))
            }
            members[page, default: []].append(chart.spec.name)
        }
        let index = order.removeFirst()
        order.sort()
        let english = charts.first?.spec.language != .en
        return ([index] + order).map { name in
            let title = titles[name] ?? (name == "index" ? ("Quorum", false) : (name.replacingOccurrences(of: "-", with: " ").columnHeading, english))
            return SitePage(name: name, title: title.text, chartNames: members[name] ?? [], titleIsEnglish: title.english)
        }
    }
}
