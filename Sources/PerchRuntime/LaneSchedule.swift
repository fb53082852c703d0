/// The dispatcher's bookkeeping as a pure value: which conversation lane runs next, which waits for
/// a slot, and which job must wait for an earlier arrival that is still being stored.
///
/// Arrival order is the store's order: the inbox sequence. Webhooks race through the ingress, so a
/// later event can finish storing (and be submitted) before an earlier one of the same conversation.
/// Every event therefore takes a ticket on its lane before it is stored; a submitted job is held
/// while its lane has tickets that were taken before it was submitted (one of them may still get a
/// lower sequence), and jobs wait on their lane sorted by sequence. A ticket taken after a job was
/// submitted is stored after it, so it never holds that job back.
struct LaneSchedule<Job> {
    /// A place held for one event between `reserve` and `submit`/`release`.
    struct Ticket: Hashable, Sendable {
        let number: Int
        let lane: String
    }

    private struct Waiting {
        var job: Job
        var sequence: Int64
        /// Tickets of the lane numbered below this were taken before the job was submitted.
        var horizon: Int
    }

    private struct Lane {
        /// Sorted by sequence; the first one runs when `running`.
        var jobs = FIFO<Waiting>()
        var running = false
        /// Has a runner, or waits in `ready` for a slot.
        var scheduled = false
        var tickets: Set<Int> = []

        var headIsRunnable: Bool {
            guard let head = jobs.first else { return false }
            return tickets.allSatisfy { $0 >= head.horizon }
        }

        var isIdle: Bool { jobs.isEmpty && tickets.isEmpty && !running && !scheduled }
    }

    let queueLimit: Int
    let maxActiveLanes: Int
    /// Jobs submitted and not finished (waiting or running).
    private(set) var queued = 0
    /// Tickets taken and not yet submitted or released.
    private(set) var reserved = 0
    /// Lanes with a runner.
    private(set) var activeLanes = 0
    private(set) var accepting = true
    private var lanes: [String: Lane] = [:]
    /// Lanes with a runnable job but no free slot, oldest first.
    private var ready = FIFO<String>()
    private var nextTicket = 0

    init(queueLimit: Int, maxActiveLanes: Int) {
        self.queueLimit = queueLimit
        self.maxActiveLanes = max(1, maxActiveLanes)
    }

    /// Nothing is queued, running or about to be submitted.
    var isIdle: Bool { queued == 0 && reserved == 0 }

    /// Conversations with a job queued, held or running.
    var laneCount: Int { lanes.count }

    /// Takes a ticket on `lane`; nil when the queue is full or intake has stopped.
    mutating func reserve(lane: String) -> Ticket? {
        guard accepting, queued + reserved < queueLimit else { return nil }
        let ticket = Ticket(number: nextTicket, lane: lane)
        nextTicket += 1
        lanes[lane, default: Lane()].tickets.insert(ticket.number)
        reserved += 1
        return ticket
    }

    /// Gives a ticket back unused (duplicate, store failure). Returns lanes to start.
    mutating func release(_ ticket: Ticket) -> [String] {
        guard lanes[ticket.lane]?.tickets.remove(ticket.number) != nil else { return [] }
        reserved -= 1
        return schedule(ticket.lane)
    }

    /// Queues a job on its lane, in sequence order. With a ticket it uses the place the ticket held;
    /// without, it is admitted regardless of the limit (recovery of events already acknowledged).
    /// Returns lanes to start.
    mutating func submit(_ job: Job, sequence: Int64?, lane name: String, ticket: Ticket?) -> [String] {
        var other: [String] = []
        if let ticket, ticket.lane != name { other = release(ticket) }
        // Taken out of the dictionary while it changes, so its queue is not copied (copy on write).
        var lane = lanes.removeValue(forKey: name) ?? Lane()
        if let ticket, ticket.lane == name, lane.tickets.remove(ticket.number) != nil { reserved -= 1 }
        let waiting = Waiting(job: job, sequence: sequence ?? .max, horizon: nextTicket)
        lane.jobs.insert(waiting, keepingFirst: lane.running) { $0.sequence > $1.sequence }
        lanes[name] = lane
        queued += 1
        return other + schedule(name)
    }

    /// Called by a lane's runner: finishes the job it ran (when `finished`) and hands it the next.
    /// A nil job means the runner stops: the lane is empty or its head is held; `start` are lanes
    /// that got the slot it frees.
    mutating func next(on name: String, finished: Bool) -> (job: Job?, start: [String]) {
        guard var lane = lanes.removeValue(forKey: name) else { return (nil, []) }
        if finished, lane.running {
            _ = lane.jobs.removeFirst()
            queued -= 1
        }
        lane.running = false
        if lane.headIsRunnable {
            lane.running = true
            lanes[name] = lane
            return (lane.jobs.first!.job, [])
        }
        lane.scheduled = false
        lanes[name] = lane.isIdle ? nil : lane
        activeLanes -= 1
        return (nil, fillSlots())
    }

    /// Stops intake: `reserve` fails from now on.
    mutating func stopAccepting() { accepting = false }

    private mutating func schedule(_ name: String) -> [String] {
        guard var lane = lanes[name] else { return [] }
        if lane.isIdle {
            lanes[name] = nil
            return []
        }
        guard !lane.scheduled, !lane.running, lane.headIsRunnable else { return [] }
        lane.scheduled = true
        lanes[name] = lane
        if activeLanes < maxActiveLanes {
            activeLanes += 1
            return [name]
        }
        ready.append(name)
        return []
    }

    private mutating func fillSlots() -> [String] {
        var started: [String] = []
        while activeLanes < maxActiveLanes, let name = ready.removeFirst() {
            guard var lane = lanes[name] else { continue }
            if lane.headIsRunnable {
                activeLanes += 1
                started.append(name)
            } else {
                lane.scheduled = false
                lanes[name] = lane.isIdle ? nil : lane
            }
        }
        return started
    }
}
