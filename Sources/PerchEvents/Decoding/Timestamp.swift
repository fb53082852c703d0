import Foundation

/// Reads the timestamps Bird sends: RFC 3339 with any number of fraction digits
/// (`2019-03-01T10:40:02.880881081Z`, `2024-11-14T14:21:24.42Z`, `+02:00` offsets) and unix
/// seconds as text or number. Hand-written because `ISO8601DateFormatter` rejects nine fraction
/// digits and is slow; it never traps on hostile input (bounded digit counts, no overflow).
enum Timestamp {
    static func date(_ value: JSONValue?) -> Date? {
        switch value {
        case .string(let text)?:
            return rfc3339(text) ?? unixSeconds(text)
        case .number(let seconds)? where seconds.isFinite && seconds > 0 && seconds < 1e11:
            return Date(timeIntervalSince1970: seconds)
        default:
            return nil
        }
    }

    static func unixSeconds(_ text: String) -> Date? {
        guard !text.isEmpty, text.utf8.count <= 11, let seconds = Int64(text), seconds > 0 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    static func rfc3339(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0

        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var result = 0
            for _ in 0..<digits {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                result = result * 10 + Int(byte - 0x30)
                index += 1
            }
            return result
        }
        func expect(_ allowed: UInt8, _ alternatives: UInt8...) -> Bool {
            guard index < bytes.count, bytes[index] == allowed || alternatives.contains(bytes[index]) else {
                return false
            }
            index += 1
            return true
        }

        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D),
            let day = number(2), expect(0x54, 0x74, 0x20), let hour = number(2), expect(0x3A),
            let minute = number(2), expect(0x3A), let second = number(2)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60 else {
            return nil
        }

        var fraction = 0.0
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            var scale = 0.1
            var digits = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if digits < 9 { fraction += Double(bytes[index] - 0x30) * scale }
                scale /= 10
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
        }

        var offset = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case 0x5A, 0x7A:  // Z z
            index += 1
        case 0x2B, 0x2D:  // + -
            let sign = bytes[index] == 0x2B ? 1 : -1
            index += 1
            guard let hours = number(2), expect(0x3A), let minutes = number(2), hours < 24, minutes < 60 else {
                return nil
            }
            offset = sign * (hours * 3600 + minutes * 60)
        default:
            return nil
        }
        guard index == bytes.count else { return nil }

        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
