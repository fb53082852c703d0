import Testing

@testable import PerchRuntime

@Suite struct FIFOTests {
    @Test func keepsOrderAcrossCompactions() {
        var queue = FIFO<Int>()
        var expected: [Int] = []
        var taken: [Int] = []
        // Interleave appends and removals so that the storage compacts many times.
        for round in 0..<50 {
            for value in 0..<(round % 7 + 1) {
                queue.append(round * 10 + value)
                expected.append(round * 10 + value)
            }
            for _ in 0..<(round % 5) {
                if let value = queue.removeFirst() { taken.append(value) }
            }
        }
        while let value = queue.removeFirst() { taken.append(value) }
        #expect(taken == expected)
        #expect(queue.isEmpty)
        #expect(queue.first == nil)
    }

    @Test func firstIsTheOldestElement() {
        var queue = FIFO(["a", "b"])
        #expect(queue.first == "a")
        #expect(queue.removeFirst() == "a")
        queue.append("c")
        #expect(queue.first == "b")
        #expect(queue.removeFirst() == "b")
        #expect(queue.removeFirst() == "c")
        #expect(queue.removeFirst() == nil)
    }
}
