/// Client-side request rates per workspace, so Perch stays under Bird's limits instead of
/// collecting 429s. Bird documents 500 POST and 50 GET requests per second per workspace
/// (reference section 5); writes (POST, PATCH, PUT, DELETE) share the POST budget.
public struct RateLimits: Sendable, Hashable {
    /// Writes per second per workspace (`BIRD_WRITES_PER_SECOND`).
    public var writesPerSecond: Double
    /// Reads per second per workspace (`BIRD_READS_PER_SECOND`).
    public var readsPerSecond: Double
    /// Writes that may go at once after a quiet spell.
    public var writeBurst: Int
    /// Reads that may go at once after a quiet spell.
    public var readBurst: Int

    /// - Parameters:
    ///   - writesPerSecond: POST/PATCH/PUT/DELETE per second; Bird's documented limit by default.
    ///   - readsPerSecond: GET per second; Bird's documented limit by default.
    ///   - writeBurst: defaults to a tenth of a second's worth.
    ///   - readBurst: defaults to a tenth of a second's worth.
    public init(
        writesPerSecond: Double = 500, readsPerSecond: Double = 50, writeBurst: Int? = nil, readBurst: Int? = nil
    ) {
        self.writesPerSecond = writesPerSecond
        self.readsPerSecond = readsPerSecond
        self.writeBurst = writeBurst ?? max(1, Int(writesPerSecond / 10))
        self.readBurst = readBurst ?? max(1, Int(readsPerSecond / 10))
    }

    /// No client-side limit (benchmarks against a fake).
    public static let unlimited = RateLimits(
        writesPerSecond: .infinity, readsPerSecond: .infinity, writeBurst: Int.max / 2, readBurst: Int.max / 2)

    var isUnlimited: Bool { writesPerSecond.isInfinite && readsPerSecond.isInfinite }
}
