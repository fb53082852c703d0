import Curl
import Logging
import PerchBird
import PerchEvents
import PerchTesting

/// A `BirdClient` against a fresh fake Bird API, on a virtual clock, torn down after `body`.
struct ClientFixture {
    let client: BirdClient
    let fake: FakeBirdAPI
    let clock: VirtualClock
    let http: HTTPClient

    static func with(
        retry: RetryPolicy = RetryPolicy(),
        rateLimits: RateLimits = RateLimits(),
        http httpConfiguration: HTTPClientConfiguration = HTTPClientConfiguration(),
        organizationID: String? = nil,
        _ body: (ClientFixture) async throws -> Void
    ) async throws {
        let fake = FakeBirdAPI()
        try fake.start()
        let http = HTTPClient(configuration: httpConfiguration)
        let clock = VirtualClock()
        var configuration = BirdConfiguration(
            birdAPIURL: fake.birdURL, messageBirdAPIURL: fake.messageBirdURL, birdAccessKey: "bird-key",
            workspaceID: "ws", flowID: "flow-1", organizationID: organizationID)
        configuration.retry = retry
        configuration.rateLimits = rateLimits
        let client = BirdClient(
            configuration: configuration, http: http, logger: Logger(label: "test"), clock: clock, jitter: { 1 })
        let fixture = ClientFixture(client: client, fake: fake, clock: clock, http: http)
        do {
            try await body(fixture)
        } catch {
            await http.shutdown()
            await fake.shutdown()
            throw error
        }
        await http.shutdown()
        await fake.shutdown()
    }

    static func reply(_ index: Int = 0, generation: Generation = .bird, conversation: String = "c-1") -> BirdRequest {
        BirdRequest.sendText(
            OutgoingText(text: "answer \(index)"), conversationID: conversation, generation: generation,
            workspaceID: "ws", flowID: "flow-1", reference: "perch:e:r:\(index)")
    }
}
