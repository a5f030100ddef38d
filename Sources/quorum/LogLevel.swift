import Logging
import Synchronization

/// The process's log threshold, shared by every logger: a SIGHUP that changes
/// `log.level` changes it for all of them at once.
final class LogLevel: Sendable {
    private let level: Mutex<Logger.Level>

    init(_ level: Logger.Level) { self.level = Mutex(level) }

    var current: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }
}

/// A log handler whose threshold is the process's `LogLevel`, not a copy of it.
struct LevelledLogHandler: LogHandler {
    var base: StreamLogHandler
    let level: LogLevel

    var logLevel: Logger.Level {
        get { level.current }
        set {}  // the threshold is the process's, set by the configuration
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        base.log(event: event)
    }
}
