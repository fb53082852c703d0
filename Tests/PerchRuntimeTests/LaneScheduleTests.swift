@testable import PerchRuntime
import Testing

@Suite("LaneSchedule: the dispatcher's bookkeeping")
struct LaneScheduleTests {
    @Test func aLaterArrivalSubmittedFirstWaitsForTheEarlierOne() {
        var schedule = LaneSchedule<String>(queueLimit: 10, maxActiveLanes: 4)
        let first = schedule.reserve(lane: "a")!
        let second = schedule.reserve(lane: "a")!
        // The store gave `first` sequence 1 and `second` sequence 2, but `second` is submitted first.
        #expect(schedule.submit("second", sequence: 2, lane: "a", ticket: second) == [])
        #expect(schedule.activeLanes == 0)
        #expect(schedule.submit("first", sequence: 1, lane: "a", ticket: first) == ["a"])
        #expect(schedule.next(on: "a", finished: false).job == "first")
        #expect(schedule.next(on: "a", finished: true).job == "second")
        let end = schedule.next(on: "a", finished: true)
        #expect(end.job == nil)
        #expect(schedule.isIdle)
        #expect(schedule.laneCount == 0)
    }

    @Test func aReleasedTicketUnblocksTheLane() {
        var schedule = LaneSchedule<String>(queueLimit: 10, maxActiveLanes: 4)
        let duplicate = schedule.reserve(lane: "a")!
        let real = schedule.reserve(lane: "a")!
        #expect(schedule.submit("real", sequence: 7, lane: "a", ticket: real) == [])
        #expect(schedule.release(duplicate) == ["a"])
        #expect(schedule.next(on: "a", finished: false).job == "real")
    }

    @Test func aTicketTakenAfterSubmitDoesNotHoldTheJob() {
        var schedule = LaneSchedule<String>(queueLimit: 10, maxActiveLanes: 4)
        let first = schedule.reserve(lane: "a")!
        #expect(schedule.submit("first", sequence: 1, lane: "a", ticket: first) == ["a"])
        _ = schedule.reserve(lane: "a")!
        #expect(schedule.next(on: "a", finished: false).job == "first")
    }

    @Test func otherLanesAreNotHeldByAnotherLanesTickets() {
        var schedule = LaneSchedule<String>(queueLimit: 10, maxActiveLanes: 4)
        _ = schedule.reserve(lane: "a")!
        let b = schedule.reserve(lane: "b")!
        #expect(schedule.submit("b1", sequence: 2, lane: "b", ticket: b) == ["b"])
    }

    @Test func jobsOfALaneRunInSequenceOrderNeverBeforeTheRunningOne() {
        var schedule = LaneSchedule<Int>(queueLimit: 10, maxActiveLanes: 4)
        _ = schedule.submit(5, sequence: 5, lane: "a", ticket: nil)
        #expect(schedule.next(on: "a", finished: false).job == 5)
        _ = schedule.submit(9, sequence: 9, lane: "a", ticket: nil)
        _ = schedule.submit(3, sequence: 3, lane: "a", ticket: nil)  // recovery of an older one
        _ = schedule.submit(7, sequence: 7, lane: "a", ticket: nil)
        var order: [Int] = []
        while let job = schedule.next(on: "a", finished: true).job { order.append(job) }
        #expect(order == [3, 7, 9])
    }

    @Test func queueLimitCountsQueuedAndReserved() {
        var schedule = LaneSchedule<Int>(queueLimit: 2, maxActiveLanes: 4)
        let one = schedule.reserve(lane: "a")!
        _ = schedule.submit(1, sequence: 1, lane: "a", ticket: one)
        #expect(schedule.reserve(lane: "b") != nil)
        #expect(schedule.reserve(lane: "c") == nil)
        _ = schedule.next(on: "a", finished: false)
        _ = schedule.next(on: "a", finished: true)
        #expect(schedule.reserve(lane: "c") != nil)
        schedule.stopAccepting()
        #expect(schedule.reserve(lane: "d") == nil)
    }

    @Test func activeLanesAreCappedAndWaitingLanesStartInOrder() {
        var schedule = LaneSchedule<String>(queueLimit: 10, maxActiveLanes: 2)
        #expect(schedule.submit("a", sequence: 1, lane: "a", ticket: nil) == ["a"])
        #expect(schedule.submit("b", sequence: 2, lane: "b", ticket: nil) == ["b"])
        #expect(schedule.submit("c", sequence: 3, lane: "c", ticket: nil) == [])
        #expect(schedule.submit("d", sequence: 4, lane: "d", ticket: nil) == [])
        #expect(schedule.activeLanes == 2)
        _ = schedule.next(on: "a", finished: false)
        _ = schedule.next(on: "b", finished: false)
        let afterB = schedule.next(on: "b", finished: true)
        #expect(afterB.job == nil)
        #expect(afterB.start == ["c"])
        let afterA = schedule.next(on: "a", finished: true)
        #expect(afterA.job == nil)
        #expect(afterA.start == ["d"])
        #expect(schedule.activeLanes == 2)
        #expect(schedule.queued == 2)
    }
}
