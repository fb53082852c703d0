import CPerchShims
import Synchronization

/// The whole-request deadline of one open connection. libmicrohttpd only has an idle timeout,
/// which a client that sends one byte every few seconds never reaches; this deadline runs from
/// the moment the connection opens (or its last response was sent) until the handler starts,
/// however the bytes trickle in. When it passes, the socket is shut down and libmicrohttpd's own
/// thread closes the connection on the next read.
///
/// It is the `socket_context` of its connection, retained from the connection's start to its close.
final class ConnectionWatch: DeadlineTarget {
    private struct State {
        var deadlineID: UInt64?
        var closed = false
    }

    private let state = Mutex(State())
    private let socket: Int32
    private let passed: @Sendable () -> Void

    /// - Parameters:
    ///   - socket: the connection's descriptor.
    ///   - passed: called when a deadline passes on an open connection (for a counter).
    init(socket: Int32, passed: @escaping @Sendable () -> Void) {
        self.socket = socket
        self.passed = passed
    }

    func deadlinePassed() {
        let cut = state.withLock { state -> Bool in
            state.deadlineID = nil
            // Under the lock: `closed` is set before libmicrohttpd closes the descriptor, so a
            // number reused by another connection is never shut down.
            guard !state.closed else { return false }
            perch_shutdown(socket)
            return true
        }
        if cut { passed() }
    }

    /// Starts (or restarts) the deadline.
    func arm(_ keeper: DeadlineKeeper<ConnectionWatch>) {
        let id = keeper.add(self)
        let previous = state.withLock { state -> UInt64? in
            defer { state.deadlineID = state.closed ? nil : id }
            return state.closed ? id : state.deadlineID
        }
        if let previous { keeper.remove(previous) }
    }

    /// Stops the deadline: the request is complete and its handler runs (its own deadline applies).
    func disarm(_ keeper: DeadlineKeeper<ConnectionWatch>) {
        let id = state.withLock { state -> UInt64? in
            defer { state.deadlineID = nil }
            return state.deadlineID
        }
        if let id { keeper.remove(id) }
    }

    /// The connection is closing: its descriptor must not be touched any more.
    func close(_ keeper: DeadlineKeeper<ConnectionWatch>) {
        state.withLock { $0.closed = true }
        disarm(keeper)
    }
}
