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

/// CPU seconds (user + system) this process has used so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// CPU seconds used so far by the live threads called `name` (HTTP clients' `perch-curl` loops),
/// from /proc; nil where there is none (or no /proc).
func threadCPUSeconds(named name: String) -> Double? {
    guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return nil }
    var ticks: Double?
    for task in tasks {
        guard let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8),
            comm.trimmingCharacters(in: .whitespacesAndNewlines) == name,
            let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { continue }
        // Fields after "(comm)": state is field 3, utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
        ticks = (ticks ?? 0) + user + system
    }
    return ticks.map { $0 / Double(sysconf(Int32(_SC_CLK_TCK))) }
}

struct RunResult {
    var perSecond: Double
    var connections: Int
    /// Whole process (client, fake Bird API, benchmark) CPU per send, microseconds.
    var processMicroseconds: Double
    /// The client's loop thread (libcurl and the adapter's loop side) CPU per send, microseconds.
    var loopMicroseconds: Double?
}

func run(concurrency: Int, generation: Generation) async throws -> RunResult {
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
    let processBefore = processCPUSeconds()
    let loopBefore = threadCPUSeconds(named: "perch-curl")
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
    let processUsed = processCPUSeconds() - processBefore
    let loopUsed = threadCPUSeconds(named: "perch-curl").flatMap { after in loopBefore.map { after - $0 } }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let connections = fake.connectionsAccepted
    await http.shutdown()
    await fake.shutdown()
    return RunResult(
        perSecond: Double(count) / seconds, connections: connections,
        processMicroseconds: processUsed * 1e6 / Double(count),
        loopMicroseconds: loopUsed.map { $0 * 1e6 / Double(count) })
}

print("sends per run: \(count)")
for generation in [Generation.bird, .messagebird] {
    for concurrency in [1, 64] {
        let result = try await run(concurrency: concurrency, generation: generation)
        let loop = result.loopMicroseconds.map { "\(Int($0.rounded())) us" } ?? "n/a"
        print(
            "\(generation.rawValue) concurrency \(concurrency): \(Int(result.perSecond)) sends/s, "
                + "CPU per send: process \(Int(result.processMicroseconds.rounded())) us, curl thread \(loop); "
                + "\(result.connections) TCP connections")
    }
}
