import Foundation

/// Opening hours in one time zone: weekly ranges and closed dates, evaluated at any instant.
struct BusinessCalendar: Sendable, Hashable {
    /// Minutes since local midnight, `start..<end`; `end` may be 1440 (24:00).
    struct Range: Sendable, Hashable {
        var start: Int
        var end: Int
    }

    var name: String
    var timeZone: TimeZone
    /// Index 1 = Sunday ... 7 = Saturday, as Foundation's `weekday`.
    var weekly: [Int: [Range]]
    /// Dates (`yyyy-MM-dd`, local) on which it is closed all day.
    var closed: Set<String>

    /// Whether it is open at `instant`, seen in the calendar's own time zone (so DST changes are
    /// Foundation's business, not ours).
    func isOpen(at instant: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: instant)
        guard let year = parts.year, let month = parts.month, let day = parts.day, let weekday = parts.weekday,
            let hour = parts.hour, let minute = parts.minute
        else { return false }
        if closed.contains(Self.dateKey(year, month, day)) { return false }
        let now = hour * 60 + minute
        return (weekly[weekday] ?? []).contains { $0.start <= now && now < $0.end }
    }

    static func dateKey(_ year: Int, _ month: Int, _ day: Int) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Parses `mon`, `mon-fri`, `sat-sun`, `fri-mon` (wrapping), `mon,wed,fri` into weekday numbers.
    static func days(_ text: String) -> [Int]? {
        var result: [Int] = []
        for part in text.lowercased().split(separator: ",") {
            let bounds = part.split(separator: "-").map { $0.trimmingSpaces }
            guard (1...2).contains(bounds.count),
                let first = dayNames.firstIndex(of: String(bounds[0].prefix(3))), bounds[0].count >= 3,
                let last = dayNames.firstIndex(of: String(bounds[bounds.count - 1].prefix(3)))
            else { return nil }
            var day = first
            while true {
                result.append(day + 1)
                if day == last { break }
                day = (day + 1) % 7
            }
        }
        return result.isEmpty ? nil : result
    }

    /// Parses `09:00-17:30` (end `24:00` allowed).
    static func range(_ text: String) -> Range? {
        let bounds = text.split(separator: "-").map { $0.trimmingSpaces }
        guard bounds.count == 2, let start = minutes(bounds[0]), let end = minutes(bounds[1]), start < end else {
            return nil
        }
        return Range(start: start, end: end)
    }

    private static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2, let hour = Int(parts[0]),
            let minute = Int(parts[1]), (0...24).contains(hour), (0..<60).contains(minute), hour < 24 || minute == 0
        else { return nil }
        return hour * 60 + minute
    }

    /// Whether `text` is a valid `yyyy-MM-dd` date.
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil
        else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }
}
