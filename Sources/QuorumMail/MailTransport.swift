import Foundation

/// Where composed messages go: an SMTP server, or a directory of `.eml` files.
public protocol MailTransport: Sendable {
    /// Delivers the message to its envelope recipients (to, cc and bcc). Returns
    /// only once the message is accepted — for SMTP, on the server's final 250.
    func send(_ message: MailMessage) async throws(MailError)
}

/// Writes each message as `<Message-ID>.eml` into a directory, atomically:
/// a temporary file in the same directory, fsync, then rename. For previews, and
/// for sites that hand mail to their own relay.
public struct FileTransport: MailTransport {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public func send(_ message: MailMessage) async throws(MailError) {
        let name = message.messageID.replacingOccurrences(of: "/", with: "_") + ".eml"
        try Self.write(try message.rendered(), to: directory.appendingPathComponent(name))
    }

    /// Writes `bytes` to `url` so that readers see the old file or the whole new one, never a part.
    public static func write(_ bytes: [UInt8], to url: URL) throws(MailError) {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .file("cannot create \(directory.path)")
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .file("cannot create \(temporary.path): \(String(cString: strerror(errno)))") }
        var written = 0
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let result = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += result
            }
            return fsync(descriptor) == 0
        }
        let closed = close(descriptor) == 0
        guard ok, closed, rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw .file("cannot write \(url.path): \(reason)")
        }
        // The rename itself is durable once the directory is synced.
        let directoryDescriptor = open(directory.path, O_RDONLY | O_DIRECTORY)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}
