import PerchBird

/// Where the Bird commands (`outbox`, `webhooks`) find Bird: the same environment as `perch serve`.
enum BirdSettings {
    static func configuration(from environment: Environment) -> BirdConfiguration {
        Settings(environment: environment).configuration.bird
    }
}
