import Foundation

/// One acknowledged webhook (or polled event) as the inbox keeps it, raw, so recovery can decode it again.
public struct InboxEntry: Sendable, Hashable {
    /// Place in arrival order; set by the store (`nil` before ``Store/enqueue(_:)``).
    public var sequence: Int64?
    /// Dedupe key: the same for every delivery of one Bird event.
    public var key: String
    /// Lane: entries with the same conversation key run in order.
    public var conversationKey: String
    /// Which endpoint decoded it: `messagebird`, `bird`, `messagebird-voice`, `sms-status`, `poll`.
    public var source: String
    /// The raw body as received.
    public var payload: [UInt8]
    /// What else decoding needs again: request id, query parameters.
    public var metadata: [String: String]
    /// When Perch received it.
    public var receivedAt: Date

    /// Creates an entry; `sequence` stays `nil` until the store assigns it.
    public init(
        sequence: Int64? = nil,
        key: String,
        conversationKey: String,
        source: String,
        payload: [UInt8],
        metadata: [String: String] = [:],
        receivedAt: Date
    ) {
        self.sequence = sequence
        self.key = key
        self.conversationKey = conversationKey
        self.source = source
        self.payload = payload
        self.metadata = metadata
        self.receivedAt = receivedAt
    }
}
