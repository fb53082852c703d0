import Foundation
import Testing

@testable import PerchStore

/// The implementations every contract test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case sqlite

    var testDescription: String { rawValue }

    /// A fresh, empty store of this kind in `directory`.
    func make(in directory: TemporaryDirectory) throws -> any Store {
        switch self {
        case .memory: MemoryStore()
        case .sqlite: try SQLiteStore(path: directory.file("perch.sqlite"), durability: .normal)
        }
    }
}

/// A directory of its own for one test, removed when the test lets go of it.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("perch-store-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Test data.
enum Sample {
    static let start = Date(timeIntervalSinceReferenceDate: 800_000_000.123_456)

    static func entry(_ key: String, conversation: String = "c1", at offset: TimeInterval = 0, size: Int = 64)
        -> InboxEntry
    {
        InboxEntry(
            key: key,
            conversationKey: conversation,
            source: "messagebird",
            payload: (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ key.utf8.count) },
            metadata: ["request.id": "req-\(key)", "query": "a=1&b=2"],
            receivedAt: start.addingTimeInterval(offset))
    }

    static func outboxItem(_ reference: String, error: String = "HTTP 500", attempts: Int = 5) -> OutboxItem {
        OutboxItem(
            reference: reference,
            eventKey: "ev-\(reference)",
            conversationID: "conv-1",
            kind: "reply",
            request: #"{"text":"hello"}"#,
            lastError: error,
            attempts: attempts,
            failedAt: start.addingTimeInterval(12.5))
    }
}

extension EnqueueResult {
    /// The sequence of an accepted entry.
    var sequence: Int64? {
        if case .accepted(let sequence, _) = self { sequence } else { nil }
    }
}

/// Waits, without sleeping, until `condition` holds; fails the test after `deadline`.
func waitUntil(
    _ what: Comment, deadline: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () -> Bool
) async {
    let clock = ContinuousClock()
    let end = clock.now.advanced(by: deadline)
    while !condition() {
        if clock.now > end {
            Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
            return
        }
        await Task.yield()
    }
}
