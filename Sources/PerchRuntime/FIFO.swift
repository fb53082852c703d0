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

    /// Inserts `element` before the first element that `comesAfter` it (the end when none does), so a
    /// queue kept in order stays in order; O(1) when it belongs at the end, as it nearly always does.
    /// With `keepingFirst`, the first element (one already running) stays first.
    mutating func insert(_ element: Element, keepingFirst: Bool, by comesAfter: (Element, Element) -> Bool) {
        guard let last = items.last, head < items.count, comesAfter(last!, element) else {
            items.append(element)
            return
        }
        let start = head + (keepingFirst ? 1 : 0)
        let index = items[start...].firstIndex { comesAfter($0!, element) } ?? items.endIndex
        items.insert(element, at: index)
    }

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
