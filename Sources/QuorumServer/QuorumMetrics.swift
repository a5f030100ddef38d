import Foundation
import Metrics
import Prometheus
import Synchronization

/// The process's metrics, in Prometheus text format at `/metrics`.
///
/// Any module records through swift-metrics (`Counter`, `Timer`, `Gauge` from
/// `import Metrics`); this registry, bootstrapped once per process, is what
/// collects them. Every metric of Quorum's own is named in `Name`.
/// The HTTP middleware records `http_requests_total` and the
/// `http_request_duration_seconds` histogram by route, method and status.
public enum QuorumMetrics {
    /// The names of Quorum's own metrics, declared once.
    public enum Name {
        /// Timer: one site render.
        public static let renderDuration = "quorum_render_duration_seconds"
        /// Counter: a render that failed (the previous site stays).
        public static let renderFailures = "quorum_render_failures_total"
        /// Counter, label `result` (`sent`, `failed`): report e-mails.
        public static let mailDeliveries = "quorum_mail_deliveries_total"
        static let snapshotAge = "quorum_snapshot_age_seconds"
        static let snapshotID = "quorum_snapshot_id"
        static let aggregationDuration = "quorum_aggregation_duration_seconds"
    }

    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(factory(for: registry))
        return registry
    }()

    /// A registry of its own, with Quorum's names and buckets, and the factory that
    /// records into it: what a test reads without meeting other tests' metrics.
    public static func separate() -> (factory: MetricsFactory, exposition: @Sendable () -> String) {
        let registry = PrometheusCollectorRegistry()
        return (
            factory(for: registry),
            {
                var text: [UInt8] = []
                registry.emit(into: &text)
                return String(decoding: text, as: UTF8.self)
            }
        )
    }

    private static func factory(for registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30),
        ]
        factory.nameAndLabelSanitizer = { name, labels in
            (renamed[name] ?? sanitized(name), labels.map { (sanitized($0.0), $0.1) })
        }
        return factory
    }

    /// Hummingbird's metric names, in Prometheus's conventions.
    private static let renamed = [
        "hb.requests": "http_requests_total",
        "hb.request.errors": "http_request_errors_total",
        "http.server.request.duration": "http_request_duration_seconds",
        "http.server.active_requests": "http_active_requests",
    ]

    private static func sanitized(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") ? $0 : "_" })
    }

    /// Makes this registry the process's metrics system (the executable does this
    /// first, before any metric is made), and lists the other modules' metrics even
    /// before they record. Calling it again does nothing.
    public static func bootstrap() {
        _ = registry
        _ = announced
    }

    private static let announced: Void = {
        _ = Metrics.Timer(label: Name.renderDuration, preferredDisplayUnit: .seconds)
        for result in ["sent", "failed"] { _ = Counter(label: Name.mailDeliveries, dimensions: [("result", result)]) }
    }()

    /// Gauges that are read at scrape time rather than recorded as they change; looked
    /// up each time, so none is bound to the metrics system before it is set up.
    static var snapshotAge: Metrics.Gauge { Metrics.Gauge(label: Name.snapshotAge) }
    static var snapshotID: Metrics.Gauge { Metrics.Gauge(label: Name.snapshotID) }
    static var aggregationDuration: Metrics.Gauge { Metrics.Gauge(label: Name.aggregationDuration) }

    /// Called for each snapshot the server starts serving.
    static func record(snapshotStarted startedAt: Date, finished finishedAt: Date, id: Int64) {
        aggregationDuration.record(finishedAt.timeIntervalSince(startedAt))
        snapshotID.record(Double(id))
    }

    static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return buffer
    }
}
