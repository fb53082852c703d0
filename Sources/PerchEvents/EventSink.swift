/// One webhook (or poll result) that decoded into an event, with what is needed to decode it again
/// after a restart.
public struct Delivery: Sendable {
    public var event: Event
    /// Which decoder produced the event: `messagebird`, `messagebird-voice`, `sms-status`, `bird`, `poll`.
    public var source: String
    /// The body as received.
    public var payload: [UInt8]
    /// Whatever else the decoder needs (request id, query string).
    public var metadata: [String: String]

    public init(event: Event, source: String, payload: [UInt8], metadata: [String: String] = [:]) {
        self.event = event
        self.source = source
        self.payload = payload
        self.metadata = metadata
    }
}

/// What became of a delivery handed to an `EventSink`.
public enum IngestOutcome: Sendable, Equatable {
    /// Kept durably; it will be handled.
    case accepted
    /// Seen before (a retry or replay); nothing more will happen.
    case duplicate
    /// Perch cannot take it now (queue full, store failing, shutting down); the sender should retry.
    case unavailable(reason: String)
}

/// Where the ingress hands decoded events: the webhook server sees this, never the dispatcher.
public protocol EventSink: Sendable {
    func ingest(_ delivery: Delivery) async -> IngestOutcome
}
