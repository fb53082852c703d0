import PerchStore

extension OutboxReplay {
    /// Sends every outbox item again, parked ones too (`perch outbox retry --all`): each conversation's
    /// items in the order they were stored; after one fails, the later items of its conversation are
    /// left for the next run, so no reply overtakes an earlier one.
    /// - Returns: each tried item's id and outcome, in the order tried.
    /// - Throws: `StoreError` when the outbox cannot be read or changed.
    public func retryAll() async throws -> [(id: Int64, outcome: Outcome)] {
        var results: [(id: Int64, outcome: Outcome)] = []
        var blocked: Set<String> = []
        for item in try await items(limit: Int.max) {
            guard let id = item.id else { continue }
            let conversation = item.conversationID ?? item.reference
            if blocked.contains(conversation) { continue }
            let outcome: Outcome
            do {
                outcome = try await retry(id: id)
            } catch let error as OutboxError {
                // Not replayable: it stays for the operator, and it does not hold back the others.
                var failed = item
                failed.lastError = error.message
                results.append((id, .failed(failed)))
                continue
            }
            if case .failed = outcome { blocked.insert(conversation) }
            results.append((id, outcome))
        }
        return results
    }
}
