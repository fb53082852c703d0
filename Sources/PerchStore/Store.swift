import Foundation

/// Where Perch keeps what must survive a restart: the inbox of acknowledged webhooks with their
/// dedupe keys, conversation state, the references of actions already done, the outbox of failed
/// actions and recent explain traces.
///
/// Nothing outside the store knows the backend. Every method either completes durably (at the
/// store's ``Durability``) or throws a ``StoreError``; callers never see SQL or driver errors.
public protocol Store: Sendable {
    // MARK: Inbox

    /// Durably appends an event unless its key was seen within the dedupe window.
    ///
    /// Returns once the entry is committed; concurrent callers share one commit (group commit), so
    /// the ingress can answer 200 right after this returns. A key stays known for at least the
    /// ``RetentionPolicy/dedupeWindow`` after it was first accepted, also after the entry finished.
    /// - Parameter entry: the event as received; its `sequence` is ignored and assigned here.
    /// - Returns: `.accepted` with the entry's place in arrival order and whether done references of
    ///   its actions exist already, or `.duplicate`.
    func enqueue(_ entry: InboxEntry) async throws(StoreError) -> EnqueueResult

    /// Marks an inbox entry as finished so recovery does not run it again. Unknown sequences are ignored.
    func markDone(sequence: Int64) async throws(StoreError)

    /// Acknowledged entries that are not finished yet, oldest first (arrival order): what recovery runs again.
    /// - Parameter limit: the most entries to return.
    func unfinished(limit: Int) async throws(StoreError) -> [InboxEntry]

    /// Unfinished entries with a sequence greater than `sequence`, oldest first: the next page of
    /// recovery when more entries wait than one call returns.
    func unfinished(after sequence: Int64, limit: Int) async throws(StoreError) -> [InboxEntry]

    /// How long the oldest unfinished entry has waited (`now - receivedAt`), or `nil` when none waits.
    func oldestUnfinishedAge(now: Date) async throws(StoreError) -> Duration?

    // MARK: Conversation state

    /// The state kept for a conversation, or `nil` when none was saved.
    func conversation(_ id: String) async throws(StoreError) -> ConversationRecord?

    /// The state kept for a conversation and the done references that start with `prefix`, in one
    /// read: what an event needs before it runs. An event's actions can be done already although its
    /// key was just accepted: recovered after a restart, or sent again after its dedupe key was
    /// pruned (done references are kept longer than dedupe keys).
    /// - Parameter prefix: the start of the references to return (an event's, `perch:<event>:`).
    func conversation(_ id: String, doneReferencesWithPrefix prefix: String) async throws(StoreError)
        -> (record: ConversationRecord?, doneReferences: Set<String>)

    /// Replaces the state kept for a conversation.
    func saveConversation(_ id: String, _ record: ConversationRecord) async throws(StoreError)

    // MARK: Done references

    /// Whether an action with this deterministic reference was already done (so recovery must not repeat it).
    func isDone(reference: String) async throws(StoreError) -> Bool

    /// Records that the action with this reference was done. Recording it again is harmless.
    func recordDone(reference: String, at: Date) async throws(StoreError)

    // MARK: Outbox

    /// Keeps an action that failed after its retries, with its last error. One item per reference:
    /// adding the same reference again replaces the earlier item and keeps its id.
    /// - Returns: the item's id.
    func addToOutbox(_ item: OutboxItem) async throws(StoreError) -> Int64

    /// Items in the outbox, oldest first.
    func outbox(limit: Int) async throws(StoreError) -> [OutboxItem]

    /// How many items the outbox holds, how many are parked and how old the oldest retried one is,
    /// computed without reading the items (`/metrics` asks on every scrape).
    func outboxSummary() async throws(StoreError) -> OutboxSummary

    /// Removes an item from the outbox. Unknown ids are ignored.
    func removeFromOutbox(id: Int64) async throws(StoreError)

    // MARK: Explain traces

    /// Keeps the explain trace (JSON) of an event, replacing an earlier one for the same key.
    func saveTrace(eventKey: String, trace: String, at: Date) async throws(StoreError)

    /// The explain trace of an event, or `nil` when none is kept (never saved, or pruned).
    func trace(eventKey: String) async throws(StoreError) -> String?

    // MARK: Finishing an event

    /// Everything an event leaves behind, in one transaction (one write of a group commit): saves
    /// the conversation record, records the done references of its last actions, keeps the explain
    /// trace, and marks the inbox entry done. Either all of it is durable or none is, so a finished
    /// event is never run again without its state.
    /// - Parameters:
    ///   - sequence: the inbox entry to mark done, or `nil` when the event was not stored.
    ///   - record: the conversation's new record, or `nil` to leave the stored one as it is.
    ///   - doneReferences: references of actions done and not yet recorded (as ``recordDone(reference:at:)``).
    ///   - at: when the trace was saved and the actions done (their age for pruning).
    func finish(
        sequence: Int64?, conversationKey: String, record: ConversationRecord?, eventKey: String, trace: String,
        doneReferences: [String], at: Date
    ) async throws(StoreError)

    // MARK: Operations

    /// Deletes finished inbox entries, dedupe keys, done references and traces that the policy no longer keeps.
    func prune(now: Date, policy: RetentionPolicy) async throws(StoreError) -> PruneReport

    /// Whether the store can write right now (for `/readyz`): `nil` when it can, else what is wrong.
    func check() async -> StoreError?

    /// Finishes pending writes and releases the store; later calls throw.
    func close() async
}

extension Store {
    /// Reads the items to summarise them: for stores (test doubles) that have no cheaper way.
    public func outboxSummary() async throws(StoreError) -> OutboxSummary {
        OutboxSummary(items: try await outbox(limit: Int.max))
    }
}
