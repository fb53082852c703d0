import Synchronization

/// Keeps the most recent calls a sandboxed `BirdClient` would have made (bounded, so a long-running
/// sandbox does not grow).
final class SandboxRecorder: Sendable {
    static let limit = 1000
    private let recorded = Mutex<[BirdRequest]>([])

    func record(_ request: BirdRequest) {
        recorded.withLock { calls in
            if calls.count >= Self.limit { calls.removeFirst(calls.count - Self.limit + 1) }
            calls.append(request)
        }
    }

    var calls: [BirdRequest] { recorded.withLock { $0 } }
}
