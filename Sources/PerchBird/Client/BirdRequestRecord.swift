import PerchEvents

/// A `BirdRequest` as the outbox keeps it (JSON text), so `perch outbox retry` can send it again,
/// byte for byte the same body and so the same `reference`.
public struct BirdRequestRecord: Sendable {
    public var request: BirdRequest

    public init(_ request: BirdRequest) { self.request = request }

    /// The request as JSON: `{generation, method, path, endpoint, body}`.
    public func json() -> String {
        JSONValue.object([
            "generation": .string(request.generation.rawValue), "method": .string(request.method),
            "path": .string(request.path), "endpoint": .string(request.endpoint), "body": request.body ?? .null,
        ]).serialized()
    }

    /// The request in `text`, or `nil` when it is not a record this Perch wrote.
    public static func parse(_ text: String) -> BirdRequest? {
        guard let json = try? JSONValue(parsing: Array(text.utf8)),
            let generation = json["generation"]?.stringValue.flatMap(Generation.init(rawValue:)),
            let method = json["method"]?.stringValue, let path = json["path"]?.stringValue,
            let endpoint = json["endpoint"]?.stringValue
        else { return nil }
        let body = json["body"].flatMap { $0 == .null ? nil : $0 }
        return BirdRequest(generation: generation, method: method, path: path, body: body, endpoint: endpoint)
    }
}
