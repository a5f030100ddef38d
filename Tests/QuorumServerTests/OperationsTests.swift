import Foundation
import Hummingbird
import HummingbirdTesting
import Metrics
import QuorumAggregates
import QuorumServer
import QuorumStore
import QuorumTestSupport
import Testing

/// Health, readiness, metrics and the OpenAPI document.
@Suite(.testDatabases) struct OperationsTests {
    static let fixture = Result { try TestDatabase.sharedByTheRun { try ServerFixture() } }

    @Test func healthAndReadiness() async throws {
        let fixture = try Self.fixture.get()
        try await fixture.application().test(.router) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            let ready = try await client.readiness()
            #expect(ready.status == .ok)
            let json = try ready.json()
            #expect(json["database"] as? String == "reachable")
            #expect((json["snapshot"] as? [String: Any])?["ageSeconds"] as? Double != nil)
        }
        try await fixture.application(cache: SnapshotCache()).test(.router) { client in
            let notReady = try await client.execute(uri: "/readyz", method: .get)
            #expect(notReady.status == .serviceUnavailable)
            #expect(try notReady.json()["snapshot"] == nil || (try notReady.json()["snapshot"] is NSNull))
        }
        try await fixture.applicationWithoutDatabase().test(.router) { client in
            // Asked again while the probe's one second ran out on a loaded machine ("unanswered").
            let response = try await client.readiness()
            #expect(response.status == .serviceUnavailable)
            #expect(try response.json()["database"] as? String == "unreachable")
        }
    }

    @Test func metricsCountRequestsByRouteAndStatusInPrometheusFormat() async throws {
        let fixture = try Self.fixture.get()
        // What another module records through swift-metrics appears too.
        Metrics.Timer(label: "quorum_render_duration_seconds").recordMilliseconds(12)
        try await fixture.application().test(.router) { client in
            _ = try await client.execute(uri: "/api/v1/aggregates/body_year", method: .get)
            _ = try await client.execute(uri: "/api/v1/aggregates/no_such_aggregate", method: .get)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = response.text
            #expect(text.contains("# TYPE http_requests_total counter"))
            #expect(text.contains(#"http_route="/api/v1/aggregates/{name}""#))
            #expect(text.contains(#"http_response_status_code="404""#))
            #expect(text.contains("# TYPE http_request_duration_seconds histogram"))
            #expect(text.contains("http_request_duration_seconds_bucket{"))
            #expect(text.contains("quorum_snapshot_age_seconds "))
            #expect(text.contains("quorum_aggregation_duration_seconds "))
            #expect(text.contains("quorum_render_duration_seconds_bucket"))
        }
    }

    @Test func openAPIDocumentsEveryRouteAndNothingElse() async throws {
        let fixture = try Self.fixture.get()
        let router = buildRouter(
            ServerDependencies(pool: fixture.pool, cache: fixture.cache, site: fixture.site),
            settings: ServerSettings())
        // HEAD and OPTIONS go with every read and every path; the document lists the operations.
        let routed = Set(
            router.routes.filter { $0.method != .head && $0.method != .options }
                .map { "\($0.method) \(Self.openAPIPath($0.path.description))" })
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            let document = try response.json()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let documented = Set(
                paths.flatMap { path, operations in
                    operations.keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }.map { "\($0.uppercased()) \(path)" }
                })
            #expect(routed.subtracting(documented).isEmpty, "routed but not documented: \(routed.subtracting(documented).sorted())")
            #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed).sorted())")
            #expect(routed.count >= 14)
        }
    }

    /// Hummingbird writes a parameter as `{name}` or `:name`; OpenAPI as `{name}`.
    static func openAPIPath(_ path: String) -> String {
        let components = path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
        return "/" + components.joined(separator: "/")
    }
}
