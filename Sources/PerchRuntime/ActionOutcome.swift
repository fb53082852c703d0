/// What became of one action: the last part of an explain trace.
public struct ActionOutcome: Sendable, Hashable, Codable {
    public enum Result: String, Sendable, Hashable, Codable {
        /// Done now (sent to Bird, state changed, URL called).
        case done
        /// Done before (a replay or recovery); not repeated.
        case alreadyDone = "already_done"
        /// Deliberately not done; `detail` says why.
        case skipped
        /// Tried and failed; `detail` has Bird's error. Kept in the outbox when worth replaying.
        case failed
    }

    public var rule: String
    public var index: Int
    public var kind: String
    public var result: Result
    public var detail: String?

    public init(rule: String, index: Int, kind: String, result: Result, detail: String? = nil) {
        self.rule = rule
        self.index = index
        self.kind = kind
        self.result = result
        self.detail = detail
    }
}
