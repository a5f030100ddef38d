import Foundation
import Logging
import Metrics
import QuorumAggregates
import QuorumBlocking
import QuorumCharts
import QuorumModel
import QuorumServer
import QuorumSite
import ServiceLifecycle
import Synchronization

/// Re-renders this replica's site after every new snapshot, and again when the
/// chart files are reloaded (SIGHUP). Every replica runs one: each publishes its
/// own tree. A failed render leaves the last published tree in place; it is
/// logged and counted.
public final class RenderService: Service, Sendable {
    private let cache: SnapshotCache
    private let logger: Logger
    private let charts: Mutex<ChartSet>
    /// The languages the site is published in (render.languages).
    private let languages: Mutex<[Language]>
    /// The charts of the last published site: those whose figures did not change are reused.
    private let lastCharts = Mutex<[RenderedChart]>([])
    private let publisher: SitePublisher
    private let reloads: AsyncStream<Void>.Continuation
    private let reloadStream: AsyncStream<Void>
    private let published: @Sendable () -> Void
    private let metrics: MetricsFactory?
    /// Renders run one at a time, on a thread of their own.
    private let thread = BlockingPool(threads: 1)
    /// Published renders, and renders that failed to publish.
    public let renders = Atomic<Int>(0)
    public let failures = Atomic<Int>(0)
    /// Charts that could not be drawn in the last render (bad file, missing column).
    public let chartErrors = Atomic<Int>(0)

    /// `published` is called after each new tree is in place. Metrics go to
    /// `metrics`, or when nil to the process's metrics system as it is when they are recorded.
    public init(
        cache: SnapshotCache, configuration: Configuration, dataDirectory: URL, logger: Logger,
        metrics: MetricsFactory? = nil, published: @escaping @Sendable () -> Void = {}
    ) {
        self.cache = cache
        self.logger = logger
        self.metrics = metrics
        self.published = published
        charts = Mutex(Self.charts(configuration))
        languages = Mutex(configuration.renderLanguages)
        publisher = SitePublisher(root: Self.siteRoot(configuration, dataDirectory: dataDirectory))
        (reloadStream, reloads) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The chart files the configuration names (render.charts_dir), else the built-in set.
    public static func charts(_ configuration: Configuration) -> ChartSet {
        ChartSet.load(directory: configuration.renderChartsDirectory.map { URL(fileURLWithPath: $0) })
    }

    public static func siteRoot(_ configuration: Configuration, dataDirectory: URL) -> URL {
        configuration.renderSiteDirectory.map { URL(fileURLWithPath: $0) } ?? dataDirectory.appendingPathComponent("site")
    }

    /// Reads the chart files and the languages again (SIGHUP) and re-renders the held snapshot. The
    /// site keeps its directory: the HTTP server and the mailer read that tree too,
    /// so it changes only with a restart.
    public func reload(_ configuration: Configuration) {
        let reloaded = Self.charts(configuration)
        charts.withLock { $0 = reloaded }
        languages.withLock { $0 = configuration.renderLanguages }
        logger.notice("chart files reloaded", metadata: ["charts": "\(reloaded.specs.count)", "errors": "\(reloaded.errors.count)"])
        reloads.yield()
    }

    /// The chart queries the aggregation run should execute.
    public var chartQueries: [(name: String, sql: String)] { charts.withLock { $0.queries } }

    public func run() async throws {
        let (events, continuation) = AsyncStream<Snapshot>.makeStream(bufferingPolicy: .bufferingNewest(1))
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { [cache] in
                for await snapshot in cache.updates().cancelOnGracefulShutdown() { continuation.yield(snapshot) }
                continuation.finish()
            }
            group.addTask { [reloadStream, cache] in
                for await _ in reloadStream.cancelOnGracefulShutdown() {
                    if let snapshot = cache.snapshot { continuation.yield(snapshot) }
                }
            }
            for await snapshot in events.cancelOnGracefulShutdown() { await renderOffTheExecutor(snapshot) }
            group.cancelAll()
        }
    }

    /// Rendering is CPU work of a second or so and publishing blocks on fsync: it runs on
    /// the service's own thread, never on the cooperative pool the HTTP server and the
    /// aggregation share.
    private func renderOffTheExecutor(_ snapshot: Snapshot) async {
        _ = try? await thread.run {
            self.render(snapshot)
            FreedMemory.release()
        }
    }

    /// Renders and publishes one snapshot; never throws, so one failure does not stop the service.
    @discardableResult
    public func render(_ snapshot: Snapshot) -> Bool {
        let charts = self.charts.withLock { $0 }
        let languages = self.languages.withLock { $0 }
        let started = ContinuousClock.now
        do {
            let build = try SiteBuilder.build(snapshot: snapshot, charts: charts, languages: languages, reusing: lastCharts.withLock { $0 })
            let built = ContinuousClock.now
            var publishedAt = ContinuousClock.now
            // Served as soon as it is in place; old releases are removed after.
            try publisher.publish(build.files) {
                publishedAt = ContinuousClock.now
                published()
            }
            lastCharts.withLock { $0 = build.charts }
            // `/metrics` (made when recorded, so they reach whatever metrics system is set up by then).
            Metrics.Timer(label: QuorumMetrics.Name.renderDuration, preferredDisplayUnit: .seconds, factory: metrics ?? MetricsSystem.factory)
                .recordNanoseconds(Int64((ContinuousClock.now - started) / .nanoseconds(1)))
            renders.add(1, ordering: .relaxed)
            chartErrors.store(build.errors.count, ordering: .relaxed)
            for error in build.errors { logger.error("chart not drawn", metadata: ["error": "\(error)"]) }
            logger.info(
                "site published",
                metadata: [
                    "snapshot": "\(snapshot.id)", "charts": "\(build.chartCount)", "drawn": "\(build.drawn.count)",
                    "site": "\(publisher.current.path)",
                    "took": "\(ContinuousClock.now - started)", "building": "\(built - started)", "publishing": "\(publishedAt - built)",
                ])
            return true
        } catch {
            failures.add(1, ordering: .relaxed)
            Counter(label: QuorumMetrics.Name.renderFailures, factory: metrics ?? MetricsSystem.factory).increment()
            logger.error("render failed; the previous site stays published", metadata: ["snapshot": "\(snapshot.id)", "error": "\(error)"])
            return false
        }
    }
}
