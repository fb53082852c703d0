import PerchBird

/// Where the Bird commands find Bird: the same environment variables as `perch serve`.
enum BirdSettings {
    static func configuration(from environment: Environment) -> BirdConfiguration {
        var configuration = BirdConfiguration(
            birdAPIURL: environment["BIRD_API_URL"] ?? "https://api.bird.com",
            messageBirdAPIURL: environment["MESSAGEBIRD_API_URL"] ?? "https://conversations.messagebird.com/v1",
            birdAccessKey: environment["BIRD_ACCESS_KEY"],
            messageBirdAccessKey: environment["MESSAGEBIRD_ACCESS_KEY"],
            workspaceID: environment["BIRD_WORKSPACE_ID"],
            flowID: environment["BIRD_FLOW_ID"],
            organizationID: environment["BIRD_ORGANIZATION_ID"])
        let writes = environment["BIRD_WRITES_PER_SECOND"].flatMap(Double.init) ?? 500
        let reads = environment["BIRD_READS_PER_SECOND"].flatMap(Double.init) ?? 50
        configuration.rateLimits = RateLimits(writesPerSecond: writes, readsPerSecond: reads)
        return configuration
    }
}
