import Foundation
import QuorumTestSupport

/// A plain TCP connection, to write bytes no HTTP client would: pipelined requests,
/// a head without its body, a chunked body cut short. Reads and writes block, so
/// they run on the tests' own threads: the server under test needs the
/// cooperative pool to answer. Unchecked: one test uses it, one call at a time.
final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ text: String) async throws { try await send(bytes: Array(text.utf8)) }

    func send(bytes: [UInt8]) async throws {
        try await offPool { try self.writeAll(bytes) }
    }

    /// The next `count` responses: each head's lines, and its body as text.
    func receiveResponses(_ count: Int) async throws -> [(head: [String], body: String)] {
        try await offPool { try self.readResponses(count) }
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw POSIXError(.EIO) }
            sent += written
        }
    }

    private func readResponses(_ count: Int) throws -> [(head: [String], body: String)] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var responses: [(head: [String], body: String)] = []
        while responses.count < count {
            // One whole response at the start of what was received: its head, then Content-Length bytes.
            if let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
                let length =
                    head.lazy.compactMap { line -> Int? in
                        let parts = line.split(separator: ":", maxSplits: 1)
                        guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                        return Int(parts[1].trimmingCharacters(in: .whitespaces))
                    }.first ?? 0
                if received.count >= end.upperBound + length {
                    responses.append((head, String(decoding: received[end.upperBound..<end.upperBound + length], as: UTF8.self)))
                    received.removeFirst(end.upperBound + length)
                    continue
                }
            }
            let read = Glibc.read(descriptor, &chunk, chunk.count)
            guard read > 0 else { throw POSIXError(.ETIMEDOUT) }
            received += chunk[..<read]
        }
        return responses
    }

    func close() { _ = Glibc.close(descriptor) }
}
