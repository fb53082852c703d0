import Curl
import Foundation
import Logging
import PerchBird
import PerchEvents
import PerchTesting

// Sends per second through BirdClient against the fake Bird API on loopback (same process),
// with connection reuse: sequential, then 64 concurrent. Rate limiting is off (it would measure
// the limiter); retries stay on (none happen).
//
// Usage: ClientBench [sends per run, default 5000]

let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 5000
let logger: Logger = {
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    return logger
}()

func run(concurrency: Int, generation: Generation) async throws -> (perSecond: Double, connections: Int) {
    let fake = FakeBirdAPI()
    try fake.start()
    let http = HTTPClient(configuration: HTTPClientConfiguration(maxConnectionsPerHost: 8))
    var configuration = BirdConfiguration(
        birdAPIURL: fake.birdURL, messageBirdAPIURL: fake.messageBirdURL, birdAccessKey: "bench",
        workspaceID: "ws", flowID: "flow")
    configuration.rateLimits = .unlimited
    let client = BirdClient(configuration: configuration, http: http, logger: logger)
    func send(_ index: Int) async throws {
        _ = try await client.perform(
            .sendText(
                OutgoingText(text: "answer \(index)"), conversationID: "c-\(index % 100)", generation: generation,
                workspaceID: "ws", flowID: "flow", reference: "perch:bench:\(index)"))
    }
    // Warm-up: the connections and the code paths.
    for index in 0..<100 { try await send(index) }
    let start = ContinuousClock.now
    if concurrency == 1 {
        for index in 0..<count { try await send(index) }
    } else {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                if index >= concurrency { try await group.next() }
                group.addTask { try await send(index) }
            }
            try await group.waitForAll()
        }
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let connections = fake.connectionsAccepted
    await http.shutdown()
    await fake.shutdown()
    return (Double(count) / seconds, connections)
}

print("sends per run: \(count)")
for generation in [Generation.bird, .messagebird] {
    for concurrency in [1, 64] {
        let result = try await run(concurrency: concurrency, generation: generation)
        print(
            "\(generation.rawValue) concurrency \(concurrency): \(Int(result.perSecond)) sends/s, "
                + "\(result.connections) TCP connections")
    }
}
