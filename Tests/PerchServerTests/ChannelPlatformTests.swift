import Foundation
import PerchEvents
import PerchTesting
import Testing

/// Bird conversation events name a channel id, not its platform: a flow written with platform names
/// (`channels: [whatsapp]`) still answers them, over real HTTP.
@Suite("Channel platforms of Bird conversation events")
struct ChannelPlatformTests {
    static let flow = """
        flow: whatsapp-line
        channels: [whatsapp]
        rules:
          - id: hours
            when: { keywords: [hours] }
            reply: "We are open from 9 to 5."
        """

    /// The platform comes from Bird's Channels API, or from `BIRD_WHATSAPP_CHANNELS` when Bird does
    /// not know the channel.
    @Test(arguments: [(channel: "ch-known-to-bird", configured: false), ("ch-configured", true)])
    func aWhatsAppFlowAnswersConversationEventsOfItsChannel(channel: String, configured: Bool) async throws {
        let clock = TestClock(Date())
        let flowPath = try Harness.writeFlow(Self.flow)
        defer { try? FileManager.default.removeItem(atPath: flowPath) }
        let harness = try await Harness.start(clock: clock) { configuration in
            configuration.flowsPaths = [flowPath]
            if configured { configuration.runtime.whatsappChannelIDs = [channel] }
        }
        try await harness.run { (harness: Harness) async throws in
            if !configured { harness.bird.addChannel(channel, platform: "whatsapp") }
            let status = try await harness.deliverBird(
                BirdPayload.contactMessage(
                    conversation: "c-wa-\(channel)", message: "m-wa", text: "opening hours?", at: clock.iso,
                    channel: channel))
            #expect(status == 200)
            await harness.settle()
            let sends = harness.bird.requests.filter { $0.method == "POST" }
            #expect(sends.count == 1, "\(harness.bird.requests)")
            #expect(sends.first?.json?["body"]?["text"]?["text"]?.stringValue == "We are open from 9 to 5.")
        }
    }
}
