import PerchBird
import PerchEvents

/// A `BirdRequest` as the outbox keeps it, so `perch outbox retry` can send it again.
struct BirdRequestRecord {
    var request: BirdRequest

    init(_ request: BirdRequest) { self.request = request }

    func json() -> String {
        JSONValue.object([
            "generation": .string(request.generation.rawValue), "method": .string(request.method),
            "path": .string(request.path), "endpoint": .string(request.endpoint), "body": request.body ?? .null,
        ]).serialized()
    }

    static func parse(_ text: String) -> BirdRequest? {
        guard let json = try? JSONValue(parsing: text),
            let generation = json["generation"]?.stringValue.flatMap(Generation.init(rawValue:)),
            let method = json["method"]?.stringValue, let path = json["path"]?.stringValue,
            let endpoint = json["endpoint"]?.stringValue
        else { return nil }
        let body = json["body"].flatMap { $0 == .null ? nil : $0 }
        return BirdRequest(generation: generation, method: method, path: path, body: body, endpoint: endpoint)
    }
}
