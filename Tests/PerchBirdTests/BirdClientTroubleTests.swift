import Curl
import PerchBird
import PerchEvents
import PerchTesting
import Testing

@Suite("Bird API client under trouble")
struct BirdClientTroubleTests {
    @Test func tooManyRequestsWithRetryAfterThenCreatedDeliversExactlyOnce() async throws {
        try await ClientFixture.with { fixture in
            fixture.fake.inject(.tooManyRequests(retryAfter: 1))
            let response = try await fixture.client.perform(ClientFixture.reply())
            #expect(response.status == 201)
            #expect(fixture.fake.requests.count == 2)
            #expect(fixture.fake.deliveredMessages.count == 1)
            #expect(fixture.fake.deliveredMessages.first?["reference"] == .string("perch:e:r:0"))
            // The client waited exactly what Bird asked, on the injected clock.
            #expect(fixture.clock.sleeps == [.seconds(1)])
            #expect(fixture.clock.now == .seconds(1))
        }
    }

    @Test func threeServerErrorsThenSuccess() async throws {
        try await ClientFixture.with(retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(100))) { fixture in
            fixture.fake.inject(.serverError, .serverError, .serverError)
            let response = try await fixture.client.perform(ClientFixture.reply(generation: .messagebird))
            #expect(response.status == 201)
            #expect(fixture.fake.requests.count == 4)
            #expect(fixture.fake.deliveredMessages.count == 1)
            // Exponential backoff (jitter pinned to the whole step).
            #expect(fixture.clock.sleeps == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
        }
    }

    @Test func serverErrorsPastTheLastAttemptFailWithTheLastError() async throws {
        try await ClientFixture.with(retry: RetryPolicy(maxAttempts: 3)) { fixture in
            fixture.fake.inject(.serverError, .serverError, .serverError, .serverError)
            let error = try await #require(throws: BirdAPIError.self) {
                try await fixture.client.perform(ClientFixture.reply())
            }
            #expect(error.status == 500)
            #expect(error.attempts == 3)
            #expect(error.birdCode == "InternalServerError")
            #expect(fixture.fake.requests.count == 3)
            #expect(fixture.fake.deliveredMessages.isEmpty)
        }
    }

    @Test func closedConversationIsNotRetriedAndCarriesBirdsText() async throws {
        try await ClientFixture.with { fixture in
            fixture.fake.inject(.closedConversation)
            let error = try await #require(throws: BirdAPIError.self) {
                try await fixture.client.perform(ClientFixture.reply())
            }
            #expect(error.status == 422)
            #expect(error.birdCode == "ConversationClosed")
            #expect(error.description.contains("the conversation is closed; start a new one"))
            #expect(error.attempts == 1)
            #expect(fixture.fake.requests.count == 1)
            #expect(fixture.clock.sleeps.isEmpty)
        }
    }

    @Test func legacyErrorBodiesAreRead() async throws {
        try await ClientFixture.with { fixture in
            fixture.fake.inject(
                .status(
                    422,
                    body: #"{"errors":[{"code":21,"description":"conversation is archived","parameter":"id"}]}"#))
            let error = try await #require(throws: BirdAPIError.self) {
                try await fixture.client.perform(ClientFixture.reply(generation: .messagebird))
            }
            #expect(error.birdCode == "21")
            #expect(error.message == "conversation is archived (parameter id)")
        }
    }

    @Test func aHangHitsTheTimeout() async throws {
        try await ClientFixture.with(
            retry: .none, http: HTTPClientConfiguration(requestTimeout: .milliseconds(300))
        ) { fixture in
            fixture.fake.inject(.hang)
            let error = try await #require(throws: BirdAPIError.self) {
                try await fixture.client.perform(ClientFixture.reply())
            }
            #expect(error.isTimeout)
            #expect(error.isRetryable)
        }
    }

    @Test func aHangIsRetriedAfterItsTimeout() async throws {
        // 1 s leaves the retry, which is answered at once, room on a loaded CI machine.
        try await ClientFixture.with(http: HTTPClientConfiguration(requestTimeout: .seconds(1))) { fixture in
            fixture.fake.inject(.hang)
            let response = try await fixture.client.perform(ClientFixture.reply())
            #expect(response.status == 201)
            #expect(fixture.fake.requests.count == 2)
            #expect(fixture.fake.deliveredMessages.count == 1)
        }
    }

    @Test func aDroppedConnectionIsRetried() async throws {
        try await ClientFixture.with { fixture in
            fixture.fake.inject(.drop)
            let response = try await fixture.client.perform(ClientFixture.reply())
            #expect(response.status == 201)
            #expect(fixture.fake.requests.count == 2)
            #expect(fixture.clock.sleeps.count == 1)
        }
    }

    @Test func aDroppedConnectionIsATransportError() async throws {
        try await ClientFixture.with(retry: .none) { fixture in
            fixture.fake.inject(.drop)
            let error = try await #require(throws: BirdAPIError.self) {
                try await fixture.client.perform(ClientFixture.reply())
            }
            #expect(error.status == nil)
            #expect(!error.isTimeout)
            #expect(error.isRetryable)
        }
    }

    @Test func aBurstOf2000SendsIsPacedByTheLimiter() async throws {
        let limits = RateLimits(writesPerSecond: 500, readsPerSecond: 50, writeBurst: 50)
        try await ClientFixture.with(rateLimits: limits) { fixture in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<2000 {
                    group.addTask { _ = try await fixture.client.perform(ClientFixture.reply(index)) }
                    if index >= 64 { try await group.next() }
                }
                try await group.waitForAll()
            }
            #expect(fixture.fake.deliveredMessages.count == 2000)
            #expect(Set(fixture.fake.deliveredMessages.compactMap { $0["reference"] }).count == 2000)
            // 1,950 sends after the burst of 50 at 500/s: the client waited until 3.9 s on its clock.
            #expect(fixture.clock.now == .milliseconds(3900))
        }
    }

    @Test func sequentialCallsUseOneConnection() async throws {
        try await ClientFixture.with { fixture in
            for index in 0..<20 {
                _ = try await fixture.client.perform(
                    ClientFixture.reply(index, generation: index % 2 == 0 ? .bird : .messagebird))
            }
            #expect(fixture.fake.requests.count == 20)
            #expect(fixture.fake.connectionsAccepted == 1)
        }
    }

    @Test func concurrentCallsStayWithinThePool() async throws {
        try await ClientFixture.with(
            rateLimits: .unlimited, http: HTTPClientConfiguration(maxConnectionsPerHost: 4)
        ) { fixture in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<64 {
                    group.addTask { _ = try await fixture.client.perform(ClientFixture.reply(index)) }
                }
                try await group.waitForAll()
            }
            #expect(fixture.fake.deliveredMessages.count == 64)
            #expect(fixture.fake.connectionsAccepted <= 4)
        }
    }
}

@Suite("Bird API client: mistakes that retrying cannot fix")
struct BirdClientConfigurationMistakeTests {
    @Test func aMalformedBaseURLFailsAtOnce() async throws {
        let http = HTTPClient()
        let clock = VirtualClock()
        let client = BirdClient(
            configuration: BirdConfiguration(birdAPIURL: "/no-scheme", birdAccessKey: "key"), http: http,
            logger: .init(label: "test"), clock: clock)
        let error = await #expect(throws: BirdAPIError.self) {
            try await client.perform(ClientFixture.reply())
        }
        #expect(error?.isRetryable == false)
        #expect(error?.attempts == 1)
        #expect(clock.sleeps.isEmpty)
        await http.shutdown()
    }
}
