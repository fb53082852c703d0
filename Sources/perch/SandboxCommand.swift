import ArgumentParser
import Foundation
import Logging
import PerchEvents
import PerchTesting

/// `perch sandbox`: runs the fake Bird API so flows can be tried locally without a Bird account.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a fake Bird API on this machine and log what Perch sends it.",
        discussion: """
            Point Perch at it with the printed BIRD_API_URL / MESSAGEBIRD_API_URL and any access key. \
            Add a customer message for `perch serve --poll` with \
            curl -d '{"conversationId":"c-1","text":"hours"}' <url>/_fake/inbound.
            """)

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8091

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    /// The body for the log, with a webhook subscription's signing key masked (never log secrets).
    static func withoutSecrets(_ request: FakeBirdAPI.Request) -> String {
        guard case .object(var fields)? = request.json, fields["signingKey"] != nil else { return request.bodyText }
        fields["signingKey"] = .string("(hidden)")
        return JSONValue.object(fields).serialized()
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
        let logger = Logger(label: "perch.sandbox")
        let fake = FakeBirdAPI(host: host, port: port) { request, status in
            logger.info(
                "fake Bird API request",
                metadata: [
                    "http.method": "\(request.method)", "http.path": "\(request.path)",
                    "http.query": "\(request.query)", "http.status": "\(status)",
                    "http.body": "\(Self.withoutSecrets(request).prefix(2000))",
                ])
        }
        try fake.start()
        let banner =
            """
            Fake Bird API listening. Point Perch at it:
              export BIRD_API_URL=\(fake.birdURL)
              export MESSAGEBIRD_API_URL=\(fake.messageBirdURL)
              export BIRD_ACCESS_KEY=sandbox BIRD_WORKSPACE_ID=sandbox-ws BIRD_FLOW_ID=sandbox-flow
            Add a customer message (for perch serve --poll):
              curl -d '{"conversationId":"c-1","text":"hours"}' \(fake.birdURL)/_fake/inbound
            Ctrl-C stops it.

            """
        // Written at once (print would sit in stdout's buffer when it is a pipe).
        FileHandle.standardOutput.write(Data(banner.utf8))
        let signals = SignalWatcher(signals: [SIGTERM, SIGINT])
        for await _ in signals.received { break }
        signals.cancel()
        await fake.shutdown()
    }
}
