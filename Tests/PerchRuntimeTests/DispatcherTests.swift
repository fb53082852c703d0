import PerchEvents
import PerchRuntime
import Synchronization
import Testing

@Suite("Dispatcher: lanes, drain")
struct DispatcherTests {
    static func job(_ id: Int, sequence: Int64) -> Dispatcher.Job {
        Dispatcher.Job(
            event: Event(kind: .message, generation: .bird, name: "test", key: "e\(id)"), sequence: sequence)
    }

    @Test func finishDrainsEverythingAcceptedAndRefusesNewEvents() async {
        let dispatcher = Dispatcher(queueLimit: 100, maxActiveLanes: 3)
        let handled = Mutex<[String: [String]]>([:])
        for index in 0..<30 {
            let lane = "lane-\(index % 5)"
            let reservation = dispatcher.reserve(lane: lane)
            dispatcher.submit(Self.job(index, sequence: Int64(index)), lane: lane, reservation: reservation)
        }
        dispatcher.finish()
        #expect(dispatcher.reserve(lane: "late") == nil)
        // run() returns only once every job was handled: the drain.
        await dispatcher.run { job in
            await Task.yield()
            handled.withLock { $0["lane-\(Int(job.sequence!) % 5)", default: []].append(job.event.key) }
        }
        let lanes = handled.withLock { $0 }
        #expect(lanes.values.map(\.count).reduce(0, +) == 30)
        for (lane, keys) in lanes {
            let index = Int(lane.dropFirst("lane-".count))!
            #expect(keys == stride(from: index, to: 30, by: 5).map { "e\($0)" })
        }
        #expect(dispatcher.depth == 0)
    }
}
