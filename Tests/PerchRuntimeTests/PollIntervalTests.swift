import PerchRuntime
import Testing

/// `PERCH_POLL` / `--poll`: numbers that do not fit a duration are refused, not a crash at start.
@Suite struct PollIntervalTests {
    @Test(arguments: ["1e300", "1e300s", "inf", "nan", "-5", "0", "1e20h", "0.0000001ms", "25h"])
    func outOfRangeIntervalsAreRefused(text: String) {
        #expect(PollerConfiguration.parseInterval(text) == nil)
    }

    @Test(arguments: [("30s", 30_000), ("2m", 120_000), ("500ms", 500), ("1.5", 1500), ("24h", 86_400_000)])
    func ordinaryIntervalsParse(text: String, milliseconds: Int64) {
        #expect(PollerConfiguration.parseInterval(text) == .milliseconds(milliseconds))
    }
}
