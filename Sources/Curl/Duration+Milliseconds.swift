extension Duration {
    /// Whole milliseconds for libcurl's `_MS` options, at least 1 (0 would mean "no limit").
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        guard !milliseconds.overflow else { return seconds > 0 ? Int.max : 1 }
        let total = milliseconds.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        guard !total.overflow else { return Int.max }
        return max(1, Int(clamping: total.partialValue))
    }
}
