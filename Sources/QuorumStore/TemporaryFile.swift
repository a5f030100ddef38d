import Foundation
import Glibc

/// Where COPY text is written: straight to the server, or to a spool until its
/// table can take it.
protocol CopySink {
    /// Adds text without sending it yet.
    mutating func append(_ text: String)
    /// Adds text; sends or stores what has gathered once there is enough of it.
    mutating func write(_ text: String) throws
}

extension CopyWriter: CopySink {}

/// COPY text kept in a temporary file until its table can take it, so memory
/// stays flat however long the input.
final class Spool: CopySink {
    private let descriptor: Int32
    private let directory: String
    private var buffer: [UInt8] = []
    /// Whether anything has been written.
    private(set) var isEmpty = true
    private static let chunk = 1 << 20

    init(in directory: String) throws {
        (descriptor, self.directory) = try openTemporaryFile(in: directory)
        buffer.reserveCapacity(Spool.chunk + 4096)
    }

    deinit { close(descriptor) }

    func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        isEmpty = false
    }

    func write(_ text: String) throws {
        append(text)
        if buffer.count >= Spool.chunk { try flush() }
    }

    /// Writes everything written so far into `copy`, from the start.
    func send(into copy: inout CopyWriter) throws {
        try flush()
        guard lseek(descriptor, 0, SEEK_SET) == 0 else { throw TemporaryFileError(directory: directory, errno: errno) }
        var chunk = [UInt8](repeating: 0, count: Spool.chunk)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return }
            if count < 0 {
                if errno == EINTR { continue }
                throw TemporaryFileError(directory: directory, errno: errno)
            }
            try copy.write(chunk[..<count])
        }
    }

    private func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let count = buffer[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw TemporaryFileError(directory: directory, errno: errno)
            }
            offset += count
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Opens a new file in the temporary directory (`TMPDIR`, else /tmp), closed on
/// exec, and removes its name at once: the file is gone when its descriptor is
/// closed, even if the process is killed.
func openTemporaryFile(
    in directory: String = FileManager.default.temporaryDirectory.path
) throws(TemporaryFileError) -> (descriptor: Int32, directory: String) {
    var template = Array((directory + "/quorum-XXXXXX").utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else { throw TemporaryFileError(directory: directory, errno: errno) }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    return (descriptor, directory)
}

/// A temporary file could not be made, written or read.
public struct TemporaryFileError: Error, CustomStringConvertible {
    public let directory: String
    public let errno: Int32

    public var description: String {
        "cannot use a temporary file in \(directory) (set TMPDIR to choose another directory): \(String(cString: strerror(errno)))"
    }
}
