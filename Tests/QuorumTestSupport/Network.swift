import Foundation
import Glibc

/// A TCP socket bound to a port the system picks on 127.0.0.1, listening if asked;
/// the caller closes it.
public func loopbackSocket(listening: Bool, port: Int = 0) throws -> (descriptor: Int32, port: Int) {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, length) == 0 && (!listening || listen(descriptor, 1) == 0) && getsockname(descriptor, $0, &length) == 0
        }
    }
    guard bound else {
        close(descriptor)
        throw POSIXError(.EADDRINUSE)
    }
    return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
}

/// The first of `count` consecutive ports on 127.0.0.1 that are free now, for
/// programs that take a first port and count up from it.
public func consecutiveFreePorts(_ count: Int) throws -> Int {
    for _ in 0..<100 {
        let first = Int.random(in: 20_000...(60_000 - count))
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        for port in first..<(first + count) {
            guard let (descriptor, _) = try? loopbackSocket(listening: false, port: port) else { break }
            sockets.append(descriptor)
        }
        if sockets.count == count { return first }
    }
    throw POSIXError(.EADDRINUSE)
}
