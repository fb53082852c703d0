import Foundation
import Logging
import PerchBird
import PerchEvents
import Synchronization

/// The platform (`whatsapp`, `sms`, ...) of each Bird channel, so that rules written with platform
/// names (`channels: [whatsapp]`) match Bird conversation events, which name only the channel id.
///
/// Learned from Bird's Channels API (`GET /workspaces/{ws}/channels/{id}`, its `platformId`) and kept
/// for the life of the process; when Bird cannot tell (sandbox, an error, an unknown channel), the
/// configuration answers (`BIRD_WHATSAPP_CHANNELS`), and Bird is asked again after ``retryAfter``.
final class ChannelPlatforms: Sendable {
    private struct Entry {
        var platform: String?
        /// When to ask Bird again; nil when Bird answered.
        var askAgainAt: Date?
    }

    private let known = Mutex<[String: Entry]>([:])
    private let bird: BirdClient
    private let workspaceID: String
    private let whatsappChannelIDs: Set<String>
    /// How long an answer from the configuration stands before Bird is asked again.
    static let retryAfter: TimeInterval = 300

    init(bird: BirdClient, workspaceID: String, whatsappChannelIDs: Set<String>) {
        self.bird = bird
        self.workspaceID = workspaceID
        self.whatsappChannelIDs = whatsappChannelIDs
    }

    /// The platform of `channelID`, or nil when neither Bird nor the configuration knows it.
    func platform(of channelID: String, logger: Logger) async -> String? {
        let now = Date()
        if let entry = known.withLock({ $0[channelID] }), entry.askAgainAt.map({ now < $0 }) ?? true {
            return entry.platform
        }
        var learned: String?
        if !bird.isSandbox, !workspaceID.isEmpty {
            do {
                let channel = try await bird.perform(
                    .getChannel(channelID, workspaceID: workspaceID), retry: RetryPolicy.none)
                learned = channel.body?["platformId"]?.stringValue.map(Self.platformName)
            } catch {
                logger.notice(
                    "could not learn the channel's platform from Bird; using the configuration",
                    metadata: ["bird.channel": "\(channelID)", "error": "\(error)"])
            }
        }
        let platform = learned ?? (whatsappChannelIDs.contains(channelID) ? "whatsapp" : nil)
        let entry = Entry(
            platform: platform, askAgainAt: learned == nil ? now.addingTimeInterval(Self.retryAfter) : nil)
        known.withLock { $0[channelID] = entry }
        return platform
    }

    /// The platform name rules use, from Bird's `platformId`: `whatsapp`, or the part before the first
    /// `-` (`sms-messagebird` -> `sms`) [INF: provider suffixes seen in Bird's platform ids].
    static func platformName(_ platformID: String) -> String {
        let lowered = platformID.lowercased()
        return lowered.split(separator: "-").first.map(String.init) ?? lowered
    }
}
