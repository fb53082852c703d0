import Foundation
import MicroHTTP
import PerchEvents
import Synchronization

/// A fake Bird API for tests and the local sandbox: a real HTTP server on 127.0.0.1 that answers like
/// Bird (both generations), records every request, and can be told to fail.
///
/// Bird platform paths are served at the root (`/workspaces/...`), the legacy Conversations API under
/// `/v1`, so `birdURL` and `messageBirdURL` point the client at the right one.
public final class FakeBirdAPI: Sendable {
    /// One request the fake received.
    public struct Request: Sendable, CustomStringConvertible {
        public var method: String
        public var path: String
        public var query: String
        public var headers: HTTPHeaders
        public var body: [UInt8]
        public var receivedAt: ContinuousClock.Instant

        /// The body parsed as JSON, nil when it is not JSON.
        public var json: JSONValue? { try? JSONValue(parsing: body) }
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
        public var description: String { "\(method) \(path)\(query.isEmpty ? "" : "?" + query) \(bodyText)" }
    }

    /// What the fake does with a request instead of answering normally.
    public enum Fault: Sendable {
        /// Answer with this status and body (e.g. 429 with `Retry-After`, 500, 422).
        case status(Int, body: String = "", headers: [(String, String)] = [])
        /// Never answer (until the server shuts down).
        case hang
    }

    struct State {
        var requests: [Request] = []
        var faults: [Fault] = []
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var nextID = 1
        var conversations: [String: JSONValue] = [:]
        var inboundMessages: [(conversationID: String, message: JSONValue)] = []
    }

    /// Shared between the server's handler and the test's calls.
    final class Box: Sendable {
        let state = Mutex(State())
    }

    private let box = Box()
    private let hangRelease = HangRelease()
    private let server: HTTPServer

    public init() {
        let box = self.box
        let hangRelease = self.hangRelease
        server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0)) { request in
            await FakeBirdAPI.handle(request, state: box, hangRelease: hangRelease)
        }
    }

    /// Binds a free port on 127.0.0.1 and starts answering.
    public func start() throws { try server.start() }

    public var port: Int { server.port }
    /// Base URL for the Bird platform API (`BIRD_API_URL`).
    public var birdURL: String { "http://127.0.0.1:\(port)" }
    /// Base URL for the legacy Conversations API (`MESSAGEBIRD_API_URL`).
    public var messageBirdURL: String { "http://127.0.0.1:\(port)/v1" }
    /// TCP connections accepted so far (connection reuse shows as a small number).
    public var connectionsAccepted: Int { server.connectionsAccepted }

    /// Every request received so far, in arrival order.
    public var requests: [Request] { box.state.withLock { $0.requests } }

    /// The next requests get these faults, one each, before normal answers resume.
    public func inject(_ faults: Fault...) { box.state.withLock { $0.faults.append(contentsOf: faults) } }

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
                    message: "expected \(count) requests at the fake Bird API within \(timeout), got \(requests.count): "
                        + requests.map(\.description).joined(separator: "; "))
            }
            return requests
        }
    }

    /// Adds an inbound customer message that the list-messages endpoints will return (for polling).
    public func addInboundMessage(conversationID: String, messageID: String, text: String, generation: Generation) {
        box.state.withLock { state in
            let message: JSONValue
            switch generation {
            case .bird:
                message = .object([
                    "id": .string(messageID), "conversationId": .string(conversationID),
                    "sender": .object(["type": .string("contact"), "id": .string("contact-\(conversationID)")]),
                    "body": .object(["type": .string("text"), "text": .object(["text": .string(text)])]),
                    "status": .string("delivered"), "createdAt": .string(Self.timestamp()),
                ])
            case .messagebird:
                message = .object([
                    "id": .string(messageID), "conversationId": .string(conversationID),
                    "direction": .string("received"), "status": .string("received"), "type": .string("text"),
                    "content": .object(["text": .string(text)]), "createdDatetime": .string(Self.timestamp()),
                ])
            }
            state.inboundMessages.append((conversationID, message))
        }
    }

    /// Stops the server; hanging requests are released first.
    public func shutdown() async {
        hangRelease.releaseAll()
        await server.shutdown()
    }

    // MARK: - Answering

    static func handle(_ request: ServerRequest, state box: Box, hangRelease: HangRelease) async
        -> ServerResponse
    {
        let recorded = Request(
            method: request.method, path: request.path, query: request.query, headers: request.headers,
            body: request.body, receivedAt: .now)
        let (fault, waiters) = box.state.withLock { state in
            state.requests.append(recorded)
            let count = state.requests.count
            let ready = state.waiters.filter { $0.count <= count }
            state.waiters.removeAll { $0.count <= count }
            let fault = state.faults.isEmpty ? nil : state.faults.removeFirst()
            return (fault, ready.map(\.continuation))
        }
        for waiter in waiters { waiter.resume() }

        switch fault {
        case .status(let status, let body, let headers)?:
            var response = ServerResponse.json(status, body.isEmpty ? #"{"errors":[]}"# : body)
            for (name, value) in headers { response.headers.add(name: name, value: value) }
            return response
        case .hang?:
            await hangRelease.wait()
            return .json(503, #"{"error":"the fake Bird API was stopped"}"#)
        case nil:
            return route(request, state: box)
        }
    }

    static func route(_ request: ServerRequest, state box: Box) -> ServerResponse {
        guard request.headers["authorization"]?.hasPrefix("AccessKey ") == true else {
            return .json(401, #"{"errors":[{"code":2,"description":"Request not allowed (incorrect access_key)","parameter":null}]}"#)
        }
        let parts = request.path.split(separator: "/").map(String.init)
        let body = try? JSONValue(parsing: request.body)
        if parts.first == "v1" { return legacy(request.method, Array(parts.dropFirst()), body, state: box) }
        return bird(request.method, parts, query: request.query, body, state: box)
    }

    static func bird(_ method: String, _ parts: [String], query: String, _ body: JSONValue?, state box: Box)
        -> ServerResponse
    {
        // /workspaces/{ws}/conversations/{id}/messages
        switch (method, parts.count, parts.first, parts.count > 2 ? parts[2] : "") {
        case ("POST", 5, "workspaces", "conversations") where parts[4] == "messages":
            let id = box.state.withLock { state in
                defer { state.nextID += 1 }
                return String(format: "00000000-0000-4000-8000-%012d", state.nextID)
            }
            var message: [String: JSONValue] = [
                "id": .string(id), "conversationId": .string(parts[3]), "status": .string("accepted"),
                "createdAt": .string(timestamp()), "updatedAt": .string(timestamp()),
                "sender": .object([
                    "id": body?["participantId"] ?? .null, "type": body?["participantType"] ?? .null,
                    "status": .string("active"),
                ]),
            ]
            for key in ["reference", "body", "template", "draft"] where body?[key] != nil { message[key] = body?[key] }
            return .json(201, JSONValue.object(message).serialized())
        case ("GET", 5, "workspaces", "conversations") where parts[4] == "messages":
            return birdMessages(conversationID: parts[3], query: query, state: box)
        case ("GET", 4, "workspaces", "conversations"), ("PATCH", 4, "workspaces", "conversations"):
            var conversation = box.state.withLock { $0.conversations[parts[3]] } ?? birdConversation(id: parts[3])
            if method == "PATCH", case .object(let changes)? = body, case .object(var fields) = conversation {
                for (key, value) in changes { fields[key] = value }
                fields["updatedAt"] = .string(timestamp())
                conversation = .object(fields)
                box.state.withLock { $0.conversations[parts[3]] = conversation }
            }
            return .json(200, conversation.serialized())
        case ("POST", 5, "workspaces", "conversations") where parts[4] == "participants":
            return .json(201, (body ?? .object([:])).serialized())
        default:
            return .json(404, #"{"code":"NotFound","message":"no such resource in the fake Bird API"}"#)
        }
    }

    static func legacy(_ method: String, _ parts: [String], _ body: JSONValue?, state box: Box) -> ServerResponse {
        switch (method, parts.count, parts.first) {
        case ("POST", 3, "conversations") where parts[2] == "messages":
            let id = box.state.withLock { state in
                defer { state.nextID += 1 }
                return String(format: "%032x", state.nextID)
            }
            return .json(201, #"{"id":"\#(id)","status":"accepted"}"#)
        case ("GET", 2, "conversations"), ("PATCH", 2, "conversations"):
            var fields: [String: JSONValue] = [
                "id": .string(parts[1]), "status": .string("active"), "createdDatetime": .string(timestamp()),
            ]
            if method == "PATCH", case .object(let changes)? = body {
                for (key, value) in changes { fields[key] = value }
            }
            return .json(200, JSONValue.object(fields).serialized())
        default:
            return .json(404, #"{"errors":[{"code":20,"description":"resource not found","parameter":null}]}"#)
        }
    }

    static func birdMessages(conversationID: String, query: String, state box: Box) -> ServerResponse {
        let items = box.state.withLock { $0.inboundMessages.filter { $0.conversationID == conversationID }.map(\.message) }
        let parameters = Dictionary(
            query.split(separator: "&").map { pair -> (String, String) in
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                return (kv[0], kv.count > 1 ? kv[1] : "")
            }, uniquingKeysWith: { first, _ in first })
        let limit = Int(parameters["limit"] ?? "") ?? 10
        let start = Int(parameters["pageToken"] ?? "") ?? 0
        let page = Array(items.dropFirst(start).prefix(limit))
        var result: [String: JSONValue] = ["results": .array(page)]
        if start + limit < items.count { result["nextPageToken"] = .string(String(start + limit)) }
        return .json(200, JSONValue.object(result).serialized())
    }

    static func birdConversation(id: String) -> JSONValue {
        .object([
            "id": .string(id), "name": .string(""), "status": .string("active"), "visibility": .string("private"),
            "accessibility": .string("invite-only"), "attributes": .object([:]),
            "createdAt": .string(timestamp()), "updatedAt": .string(timestamp()),
        ])
    }

    static func timestamp() -> String { Date().formatted(.iso8601) }
}

/// The error `waitForRequests` throws when the requests do not come in time.
public struct FakeBirdAPIError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Holds hanging requests until the fake shuts down.
final class HangRelease: Sendable {
    private let waiters = Mutex<(released: Bool, continuations: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let released = waiters.withLock { state -> Bool in
                if state.released { return true }
                state.continuations.append(continuation)
                return false
            }
            if released { continuation.resume() }
        }
    }

    func releaseAll() {
        let continuations = waiters.withLock { state in
            state.released = true
            defer { state.continuations.removeAll() }
            return state.continuations
        }
        for continuation in continuations { continuation.resume() }
    }
}
