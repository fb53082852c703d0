/// Durations as flow files write them: `30s`, `10m`, `2h`, `1d`, `1h30m`, `500ms`, `1w`.
enum DurationText {
    static let units: [(String, Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000),
    ]

    /// Parses a duration; `nil` when the text is not one.
    static func parse(_ text: String) -> Duration? {
        var milliseconds: Int64 = 0
        var rest = Substring(text.trimmingCharacters(in: " "))
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unitText = rest.prefix { $0.isASCII && $0.isLetter }
            guard let unit = units.first(where: { $0.0 == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            let (product, overflow) = number.multipliedReportingOverflow(by: unit.1)
            guard !overflow else { return nil }
            milliseconds += product
        }
        return .milliseconds(milliseconds)
    }

    /// A short text for a duration, for traces: `10m`, `1h30m`, `45s`.
    static func format(_ duration: Duration) -> String {
        var ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if ms == 0 { return "0s" }
        var text = ""
        for (name, size) in units.reversed() where size >= 1000 || ms < 1000 {
            if ms >= size {
                text += "\(ms / size)\(name)"
                ms %= size
            }
        }
        return text
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var slice = Substring(self)
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return String(slice)
    }
}

extension Duration {
    /// The duration in seconds, for arithmetic with `Date`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
