import PerchEvents
import Testing

@Test func generationsHaveStableNames() {
    #expect(Generation.messagebird.rawValue == "messagebird")
    #expect(Generation.bird.rawValue == "bird")
}
