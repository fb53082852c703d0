import PerchEvents
import Synchronization

/// Hands each event to the lane of its conversation: events of one conversation run one at a time in
/// arrival order (the inbox sequence), different conversations run in parallel up to a bound, and
/// the total waiting is bounded so the ingress can push back (503) instead of queueing without limit.
///
/// `run()` owns every lane as a child task, so shutdown is a drain: `finish()` stops intake, and
/// `run()` returns once every accepted event has been handled. The bookkeeping is the pure
/// ``LaneSchedule``; this class only guards it, starts runners and resumes waiters.
public final class Dispatcher: Sendable {
    /// One event waiting in, or running on, a lane.
    public struct Job: Sendable {
        /// The event, boxed: a job is copied into and out of its lane, and an `Event` is two dozen
        /// fields, most of them strings to retain and release on every copy.
        public var event: Event { box.event }
        private let box: EventBox
        /// The inbox sequence (arrival order; marked done afterwards), nil when the event was not stored.
        public var sequence: Int64?
        /// Its actions may have reached Bird before: queued by recovery after a restart, or accepted
        /// again after its dedupe key was pruned while its done references were kept.
        public var recovered: Bool

        public init(event: Event, sequence: Int64?, recovered: Bool = false) {
            self.box = EventBox(event)
            self.sequence = sequence
            self.recovered = recovered
        }
    }

    private final class EventBox: Sendable {
        let event: Event
        init(_ event: Event) { self.event = event }
    }

    /// A place in the queue held for one event while it is being stored.
    public struct Reservation: Sendable {
        let ticket: LaneSchedule<Job>.Ticket
    }

    /// Handles one job; the dispatcher never runs two jobs of one lane at once.
    public typealias Handler = @Sendable (Job) async -> Void

    private struct State {
        var schedule: LaneSchedule<Job>
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        var completed = 0
    }

    // A lock, not an actor: every operation is a few dictionary updates, and an actor would cost each
    // event three hops between threads (reserve, submit, next) for no waiting at all.
    private let state: Mutex<State>
    private let ready: AsyncStream<String>
    private let readyContinuation: AsyncStream<String>.Continuation

    public init(queueLimit: Int, maxActiveLanes: Int) {
        state = Mutex(State(schedule: LaneSchedule(queueLimit: queueLimit, maxActiveLanes: maxActiveLanes)))
        (ready, readyContinuation) = AsyncStream.makeStream(of: String.self)
    }

    /// Events queued or running right now.
    public var depth: Int { state.withLock { $0.schedule.queued } }
    /// Events handled to the end since start; `/healthz` watches it move while events are queued.
    public var completed: Int { state.withLock { $0.completed } }
    /// Conversations being handled right now.
    public var activeConversations: Int { state.withLock { $0.schedule.activeLanes } }

    /// Holds a place for an event of `lane` about to be stored; nil when the queue is full or closing.
    public func reserve(lane: String) -> Reservation? {
        state.withLock { $0.schedule.reserve(lane: lane) }.map(Reservation.init)
    }

    /// Gives back a place taken by `reserve(lane:)` that will not be used (duplicate, store failure).
    public func release(_ reservation: Reservation) {
        let waiters = state.withLock { state in
            start(state.schedule.release(reservation.ticket))
            return settle(&state)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Queues a job on its conversation's lane in sequence order. With a reservation it uses the
    /// place taken by `reserve(lane:)`; without, it is admitted regardless of the limit (recovery of
    /// events already acknowledged).
    public func submit(_ job: Job, lane: String, reservation: Reservation?) {
        state.withLock { state in
            start(state.schedule.submit(job, sequence: job.sequence, lane: lane, ticket: reservation?.ticket))
        }
    }

    /// Runs lanes until `finish()` is called and everything accepted has been handled.
    public func run(handler: @escaping Handler) async {
        await withDiscardingTaskGroup { group in
            for await lane in ready {
                group.addTask {
                    var finished = false
                    while let job = self.next(on: lane, finished: finished) {
                        await handler(job)
                        finished = true
                    }
                }
            }
        }
    }

    /// Stops taking new events; `run()` returns once the queued ones are done.
    public func finish() {
        let waiters = state.withLock { state in
            state.schedule.stopAccepting()
            return settle(&state)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until nothing is queued, running or being stored.
    public func waitUntilIdle() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state in
                if state.schedule.isIdle { return true }
                state.idleWaiters.append(waiter)
                return false
            }
            if idle { waiter.resume() }
        }
    }

    private func next(on lane: String, finished: Bool) -> Job? {
        let (job, waiters) = state.withLock { state in
            if finished { state.completed += 1 }
            let (job, others) = state.schedule.next(on: lane, finished: finished)
            start(others)
            return (job, finished ? settle(&state) : [])
        }
        for waiter in waiters { waiter.resume() }
        return job
    }

    /// Announces lanes to `run()`; called under the lock so announcements keep the schedule's order
    /// and none can follow the end of the stream.
    private func start(_ lanes: [String]) {
        for lane in lanes { readyContinuation.yield(lane) }
    }

    /// When idle: takes the waiters to resume (outside the lock), and ends the lanes' stream once
    /// intake has stopped.
    private func settle(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        guard state.schedule.isIdle else { return [] }
        if !state.schedule.accepting { readyContinuation.finish() }
        defer { state.idleWaiters.removeAll() }
        return state.idleWaiters
    }
}
