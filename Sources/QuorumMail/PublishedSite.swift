import Foundation
import QuorumModel

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
            data = try Data(contentsOf: tree.appendingPathComponent(SiteManifest.fileName))
        } catch {
            throw .site("no published site at \(current.path) (manifest.json cannot be read)")
        }
        do {
            manifest = try SiteManifest.decode(data)
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
