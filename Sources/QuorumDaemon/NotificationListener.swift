import Foundation
import Logging
import QuorumBlocking
import QuorumStore
import Synchronization

/// LISTENs on channels over a dedicated connection, used from a thread of its
/// own, and reconnects with backoff when the connection breaks. After every
/// (re)connect it reports `.connected`, because notifications sent while it was
/// away are lost: the consumer then checks for changes it may have missed.
final class NotificationListener: Sendable {
    enum Event: Sendable, Equatable {
        case connected
        case notification(channel: String, payload: String)
    }

    private let conninfo: String
    private let channels: [String]
    private let logger: Logger
    private let stopped = Atomic<Bool>(false)
    private let thread = BlockingPool(threads: 1)

    init(conninfo: String, channels: [String], logger: Logger) {
        self.conninfo = conninfo
        self.channels = channels
        self.logger = logger
    }

    /// Starts listening; the stream ends when `stop()` is called.
    func events() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        Task { [self] in
            await listen(continuation)
            continuation.finish()
        }
        return stream
    }

    func stop() { stopped.store(true, ordering: .relaxed) }

    private var isStopped: Bool { stopped.load(ordering: .relaxed) }

    private func listen(_ continuation: AsyncStream<Event>.Continuation) async {
        var failures = 0
        while !isStopped {
            do {
                let (conninfo, channels) = (self.conninfo, self.channels)
                let connection = try await thread.run {
                    let connection = try Connection(conninfo: conninfo)
                    do {
                        for channel in channels { try connection.listen(channel) }
                    } catch {
                        connection.finish()
                        throw error
                    }
                    return connection
                }
                defer { connection.finish() }
                if failures > 0 { logger.notice("listening again for changes") }
                failures = 0
                continuation.yield(.connected)
                while !isStopped {
                    // A quarter of a second at most, so stop() is quick.
                    let notifications = try await thread.run { try connection.waitForNotifications(timeout: .milliseconds(250)) }
                    for notification in notifications {
                        continuation.yield(.notification(channel: notification.channel, payload: notification.payload))
                    }
                }
            } catch {
                failures += 1
                if failures == 1 || failures % 30 == 0 {
                    logger.warning("cannot listen for changes; retrying", metadata: ["error": "\(error)"])
                }
                // Backoff: 0.25 s, 0.5 s, 1 s, … up to 5 s, in slices so stop() is quick.
                let pause = min(5.0, 0.25 * pow(2, Double(min(failures, 6) - 1)))
                var waited = 0.0
                while waited < pause && !isStopped {
                    try? await Task.sleep(for: .milliseconds(50))
                    waited += 0.05
                }
            }
        }
    }
}
