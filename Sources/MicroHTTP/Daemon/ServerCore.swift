import CPerchShims
import Synchronization

/// What libmicrohttpd's callbacks reach through their `cls` pointer: the handler, the limits,
/// the counters and the requests shutdown waits for.
final class ServerCore: Sendable {
    let handler: HTTPHandler
    let maxBodySize: Int
    /// The handler deadlines of suspended requests; `HTTPServer` runs and stops its task.
    let deadlines: DeadlineKeeper<HandlerCompletion>
    /// The whole-request deadlines of open connections; nil without a request timeout.
    let requestDeadlines: DeadlineKeeper<ConnectionWatch>?
    /// Connections cut because their request was not complete within the request timeout.
    let requestsTimedOut = Atomic<Int>(0)

    let connectionsAccepted = Atomic<Int>(0)
    let connectionsOpen = Atomic<Int>(0)
    /// Requests answered 413 because their body was over the limit.
    let bodiesTooLarge = Atomic<Int>(0)
    /// Request contexts not yet released by the completion callback (a leak shows here).
    let liveContexts = Atomic<Int>(0)
    /// Set once shutdown starts: responses then close their connection.
    let closing = Atomic<Bool>(false)

    private struct InFlight {
        /// Requests whose handler started and whose completion libmicrohttpd has not reported.
        var count = 0
        /// Shutdown found no request in flight: new ones are answered 503 without a handler, so
        /// that no connection is suspended when the daemon stops.
        var refusing = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let inFlight = Mutex(InFlight())

    init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler) {
        self.handler = handler
        self.maxBodySize = configuration.maxBodySize
        self.deadlines = DeadlineKeeper(timeout: .seconds(configuration.handlerTimeoutSeconds))
        self.requestDeadlines =
            configuration.requestTimeoutSeconds > 0
            ? DeadlineKeeper(timeout: .seconds(configuration.requestTimeoutSeconds)) : nil
    }

    /// Counts a request whose handler is about to start; `false` once shutdown refuses new ones.
    func requestStarted() -> Bool {
        inFlight.withLock { state in
            guard !state.refusing else { return false }
            state.count += 1
            return true
        }
    }

    /// The watch that `notifyConnectionCallback` stored for `connection`, if any.
    func watch(_ connection: OpaquePointer) -> ConnectionWatch? {
        guard requestDeadlines != nil, let context = perch_mhd_socket_context(connection) else { return nil }
        return Unmanaged<ConnectionWatch>.fromOpaque(context).takeUnretainedValue()
    }

    func requestEnded() {
        let waiters = inFlight.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.count -= 1
            guard state.count == 0, !state.idleWaiters.isEmpty else { return [] }
            state.refusing = true
            defer { state.idleWaiters = [] }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once no started request is left unfinished; from then on no handler starts.
    func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = inFlight.withLock { state in
                if state.count == 0 {
                    state.refusing = true
                    return true
                }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}
