import Foundation
import QuorumBlocking
import Synchronization

/// Publishes a site tree atomically: the files go into a new
/// directory under `releases/`, written and then fsynced; then a new `current`
/// symbolic link is made under a temporary name and renamed over the old one, so
/// a reader sees the old tree or the new one, never a half-written file. A
/// failure before the swap removes the new directory and leaves `current` as it was.
///
/// A file whose bytes the current release already holds at the same path is a
/// hard link to that file rather than a copy: nothing to write or sync again,
/// and each release stays whole on its own when the others are pruned.
///
/// A publisher remembers its last release: the bytes it wrote there, so that an
/// unchanged file is linked without being read back, and the spare files of the
/// release the next publish will prune, found once this one is served.
public struct SitePublisher: Sendable {
    public let root: URL
    /// How many releases to keep, the current one included.
    public let keep: Int

    /// Where a file is really written: itself, except in tests that send one to
    /// /dev/full to see a disk-full failure.
    let writeTarget: @Sendable (String) -> String
    private let last = Remembered()

    public init(root: URL, keep: Int = 5) {
        self.init(root: root, keep: keep, writeTarget: { $0 })
    }

    init(root: URL, keep: Int, writeTarget: @escaping @Sendable (String) -> String) {
        precondition(keep >= 1)
        self.root = root
        self.keep = keep
        self.writeTarget = writeTarget
    }

    public var releases: URL { root.appendingPathComponent("releases") }
    public var current: URL { root.appendingPathComponent("current") }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes `files` (relative flat paths → bytes) as a new release and makes it current;
    /// calls `published` once it is, before old releases are removed.
    /// Returns the release's directory.
    @discardableResult
    public func publish(_ files: [String: [UInt8]], now: Date = Date(), published: () -> Void = {}) throws -> URL {
        try FileManager.default.createDirectory(at: releases, withIntermediateDirectories: true)
        let name = Self.releaseName(now)
        let staging = releases.appendingPathComponent(".staging-" + name)
        let release = releases.appendingPathComponent(name)
        // The release `current` resolves to now, whose unchanged files are linked.
        let previous = currentRelease.map { releases.appendingPathComponent($0) }
        // The files of the releases this publish will prune that no newer release
        // links: renamed into the new release and written over in place, they save
        // creating inodes (on ext4, after many deletions, the slowest part of writing
        // a file), freeing and allocating blocks, and deleting them. A file takes the
        // spare at its own path where there is one, which is about its size.
        let pruned = keep >= 2 ? releasesToPrune(keeping: keep - 1, current: currentRelease) : []
        let remembered = last.take()
        var spare = remembered?.spare.releases == pruned ? remembered!.spare : SpareFiles(pruned)
        // What this publisher wrote into the current release, if that is its last.
        let held = remembered?.release == currentRelease ? remembered : nil
        let offered = spare.count
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
            // Paths as strings, joined: building a URL for each of hundreds of files cost
            // more than writing them.
            var directories: Set<String> = [staging.path]
            var written: [String] = []
            for (path, bytes) in files.sorted(by: { $0.key < $1.key }) {
                guard Self.isSafe(path) else { throw Failure(description: "refusing to write '\(path)' outside the tree") }
                let target = staging.path + "/" + path
                let parent = path.lastIndex(of: "/").map { staging.path + "/" + path[..<$0] } ?? staging.path
                if !directories.contains(parent) {
                    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
                    directories.insert(parent)
                }
                let destination = writeTarget(target)
                if destination == target, let previous,
                    Self.link(bytes, from: previous.path + "/" + path, to: destination, held: held?.file(path))
                {
                    continue
                }
                var recycled = false
                if destination == target, let file = spare.take(path) { recycled = Foundation.rename(file, destination) == 0 }
                try Self.write(bytes, to: destination, over: recycled)
                written.append(destination)
            }
            // Synced once all are written, eight at a time: the first fsyncs commit the
            // journal with every new file in it, and each of the rest waits on its own
            // file's blocks, which the disk takes together. (One fsync after each write
            // committed once per file, a third of a render's time. One after another once
            // all were written, a render's 167 files took 15-18 ms.)
            try Self.syncAll(written)
            for directory in directories { try Self.sync(directory) }
            try Self.rename(staging.path, release.path)
            try Self.sync(releases.path)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            // Releases that gave up files are no longer whole: gone, as they would have been.
            if spare.count < offered { for release in pruned { try? FileManager.default.removeItem(at: release) } }
            throw error
        }
        // The swap: a fresh link, renamed over `current` in one step.
        let link = root.appendingPathComponent(".current-\(getpid())-\(name)")
        try? FileManager.default.removeItem(at: link)
        guard symlink("releases/" + name, link.path) == 0 else {
            throw Failure(description: "cannot make a link in \(root.path): \(String(cString: strerror(errno)))")
        }
        do {
            try Self.rename(link.path, current.path)
            try Self.sync(root.path)
        } catch {
            try? FileManager.default.removeItem(at: link)
            throw error
        }
        published()
        prune(keeping: name)
        last.keep(
            Remembered.Release(
                release: name, files: files, stamps: Self.stamps(of: release, files.keys),
                spare: SpareFiles(keep >= 2 ? releasesToPrune(keeping: keep - 1, current: name) : [])))
        return release
    }

    /// The release `current` points at, if any.
    public var currentRelease: String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: current.path)).map { URL(fileURLWithPath: $0).lastPathComponent }
    }

    /// The finished releases beyond the newest `count`, never `current`.
    private func releasesToPrune(keeping count: Int, current: String?) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: releases.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted(by: >).dropFirst(count).filter { $0 != current }
            .map { releases.appendingPathComponent($0) }
    }

    /// The last release this publisher made, for the next publish.
    private final class Remembered: Sendable {
        struct Release {
            let release: String
            let files: [String: [UInt8]]
            /// Each file as it was once the release was in place: a file changed on
            /// disk since then no longer matches, and is read again.
            let stamps: [String: Stamp]
            let spare: SpareFiles

            func file(_ path: String) -> (bytes: [UInt8], stamp: Stamp)? {
                guard let bytes = files[path], let stamp = stamps[path] else { return nil }
                return (bytes, stamp)
            }
        }
        private let state = Mutex<Release?>(nil)

        /// Taken rather than read: a publish that fails leaves nothing to trust.
        func take() -> Release? { state.withLock { $0.take() } }
        func keep(_ release: Release) { state.withLock { $0 = release } }
    }

    /// What changes when anything is done to a file: its inode, size, and change
    /// time (which no one can set back).
    struct Stamp: Equatable {
        let inode: UInt64
        let size: Int
        let changedSeconds: Int
        let changedNanoseconds: Int

        init(_ status: stat) {
            (inode, size) = (UInt64(status.st_ino), Int(status.st_size))
            (changedSeconds, changedNanoseconds) = (status.st_ctim.tv_sec, status.st_ctim.tv_nsec)
        }
    }

    private static func stamps(of release: URL, _ paths: Dictionary<String, [UInt8]>.Keys) -> [String: Stamp] {
        var stamps: [String: Stamp] = [:]
        for path in paths {
            var status = stat()
            if lstat(release.path + "/" + path, &status) == 0 { stamps[path] = Stamp(status) }
        }
        return stamps
    }

    /// The regular files of releases about to be pruned that no other release
    /// links (one link), by their path in the tree.
    private struct SpareFiles {
        let releases: [URL]
        private var byPath: [String: String] = [:]
        private var others: [String] = []

        init(_ releases: [URL]) {
            self.releases = releases
            for release in releases {
                guard let walker = FileManager.default.enumerator(atPath: release.path) else { continue }
                for case let path as String in walker {
                    let file = release.path + "/" + path
                    var status = stat()
                    guard lstat(file, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_nlink == 1 else { continue }
                    if byPath[path] == nil { byPath[path] = file } else { others.append(file) }
                }
            }
        }

        var count: Int { byPath.count + others.count }

        /// The spare at `path`, else any.
        mutating func take(_ path: String) -> String? {
            if let file = byPath.removeValue(forKey: path) { return file }
            if let file = others.popLast() { return file }
            guard let any = byPath.first else { return nil }
            byPath.removeValue(forKey: any.key)
            return any.value
        }
    }

    /// Removes all but the newest `keep` releases (never the current one), and
    /// staging directories a killed render left behind.
    private func prune(keeping current: String) {
        for release in releasesToPrune(keeping: keep, current: current) { try? FileManager.default.removeItem(at: release) }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: releases.path) else { return }
        let hourAgo = Date().addingTimeInterval(-3600)
        for name in names where name.hasPrefix(".staging-") {
            let url = releases.appendingPathComponent(name)
            if let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
                modified < hourAgo
            {
                try? FileManager.default.removeItem(at: url)
            }
        }
    }

    /// Sortable and unique: "20261122T090001.123Z-4711-3f2a".
    static func releaseName(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let stamp =
            pad(p.year!, 4) + pad(p.month!, 2) + pad(p.day!, 2) + "T" + pad(p.hour!, 2) + pad(p.minute!, 2)
            + pad(p.second!, 2) + "." + pad(p.nanosecond! / 1_000_000, 3) + "Z"
        return "\(stamp)-\(getpid())-\(String(UInt16.random(in: 0...UInt16.max), radix: 16))"
    }

    /// Names at most two directories deep, as the tree has them (`ru/charts/a.png`);
    /// nothing that climbs out.
    static func isSafe(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return !path.hasPrefix("/") && parts.count <= 3
            && parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." && !$0.hasPrefix(".") }
    }

    /// Links `path` to `existing` when that file holds exactly `bytes`: read to
    /// compare, unless it is as this publisher `held` it, with those bytes. False
    /// (and nothing made) otherwise, and the file is written as usual.
    private static func link(_ bytes: [UInt8], from existing: String, to path: String, held: (bytes: [UInt8], stamp: Stamp)?) -> Bool {
        var status = stat()
        guard lstat(existing, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, Int(status.st_size) == bytes.count else { return false }
        if let held, held.stamp == Stamp(status), held.bytes == bytes { return Foundation.link(existing, path) == 0 }
        guard let data = FileManager.default.contents(atPath: existing), data.count == bytes.count,
            bytes.isEmpty
                || data.withUnsafeBytes({ old in bytes.withUnsafeBytes { new in memcmp(old.baseAddress!, new.baseAddress!, new.count) == 0 } })
        else { return false }
        return Foundation.link(existing, path) == 0
    }

    /// Writes `bytes` to `path`; `over` a file recycled, in place, and then cut to
    /// their length, so that its blocks are reused rather than freed and allocated.
    private static func write(_ bytes: [UInt8], to path: String, over recycled: Bool = false) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | (recycled ? 0 : O_TRUNC) | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += result
        }
        if recycled, ftruncate(descriptor, off_t(bytes.count)) != 0 {
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Makes `paths` durable, several at once: each sync waits on the disk, which
    /// takes the writes of several together.
    private static func syncAll(_ paths: [String]) throws {
        let failure = Mutex<Error?>(nil)
        Parallel.forEachWaiting(paths.count) { index in
            do { try sync(paths[index]) } catch { failure.withLock { $0 = $0 ?? error } }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// Makes a file or directory durable.
    private static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Failure(description: "cannot sync \(path): \(String(cString: strerror(errno)))") }
    }

    private static func rename(_ from: String, _ to: String) throws {
        guard Foundation.rename(from, to) == 0 else {
            throw Failure(description: "cannot rename \(from) to \(to): \(String(cString: strerror(errno)))")
        }
    }
}
