import PerchBird
import Testing

@Test func legacyKeyDefaultsToBirdKey() {
    let configuration = BirdConfiguration(birdAccessKey: "key")
    #expect(configuration.messageBirdAccessKey == "key")
    #expect(!configuration.isSandbox)
    #expect(BirdConfiguration().isSandbox)
}
