// StoreBench: durable acknowledgements per second of SQLiteStore.enqueue, with group commit versus
// one commit per request, in one run, for each durability level. See ../README.md.
import Foundation
import PerchStore

struct Options {
    var writers = 64
    var payloadSize = 700
    var seconds = 3.0
    var durabilities: [Durability] = [.normal, .full]
    var directory = "Benchmarks/out/store"

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            let value = iterator.next() ?? ""
            switch argument {
            case "--writers": writers = Int(value) ?? writers
            case "--payload": payloadSize = Int(value) ?? payloadSize
            case "--seconds": seconds = Double(value) ?? seconds
            case "--durability":
                durabilities = value.split(separator: ",").compactMap { Durability(rawValue: String($0)) }
            case "--dir": directory = value
            default:
                FileHandle.standardError.write(
                    Data(
                        "usage: StoreBench [--writers 64] [--payload 700] [--seconds 3] [--durability normal,full] [--dir PATH]\n"
                            .utf8))
                exit(2)
            }
        }
    }
}

struct Result {
    var acknowledgements = 0
    var latencies: [Duration] = []
    var elapsed: Duration = .zero
    var statistics = SQLiteStore.CommitStatistics()

    var perSecond: Double { Double(acknowledgements) / elapsed.seconds }

    func percentile(_ p: Double) -> Duration {
        let sorted = latencies.sorted()
        guard !sorted.isEmpty else { return .zero }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
    var milliseconds: String { String(format: "%.2f", seconds * 1000) }
}

/// Runs `writers` tasks that enqueue distinct ~`payloadSize`-byte events for `seconds`, counting acknowledgements.
func measure(_ options: Options, durability: Durability, groupCommit: Bool, run: Int) async throws -> Result {
    let path = "\(options.directory)/bench-\(durability.rawValue)-\(groupCommit ? "group" : "single")-\(run).sqlite"
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    let store = try SQLiteStore(
        path: path,
        configuration: SQLiteStoreConfiguration(durability: durability, maximumBatchSize: groupCommit ? 512 : 1))
    let payload = [UInt8](repeating: UInt8(ascii: "x"), count: options.payloadSize)
    let clock = ContinuousClock()
    let start = clock.now
    let end = start.advanced(by: .milliseconds(Int(options.seconds * 1000)))
    var result = Result()
    try await withThrowingTaskGroup(of: [Duration].self) { group in
        for writer in 0..<options.writers {
            group.addTask {
                var latencies: [Duration] = []
                var index = 0
                while clock.now < end {
                    let entry = InboxEntry(
                        key: "w\(writer)-\(index)",
                        conversationKey: "conversation-\(writer % 16)",
                        source: "bird",
                        payload: payload,
                        metadata: ["request.id": "\(writer)-\(index)"],
                        receivedAt: Date())
                    let began = clock.now
                    guard case .accepted = try await store.enqueue(entry) else { fatalError("unexpected duplicate") }
                    latencies.append(began.duration(to: clock.now))
                    index += 1
                }
                return latencies
            }
        }
        for try await latencies in group { result.latencies += latencies }
    }
    result.elapsed = start.duration(to: clock.now)
    result.acknowledgements = result.latencies.count
    result.statistics = store.statistics
    let kept = try await store.unfinished(limit: Int.max).count
    precondition(kept == result.acknowledgements, "acknowledged \(result.acknowledgements) but kept \(kept)")
    await store.close()
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    return result
}

let options = Options(arguments: CommandLine.arguments)
try FileManager.default.createDirectory(atPath: options.directory, withIntermediateDirectories: true)
print(
    "StoreBench: \(options.writers) concurrent writers, \(options.payloadSize)-byte payloads, \(options.seconds) s per row, "
        + "database in \(options.directory)")
print("")
print("| durability | commits | acks/s | writes per commit | p50 ms | p99 ms |")
print("|---|---|---:|---:|---:|---:|")
for durability in options.durabilities {
    var rates: [Bool: Double] = [:]
    for groupCommit in [true, false] {
        let result = try await measure(options, durability: durability, groupCommit: groupCommit, run: 0)
        rates[groupCommit] = result.perSecond
        let perCommit = Double(result.statistics.writes) / Double(max(1, result.statistics.commits))
        print(
            "| \(durability.rawValue) | \(groupCommit ? "group" : "one per request") | "
                + String(format: "%.0f", result.perSecond) + " | " + String(format: "%.1f", perCommit)
                + " | \(result.percentile(0.5).milliseconds) | \(result.percentile(0.99).milliseconds) |")
    }
    if let group = rates[true], let single = rates[false], single > 0 {
        print("| \(durability.rawValue) | speed-up | " + String(format: "%.1fx", group / single) + " | | | |")
    }
}
