import Curl
import Foundation
import Logging
import PerchBird
import PerchServer
import PerchTesting

/// A Perch application on 127.0.0.1 port 0 wired to a fake Bird API, with a client to talk to it.
struct Harness {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    let bird: FakeBirdAPI
    let application: Application
    let client: HTTPClient
    let directory: URL

    /// Starts Perch with `flows` (paths relative to the repository) against a new fake Bird API.
    static func start(
        flows: [String] = ["flows"], logger: Logger? = nil, clock: TestClock? = nil,
        configure: (inout PerchConfiguration) -> Void = { _ in }
    ) async throws -> Harness {
        let bird = FakeBirdAPI()
        try bird.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("perch-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = PerchConfiguration(
            listen: ListenAddress(host: "127.0.0.1", port: 0),
            flowsPaths: flows.map { repositoryRoot.appendingPathComponent($0).path },
            storePath: directory.appendingPathComponent("perch.sqlite").path,
            bird: BirdConfiguration(
                birdAPIURL: bird.birdURL, messageBirdAPIURL: bird.messageBirdURL, birdAccessKey: "test-access-key",
                workspaceID: "ws-1", flowID: "flow-1"))
        configuration.runtime.workspaceID = "ws-1"
        configuration.runtime.flowID = "flow-1"
        // These tests post unsigned webhooks; SecurityTests check that the default refuses them.
        configuration.allowUnsigned = true
        configure(&configuration)
        var quiet = Logger(label: "perch-test")
        quiet.logLevel = .warning
        let logger = logger ?? quiet
        var now: @Sendable () -> Date = { Date() }
        if let clock { now = clock.function }
        let application = try Application(configuration: configuration, logger: logger, now: now)
        try await application.start()
        return Harness(bird: bird, application: application, client: HTTPClient(), directory: directory)
    }

    var baseURL: String { "http://127.0.0.1:\(application.port)" }

    /// POSTs a JSON body to Perch.
    func post(_ path: String, json: String, headers: [(name: String, value: String)] = []) async throws
        -> ClientResponse
    {
        try await client.execute(
            ClientRequest(
                method: "POST", url: baseURL + path, headers: [("Content-Type", "application/json")] + headers,
                body: Array(json.utf8)))
    }

    /// Runs `body` while the application runs, then shuts everything down.
    func run(_ body: (Harness) async throws -> Void) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await application.run() }
            do {
                try await body(self)
            } catch {
                await stop()
                throw error
            }
            await stop()
        }
        await client.shutdown()
        await bird.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    private func stop() async { await application.shutdown() }
}
