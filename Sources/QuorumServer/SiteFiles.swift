import Foundation
import NIOCore
import Synchronization

/// The published site (`<site_dir>/current`), held in memory as a table from
/// path to bytes. Requests are answered by lookup in that table, never by
/// joining a request path onto the file system, so no path can leave the tree.
public final class SiteFiles: Sendable {
    public struct File: Sendable {
        public let body: ByteBuffer
        public let contentType: String
        public let etag: String
        /// When the file was written (published), as an HTTP date.
        public let lastModified: String
    }

    private struct Tree {
        /// Where `current` pointed when the tree was read.
        var release: String?
        var files: [String: File] = [:]
        /// Which file on disk each one was: a release links the files a publish did not
        /// change to the previous release's, so the same file is not read again.
        var identities: [String: Identity] = [:]
    }

    /// A file on disk: the same device, inode, size and modification time.
    private struct Identity: Equatable {
        let device: UInt64, inode: UInt64, size: Int64, modified: Int, nanoseconds: Int
    }

    /// The site root: the directory that holds `current` and `releases/`.
    public let root: URL?
    private let tree = Mutex(Tree())

    public init(root: URL?) {
        self.root = root
    }

    public func file(_ path: String) -> File? { tree.withLock { $0.files[path] } }

    public var paths: [String] { tree.withLock { $0.files.keys.sorted() } }

    /// Reads the current tree again, whatever it was before; after a publish.
    /// Returns the number of files held.
    @discardableResult
    public func reload() throws -> Int {
        guard let root else { return 0 }
        let current = root.appendingPathComponent("current")
        let release = try? FileManager.default.destinationOfSymbolicLink(atPath: current.path)
        let held = tree.withLock { $0 }
        var read = Tree(release: release)
        if FileManager.default.fileExists(atPath: current.path) {
            try Self.read(directory: current.resolvingSymlinksInPath().path, prefix: "", into: &read, held: held)
        }
        tree.withLock { $0 = read }
        return read.files.count
    }

    /// Reloads when `current` points at another release than the one held.
    @discardableResult
    public func reloadIfChanged() throws -> Bool {
        guard let root else { return false }
        let release = try? FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent("current").path)
        let held = tree.withLock { $0.release }
        guard release != held else { return false }
        try reload()
        return true
    }

    /// `directory` a path, not a URL: a URL for each of hundreds of files cost more than reading them.
    private static func read(directory: String, prefix: String, into tree: inout Tree, held: Tree) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        for name in names where !name.hasPrefix(".") {
            let file = directory + "/" + name, path = prefix + name
            var status = stat()
            guard lstat(file, &status) == 0 else {
                throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: file])
            }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                try read(directory: file, prefix: path + "/", into: &tree, held: held)
            case S_IFREG:
                let identity = Identity(
                    device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int64(status.st_size),
                    modified: status.st_mtim.tv_sec, nanoseconds: status.st_mtim.tv_nsec)
                tree.identities[path] = identity
                if held.identities[path] == identity, let file = held.files[path] {
                    tree.files[path] = file
                    continue
                }
                let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
                let modified = Date(timeIntervalSince1970: Double(status.st_mtim.tv_sec))
                tree.files[path] = File(
                    body: ByteBuffer(bytes: bytes), contentType: contentType(of: name),
                    etag: EntityTag.of(bytes), lastModified: HTTPDate.format(modified))
            default:
                continue  // symbolic links and special files inside a release are not served
            }
        }
    }

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last.map({ $0.lowercased() }) {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "png": "image/png"
        case "svg": "image/svg+xml"
        case "json": "application/json; charset=utf-8"
        case "csv": "text/csv; charset=utf-8; header=present"
        case "txt": "text/plain; charset=utf-8"
        case "pdf": "application/pdf"
        default: "application/octet-stream"
        }
    }
}
