import Foundation
import QuorumBlocking
import Synchronization
import Testing

@testable import QuorumSite

@Suite struct PublisherTests {
    func temporaryRoot() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("quorum-site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    @Test func publishesAndSwapsTheCurrentLink() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let publisher = SitePublisher(root: root)
        let first = try publisher.publish(["index.html": Array("one".utf8), "charts/a.png": [1, 2, 3]])
        #expect(try read(root.appendingPathComponent("current/index.html")) == "one")
        let second = try publisher.publish(["index.html": Array("two".utf8)])
        #expect(try read(root.appendingPathComponent("current/index.html")) == "two")
        #expect(publisher.currentRelease == second.lastPathComponent)
        #expect(first != second)
        // The link is relative, so the site root can be moved or mounted elsewhere.
        #expect(
            try FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent("current").path)
                == "releases/" + second.lastPathComponent)
    }

    /// A changed file takes over the inode of the file at its path that only the
    /// release about to be pruned held, written over in place and cut to its length,
    /// and every release kept stays as it was published.
    @Test func aChangedFileTakesTheInodeOfAPrunedOne() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let publisher = SitePublisher(root: root, keep: 2)
        func inode(_ url: URL) -> UInt64 {
            var status = stat()
            return lstat(url.path, &status) == 0 ? UInt64(status.st_ino) : 0
        }
        let first = try publisher.publish(["a.html": Array("one".utf8), "b.css": Array("same".utf8), "c.txt": Array("1".utf8)])
        let firstA = inode(first.appendingPathComponent("a.html"))
        let firstC = inode(first.appendingPathComponent("c.txt"))
        let second = try publisher.publish(["a.html": Array("two".utf8), "b.css": Array("same".utf8), "c.txt": Array("2".utf8)])
        let third = try publisher.publish(["a.html": Array("three".utf8), "b.css": Array("same".utf8), "c.txt": Array("3".utf8)])
        #expect(inode(third.appendingPathComponent("a.html")) == firstA)
        #expect(inode(third.appendingPathComponent("c.txt")) == firstC)
        #expect(!FileManager.default.fileExists(atPath: first.path))
        #expect(try read(second.appendingPathComponent("a.html")) == "two")
        #expect(try read(third.appendingPathComponent("a.html")) == "three")
        // The unchanged file is one file in both releases kept, linked, never written over.
        #expect(inode(second.appendingPathComponent("b.css")) == inode(third.appendingPathComponent("b.css")))
        #expect(try read(third.appendingPathComponent("b.css")) == "same")
        #expect(publisher.currentRelease == third.lastPathComponent)
        // Shorter than the file it is written over: nothing of that file is left.
        let fourth = try publisher.publish(["a.html": Array("4".utf8), "b.css": Array("same".utf8), "c.txt": Array("four".utf8)])
        #expect(try read(fourth.appendingPathComponent("a.html")) == "4")
        #expect(try read(fourth.appendingPathComponent("c.txt")) == "four")
        #expect(try read(third.appendingPathComponent("a.html")) == "three")
    }

    @Test func aFailingRenderLeavesTheOldTree() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let publisher = SitePublisher(root: root)
        let good = try publisher.publish(["index.html": Array("good".utf8), "style.css": Array("body{}".utf8)])
        // Files are written in name order: "data/…" is written before the refused path fails.
        #expect(throws: SitePublisher.Failure.self) {
            try publisher.publish(["data/a.csv": Array("x".utf8), "index.html": Array("bad".utf8), "z/../../escape": [0]])
        }
        #expect(publisher.currentRelease == good.lastPathComponent)
        #expect(try read(root.appendingPathComponent("current/index.html")) == "good")
        let left = try FileManager.default.contentsOfDirectory(atPath: publisher.releases.path)
        #expect(left == [good.lastPathComponent], "no staging directory or half release is left: \(left)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("escape").path))
    }

    @Test func aDiskErrorLeavesTheOldTree() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let publisher = SitePublisher(root: root)
        let good = try publisher.publish(["index.html": Array("good".utf8)])
        // /dev/full fails every write with ENOSPC: the disk-full case, for real.
        let full = URL(fileURLWithPath: "/dev/full")
        guard FileManager.default.fileExists(atPath: full.path) else { return }
        let failing = SitePublisher(root: root, keep: 5, writeTarget: { path in path.hasSuffix("page.html") ? full.path : path })
        #expect(throws: SitePublisher.Failure.self) {
            try failing.publish(["index.html": Array("new".utf8), "page.html": Array(repeating: 0x41, count: 65536)])
        }
        #expect(publisher.currentRelease == good.lastPathComponent)
        #expect(try read(root.appendingPathComponent("current/index.html")) == "good")
    }

    @Test func prunesOldReleases() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let publisher = SitePublisher(root: root, keep: 3)
        var last: URL?
        for number in 0..<6 { last = try publisher.publish(["index.html": Array("\(number)".utf8)]) }
        let left = try FileManager.default.contentsOfDirectory(atPath: publisher.releases.path)
        #expect(left.count == 3)
        #expect(left.contains(last!.lastPathComponent))
        #expect(try read(root.appendingPathComponent("current/index.html")) == "5")
    }

    /// Unchanged files are the same file in both releases (a hard link); changed ones
    /// are new; a release stays whole when the one it shares files with is pruned.
    @Test func unchangedFilesAreLinkedNotWrittenAgain() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let publisher = SitePublisher(root: root, keep: 1)
        let first = try publisher.publish(["index.html": Array("one".utf8), "charts/a.png": [1, 2, 3], "charts/b.png": [4, 5]])
        func inode(_ url: URL) throws -> UInt64 {
            try #require((try FileManager.default.attributesOfItem(atPath: url.path))[.systemFileNumber] as? UInt64)
        }
        let unchanged = try inode(first.appendingPathComponent("charts/a.png"))
        let changed = try inode(first.appendingPathComponent("charts/b.png"))
        let second = try publisher.publish(["index.html": Array("two".utf8), "charts/a.png": [1, 2, 3], "charts/b.png": [4, 6]])
        #expect(try inode(second.appendingPathComponent("charts/a.png")) == unchanged)
        #expect(try inode(second.appendingPathComponent("charts/b.png")) != changed)
        // keep: 1 pruned the first release; the second still holds every file, whole.
        #expect(!FileManager.default.fileExists(atPath: first.path))
        #expect(FileManager.default.contents(atPath: root.appendingPathComponent("current/charts/a.png").path) == Data([1, 2, 3]))
        #expect(FileManager.default.contents(atPath: root.appendingPathComponent("current/charts/b.png").path) == Data([4, 6]))
        #expect(try read(root.appendingPathComponent("current/index.html")) == "two")
    }

    /// A publisher remembers what it wrote and links an unchanged file without
    /// reading it back, but only while the file on disk is as it left it; a new
    /// publisher (a restarted daemon) reads the files to compare.
    @Test func aFileChangedOnDiskIsWrittenAgainNotLinked() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let publisher = SitePublisher(root: root)
        let first = try publisher.publish(["a.png": [1, 2, 3], "b.png": [4, 5, 6]])
        func inode(_ url: URL) -> UInt64 {
            var status = stat()
            return lstat(url.path, &status) == 0 ? UInt64(status.st_ino) : 0
        }
        // Past the file system's clock tick, so the change time moves.
        Thread.sleep(forTimeInterval: 0.05)
        try Data([9, 9, 9]).write(to: first.appendingPathComponent("a.png"))
        let second = try publisher.publish(["a.png": [1, 2, 3], "b.png": [4, 5, 6]])
        #expect(FileManager.default.contents(atPath: second.appendingPathComponent("a.png").path) == Data([1, 2, 3]))
        #expect(inode(second.appendingPathComponent("a.png")) != inode(first.appendingPathComponent("a.png")))
        #expect(inode(second.appendingPathComponent("b.png")) == inode(first.appendingPathComponent("b.png")))
        let third = try SitePublisher(root: root).publish(["a.png": [1, 2, 3], "b.png": [4, 5, 7]])
        #expect(inode(third.appendingPathComponent("a.png")) == inode(second.appendingPathComponent("a.png")))
        #expect(FileManager.default.contents(atPath: third.appendingPathComponent("b.png").path) == Data([4, 5, 7]))
    }

    /// The files of a release are synced several at once, more than there are
    /// cores: each iteration here waits, as an fsync does, until three are under way.
    @Test func waitingWorkRunsMoreAtOnceThanThereAreCores() {
        let underWay = Atomic<Int>(0)
        let most = Mutex(0)
        let runs = Mutex([Int](repeating: 0, count: 16))
        Parallel.forEachWaiting(16) { index in
            let now = underWay.add(1, ordering: .relaxed).newValue
            most.withLock { $0 = max($0, now) }
            let deadline = Date().addingTimeInterval(10)
            while most.withLock({ $0 }) < 3, Date() < deadline { usleep(1000) }
            underWay.subtract(1, ordering: .relaxed)
            runs.withLock { $0[index] += 1 }
        }
        #expect(runs.withLock { $0 } == [Int](repeating: 1, count: 16), "each iteration once")
        #expect(most.withLock { $0 } >= 3)
    }

    @Test func refusesPathsOutsideTheTree() {
        for path in ["../x", "/etc/passwd", "a/b/c/d", ".hidden", "charts/../../x", "ru/../../x", "ru/.x/a", ""] {
            #expect(!SitePublisher.isSafe(path), "\(path)")
        }
        for path in ["index.html", "charts/a@2x.png", "data/a.csv", "ru/charts/a.png"] { #expect(SitePublisher.isSafe(path)) }
    }
}
