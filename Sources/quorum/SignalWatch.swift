import Foundation
import Synchronization

/// Calls `handler` on each of `signals`, for as long as the process runs.
///
/// The handler is installed with `sigaction` before `start` returns, so from then
/// on no signal is lost. (A dispatch signal source needs the signal ignored first
/// and is registered later, on another thread: a signal that arrived in between
/// was dropped, and a daemon told to stop while starting went on running.) The
/// signal handler only writes to a pipe; a thread of the watch's own reads it and
/// calls `handler`.
enum SignalWatch {
    static func start(_ signals: [Int32], handler: @escaping @Sendable () -> Void) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { fatalError("cannot make a pipe for signals: \(String(cString: strerror(errno)))") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        signalPipe.store(ends[1], ordering: .sequentiallyConsistent)
        for number in signals {
            var action = sigaction()
            action.__sigaction_handler = .init(sa_handler: { _ in
                var byte: UInt8 = 1
                _ = write(signalPipe.load(ordering: .relaxed), &byte, 1)
            })
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
        let reading = ends[0]
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while true {
                let count = read(reading, &byte, 1)
                if count == 1 { handler() } else if count < 0 && errno == EINTR { continue } else { return }
            }
        }
    }
}

/// Where the signal handler writes: one pipe for the process.
private let signalPipe = Atomic<Int32>(-1)

/// A request to stop, whenever it comes: while starting, it cancels start-up;
/// from then on, `requested()` returns, at once if the request came already.
final class StopRequest: Sendable {
    private let state = Mutex<(requested: Bool, cancelStartUp: (@Sendable () -> Void)?)>((false, nil))
    private let requests: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (requests, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func request() {
        let cancel = state.withLock { state in
            state.requested = true
            return state.cancelStartUp
        }
        cancel?()
        continuation.yield()
    }

    /// Start-up, cancelled by a request (at once if one came already).
    func cancelling(startUp cancel: @escaping @Sendable () -> Void) {
        let requested = state.withLock { state in
            state.cancelStartUp = cancel
            return state.requested
        }
        if requested { cancel() }
    }

    /// Returns once stopping is requested (or the waiting task is cancelled).
    func requested() async {
        for await _ in requests { return }
    }
}
