import PerchEvents

/// Hands each event to the lane of its conversation: events of one conversation run one at a time in
/// arrival order (the inbox sequence), different conversations run in parallel up to a bound, and
/// the total waiting is bounded so the ingress can push back (503) instead of queueing without limit.
///
/// `run()` owns every lane as a child task, so shutdown is a drain: `finish()` stops intake, and
/// `run()` returns once every accepted event has been handled. The bookkeeping is the pure
/// ``LaneSchedule``; this actor only starts runners and resumes waiters.
public actor Dispatcher {
    /// One event waiting in, or running on, a lane.
    public struct Job: Sendable {
        public var event: Event
        /// The inbox sequence (arrival order; marked done afterwards), nil when the event was not stored.
        public var sequence: Int64?
        /// Its actions may have reached Bird before: queued by recovery after a restart, or accepted
        /// again after its dedupe key was pruned while its done references were kept.
        public var recovered: Bool

        public init(event: Event, sequence: Int64?, recovered: Bool = false) {
            self.event = event
            self.sequence = sequence
            self.recovered = recovered
        }
    }

    /// A place in the queue held for one event while it is being stored.
    public struct Reservation: Sendable {
        let ticket: LaneSchedule<Job>.Ticket
    }

    /// Handles one job; the dispatcher never runs two jobs of one lane at once.
    public typealias Handler = @Sendable (Job) async -> Void

    private var schedule: LaneSchedule<Job>
    private let ready: AsyncStream<String>
    private let readyContinuation: AsyncStream<String>.Continuation
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    public init(queueLimit: Int, maxActiveLanes: Int) {
        schedule = LaneSchedule(queueLimit: queueLimit, maxActiveLanes: maxActiveLanes)
        (ready, readyContinuation) = AsyncStream.makeStream(of: String.self)
    }

    /// Events queued or running right now.
    public var depth: Int { schedule.queued }
    /// Conversations being handled right now.
    public var activeConversations: Int { schedule.activeLanes }

    /// Holds a place for an event of `lane` about to be stored; nil when the queue is full or closing.
    public func reserve(lane: String) -> Reservation? {
        schedule.reserve(lane: lane).map(Reservation.init)
    }

    /// Gives back a place taken by `reserve(lane:)` that will not be used (duplicate, store failure).
    public func release(_ reservation: Reservation) {
        start(schedule.release(reservation.ticket))
        settle()
    }

    /// Queues a job on its conversation's lane in sequence order. With a reservation it uses the
    /// place taken by `reserve(lane:)`; without, it is admitted regardless of the limit (recovery of
    /// events already acknowledged).
    public func submit(_ job: Job, lane: String, reservation: Reservation?) {
        start(schedule.submit(job, sequence: job.sequence, lane: lane, ticket: reservation?.ticket))
    }

    /// Runs lanes until `finish()` is called and everything accepted has been handled.
    public func run(handler: @escaping Handler) async {
        await withDiscardingTaskGroup { group in
            for await lane in ready {
                group.addTask {
                    var finished = false
                    while let job = await self.next(on: lane, finished: finished) {
                        await handler(job)
                        finished = true
                    }
                }
            }
        }
    }

    /// Stops taking new events; `run()` returns once the queued ones are done.
    public func finish() {
        schedule.stopAccepting()
        settle()
    }

    /// Waits until nothing is queued, running or being stored.
    public func waitUntilIdle() async {
        if schedule.isIdle { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func next(on lane: String, finished: Bool) -> Job? {
        let (job, others) = schedule.next(on: lane, finished: finished)
        start(others)
        if finished { settle() }
        return job
    }

    private func start(_ lanes: [String]) {
        for lane in lanes { readyContinuation.yield(lane) }
    }

    private func settle() {
        guard schedule.isIdle else { return }
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters.removeAll()
        if !schedule.accepting { readyContinuation.finish() }
    }
}
