import Foundation
import MicroHTTP
import PerchEvents
import Synchronization

/// A fake Bird API for tests and the local sandbox: a real HTTP server on 127.0.0.1 that answers like
/// Bird (both generations), keeps the conversations, messages and webhooks it was given or that were
/// created through it, records every request, and can be told to fail.
///
/// Bird platform paths are served at the root (`/workspaces/...`, `/organizations/...`), the legacy
/// Conversations API under `/v1`, so `birdURL` and `messageBirdURL` point the client at the right one.
/// `POST /_fake/inbound` (`{conversationId, text, generation?, messageId?}`) adds a customer message,
/// for trying polling by hand, and delivers it, signed, to every registered webhook as Bird would.
public final class FakeBirdAPI: Sendable {
    /// One request the fake received.
    public struct Request: Sendable, CustomStringConvertible {
        public var method: String
        public var path: String
        public var query: String
        public var headers: HTTPHeaders
        public var body: [UInt8]
        public var receivedAt: ContinuousClock.Instant
        /// The fake failed this request on purpose (an injected fault or an outage), so Bird did not take
        /// it, except for ``Fault/takeThenStatus(_:)``, which takes it and answers an error anyway.
        public var failedOnPurpose = false

        /// The body parsed as JSON, nil when it is not JSON.
        public var json: JSONValue? { try? JSONValue(parsing: body) }
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
        /// The query parameters, percent-decoded (`+` as space).
        public var queryItems: [String: String] { FakeBirdAPI.parameters(query) }
        public var description: String { "\(method) \(path)\(query.isEmpty ? "" : "?" + query) \(bodyText)" }
    }

    /// What the fake does with a request instead of answering normally.
    public enum Fault: Sendable {
        /// Answer with this status and body (e.g. 429 with `Retry-After`, 500, 422).
        case status(Int, body: String = "", headers: [(String, String)] = [])
        /// Never answer (until the server shuts down, or its handler deadline answers 503).
        case hang
        /// Close the connection without answering.
        ///
        /// MicroHTTP has no call to close a connection, but libmicrohttpd refuses to queue a
        /// response whose status is not three digits, and then closes the connection: the fake
        /// answers with status 0 to get exactly that (the client sees "empty reply from server").
        case drop
        /// Take the request as usual (a send creates its message), then answer this status: Bird that
        /// failed after doing the work, as a timeout or a 502 from a proxy looks to the client.
        case takeThenStatus(Int)

        /// 429 with `Retry-After: seconds` and Bird's error body.
        public static func tooManyRequests(retryAfter seconds: Int) -> Fault {
            .status(
                429, body: #"{"code":"TooManyRequests","message":"rate limit exceeded for this workspace"}"#,
                headers: [("Retry-After", String(seconds))])
        }

        /// 500 with an error body.
        public static let serverError = Fault.status(
            500, body: #"{"code":"InternalServerError","message":"something went wrong at the fake Bird"}"#)

        /// 422 as Bird answers a send into a closed conversation (body fields as seen in practice).
        public static let closedConversation = Fault.status(
            422, body: #"{"code":"ConversationClosed","message":"the conversation is closed; start a new one"}"#)
    }

    let box = Box()
    private let hangRelease = HangRelease()
    private let server: HTTPServer

    /// - Parameters:
    ///   - host: address to bind (127.0.0.1 for tests; the sandbox may bind elsewhere).
    ///   - port: port to bind; 0 picks a free one.
    ///   - onRequest: called after every answer with the request and the status given (the sandbox logs here).
    public init(
        host: String = "127.0.0.1", port: Int = 0,
        onRequest: (@Sendable (Request, Int) -> Void)? = nil
    ) {
        self.host = host
        let box = self.box
        let hangRelease = self.hangRelease
        server = HTTPServer(
            configuration: HTTPServerConfiguration(host: host, port: port, handlerTimeoutSeconds: 60)
        ) { request in
            let (recorded, response) = await FakeBirdAPI.handle(request, state: box, hangRelease: hangRelease)
            onRequest?(recorded, response.status)
            return response
        }
    }

    private let host: String

    /// Binds and starts answering.
    public func start() throws { try server.start() }

    public var port: Int { server.port }
    /// Base URL for the Bird platform API (`BIRD_API_URL`).
    public var birdURL: String { "http://\(displayHost):\(port)" }
    /// Base URL for the legacy Conversations API (`MESSAGEBIRD_API_URL`).
    public var messageBirdURL: String { "http://\(displayHost):\(port)/v1" }
    private var displayHost: String { host == "0.0.0.0" ? "127.0.0.1" : host }
    /// TCP connections accepted so far (connection reuse shows as a small number).
    public var connectionsAccepted: Int { server.connectionsAccepted }

    /// Every request received so far, in arrival order.
    public var requests: [Request] { box.state.withLock { $0.requests } }

    /// Messages the fake accepted for delivery (sends answered 201), oldest first.
    public var deliveredMessages: [JSONValue] { box.state.withLock { $0.delivered } }

    /// The next requests get these faults, one each, before normal answers resume.
    public func inject(_ faults: Fault...) { box.state.withLock { $0.faults.append(contentsOf: faults) } }

    /// Adds a channel to the Channels API (`GET /workspaces/{ws}/channels/{id}`), of `platform`.
    public func addChannel(_ id: String, platform: String) { box.state.withLock { $0.channels[id] = platform } }

    /// Answers every message send 503 for `duration` (a Bird outage); `.zero` ends it.
    public func outage(for duration: Duration) {
        box.state.withLock { $0.outageEnd = duration > .zero ? ContinuousClock.now + duration : nil }
    }

    /// Forgets the recorded requests (not the conversations or messages).
    public func clearRequests() { box.state.withLock { $0.requests.removeAll() } }

    /// Waits until at least `count` requests have arrived, or throws when `timeout` passes first.
    @discardableResult
    public func waitForRequests(count: Int, timeout: Duration = .seconds(10)) async throws -> [Request] {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let ready = self.box.state.withLock { state -> Bool in
                        if state.requests.count >= count { return true }
                        state.waiters.append((count, continuation))
                        return false
                    }
                    if ready { continuation.resume() }
                }
                return true
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            let arrived = try await group.next() ?? false
            group.cancelAll()
            if !arrived {
                // Release the waiter we left behind so the task group can finish.
                let waiting = box.state.withLock { state in
                    let all = state.waiters
                    state.waiters.removeAll()
                    return all
                }
                for waiter in waiting { waiter.continuation.resume() }
                _ = try? await group.next()
                throw FakeBirdAPIError(
                    message:
                        "expected \(count) requests at the fake Bird API within \(timeout), got \(requests.count): "
                        + requests.map(\.description).joined(separator: "; "))
            }
            return requests
        }
    }

    /// Stops the server; hanging requests are released first.
    public func shutdown() async {
        hangRelease.releaseAll()
        await server.shutdown()
        await box.client.shutdown()
    }

    // MARK: - Answering

    static func handle(_ request: ServerRequest, state box: Box, hangRelease: HangRelease) async
        -> (Request, ServerResponse)
    {
        var recorded = Request(
            method: request.method, path: request.path, query: request.query, headers: request.headers,
            body: request.body, receivedAt: .now)
        let (fault, waiters) = box.state.withLock { state in
            var fault = state.faults.isEmpty ? nil : state.faults.removeFirst()
            if fault == nil, let end = state.outageEnd, request.method == "POST", request.path.hasSuffix("/messages") {
                if ContinuousClock.now < end {
                    fault = .status(503, body: #"{"code":"ServiceUnavailable","message":"the fake Bird is down"}"#)
                } else {
                    state.outageEnd = nil
                }
            }
            if let fault, case .takeThenStatus = fault {} else if fault != nil { recorded.failedOnPurpose = true }
            state.requests.append(recorded)
            let count = state.requests.count
            let ready = state.waiters.filter { $0.count <= count }
            state.waiters.removeAll { $0.count <= count }
            return (fault, ready.map(\.continuation))
        }
        for waiter in waiters { waiter.resume() }

        switch fault {
        case .status(let status, let body, let headers)?:
            var response = ServerResponse.json(status, body.isEmpty ? #"{"errors":[]}"# : body)
            for (name, value) in headers { response.headers.add(name: name, value: value) }
            return (recorded, response)
        case .hang?:
            await hangRelease.wait()
            return (recorded, .json(503, #"{"error":"the fake Bird API was stopped"}"#))
        case .drop?:
            return (recorded, ServerResponse(status: 0))
        case .takeThenStatus(let status)?:
            _ = route(request, state: box)
            return (recorded, .json(status, #"{"code":"BadGateway","message":"the fake Bird took it, then failed"}"#))
        case nil:
            let response = route(request, state: box)
            if request.method == "POST", request.path == "/_fake/inbound", response.status == 201 {
                return (recorded, await deliverInbound(response, state: box))
            }
            return (recorded, response)
        }
    }

    static func route(_ request: ServerRequest, state box: Box) -> ServerResponse {
        let parts = request.path.split(separator: "/").map(String.init)
        let body = try? JSONValue(parsing: request.body)
        if request.method == "POST", parts == ["_fake", "inbound"] { return control(body, state: box) }
        if request.method == "POST", parts == ["_fake", "outage"] {
            // `{"seconds": n}`: every message send is answered 503 for n seconds (0 ends an outage).
            let seconds = body?["seconds"]?.stringValue.flatMap(Double.init) ?? 0
            box.state.withLock { state in
                state.outageEnd = seconds > 0 ? ContinuousClock.now + .milliseconds(Int64(seconds * 1000)) : nil
            }
            return .json(200, #"{"status":"ok"}"#)
        }
        guard request.headers["authorization"]?.hasPrefix("AccessKey ") == true else {
            return .json(
                401,
                #"{"errors":[{"code":2,"description":"Request not allowed (incorrect access_key)","parameter":null}]}"#)
        }
        let query = parameters(request.query)
        if parts.first == "v1" { return legacy(request.method, Array(parts.dropFirst()), query, body, state: box) }
        return bird(request.method, parts, query, body, state: box)
    }

    static func control(_ body: JSONValue?, state box: Box) -> ServerResponse {
        guard let conversation = body?["conversationId"]?.stringValue, let text = body?["text"]?.stringValue else {
            return .json(400, #"{"error":"expected {conversationId, text, generation?, messageId?}"}"#)
        }
        let generation = body?["generation"]?.stringValue.flatMap(Generation.init(rawValue:)) ?? .bird
        let id = body?["messageId"]?.stringValue ?? box.newID(generation)
        let message = box.addInbound(conversationID: conversation, messageID: id, text: text, generation: generation)
        return .json(201, message.serialized())
    }

    /// Query parameters, percent-decoded; the first of a repeated name wins.
    static func parameters(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if result[kv[0]] == nil { result[kv[0]] = kv.count > 1 ? kv[1] : "" }
        }
        return result
    }
}

/// The error `waitForRequests` throws when the requests do not come in time.
public struct FakeBirdAPIError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
