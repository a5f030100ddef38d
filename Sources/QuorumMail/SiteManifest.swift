import Foundation

/// The published site as mail reads it: `<site_dir>/current/manifest.json` and the
/// chart PNGs it lists, so that a report shows exactly the charts — the same
/// bytes, made from the same snapshot — that the site shows.
public struct SiteManifest: Decodable, Sendable, Equatable {
    public struct SnapshotInfo: Decodable, Sendable, Equatable {
        public let id: Int64
        public let dataVersion: Int64
    }

    public struct Chart: Decodable, Sendable, Equatable {
        public struct Files: Decodable, Sendable, Equatable {
            public let png: String
        }
        public let name: String
        public let title: String
        public let subtitle: String?
        public let source: String?
        public let alt: String
        public let width: Int
        public let height: Int
        public let files: Files
    }

    public let snapshot: SnapshotInfo
    public let charts: [Chart]

    public subscript(chart name: String) -> Chart? { charts.first { $0.name == name } }
}

/// A published site tree: the manifest and the chart files it names.
public struct PublishedSite: Sendable {
    /// The tree the `current` link pointed to when the site was opened; reading
    /// every file from it means a publish meanwhile cannot mix two releases.
    public let tree: URL
    public let manifest: SiteManifest

    /// Opens `<siteDirectory>/current`, resolving the link once.
    public init(siteDirectory: URL) throws(MailError) {
        let current = siteDirectory.appendingPathComponent("current")
        let tree = current.resolvingSymlinksInPath()
        let data: Data
        do {
            data = try Data(contentsOf: tree.appendingPathComponent("manifest.json"))
        } catch {
            throw .site("no published site at \(current.path) (manifest.json cannot be read)")
        }
        do {
            manifest = try JSONDecoder().decode(SiteManifest.self, from: data)
        } catch {
            throw .site("\(current.path)/manifest.json is not a site manifest: \(error)")
        }
        self.tree = tree
    }

    /// The light 1× PNG of a chart, checked to be one.
    public func png(of chart: SiteManifest.Chart) throws(MailError) -> [UInt8] {
        // The manifest names files inside the tree; anything else is refused.
        let path = chart.files.png
        guard !path.hasPrefix("/"), !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
            throw .site("manifest.json: chart \(chart.name) names a file outside the site (\(path))")
        }
        guard let data = FileManager.default.contents(atPath: tree.appendingPathComponent(path).path) else {
            throw .site("chart \(chart.name): \(path) cannot be read")
        }
        let bytes = [UInt8](data)
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw .site("chart \(chart.name): \(path) is not a PNG")
        }
        return bytes
    }
}
