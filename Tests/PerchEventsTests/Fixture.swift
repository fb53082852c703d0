import Foundation
import Testing

/// Webhook bodies beside the tests, loaded as resources.
enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.resourceURL).appending(path: "Fixtures/\(name)")
        return try [UInt8](Data(contentsOf: url))
    }

    static func date(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: seconds) }
}

/// Dates compared to the millisecond: fractions go through binary floating point.
func close(_ lhs: Date?, _ rhs: Date) -> Bool {
    guard let lhs else { return false }
    return abs(lhs.timeIntervalSince1970 - rhs.timeIntervalSince1970) < 0.001
}
