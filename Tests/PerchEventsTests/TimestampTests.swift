import Foundation
import Testing

@testable import PerchEvents

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2019-03-01T10:40:02.880881081Z", 1_551_436_802.880881),
        ("2024-11-14T14:21:24.42Z", 1_731_594_084.42),
        ("2018-09-01T12:00:00+02:00", 1_535_796_000),
        ("2018-09-01T12:00:00-01:30", 1_535_808_600),
        ("1970-01-01T00:00:00Z", 0),
        ("2000-02-29T23:59:59z", 951_868_799),
        ("1761311290", 1_761_311_290),
    ])
    func parses(_ text: String, _ seconds: Double) {
        #expect(close(Timestamp.date(.string(text)), Date(timeIntervalSince1970: seconds)))
    }

    @Test(arguments: [
        "", "2019-03-01", "2019-03-01T10:40:02", "2019-13-01T10:40:02Z", "2019-03-01T25:40:02Z",
        "2019-03-01T10:40:02.Z", "2019-03-01T10:40:02Zjunk", "2019-03-01T10:40:02+0200", "-1", "99999999999999999999",
    ])
    func rejects(_ text: String) {
        #expect(Timestamp.date(.string(text)) == nil)
    }
}
