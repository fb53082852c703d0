/// Holds server handlers until a test lets them go, and tells the test when they arrived, so
/// tests wait for the event itself instead of sleeping.
final class Rendezvous: Sendable {
    private let arrivals: AsyncStream<Void>
    private let arrived: AsyncStream<Void>.Continuation
    private let barrier = Barrier()

    init() {
        (arrivals, arrived) = AsyncStream.makeStream(of: Void.self)
    }

    /// Called by a handler: records the arrival and waits for `release()`.
    func arriveAndWait() async {
        arrived.yield()
        await barrier.pass()
    }

    /// Returns once `count` handlers have arrived (call from one task at a time); returns
    /// early if the task is cancelled, so `withDeadline` can bound it.
    func waitForArrivals(_ count: Int = 1) async {
        var seen = 0
        for await _ in arrivals {
            seen += 1
            if seen == count { return }
        }
    }

    /// Lets every held and future handler go on.
    func release() async { await barrier.open() }
}

private actor Barrier {
    private var isOpen = false
    private var held: [CheckedContinuation<Void, Never>] = []

    func pass() async {
        guard !isOpen else { return }
        await withCheckedContinuation { held.append($0) }
    }

    func open() {
        isOpen = true
        held.forEach { $0.resume() }
        held.removeAll()
    }
}

/// Lets handlers through only once `threshold` of them are inside at the same time, then stays
/// open; records how many were ever inside at once.
actor ConcurrencyGate {
    private let threshold: Int
    private var inside = 0
    private(set) var maxInside = 0
    private var open = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(threshold: Int) { self.threshold = threshold }

    func enter() async {
        inside += 1
        maxInside = max(maxInside, inside)
        if inside >= threshold {
            open = true
            waiting.forEach { $0.resume() }
            waiting.removeAll()
        }
        if !open {
            await withCheckedContinuation { waiting.append($0) }
        }
    }

    func leave() { inside -= 1 }

    /// Opens the gate regardless (cleanup after a failure, so no handler is left hanging).
    func openNow() {
        open = true
        waiting.forEach { $0.resume() }
        waiting.removeAll()
    }
}

struct DeadlineExceeded: Error {}

/// Runs `operation`, failing with `DeadlineExceeded` if it takes longer than `limit` (a bound
/// on a hanging test, not a wait for something to happen).
func withDeadline<T: Sendable>(
    _ limit: Duration = .seconds(10), _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
