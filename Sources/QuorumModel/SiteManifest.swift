import Foundation

/// `manifest.json` at the root of every release of the published site: what the
/// release holds and which snapshot it was made from. The site writes it; the
/// HTTP server serves it; the mailer reads it to attach the very charts the site
/// shows. One type for all of them, so the three cannot drift apart.
public struct SiteManifest: Codable, Sendable, Equatable {
    public static let fileName = "manifest.json"

    public struct SnapshotInfo: Codable, Sendable, Equatable {
        public let id: Int64
        /// ISO 8601 in UTC, to the second.
        public let startedAt: String
        public let finishedAt: String
        public let dataVersion: Int64

        public init(id: Int64, startedAt: String, finishedAt: String, dataVersion: Int64) {
            self.id = id
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.dataVersion = dataVersion
        }
    }

    public struct Chart: Codable, Sendable, Equatable {
        /// A chart's files, relative to the release.
        public struct Files: Codable, Sendable, Equatable {
            public let png, png2x, dark, dark2x, csv, json: String
            /// The narrow layout's images, for phones; absent for a chart that has none
            /// (a sparkline) and in releases made before there was one.
            public let narrow2x, narrow3x, narrowDark2x, narrowDark3x: String?

            /// Where a release keeps the files of the chart `name`.
            /// `directory` is where a language's images are ("ru/"), "" for English.
            public init(chart name: String, directory: String = "", narrow: Bool = false) {
                func path(_ image: ChartImage) -> String { "\(directory)charts/" + image.file(name) }
                func narrowPath(dark: Bool, scale: Int) -> String? {
                    narrow ? path(ChartImage(dark: dark, narrow: true, scale: scale)) : nil
                }
                png = path(ChartImage(dark: false, narrow: false, scale: 1))
                png2x = path(ChartImage(dark: false, narrow: false, scale: 2))
                dark = path(ChartImage(dark: true, narrow: false, scale: 1))
                dark2x = path(ChartImage(dark: true, narrow: false, scale: 2))
                narrow2x = narrowPath(dark: false, scale: 2)
                narrow3x = narrowPath(dark: false, scale: 3)
                narrowDark2x = narrowPath(dark: true, scale: 2)
                narrowDark3x = narrowPath(dark: true, scale: 3)
                csv = "data/\(name).csv"
                json = "data/\(name).json"
            }
        }
        /// The size of the narrow layout in CSS pixels, where the chart has one.
        public struct Size: Codable, Sendable, Equatable {
            public let width, height: Int
            public init(width: Int, height: Int) {
                self.width = width
                self.height = height
            }
        }
        public let name, title, subtitle, source, alt: String
        /// The page that shows it, relative to the release.
        public let page: String
        public let width, height: Int
        public let narrow: Size?
        public let files: Files

        public init(
            name: String, title: String, subtitle: String, source: String, alt: String, page: String,
            width: Int, height: Int, narrow: Size? = nil, directory: String = ""
        ) {
            self.name = name
            self.title = title
            self.subtitle = subtitle
            self.source = source
            self.alt = alt
            self.page = page
            self.width = width
            self.height = height
            self.narrow = narrow
            files = Files(chart: name, directory: directory, narrow: narrow != nil)
        }
    }

    public struct Page: Codable, Sendable, Equatable {
        public let path, title: String
        /// The page as a PDF, relative to the release (absent in releases made before PDFs).
        public let pdf: String?
        public init(path: String, title: String, pdf: String? = nil) {
            self.path = path
            self.title = title
            self.pdf = pdf
        }
    }

    /// A chart file that could not be drawn, and why.
    public struct Problem: Codable, Sendable, Equatable {
        public let file: String
        public let key: String?
        public let message: String
        public init(file: String, key: String?, message: String) {
            self.file = file
            self.key = key
            self.message = message
        }
    }

    public let snapshot: SnapshotInfo
    public let renderedAt: String
    public let charts: [Chart]
    public let pages: [Page]
    public let errors: [Problem]
    /// The charts in the other languages, by language code: their words in it
    /// and their images under its directory (`ru/charts/…`).
    public let translations: [String: [Chart]]

    public init(
        snapshot: SnapshotInfo, renderedAt: String, charts: [Chart], pages: [Page], errors: [Problem],
        translations: [String: [Chart]] = [:]
    ) {
        self.snapshot = snapshot
        self.renderedAt = renderedAt
        self.charts = charts
        self.pages = pages
        self.errors = errors
        self.translations = translations
    }

    public subscript(chart name: String) -> Chart? { charts.first { $0.name == name } }

    /// A chart in `language`: the English one's translation, or the English one where there is none.
    public func chart(_ name: String, in language: Language) -> Chart? {
        translations[language.rawValue]?.first { $0.name == name } ?? self[chart: name]
    }

    private enum CodingKeys: String, CodingKey { case snapshot, renderedAt, charts, pages, errors, translations }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        snapshot = try c.decode(SnapshotInfo.self, forKey: .snapshot)
        renderedAt = try c.decode(String.self, forKey: .renderedAt)
        charts = try c.decode([Chart].self, forKey: .charts)
        pages = try c.decode([Page].self, forKey: .pages)
        errors = try c.decode([Problem].self, forKey: .errors)
        // A release made before the site had languages has none.
        translations = try c.decodeIfPresent([String: [Chart]].self, forKey: .translations) ?? [:]
    }

    /// The bytes of `manifest.json`: stable key order, so the same release gives the same file.
    public func encoded() throws -> [UInt8] {
        Array(try JSONEncoder.stable.encode(self))
    }

    public static func decode(_ data: Data) throws -> SiteManifest {
        try JSONDecoder().decode(SiteManifest.self, from: data)
    }
}
