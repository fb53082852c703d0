import Curl
import Foundation
import PerchEvents
import PerchServer
import PerchStore
import PerchTesting
import Synchronization
import Testing

@Suite("Durability: recovery after a stop, retention, and a full store")
struct DurabilityTests {
    static let answerFlow = """
        flow: durability
        rules:
          - id: answer
            when: { keywords: [testing] }
            reply: "{{ message.text }}"
          - id: twice
            when: { keywords: [twice] }
            do:
              - reply: "first"
              - reply: "second"
        """

    static let accepted = #"{"id":"00000000000000000000000000000001","status":"accepted"}"#

    @Test func recoveryRunsUnfinishedEventsInOrderPerConversationAndSkipsFinishedOnes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let flows = [try directory.write("flows.yaml", Self.answerFlow)]
        let store = directory.path("perch.sqlite")

        // The first Perch gets stuck: the first reply of conversations A and B never gets an answer.
        let stuckBird = FakeBirdAPI()
        try stuckBird.start()
        stuckBird.inject(.hang, .hang)
        let first = try await Perch.start(store: store, flows: flows, bird: stuckBird)
        let firstRunning = Task { await first.application.run() }
        #expect(try await first.postMessage(id: "a1", conversation: "A", text: "testing a1").status == 200)
        try await stuckBird.waitForRequests(count: 1)
        #expect(try await first.postMessage(id: "b1", conversation: "B", text: "testing b1").status == 200)
        try await stuckBird.waitForRequests(count: 2)
        // Conversation C is not stuck: its event finishes before the "crash".
        #expect(try await first.postMessage(id: "c1", conversation: "C", text: "testing c1").status == 200)
        try await stuckBird.waitForRequests(count: 3)
        for index in 2...5 {
            for conversation in ["A", "B"] {
                let id = "\(conversation.lowercased())\(index)"
                #expect(
                    try await first.postMessage(id: id, conversation: conversation, text: "testing \(id)").status == 200
                )
            }
        }
        // c1 finished: wait until it is marked done, as a crash after it would find it. No event
        // announces that (it is the last write of an event), so the store is polled, with a deadline.
        try await waitUntil("c1 is done") {
            try await first.application.runtime.store.unfinished(limit: 100).count == 10
        }

        // A second Perch on the same store (the restart) finishes everything the first left, in order.
        let bird = FakeBirdAPI()
        try bird.start()
        let second = try await Perch.start(store: store, flows: flows, bird: bird)
        let secondRunning = Task { await second.application.run() }
        // Each recovered send first asks Bird (a GET of the conversation's messages), then goes out.
        let requests = try await bird.waitForRequests(count: 20)
        await second.stop(running: secondRunning)
        let texts = replyTexts(requests)
        #expect(texts.filter { $0.contains(" a") } == (1...5).map { "testing a\($0)" })
        #expect(texts.filter { $0.contains(" b") } == (1...5).map { "testing b\($0)" })
        #expect(!texts.contains("testing c1"))
        #expect(bird.requests.filter { $0.method == "POST" }.count == 10)

        // Release the first Perch (its stuck calls fail) and let it drain.
        await stuckBird.shutdown()
        await first.stop(running: firstRunning)
        await bird.shutdown()
    }

    @Test func actionsDoneBeforeTheStopAreNotRepeated() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let flows = [try directory.write("flows.yaml", Self.answerFlow)]
        let store = directory.path("perch.sqlite")

        // The rule sends two replies; the first is answered, the second hangs: the "crash" is between them.
        let stuckBird = FakeBirdAPI()
        try stuckBird.start()
        stuckBird.inject(.status(201, body: Self.accepted), .hang)
        let first = try await Perch.start(store: store, flows: flows, bird: stuckBird)
        let firstRunning = Task { await first.application.run() }
        #expect(try await first.postMessage(id: "t1", conversation: "T", text: "twice").status == 200)
        #expect(replyTexts(try await stuckBird.waitForRequests(count: 2)) == ["first", "second"])

        let bird = FakeBirdAPI()
        try bird.start()
        let second = try await Perch.start(store: store, flows: flows, bird: bird)
        let secondRunning = Task { await second.application.run() }
        // The look-up of the reply that is not recorded as done, then its send.
        try await bird.waitForRequests(count: 2)
        await second.stop(running: secondRunning)
        // Only the reply that was not done yet is sent again, with the same reference.
        #expect(replyTexts(bird.requests) == ["second"])
        let reference = bird.requests.first { $0.method == "POST" }?.json?["trackId"]?.stringValue
        #expect(reference == stuckBird.requests.last?.json?["trackId"]?.stringValue)

        await stuckBird.shutdown()
        await first.stop(running: firstRunning)
        await bird.shutdown()
    }

    @Test func pruningForgetsOldKeysAndTracesButKeepsTheReferencesOfDoneReplies() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let flows = [try directory.write("flows.yaml", Self.answerFlow)]
        let clock = TestClock()
        let bird = FakeBirdAPI()
        try bird.start()
        let perch = try await Perch.start(
            store: directory.path("perch.sqlite"), flows: flows, bird: bird, now: clock.function)
        let running = Task { await perch.application.run() }

        for id in ["p1", "p2", "p3"] {
            #expect(try await perch.postMessage(id: id, conversation: "P", text: "testing \(id)").status == 200)
        }
        try await bird.waitForRequests(count: 3)
        await perch.application.runtime.dispatcher.waitUntilIdle()
        let store = perch.application.runtime.store
        #expect(try await store.trace(eventKey: "messagebird:message.created:p2:received") != nil)
        #expect(try status(await perch.postMessage(id: "p1", conversation: "P", text: "testing p1")) == "duplicate")

        // Within the windows nothing goes.
        clock.advance(by: 3600)
        #expect(await perch.application.maintenance.prune() == PruneReport())

        // Two days later: finished events, their dedupe keys and their traces go; the references of
        // the replies stay longer, so an event that comes in again is not answered twice.
        clock.advance(by: 49 * 3600)
        let report = try #require(await perch.application.maintenance.prune())
        #expect(report == PruneReport(finishedInboxEntries: 3, dedupeKeys: 3, doneReferences: 0, traces: 3))
        #expect(try await store.trace(eventKey: "messagebird:message.created:p2:received") == nil)
        let again = try await perch.postMessage(id: "p1", conversation: "P", text: "testing p1")
        #expect(try status(again) == "accepted")
        await perch.application.runtime.dispatcher.waitUntilIdle()
        #expect(bird.requests.count == 3)

        // A week later the references go too.
        clock.advance(by: 7 * 24 * 3600)
        let later = try #require(await perch.application.maintenance.prune())
        #expect(later == PruneReport(finishedInboxEntries: 1, dedupeKeys: 1, doneReferences: 3, traces: 1))

        await perch.stop(running: running)
        await bird.shutdown()
    }

    @Test func maintenancePrunesAtStartAndThenAtEveryInterval() async throws {
        let store = MemoryStore()
        let clock = TestClock()
        let ticker = ManualTicker()
        let maintenance = Maintenance(
            store: store, policy: RetentionPolicy(traceAge: .seconds(3600)), interval: .seconds(600),
            now: clock.function, logger: Perch.quietLogger, sleep: ticker.sleep)
        try await store.saveTrace(eventKey: "old", trace: "{}", at: clock.now.addingTimeInterval(-7200))
        try await store.saveTrace(eventKey: "new", trace: "{}", at: clock.now)
        let running = Task { await maintenance.run() }

        #expect(try await ticker.nextSleep() == .seconds(600))  // pruned once at start
        #expect(try await store.trace(eventKey: "old") == nil)
        #expect(try await store.trace(eventKey: "new") != nil)

        clock.advance(by: 7200)
        ticker.tick()
        _ = try await ticker.nextSleep()  // pruned again after the interval
        #expect(try await store.trace(eventKey: "new") == nil)

        running.cancel()
        ticker.tick()
        await running.value
    }

    @Test func aFullStoreAnswers503AndRecoversByItselfOncePruningFreesRoom() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let flows = [try directory.write("flows.yaml", Self.answerFlow)]
        let clock = TestClock()
        let capture = LogRecorder()
        let bird = FakeBirdAPI()
        try bird.start()
        // A size limit stands in for a full disk: SQLite reports both as SQLITE_FULL.
        let perch = try await Perch.start(
            store: directory.path("perch.sqlite"), flows: flows, bird: bird, logger: capture.logger(level: .notice),
            now: clock.function, configure: { configuration in configuration.storeMaximumSize = 256 * 1024 })
        let running = Task { await perch.application.run() }
        #expect(try await perch.readiness().status == 200)

        var refused: (status: Int, retryAfter: String?, body: String)?
        for index in 0..<5000 {
            let response = try await perch.postMessage(
                id: "f\(index)", conversation: "F\(index % 10)", text: "testing \(String(repeating: "x", count: 500))")
            if response.status != 200 {
                refused = (
                    response.status, response.header("Retry-After"), String(decoding: response.body, as: UTF8.self)
                )
                break
            }
        }
        let answer = try #require(refused, "the store never filled up")
        #expect(answer.status == 503)
        #expect(answer.retryAfter != nil)
        #expect(answer.body.contains("store"))

        let notReady = try await perch.readiness()
        #expect(notReady.status == 503)
        #expect(notReady.json["store"]?["ok"] == .bool(false))
        #expect(notReady.json["store"]?["error"]?.stringValue?.contains("disk full") == true)
        let logged = try #require(capture.entries("store write failed").first)
        #expect(logged.metadata["store.error"]?.contains("disk full") == true)
        #expect(logged.metadata["store.kind"] == "disk full")

        // Room is freed by the periodic prune (here called directly, two days later): Perch takes events again.
        await perch.application.runtime.dispatcher.waitUntilIdle()
        clock.advance(by: 49 * 3600)
        _ = await perch.application.maintenance.prune()
        let ready = try await perch.readiness()
        #expect(ready.status == 200)
        #expect(ready.json["store"]?["ok"] == .bool(true))
        let before = bird.requests.count
        #expect(try await perch.postMessage(id: "after", conversation: "G", text: "testing after").status == 200)
        let requests = try await bird.waitForRequests(count: before + 1)
        #expect(replyTexts(requests).last == "testing after")
        try await capture.waitFor("store writable again")

        await perch.stop(running: running)
        await bird.shutdown()
    }
}

/// The `status` of an ingress answer (`accepted`, `duplicate`).
func status(_ response: ClientResponse) throws -> String? {
    try JSONValue(parsing: response.body)["status"]?.stringValue
}

/// Stands in for `Task.sleep` in ``Maintenance``: each sleep waits until the test ticks.
final class ManualTicker: Sendable {
    private let sleeps: AsyncStream<Duration>
    private let sleepsContinuation: AsyncStream<Duration>.Continuation
    private let ticks: Mutex<(pending: Int, waiter: CheckedContinuation<Void, Never>?)> = Mutex((0, nil))

    init() { (sleeps, sleepsContinuation) = AsyncStream.makeStream() }

    var sleep: @Sendable (Duration) async throws -> Void {
        { duration in
            self.sleepsContinuation.yield(duration)
            await withCheckedContinuation { continuation in
                let ready = self.ticks.withLock { state in
                    if state.pending > 0 {
                        state.pending -= 1
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
            try Task.checkCancellation()
        }
    }

    /// Ends the current (or next) sleep.
    func tick() {
        let waiter = ticks.withLock { state in
            guard let waiter = state.waiter else {
                state.pending += 1
                return nil as CheckedContinuation<Void, Never>?
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Waits until the maintenance loop goes to sleep next, and returns for how long it would.
    func nextSleep() async throws -> Duration {
        let sleeps = self.sleeps
        return try await withDeadline(.seconds(10), "the next sleep") {
            var iterator = sleeps.makeAsyncIterator()
            return await iterator.next() ?? .zero
        }
    }
}

/// Checks `condition` until it holds, or fails after `timeout`: for state that no event announces.
func waitUntil(
    _ what: String, timeout: Duration = .seconds(10), _ condition: @escaping @Sendable () async throws -> Bool
) async throws {
    try await withDeadline(timeout, what) {
        while try await !condition() {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
