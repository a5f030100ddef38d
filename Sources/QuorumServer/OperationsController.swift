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
        router.get("healthz") { _, _ in try JSON.response(["status": "ok"]) }
        router.get("readyz", use: ready)
        router.get("metrics", use: metrics)
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "public, max-age=300"],
                     body: .init(byteBuffer: OpenAPIDocument.bytes))
        }
    }

    /// Ready when the database answers and a snapshot is held.
    @Sendable func ready(request: Request, context: Context) async throws -> Response {
        let databaseUp = await database.isReachable()
        let snapshot = cache.snapshot.map {
            Readiness.Held(id: $0.id, finishedAt: $0.finishedAt, ageSeconds: (Date().timeIntervalSince($0.finishedAt) * 10).rounded() / 10)
        }
        let ready = databaseUp && snapshot != nil
        return try JSON.response(Readiness(ready: ready, database: databaseUp ? "reachable" : "unreachable", snapshot: snapshot),
                                 status: ready ? .ok : .serviceUnavailable, headers: [.cacheControl: "no-store"])
    }

    @Sendable func metrics(request: Request, context: Context) async throws -> Response {
        if let snapshot = cache.snapshot {
            QuorumMetrics.snapshotAge.record(Date().timeIntervalSince(snapshot.finishedAt))
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: QuorumMetrics.exposition())))
    }
}

private struct Readiness: Encodable {
    struct Held: Encodable { let id: Int64; let finishedAt: Date; let ageSeconds: Double }
    let ready: Bool
    let database: String
    let snapshot: Held?
}

/// Whether the database answers: a `SELECT 1` through the pool, its result
/// kept for a moment so that frequent probes cost one query a second or two.
final class DatabaseProbe: Sendable {
    private let pool: ConnectionPool
    private let maxAge: Duration
    private let clock = ContinuousClock()
    private let last = Mutex<(at: ContinuousClock.Instant, reachable: Bool)?>(nil)

    init(pool: ConnectionPool, maxAge: Duration = .seconds(2)) {
        self.pool = pool
        self.maxAge = maxAge
    }

    func isReachable() async -> Bool {
        if let last = last.withLock({ $0 }), clock.now - last.at < maxAge { return last.reachable }
        let reachable = (try? await pool.withConnection { try $0.query("SELECT 1").count == 1 }) ?? false
        let now = clock.now
        last.withLock { $0 = (now, reachable) }
        return reachable
    }
}

/// The OpenAPI 3.1 description of the API, checked in beside the code.
enum OpenAPIDocument {
    static let bytes = ByteBuffer(bytes: PackageResources.openapi_json)
}
