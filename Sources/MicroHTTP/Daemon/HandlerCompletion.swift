import Synchronization

/// Where a handler task leaves its response for the connection's thread, and who resumes the
/// connection: the only state of a request shared across threads, all of it behind one lock.
final class HandlerCompletion: Sendable {
    private struct State {
        var response: ServerResponse?
        /// A response was given; later ones are ignored.
        var finished = false
        /// The connection is suspended and waits for `finish` to resume it.
        var suspended = false
        var handlerTask: Task<Void, Never>?
        /// The entry in `deadlines` while the handler may still answer.
        var deadline: UInt64?
    }

    private let state = Mutex(State())
    private let connection: ConnectionHandle
    private let deadlines: DeadlineKeeper<HandlerCompletion>

    init(connection: ConnectionHandle, deadlines: DeadlineKeeper<HandlerCompletion>) {
        self.connection = connection
        self.deadlines = deadlines
    }

    /// Records the response (the first one wins: the handler's or the deadline's 503) and resumes
    /// the connection if it waits.
    func finish(_ response: ServerResponse, timedOut: Bool = false) {
        let (resume, deadline, handlerTask) = state.withLock {
            state -> (Bool, UInt64?, Task<Void, Never>?) in
            guard !state.finished else { return (false, nil, nil) }
            state.finished = true
            state.response = response
            let resume = state.suspended
            state.suspended = false
            defer {
                state.deadline = nil
                state.handlerTask = nil
            }
            return (resume, state.deadline, timedOut ? state.handlerTask : nil)
        }
        // A deadline that fired has already left the keeper.
        if let deadline, !timedOut { deadlines.remove(deadline) }
        handlerTask?.cancel()
        if resume { connection.resume() }
    }

    /// The response, if the handler has already given one (the inline path, or after a resume).
    func takeResponse() -> ServerResponse? {
        state.withLock { state in
            defer { state.response = nil }
            return state.response
        }
    }

    /// Called right after `MHD_suspend_connection`. Returns `false` when the response arrived in
    /// the meantime: the caller must then resume the connection itself.
    func suspended(handlerTask: Task<Void, Never>) -> Bool {
        state.withLock { state in
            guard !state.finished else { return false }
            state.suspended = true
            state.handlerTask = handlerTask
            return true
        }
    }

    /// Starts the deadline after which the request is answered 503 in the handler's place.
    func startDeadline() {
        let deadline = deadlines.add(self)
        let alreadyAnswered = state.withLock { state in
            if state.finished { return true }
            state.deadline = deadline
            return false
        }
        if alreadyAnswered { deadlines.remove(deadline) }
    }
}

extension HandlerCompletion: DeadlineTarget {
    func deadlinePassed() {
        finish(.text(503, "The handler did not answer in time.\n"), timedOut: true)
    }
}
