import PerchEvents

/// One call to a Bird API, described as data: built by pure functions, executed by `BirdClient`.
public struct BirdRequest: Sendable, Hashable, CustomStringConvertible {
    /// Which API the call goes to (and so which base URL and key).
    public var generation: Generation
    public var method: String
    /// Path below the generation's base URL, starting with `/`.
    public var path: String
    public var body: JSONValue?
    /// Short name of the endpoint for logs and metrics: `send_message`, `update_conversation`, ...
    public var endpoint: String

    public init(generation: Generation, method: String, path: String, body: JSONValue? = nil, endpoint: String) {
        self.generation = generation
        self.method = method
        self.path = path
        self.body = body
        self.endpoint = endpoint
    }

    public var description: String { "\(method) \(generation.rawValue):\(path)" }
}

/// What Bird answered to a successful call.
public struct BirdResponse: Sendable {
    public var status: Int
    public var body: JSONValue?

    public init(status: Int, body: JSONValue?) {
        self.status = status
        self.body = body
    }
}
