import Foundation
import Logging
import PerchBird
import PerchStore

/// Shows and replays the outbox: actions that still failed after the client's retries. What
/// `perch outbox list|retry` runs; the CLI opens the store file beside a running server (WAL).
public struct OutboxReplay: Sendable {
    let store: any Store
    let client: BirdClient
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - store: the store that keeps the outbox.
    ///   - client: sends the replayed requests (with its retries).
    ///   - now: the clock for `failedAt` of an item that fails again.
    public init(store: any Store, client: BirdClient, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.client = client
        self.now = now
    }

    /// What became of a replay.
    public enum Outcome: Sendable {
        /// Bird took it: the item left the outbox and its reference counts as done.
        case sent(status: Int)
        /// It failed again: the item stays, with the new error and attempt count.
        case failed(OutboxItem)
    }

    /// Items in the outbox, oldest first.
    public func items(limit: Int = 1000) async throws -> [OutboxItem] {
        try await store.outbox(limit: limit)
    }

    /// Sends item `id` again, exactly as stored (so with the same `reference`).
    /// - Throws: ``OutboxError`` when there is no such item or it cannot be replayed; `StoreError`.
    public func retry(id: Int64) async throws -> Outcome {
        guard let item = try await store.outbox(limit: Int.max).first(where: { $0.id == id }) else {
            throw OutboxError(.notFound, "no outbox item \(id); `perch outbox list` shows the items")
        }
        guard let request = BirdRequestRecord.parse(item.request) else {
            throw OutboxError(
                .notReplayable, "outbox item \(id) (\(item.kind)) holds no Bird request that this Perch can send again")
        }
        let response: BirdResponse
        do {
            // An earlier attempt may have reached Bird (a timeout, a 5xx): a message found by its
            // reference is not sent again.
            let lookup = SentMessageLookup(bird: client)
            let logger = Logger(label: "perch.outbox")
            response =
                if let found = await lookup.existing(request, reference: item.reference, since: nil, logger: logger) {
                    found
                } else {
                    try await client.perform(request)
                }
        } catch {
            var failed = item
            failed.attempts += error.attempts
            failed.lastError = error.description
            failed.failedAt = now()
            failed.id = try await store.addToOutbox(failed)
            return .failed(failed)
        }
        try await store.recordDone(reference: item.reference, at: now())
        try await store.removeFromOutbox(id: id)
        return .sent(status: response.status)
    }
}

/// Why an outbox item could not be replayed, with what to do.
public struct OutboxError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable {
        case notFound
        case notReplayable
    }

    let code: Code
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
