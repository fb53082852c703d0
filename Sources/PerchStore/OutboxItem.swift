import Foundation

/// An action that still failed after the client's retries, or that waits behind an earlier one of its
/// conversation. The runtime replays it with backoff until it goes through or its time runs out; then
/// it is parked with the reason, for an operator (`perch outbox retry`).
public struct OutboxItem: Sendable, Hashable {
    /// Set by the store (`nil` before ``Store/addToOutbox(_:)``).
    public var id: Int64?
    /// The action's deterministic reference; one outbox item per reference.
    public var reference: String
    /// Key of the event whose rule produced the action.
    public var eventKey: String
    public var conversationID: String?
    /// Action kind: `reply`, `send_template`, `update_conversation`, `handoff`, `http`.
    public var kind: String
    /// JSON of what was to be sent.
    public var request: String
    public var lastError: String
    public var attempts: Int
    public var failedAt: Date
    /// When the action first failed (or first waited): automatic retries stop this long after it.
    /// Kept by the store when the item is added again; `nil` in items from an older Perch (then
    /// `failedAt` counts).
    public var firstFailedAt: Date?
    /// Why automatic retries stopped (time ran out, Bird refused it); `nil` while they go on.
    public var parked: String?

    /// Creates an item; `id` stays `nil` until the store assigns it.
    public init(
        id: Int64? = nil,
        reference: String,
        eventKey: String,
        conversationID: String?,
        kind: String,
        request: String,
        lastError: String,
        attempts: Int,
        failedAt: Date,
        firstFailedAt: Date? = nil,
        parked: String? = nil
    ) {
        self.id = id
        self.reference = reference
        self.eventKey = eventKey
        self.conversationID = conversationID
        self.kind = kind
        self.request = request
        self.lastError = lastError
        self.attempts = attempts
        self.failedAt = failedAt
        self.firstFailedAt = firstFailedAt
        self.parked = parked
    }
}
