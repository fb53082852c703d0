import PerchEvents

/// What `/readyz` reports: whether Perch can take events, and why not.
public struct Readiness: Sendable {
    public var flowsVersion: String?
    public var flowsLoaded: Bool
    /// The store's problem, when it has one.
    public var storeError: String?
    public var shuttingDown: Bool

    public init(flowsVersion: String?, flowsLoaded: Bool, storeError: String?, shuttingDown: Bool = false) {
        self.flowsVersion = flowsVersion
        self.flowsLoaded = flowsLoaded
        self.storeError = storeError
        self.shuttingDown = shuttingDown
    }

    public var isReady: Bool { flowsLoaded && storeError == nil && !shuttingDown }

    func json() -> String {
        var fields: [String: JSONValue] = [
            "status": .string(isReady ? "ready" : "not ready"),
            "flows": .object(["loaded": .bool(flowsLoaded), "version": flowsVersion.map(JSONValue.string) ?? .null]),
            "store": .object(["ok": .bool(storeError == nil), "error": storeError.map(JSONValue.string) ?? .null]),
        ]
        if shuttingDown { fields["shutting_down"] = .bool(true) }
        return JSONValue.object(fields).serialized()
    }
}
