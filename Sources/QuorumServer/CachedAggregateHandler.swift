import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import Metrics
import NIOCore
import NIOHTTPTypes

/// Answers `GET` and `HEAD /api/v1/aggregates/NAME[.csv|.json]` of the current,
/// already encoded snapshot on the event loop that read the request, with the
/// same status, headers and bytes as the router would (304 included).
///
/// Such a request is most of what analysts' tools send, and its answer is a
/// lookup: going through the router would cost it two thread hops (to Swift
/// concurrency's pool and back) and a task, which is most of its time. Anything
/// else — a query string, a token check, a snapshot not encoded yet, an unknown
/// name, another request of the connection still being answered — goes on to
/// the router, which stays the one place that explains errors.
///
/// It sits after Hummingbird's connection-state handler, which so sees every
/// request and response (keep-alive and idle timeout work as for any other).
final class CachedAggregateHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let prefix = "/api/v1/aggregates/"

    private let catalog: AggregateCatalog
    private let serverName: String
    private let routeMetrics: RouteMetrics
    private typealias Answer = (head: HTTPResponse, body: ByteBuffer?, metrics: RouteMetrics.Series, started: UInt64)
    /// The answer to the request being read, sent once its end arrives.
    private var answer: Answer?
    /// Requests passed on to the router whose response has not ended: while
    /// there are any, later requests go there too, so answers keep their order.
    private var passedOn = 0
    private var unflushed = false
    private var date = (second: 0, text: "")

    init(catalog: AggregateCatalog, serverName: String, metrics: RouteMetrics = RouteMetrics()) {
        self.catalog = catalog
        self.serverName = serverName
        routeMetrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if passedOn == 0, let answer = cachedAnswer(to: request) {
                self.answer = answer
                return
            }
            passedOn += 1
        case .body:
            if answer != nil { return }  // a GET's body means nothing; the router drops it too
        case .end:
            if let answer {
                self.answer = nil
                send(answer, context: context)
                return
            }
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOn -= 1 }
        context.write(data, promise: promise)
    }

    private func cachedAnswer(to request: HTTPRequest) -> Answer? {
        let started = DispatchTime.now().uptimeNanoseconds
        guard request.method == .get || request.method == .head, let path = request.path, path.hasPrefix(Self.prefix) else { return nil }
        let name = path.dropFirst(Self.prefix.count)
        // Plain names only: a query, an escape or another segment is the router's to read.
        guard !name.isEmpty, !name.contains(where: { $0 == "?" || $0 == "%" || $0 == "/" }),
            let edition = catalog.encodedCurrent()
        else { return nil }
        let wanted = CachedAggregate.Wanted(name: String(name), accept: request.headerFields[.accept])
        guard let encoded = edition.representations[wanted.key] else { return nil }

        var (status, headers) = CachedAggregate.head(
            encoded, ifNoneMatch: request.headerFields[.ifNoneMatch],
            ifModifiedSince: request.headerFields[.ifModifiedSince])
        let isHead = request.method == .head
        let body = status == .ok && !isHead ? encoded.body : nil
        headers[.date] = currentDate()
        headers[.server] = serverName
        let metrics =
            switch (isHead, status == .ok) {
            case (false, true): routeMetrics.getOK
            case (false, false): routeMetrics.getNotModified
            case (true, true): routeMetrics.headOK
            case (true, false): routeMetrics.headNotModified
            }
        return (HTTPResponse(status: status, headerFields: headers), body, metrics, started)
    }

    private func send(_ answer: Answer, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
        if let body = answer.body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        unflushed = true
        answer.metrics.requests.increment()
        answer.metrics.duration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - answer.started))
    }

    /// The Date header, formatted once a second.
    private func currentDate() -> String {
        let second = time(nil)
        if second != date.second {
            date = (second, HTTPDate.format(Date(timeIntervalSince1970: TimeInterval(second))))
        }
        return date.text
    }

    /// The series Hummingbird's metrics middleware keeps for this route, so that
    /// `/metrics` counts these requests with the others. Made with the server, not
    /// as statics: a metric is bound to the metrics system in place when it is made,
    /// which the executable sets up first.
    struct RouteMetrics: Sendable {
        struct Series: Sendable {
            let requests: Counter
            let duration: Metrics.Timer

            init(_ method: HTTPRequest.Method, _ status: HTTPResponse.Status) {
                let dimensions = [
                    ("http.route", CachedAggregateHandler.prefix + "{name}"), ("http.request.method", method.rawValue),
                    ("http.response.status_code", String(status.code)),
                ]
                requests = Counter(label: "hb.requests", dimensions: dimensions)
                duration = Metrics.Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds)
            }
        }
        let getOK = Series(.get, .ok)
        let getNotModified = Series(.get, .notModified)
        let headOK = Series(.head, .ok)
        let headNotModified = Series(.head, .notModified)
    }
}

/// Hummingbird's HTTP/1 channel with `CachedAggregateHandler` placed right after
/// its connection-state handler.
struct QuorumHTTP1Channel: ServerChildChannel {
    let http1: HTTP1Channel
    let catalog: AggregateCatalog
    let serverName: String
    let metrics = CachedAggregateHandler.RouteMetrics()

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let state = try pipeline.handler(type: HTTPConnectionStateHandler.self)
            try pipeline.addHandler(
                CachedAggregateHandler(catalog: catalog, serverName: serverName, metrics: metrics),
                position: .after(state))
            return value
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}
