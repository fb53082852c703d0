import Foundation
import Logging
import PerchStore

/// Keeps the store from growing without bound: prunes it by its ``RetentionPolicy`` at start and then
/// at a fixed interval while Perch runs.
///
/// A failed prune (full disk, unwritable file) is logged and tried again at the next interval; the
/// store reports the same failure on `/readyz`.
public struct Maintenance: Sendable {
    /// What is kept, and for how long.
    public let policy: RetentionPolicy
    /// Time between two prunes.
    public let interval: Duration
    private let store: any Store
    private let now: @Sendable () -> Date
    private let sleep: @Sendable (Duration) async throws -> Void
    private let logger: Logger

    /// - Parameters:
    ///   - now: the clock pruning measures ages with; tests inject one.
    ///   - sleep: waits out one interval; tests inject one that waits for their signal instead.
    public init(
        store: any Store, policy: RetentionPolicy, interval: Duration, now: @escaping @Sendable () -> Date,
        logger: Logger, sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.store = store
        self.policy = policy
        self.interval = interval
        self.now = now
        self.sleep = sleep
        self.logger = logger
    }

    /// Prunes once now.
    /// - Returns: what was deleted, or `nil` when the store failed (the failure is logged).
    @discardableResult
    public func prune() async -> PruneReport? {
        do {
            let report = try await store.prune(now: now(), policy: policy)
            if report.total > 0 {
                logger.info(
                    "store pruned",
                    metadata: [
                        "prune.inbox": "\(report.finishedInboxEntries)", "prune.dedupe_keys": "\(report.dedupeKeys)",
                        "prune.references": "\(report.doneReferences)", "prune.traces": "\(report.traces)",
                    ])
            }
            return report
        } catch {
            logger.error(
                "store prune failed", metadata: ["store.error": "\(error.message)", "store.kind": "\(error.kind)"])
            return nil
        }
    }

    /// Prunes now and then every ``interval`` until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await prune()
            do {
                try await sleep(interval)
            } catch {
                return
            }
        }
    }
}
