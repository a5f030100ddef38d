import Foundation
import Logging
import QuorumAggregates
import QuorumModel
import QuorumStore
import ServiceLifecycle
import Synchronization

/// Keeps a current snapshot.
///
/// Every process listens for new snapshots (NOTIFY `quorum_snapshot`) and loads
/// them into its cache. The leader also listens for data changes (NOTIFY
/// `quorum_data`, sent by triggers) and aggregates: at once for a change after a
/// quiet period, so that a correction reaches the page in a fraction of a second;
/// the changes that come within the period (the debounce, from the end of the last
/// run) wait for its end and run together. It also aggregates on the cron schedule —
/// but only when the data version moved since the last snapshot, so nothing runs
/// when nothing changed.
public final class AggregationService: Service, Sendable {
    static let dataChannel = "quorum_data"
    static let snapshotChannel = "quorum_snapshot"

    private let pool: ConnectionPool
    private let listener: NotificationListener
    private let election: LeaderElection
    public let cache: SnapshotCache
    private let logger: Logger
    private let settings: Mutex<Configuration>
    private let chartQueries: @Sendable () -> [(name: String, sql: String)]
    private let events: AsyncStream<Event>.Continuation
    private let eventStream: AsyncStream<Event>
    /// Runs done by this process, for tests and metrics.
    public let runs = Atomic<Int>(0)

    enum Event: Sendable {
        case listener(NotificationListener.Event)
        case role(LeaderElection.Role)
        case tick
        case quiet
        case reconfigured
    }

    /// `chartQueries`: the SELECTs of chart files, run with the built-in aggregates.
    public init(
        pool: ConnectionPool, conninfo: String, election: LeaderElection, cache: SnapshotCache,
        configuration: Configuration, logger: Logger,
        chartQueries: @escaping @Sendable () -> [(name: String, sql: String)] = { [] }
    ) {
        self.pool = pool
        self.chartQueries = chartQueries
        self.election = election
        self.cache = cache
        self.logger = logger
        settings = Mutex(configuration)
        listener = NotificationListener(conninfo: conninfo, channels: [Self.dataChannel, Self.snapshotChannel], logger: logger)
        (eventStream, events) = AsyncStream<Event>.makeStream()
    }

    /// Applies a reloaded configuration (SIGHUP): schedule, debounce, retention.
    public func reconfigure(_ configuration: Configuration) {
        settings.withLock { $0 = configuration }
        events.yield(.reconfigured)
    }

    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { [self] in
                for await event in listener.events() { events.yield(.listener(event)) }
            }
            group.addTask { [self] in
                for await role in election.roles() { events.yield(.role(role)) }
            }
            group.addTask { [self] in await scheduleTicks() }

            // Load what is there before anything else, so a restart serves at once.
            await loadLatest()
            // A run for a change starts at least the debounce after the end of the last
            // run: a change after a quiet period runs at once, and the changes that come
            // within the period run together at its end.
            var lastRun: ContinuousClock.Instant?
            var scheduled = false
            func aggregate() async {
                await aggregateIfChanged()
                lastRun = .now
            }
            for await event in eventStream.cancelOnGracefulShutdown() {
                let debounce = Duration.milliseconds(settings.withLock { $0.aggregationDebounceMilliseconds })
                switch event {
                case .listener(.connected), .role(.leader), .tick, .reconfigured:
                    await loadLatest()
                    await aggregate()
                case .listener(.notification(let channel, _)) where channel == Self.dataChannel:
                    guard !scheduled else { break }
                    let due = lastRun.map { $0 + debounce } ?? .now
                    if due <= .now {
                        await aggregate()
                    } else {
                        scheduled = true
                        group.addTask { [self] in
                            try? await Task.sleep(until: due)
                            events.yield(.quiet)
                        }
                    }
                case .listener(.notification):
                    await loadLatest()
                case .quiet:
                    scheduled = false
                    await aggregate()
                case .role(.follower):
                    break
                }
            }
            listener.stop()
            events.finish()
            group.cancelAll()
        }
    }

    /// Yields a tick at every run time of the schedule (re-read after each tick),
    /// until cancelled — which is how shutdown ends it, so it is not an error.
    private func scheduleTicks() async {
        while !Task.isCancelled {
            let schedule = settings.withLock { $0.aggregationCron }
            guard let next = schedule.next(after: Date()) else { return }
            do { try await Task.sleep(for: .seconds(max(0, next.timeIntervalSinceNow))) } catch { return }
            events.yield(.tick)
        }
    }

    /// Aggregates if this process leads and the data moved since the last snapshot.
    private func aggregateIfChanged() async {
        guard case .leader(let backend) = election.role else { return }
        let retention = settings.withLock { $0.snapshotRetention }
        let base = cache.snapshot
        let queries = chartQueries().map { AggregateDefinition.chartQuery(name: $0.name, sql: $0.sql) }
        do {
            let snapshot: Snapshot? = try await pool.withConnection { connection in
                let version = try Aggregator.dataVersion(connection)
                if let base, base.dataVersion == version, base.answers(queries) { return nil }
                let aggregator = Aggregator(queries: queries, retention: retention)
                let snapshot = try aggregator.run(connection, base: base) { connection in
                    try LeaderElection.fence(connection, backend: backend)
                }
                try connection.notify(Self.snapshotChannel, payload: String(snapshot.id))
                return snapshot
            }
            if let snapshot {
                runs.add(1, ordering: .relaxed)
                cache.offer(snapshot)
                FreedMemory.release()
                logger.info(
                    "aggregated",
                    metadata: [
                        "snapshot": "\(snapshot.id)", "data_version": "\(snapshot.dataVersion)",
                        "ms": "\(Int(snapshot.finishedAt.timeIntervalSince(snapshot.startedAt) * 1000))",
                    ])
            }
        } catch  where Task.isCancelled {
            return  // shutting down: the run's transaction is rolled back
        } catch {
            logger.error("aggregation failed; the last snapshot stays", metadata: ["error": "\(error)"])
        }
    }

    private func loadLatest() async {
        do {
            let known = cache.snapshot?.id ?? 0
            let latest = try await pool.withConnection { connection -> Snapshot? in
                // Only the id first: the payload is read when it is new.
                guard let newest = try SnapshotStore(connection).latestID(), newest > known else { return nil }
                return try Aggregator.latest(connection)
            }
            if let latest, cache.offer(latest) {
                FreedMemory.release()
                logger.debug("loaded snapshot", metadata: ["snapshot": "\(latest.id)"])
            }
        } catch  where Task.isCancelled {
            return
        } catch {
            logger.warning("cannot load the latest snapshot; serving the one held", metadata: ["error": "\(error)"])
        }
    }
}
