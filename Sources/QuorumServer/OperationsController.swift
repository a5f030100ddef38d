import Foundation
import Hummingbird
import NIOCore
import QuorumAggregates
import QuorumStore
import Synchronization

/// `/healthz`, `/readyz`, `/metrics` and `/openapi.json`: for load balancers,
/// orchestrators, Prometheus and client generators. Never token-protected.
struct OperationsController<Context: RequestContext> {
    let cache: SnapshotCache
    let database: DatabaseProbe

    func addRoutes(to router: Router<Context>) {
        router.getAndHead("healthz") { _, _ in try JSON.representation(["status": "ok"]) }
        router.getAndHead("readyz", use: ready)
        router.getAndHead("metrics", use: metrics)
        router.getAndHead("openapi.json") { _, _ in
            Response.representation(
                OpenAPIDocument.bytes, contentType: JSON.contentType,
                headers: [.cacheControl: "public, max-age=300", .eTag: OpenAPIDocument.etag])
        }
    }

    /// Ready when the database answers and a snapshot is held; answered within
    /// the probe's deadline whatever the database and the request pool are doing.
    @Sendable func ready(request: Request, context: Context) async throws -> Response {
        let state = await database.state()
        let databaseUp = state == .reachable
        let snapshot = cache.snapshot.map {
            Readiness.Held(id: $0.id, finishedAt: $0.finishedAt, ageSeconds: (Date().timeIntervalSince($0.finishedAt) * 10).rounded() / 10)
        }
        let ready = databaseUp && snapshot != nil
        return try JSON.representation(
            Readiness(ready: ready, database: state.rawValue, snapshot: snapshot),
            status: ready ? .ok : .serviceUnavailable, headers: [.cacheControl: "no-store"])
    }

    @Sendable func metrics(request: Request, context: Context) async throws -> Response {
        if let snapshot = cache.snapshot {
            QuorumMetrics.snapshotAge.record(Date().timeIntervalSince(snapshot.finishedAt))
        }
        return .representation(
            ByteBuffer(bytes: QuorumMetrics.exposition()), contentType: "text/plain; version=0.0.4; charset=utf-8",
            headers: [.cacheControl: "no-store"])
    }
}

private struct Readiness: Encodable {
    struct Held: Encodable {
        let id: Int64
        let finishedAt: Date
        let ageSeconds: Double
    }
    let ready: Bool
    let database: String
    let snapshot: Held?
}

/// Whether the database answers: a ping on a connection of the probe's
/// own (never queued behind requests), given `deadline` to answer, its result
/// kept for a moment so that frequent probes cost one query a second or two.
final class DatabaseProbe: Sendable {
    enum State: String, Sendable {
        case reachable
        case unreachable
        /// Connected or connecting, but no answer within the deadline.
        case unanswered
    }

    private let pool: ConnectionPool
    private let deadline: Duration
    private let maxAge: Duration
    private let clock = ContinuousClock()
    private let last = Mutex<(at: ContinuousClock.Instant, state: State)?>(nil)

    init(pool: ConnectionPool, deadline: Duration = .seconds(1), maxAge: Duration = .seconds(2)) {
        self.pool = pool
        self.deadline = deadline
        self.maxAge = maxAge
    }

    func state() async -> State {
        if let last = last.withLock({ $0 }), clock.now - last.at < maxAge { return last.state }
        let answered = try? await withinTime(deadline) { [pool] in
            (try? await pool.withConnection { try $0.ping() }) != nil
        }
        let state: State =
            switch answered {
            case .some(true): .reachable
            case .some(false): .unreachable
            case nil: .unanswered
            }
        let now = clock.now
        last.withLock { $0 = (now, state) }
        return state
    }
}

/// The OpenAPI 3.1 description of the API, checked in beside the code.
enum OpenAPIDocument {
    static let bytes = ByteBuffer(bytes: PackageResources.openapi_json)
    static let etag = EntityTag.of(bytes)
}
