import Curl
import Foundation
import Logging
import PerchBird
import PerchEvents
import PerchServer
import PerchTesting
import Synchronization
import Testing

/// Collects what Perch logs, so tests can check that an error was reported and where.
final class LogRecorder: Sendable {
    struct Entry: Sendable, CustomStringConvertible {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
        var description: String { "\(level) \(message) \(metadata.sorted { $0.key < $1.key })" }
    }

    private let state = Mutex<(entries: [Entry], waiters: [(String, CheckedContinuation<Void, Never>)])>(([], []))

    var entries: [Entry] { state.withLock { $0.entries } }

    func entries(_ message: String) -> [Entry] { entries.filter { $0.message == message } }

    /// A logger that writes here (at `level` and above).
    func logger(level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "perch-test") { _ in Handler(capture: self) }
        logger.logLevel = level
        return logger
    }

    fileprivate func append(_ entry: Entry) {
        let ready = state.withLock { state in
            state.entries.append(entry)
            let ready = state.waiters.filter { $0.0 == entry.message }.map(\.1)
            state.waiters.removeAll { $0.0 == entry.message }
            return ready
        }
        for waiter in ready { waiter.resume() }
    }

    /// Waits until a message is logged (or was already), or fails the test after `timeout`.
    func waitFor(_ message: String, timeout: Duration = .seconds(10)) async throws {
        try await withDeadline(timeout, "log message '\(message)'") {
            await withCheckedContinuation { continuation in
                let found = self.state.withLock { state in
                    if state.entries.contains(where: { $0.message == message }) { return true }
                    state.waiters.append((message, continuation))
                    return false
                }
                if found { continuation.resume() }
            }
        }
    }

    private struct Handler: LogHandler {
        let capture: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all = metadata
            for (key, value) in event.metadata ?? [:] { all[key] = value }
            capture.append(
                Entry(
                    level: event.level, message: "\(event.message)",
                    metadata: all.mapValues { "\($0)" }))
        }
    }
}

struct DeadlineExceeded: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Runs `body`, failing with `DeadlineExceeded` when it takes longer than `timeout`.
/// `body` must end when its task is cancelled or by itself; a continuation-based wait is ended by
/// the caller's own cleanup (a fake's shutdown) when it times out.
func withDeadline<T: Sendable>(
    _ timeout: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        guard let first = try await group.next(), let value = first else {
            group.cancelAll()
            throw DeadlineExceeded(what: what)
        }
        group.cancelAll()
        return value
    }
}

/// A Perch application on 127.0.0.1 port 0 with a store file the test chooses, so that a second
/// application can be started on the same store (a restart).
struct Perch {
    let application: Application
    let client: HTTPClient

    /// Builds and starts (binds, recovers) an application against `bird`.
    static func start(
        store: String, flows: [String], bird: FakeBirdAPI, logger: Logger = Perch.quietLogger,
        now: @escaping @Sendable () -> Date = { Date() }, configure: (inout PerchConfiguration) -> Void = { _ in }
    ) async throws -> Perch {
        var configuration = PerchConfiguration(
            listen: ListenAddress(host: "127.0.0.1", port: 0), flowsPaths: flows, storePath: store,
            flowsWatchInterval: nil,
            bird: BirdConfiguration(
                birdAPIURL: bird.birdURL, messageBirdAPIURL: bird.messageBirdURL, birdAccessKey: "test-access-key",
                workspaceID: "ws-1", flowID: "flow-1"))
        configuration.runtime.workspaceID = "ws-1"
        configuration.runtime.flowID = "flow-1"
        // These tests post unsigned webhooks; SecurityTests check that the default refuses them.
        configuration.allowUnsigned = true
        configure(&configuration)
        let application = try Application(configuration: configuration, logger: logger, now: now)
        try await application.start()
        return Perch(application: application, client: HTTPClient())
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "perch-test")
        logger.logLevel = .critical
        return logger
    }

    var baseURL: String { "http://127.0.0.1:\(application.port)" }

    /// POSTs a legacy `message.created` webhook.
    func postMessage(id: String, conversation: String, text: String) async throws -> ClientResponse {
        try await client.execute(
            ClientRequest(
                method: "POST", url: baseURL + "/webhooks/messagebird", headers: [("Content-Type", "application/json")],
                body: Array(SeedPayloads.messageCreated(text: text, conversationID: conversation, messageID: id).utf8)))
    }

    /// `/readyz`: its status and JSON.
    func readiness() async throws -> (status: Int, json: JSONValue) {
        let response = try await client.execute(ClientRequest(url: baseURL + "/readyz"))
        return (response.status, try JSONValue(parsing: response.body))
    }

    /// Stops taking events and waits until `run()` has finished what was accepted.
    func stop(running: Task<Void, Never>) async {
        await application.shutdown()
        await running.value
        await client.shutdown()
    }
}

/// Texts of the replies the fake received, in arrival order.
func replyTexts(_ requests: [FakeBirdAPI.Request]) -> [String] {
    requests.compactMap { $0.json?["content"]?["text"]?.stringValue }
}

/// A fresh directory for a test's store and flow files.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("perch-durability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes a file (a flow) and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = path(name)
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
