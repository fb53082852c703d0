import Dispatch
import MicroHTTP
import Synchronization

/// Starts a server on 127.0.0.1 port 0, runs `body`, and always shuts the server down.
func withServer<T: Sendable>(
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    handler: @escaping HTTPHandler,
    _ body: (HTTPServer) async throws -> T
) async throws -> T {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, handler: handler)
    try server.start()
    do {
        let result = try await body(server)
        await server.shutdown()
        return result
    } catch {
        await server.shutdown()
        throw error
    }
}

/// An echo handler: answers the body back, with the method and path in headers.
let echo: HTTPHandler = { request in
    ServerResponse(
        status: 200,
        headers: HTTPHeaders([("X-Method", request.method), ("X-Path", request.path)]),
        body: request.body)
}

/// Something handlers wait on until a test opens it; it also tells the test when a handler
/// arrived.
final class Gate: Sendable {
    private struct State {
        var open = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var arrivals = 0
        var arrivalWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    /// Called by a handler: waits until the gate opens.
    func pass() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (resumeNow, arrived) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                state.arrivals += 1
                let count = state.arrivals
                let ready = state.arrivalWaiters.filter { $0.count <= count }.map(\.continuation)
                state.arrivalWaiters.removeAll { $0.count <= count }
                if state.open { return (true, ready) }
                state.waiting.append(continuation)
                return (false, ready)
            }
            for waiter in arrived { waiter.resume() }
            if resumeNow { continuation.resume() }
        }
    }

    /// Waits until `count` handlers have arrived at the gate.
    func arrivals(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.arrivals >= count { return true }
                state.arrivalWaiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    var isOpen: Bool { state.withLock { $0.open } }

    func open() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiting { waiter.resume() }
    }
}

/// Records what handlers saw.
final class Recorder: Sendable {
    private let requests = Mutex<[ServerRequest]>([])

    func record(_ request: ServerRequest) {
        requests.withLock { $0.append(request) }
    }

    var all: [ServerRequest] { requests.withLock { $0 } }
}

/// A monotonic clock reading in seconds.
func now() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}

/// A boolean set from one task and read from another.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
