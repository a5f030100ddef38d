import Hummingbird
import NIOCore
import Synchronization

/// The request body limit (`server.max_body_bytes`), for every route.
///
/// A declared Content-Length over the limit is refused at once, before a byte of
/// the body is read. A body of no declared length (chunked) is counted as it streams
/// to the handler, which gets 413 the moment the count passes the limit; nothing
/// here holds more of it than the piece in hand. What the client still sends
/// after the 413 is read and dropped, so the connection can carry the next request.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int
    let largeBodies: LargeBodies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength] {
            // A length HTTP's parser accepted, or one so long it passes any limit.
            let length = Int(declared) ?? .max
            largeBodies.note(length)
            guard length <= maxBytes else { throw APIError.bodyTooLarge(maxBytes) }
            return try await next(request, context)
        }
        var limited = request
        limited.body = RequestBody(asyncSequence: LimitedBody(base: request.body, maxBytes: maxBytes, largeBodies: largeBodies))
        return try await next(limited, context)
    }
}

/// Whether large bodies have come and gone: the memory their buffers took is
/// then worth giving back to the system. Asked on an interval (`settled()`), it
/// answers yes once an interval has passed with none after one with some, so
/// that a stream of them is not interrupted and the last is done with.
final class LargeBodies: Sendable {
    static let threshold = 256 * 1024
    private static let none = 0, seen = 1, quiet = 2
    private let state = Atomic(LargeBodies.none)

    func note(_ bytes: Int) {
        if bytes >= Self.threshold { state.store(Self.seen, ordering: .relaxed) }
    }

    func settled() -> Bool {
        if state.compareExchange(expected: Self.quiet, desired: Self.none, ordering: .relaxed).exchanged { return true }
        state.compareExchange(expected: Self.seen, desired: Self.quiet, ordering: .relaxed)
        return false
    }
}

/// A request body that throws 413 once more than `maxBytes` have come through.
struct LimitedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let maxBytes: Int
    let largeBodies: LargeBodies

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let maxBytes: Int
        let largeBodies: LargeBodies
        var seen = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let piece = try await base.next() else { return nil }
            let before = seen
            seen += piece.readableBytes
            if before < LargeBodies.threshold { largeBodies.note(seen) }
            guard seen <= maxBytes else { throw APIError.bodyTooLarge(maxBytes) }
            return piece
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), maxBytes: maxBytes, largeBodies: largeBodies)
    }
}
