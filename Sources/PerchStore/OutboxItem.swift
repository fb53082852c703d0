import Foundation

/// An action that still failed after its retries, kept with its last error for an operator (not retried forever).
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
        failedAt: Date
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
    }
}
