import Foundation
import Logging
import PerchBird
import PerchStore

/// Replays the outbox by itself while Perch runs: each conversation's items in the order they were
/// stored (a later one waits while an earlier one is still failing), with the backoff of
/// ``OutboxSchedule``, until an item goes through or its time runs out and it is parked.
///
/// A parked item no longer holds back the later ones of its conversation: it is stale (the customer has
/// waited past `PERCH_OUTBOX_RETRY_FOR`), and only an operator decides whether it still goes out
/// (`perch outbox retry ID`).
package struct OutboxRetrier: Sendable {
    let store: any Store
    let bird: BirdClient
    let order: OutboxOrder
    let schedule: OutboxSchedule
    let now: @Sendable () -> Date
    let logger: Logger

    /// Conversations replayed at the same time, at most.
    static let concurrency = 8

    package init(
        store: any Store, bird: BirdClient, order: OutboxOrder, schedule: OutboxSchedule,
        now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.store = store
        self.bird = bird
        self.order = order
        self.schedule = schedule
        self.now = now
        self.logger = logger
    }

    /// Sweeps until the task is cancelled.
    package func run() async {
        // Often enough to keep the minimum backoff; at least once a second.
        let tick = min(max(schedule.minimumBackoff / 2, .milliseconds(10)), .seconds(1))
        while !Task.isCancelled {
            await sweep()
            try? await Task.sleep(for: tick)
        }
    }

    /// Reads which conversations have items waiting, so that none of their later actions overtakes them;
    /// the runtime calls it before it runs events.
    package func loadWaiting() async {
        let mark = order.mark()
        guard let items = try? await store.outbox(limit: 100_000) else { return }
        order.reconcile(waiting: Set(items.filter { $0.parked == nil }.compactMap(\.conversationID)), since: mark)
    }

    /// One pass over the outbox; returns how many items went through.
    @discardableResult
    package func sweep() async -> Int {
        let mark = order.mark()
        let items: [OutboxItem]
        do {
            items = try await store.outbox(limit: 100_000)
        } catch {
            logger.warning("could not read the outbox; trying again later", metadata: ["error": "\(error)"])
            return 0
        }
        order.reconcile(
            waiting: Set(items.filter { $0.parked == nil }.compactMap(\.conversationID)), since: mark)
        var groups: [String: [OutboxItem]] = [:]
        var keys: [String] = []
        for item in items where item.parked == nil {
            let key = item.conversationID ?? item.reference
            if groups[key] == nil { keys.append(key) }
            groups[key, default: []].append(item)
        }
        guard !keys.isEmpty else { return 0 }
        return await withTaskGroup(of: Int.self) { group in
            var delivered = 0
            var running = 0
            for key in keys {
                if running >= Self.concurrency, let done = await group.next() {
                    delivered += done
                    running -= 1
                }
                let conversation = groups[key] ?? []
                group.addTask { await replay(conversation) }
                running += 1
            }
            for await done in group { delivered += done }
            return delivered
        }
    }

    /// Replays one conversation's items in order until one must wait; returns how many went through.
    private func replay(_ items: [OutboxItem]) async -> Int {
        var delivered = 0
        for item in items {
            guard let id = item.id else { continue }
            var logger = self.logger
            logger[metadataKey: "outbox.id"] = "\(id)"
            if let conversation = item.conversationID { logger[metadataKey: "conversation.id"] = "\(conversation)" }
            switch schedule.step(for: item, now: now()) {
            case .wait:
                return delivered
            case .park(let reason):
                logger.error("outbox item parked", metadata: ["reason": "\(reason)"])
                guard await save(item, parked: reason, logger: logger) else { return delivered }
                continue
            case .send:
                break
            }
            guard let request = BirdRequestRecord.parse(item.request) else {
                _ = await save(item, parked: "it holds no Bird request that this Perch can send", logger: logger)
                continue
            }
            let lookup = SentMessageLookup(bird: bird)
            var failure: BirdAPIError?
            // An earlier attempt may have reached Bird (a timeout, a 5xx): ask for its reference first.
            if item.attempts > 0,
                await lookup.existing(request, reference: item.reference, since: nil, logger: logger) != nil
            {
                logger.notice("outbox item was already at Bird; not sent again")
            } else {
                do {
                    _ = try await bird.perform(request, retry: RetryPolicy.none)
                } catch {
                    failure = error
                }
            }
            if let failure {
                var failed = item
                failed.attempts += 1
                failed.lastError = failure.description
                failed.failedAt = now()
                if !failure.isRetryable {
                    logger.error("outbox item parked: Bird refused it", metadata: ["error": "\(failure)"])
                    failed.parked = "Bird refused it: \(failure)"
                    guard await save(failed, parked: failed.parked, logger: logger) else { return delivered }
                    continue
                }
                logger.notice("outbox replay failed; trying again later", metadata: ["error": "\(failure)"])
                _ = await save(failed, parked: nil, logger: logger)
                return delivered
            }
            do {
                try await store.recordDone(reference: item.reference, at: now())
                try await store.removeFromOutbox(id: id)
            } catch {
                // Sent but not recorded: the next pass asks Bird for its reference before sending again.
                logger.warning("outbox item sent but not recorded", metadata: ["error": "\(error)"])
                var sent = item
                sent.attempts = max(1, sent.attempts)
                _ = try? await store.addToOutbox(sent)
                return delivered
            }
            logger.info("outbox item delivered")
            delivered += 1
        }
        return delivered
    }

    private func save(_ item: OutboxItem, parked: String?, logger: Logger) async -> Bool {
        var changed = item
        changed.parked = parked
        do {
            _ = try await store.addToOutbox(changed)
            return true
        } catch {
            logger.warning("could not update the outbox item", metadata: ["error": "\(error)"])
            return false
        }
    }
}
