import Foundation
import Logging
import Metrics
import QuorumAggregates
import QuorumMail
import QuorumServer
import QuorumStore
import ServiceLifecycle

/// Sends the configured reports on their schedules — on the leader only, each
/// claim fenced by the leader's lock, so any number of daemons deliver every
/// (report, period) once. The clock is injectable, so tests can run through many
/// periods in seconds.
public final class MailerService: Service, Sendable {
    public let mailer: Mailer
    private let election: LeaderElection
    private let cache: SnapshotCache
    private let clock: any MailClock

    public init(mailer: Mailer, election: LeaderElection, cache: SnapshotCache, clock: any MailClock = SystemMailClock()) {
        self.mailer = mailer
        self.election = election
        self.cache = cache
        self.clock = clock
    }

    public func run() async throws {
        mailer.start(at: clock.now)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let now = clock.now
            if case .leader(let backend) = election.role {
                let outcomes = await mailer.deliverDue(now: now, cached: cache.snapshot) { connection in
                    try LeaderElection.fence(connection, backend: backend)
                }
                // `/metrics`: quorum_mail_deliveries_total{result="sent"|"failed"}.
                for outcome in outcomes {
                    switch outcome.kind {
                    case .sent: Counter(label: QuorumMetrics.Name.mailDeliveries, dimensions: [("result", "sent")]).increment()
                    case .failed: Counter(label: QuorumMetrics.Name.mailDeliveries, dimensions: [("result", "failed")]).increment()
                    case .skipped, .heldByAnother: break
                    }
                }
            }
            let next = mailer.nextDue(after: now) ?? now.addingTimeInterval(3600)
            try? await cancelWhenGracefulShutdown { try await self.clock.sleep(until: next) }
        }
    }
}
