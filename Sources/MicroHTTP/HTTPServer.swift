import CMicroHTTPD
import CPerchShims
import Synchronization

/// An HTTP/1.1 server on libmicrohttpd that hands every request to an async Swift handler.
///
/// libmicrohttpd's threads read requests and write responses; a handler that suspends has its
/// connection suspended meanwhile, so it never holds up those threads. Call `shutdown()` before
/// dropping a started server.
public final class HTTPServer: Sendable {
    /// A running daemon.
    ///
    /// `@unchecked Sendable` is safe because the pointer is only used by `start()` (which creates
    /// it) and by the one `shutdown()` call that takes it out of `lifecycle` under its lock.
    private struct Daemon: @unchecked Sendable {
        let raw: OpaquePointer
        let core: Unmanaged<ServerCore>
        /// Runs `core.deadlines` until shutdown stops it.
        let deadlineKeeper: Task<Void, Never>
        /// Runs `core.requestDeadlines`, when there are any.
        let requestKeeper: Task<Void, Never>?
    }

    private enum Lifecycle {
        case idle
        case running(Daemon)
        case stopping(waiters: [CheckedContinuation<Void, Never>])
        case stopped
    }

    private let configuration: HTTPServerConfiguration
    private let core: ServerCore
    private let lifecycle = Mutex(Lifecycle.idle)
    private let boundPort = Atomic<Int>(0)

    /// Creates a server; nothing is bound until `start()`.
    /// - Parameters:
    ///   - configuration: where to bind and the limits to apply.
    ///   - handler: called for every request whose body was read within the limits.
    public init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.core = ServerCore(configuration: configuration, handler: handler)
    }

    /// The port the server is bound to (after `start()`; the picked one when configured with 0).
    public var port: Int { boundPort.load(ordering: .acquiring) }

    /// TCP connections accepted since start.
    public var connectionsAccepted: Int { core.connectionsAccepted.load(ordering: .relaxed) }
    /// Requests answered 413 (body over `maxBodySize`) since start; the handler never saw them.
    public var bodiesTooLarge: Int { core.bodiesTooLarge.load(ordering: .relaxed) }

    /// Connections cut because their request was not complete within `requestTimeoutSeconds`.
    public var requestsTimedOut: Int { core.requestsTimedOut.load(ordering: .relaxed) }

    /// TCP connections open now.
    public var connectionsOpen: Int { core.connectionsOpen.load(ordering: .relaxed) }

    /// Request contexts the daemon has not released yet (0 after `shutdown()` unless one leaked).
    var liveRequestContexts: Int { core.liveContexts.load(ordering: .relaxed) }

    /// Handler deadlines pending now (suspended requests not yet answered).
    var pendingDeadlines: Int { core.deadlines.pending }

    /// Whether the task that keeps the handler deadlines runs (from `start()` until `shutdown()`).
    var deadlineKeeperIsRunning: Bool { core.deadlines.isRunning }

    /// Binds and starts serving.
    /// - Throws: `HTTPServerError` with a readable message when the configuration is invalid, the
    ///   host cannot be resolved, the address is in use, or libmicrohttpd cannot start.
    public func start() throws {
        try validate(configuration)
        try lifecycle.withLock { state in
            guard case .idle = state else { throw HTTPServerError.alreadyStarted }
            var message = [CChar](repeating: 0, count: 256)
            let descriptor = perch_listen(
                configuration.host, UInt16(configuration.port), Int32(min(configuration.connectionLimit, 4096)),
                &message, message.count)
            guard descriptor >= 0 else {
                throw HTTPServerError.bind(message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
            }
            let retainedCore = Unmanaged.passRetained(core)
            var options = perch_mhd_server_options(
                access_handler: accessHandlerCallback,
                uri_log: uriLogCallback,
                request_completed: requestCompletedCallback,
                notify_connection: notifyConnectionCallback,
                cls: retainedCore.toOpaque(),
                thread_pool_size: UInt32(configuration.threads),
                connection_limit: UInt32(configuration.connectionLimit),
                connection_timeout: UInt32(configuration.idleTimeoutSeconds),
                per_ip_connection_limit: UInt32(clamping: configuration.connectionsPerClient),
                listen_fd: descriptor)
            let flags =
                MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_USE_ITC.rawValue
                | MHD_ALLOW_SUSPEND_RESUME.rawValue
            guard let daemon = perch_mhd_start_server(flags, &options) else {
                retainedCore.release()
                // The descriptor is left open: libmicrohttpd may already have closed it, and
                // closing a reused number would hit someone else's file.
                throw HTTPServerError.daemon(
                    "libmicrohttpd could not start on \(configuration.host) port \(configuration.port) "
                        + "(threads \(configuration.threads), connection limit \(configuration.connectionLimit))")
            }
            var port = Int(perch_mhd_bound_port(daemon))
            if port == 0 { port = Int(perch_socket_port(descriptor)) }
            boundPort.store(port, ordering: .releasing)
            let deadlines = core.deadlines
            let keeper = Task { await deadlines.run() }
            let requestKeeper = core.requestDeadlines.map { requests in Task { await requests.run() } }
            state = .running(
                Daemon(raw: daemon, core: retainedCore, deadlineKeeper: keeper, requestKeeper: requestKeeper))
        }
    }

    /// Stops accepting connections, lets requests whose handler already started finish and send
    /// their response, then stops the daemon. Safe to call more than once or concurrently; every
    /// call returns once the server has stopped.
    public func shutdown() async {
        let daemon = lifecycle.withLock { state -> Daemon? in
            switch state {
            case .idle:
                state = .stopped
                return nil
            case .running(let daemon):
                state = .stopping(waiters: [])
                return daemon
            case .stopping, .stopped:
                return nil
            }
        }
        guard let daemon else {
            await waitUntilStopped()
            return
        }
        core.closing.store(true, ordering: .relaxed)
        // Quiescing hands the listening socket back; refusing on it resets new connections at once
        // instead of leaving them in the backlog until the daemon stops.
        let listener = MHD_quiesce_daemon(daemon.raw)
        if listener >= 0 { perch_listen_refuse(listener) }
        // Stopping the daemon while a connection is suspended violates libmicrohttpd's API; the
        // handler deadline bounds this wait.
        await core.drain()
        core.deadlines.stop()
        daemon.deadlineKeeper.cancel()
        await daemon.deadlineKeeper.value
        core.requestDeadlines?.stop()
        daemon.requestKeeper?.cancel()
        await daemon.requestKeeper?.value
        // Blocks this thread while it joins libmicrohttpd's threads; they have no request left and
        // only close idle connections, so this takes milliseconds, once per server.
        MHD_stop_daemon(daemon.raw)
        if listener >= 0 { perch_close(listener) }
        daemon.core.release()
        let waiters = lifecycle.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state = .stopped }
            if case .stopping(let waiters) = state { return waiters }
            return []
        }
        for waiter in waiters { waiter.resume() }
    }

    private func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = lifecycle.withLock { state -> Bool in
                if case .stopping(var waiters) = state {
                    waiters.append(continuation)
                    state = .stopping(waiters: waiters)
                    return false
                }
                return true
            }
            if stopped { continuation.resume() }
        }
    }

    private func validate(_ configuration: HTTPServerConfiguration) throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw HTTPServerError.configuration(message) }
        }
        try require((0...65535).contains(configuration.port), "port \(configuration.port) is not in 0...65535")
        try require(configuration.maxBodySize >= 0, "maxBodySize must not be negative")
        try require(configuration.connectionLimit >= 1, "connectionLimit must be at least 1")
        try require(configuration.idleTimeoutSeconds >= 0, "idleTimeoutSeconds must not be negative")
        try require(configuration.connectionsPerClient >= 0, "connectionsPerClient must not be negative")
        try require(configuration.requestTimeoutSeconds >= 0, "requestTimeoutSeconds must not be negative")
        try require((1...256).contains(configuration.threads), "threads must be in 1...256")
        try require(configuration.handlerTimeoutSeconds >= 1, "handlerTimeoutSeconds must be at least 1")
        try require(!configuration.host.utf8.contains(0), "host must not contain NUL")
    }
}
