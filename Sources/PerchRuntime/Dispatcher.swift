import PerchEvents

/// Hands each event to the lane of its conversation: events of one conversation run one at a time in
/// arrival order, different conversations run in parallel up to a bound, and the total waiting is
/// bounded so the ingress can push back (503) instead of queueing without limit.
///
/// `run()` owns every lane as a child task, so shutdown is a drain: `finish()` stops intake, and
/// `run()` returns once every accepted event has been handled.
public actor Dispatcher {
    /// One event waiting in, or running on, a lane.
    public struct Job: Sendable {
        public var event: Event
        /// The inbox sequence to mark done afterwards (nil when the event was not stored).
        public var sequence: Int64?

        public init(event: Event, sequence: Int64?) {
            self.event = event
            self.sequence = sequence
        }
    }

    /// Handles one job; the dispatcher never runs two jobs of one lane at once.
    public typealias Handler = @Sendable (Job) async -> Void

    private let queueLimit: Int
    private let maxActiveLanes: Int
    private var lanes: [String: FIFO<Job>] = [:]
    private var waitingLanes = FIFO<String>()
    private var activeLanes = 0
    private var queued = 0
    private var reserved = 0
    private var accepting = true
    private let ready: AsyncStream<String>
    private let readyContinuation: AsyncStream<String>.Continuation
    private var drained: [CheckedContinuation<Void, Never>] = []

    public init(queueLimit: Int, maxActiveLanes: Int) {
        self.queueLimit = queueLimit
        self.maxActiveLanes = maxActiveLanes
        (ready, readyContinuation) = AsyncStream.makeStream(of: String.self)
    }

    /// Events queued or running right now.
    public var depth: Int { queued }
    /// Conversations being handled right now.
    public var activeConversations: Int { activeLanes }

    /// Holds a place for an event about to be stored; false when the queue is full or closing.
    public func reserve() -> Bool {
        guard accepting, queued + reserved < queueLimit else { return false }
        reserved += 1
        return true
    }

    /// Gives back a place taken by `reserve()` that will not be used.
    public func release() {
        reserved = max(0, reserved - 1)
        closeIfDrained()
    }

    /// Queues a job on its conversation's lane. With `reserved`, it uses a place taken by `reserve()`;
    /// without, it is admitted regardless of the limit (recovery of events already acknowledged).
    public func submit(_ job: Job, lane: String, reserved usesReservation: Bool) {
        if usesReservation { reserved = max(0, reserved - 1) }
        queued += 1
        if lanes[lane] != nil {
            lanes[lane]!.append(job)
            return
        }
        lanes[lane] = FIFO([job])
        if activeLanes < maxActiveLanes {
            activeLanes += 1
            readyContinuation.yield(lane)
        } else {
            waitingLanes.append(lane)
        }
    }

    /// Runs lanes until `finish()` is called and everything accepted has been handled.
    public func run(handler: @escaping Handler) async {
        await withDiscardingTaskGroup { group in
            for await lane in ready {
                group.addTask {
                    while let job = await self.next(on: lane) {
                        await handler(job)
                        await self.completed(on: lane)
                    }
                }
            }
        }
    }

    /// Stops taking new events; `run()` returns once the queued ones are done.
    public func finish() {
        accepting = false
        closeIfDrained()
    }

    /// Waits until nothing is queued or running.
    public func waitUntilIdle() async {
        if queued == 0 { return }
        await withCheckedContinuation { drained.append($0) }
    }

    private func next(on lane: String) -> Job? {
        guard let job = lanes[lane]?.first else {
            lanes[lane] = nil
            activeLanes -= 1
            if let waiting = waitingLanes.removeFirst() {
                activeLanes += 1
                readyContinuation.yield(waiting)
            }
            return nil
        }
        return job
    }

    private func completed(on lane: String) {
        _ = lanes[lane]?.removeFirst()
        queued -= 1
        if queued == 0 {
            for waiter in drained { waiter.resume() }
            drained.removeAll()
            closeIfDrained()
        }
    }

    private func closeIfDrained() {
        if !accepting, queued == 0, reserved == 0 { readyContinuation.finish() }
    }
}

/// A first-in first-out queue whose `removeFirst()` is O(1) amortized. `Array.removeFirst()` moves
/// every remaining element, which made a lane with thousands of waiting events quadratic (the
/// benchmark's one-conversation run spent 14% of Perch's CPU in that memmove).
struct FIFO<Element> {
    private var items: [Element?]
    private var head = 0

    init(_ items: [Element] = []) { self.items = items }

    var isEmpty: Bool { head == items.count }
    var first: Element? { head < items.count ? items[head] : nil }

    mutating func append(_ element: Element) { items.append(element) }

    /// Removes and returns the first element; nil when empty.
    mutating func removeFirst() -> Element? {
        guard head < items.count else { return nil }
        let element = items[head]
        items[head] = nil
        head += 1
        // Compact once the consumed prefix is at least half of the storage: amortized O(1).
        if head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return element
    }
}
