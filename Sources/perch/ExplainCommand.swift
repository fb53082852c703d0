import ArgumentParser
import Curl
import Foundation
import PerchEvents
import PerchFlows
import PerchServer

/// `perch explain`: why an event did (or did not) get an answer — from a running Perch by event id,
/// or offline for a message text against the flow files.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain the decision for a recent event (running Perch) or for a text (offline).",
        discussion: """
            perch explain EVENT_ID                     asks the running Perch (the event id is in the webhook's \
            200 answer and in the logs as event.id)
            perch explain --text "what are your hours" --channel whatsapp   decides offline against PERCH_FLOWS
            """)

    @Argument(help: "Event id of a recent event (ask the running Perch).")
    var eventID: String?

    @Option(help: "Message text to decide offline against the flow files.")
    var text: String?

    @Option(help: "Platform of the offline message (whatsapp, sms, ...).")
    var channel: String?

    @Option(help: "Flow files or directories for --text (default PERCH_FLOWS or flows).")
    var flows: [String] = []

    @Option(help: "Base URL of the running Perch (default from PERCH_LISTEN, on 127.0.0.1).")
    var url: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        if (eventID == nil) == (text == nil) {
            throw ValidationError("give either an EVENT_ID or --text")
        }
    }

    func run() async throws {
        let environment = Environment()
        if let text {
            try explainOffline(text, environment: environment)
        } else if let eventID {
            try await explainRemote(eventID, environment: environment)
        }
    }

    private func explainOffline(_ text: String, environment: Environment) throws {
        let paths = !flows.isEmpty ? flows : environment["PERCH_FLOWS"].map { $0.split(separator: ":").map(String.init) } ?? ["flows"]
        let set: FlowSet
        do {
            set = try FlowSet.load(paths: paths)
        } catch {
            for diagnostic in error.diagnostics { print(diagnostic) }
            throw ExitCode(1)
        }
        let event = Event(
            kind: .message, generation: .bird, name: "\(channel ?? "whatsapp").inbound", key: "offline",
            conversationID: "offline", platform: channel ?? "whatsapp", direction: .incoming, messageType: "text",
            content: MessageContent(text: text))
        let decision = set.explain(MatchInput(event: event, now: Date()))
        if json {
            let fired = decision.fired.map { JSONValue.string($0.key) }
            let rules = decision.trace.map { JSONValue.string($0.description) }
            print(JSONValue.object(["fired": .array(fired), "rules": .array(rules)]).serialized())
        } else {
            print(decision.explanation)
        }
    }

    private func explainRemote(_ eventID: String, environment: Environment) async throws {
        let port = environment["PERCH_LISTEN"].flatMap(ListenAddress.init(parsing:))?.port ?? 8080
        let base = url ?? "http://127.0.0.1:\(port)"
        var headers: [(name: String, value: String)] = []
        if let token = environment["PERCH_ADMIN_TOKEN"] { headers.append(("Authorization", "Bearer \(token)")) }
        let id = eventID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? eventID
        let client = HTTPClient()
        let result: Result<ClientResponse, any Error>
        do {
            result = .success(
                try await client.execute(
                    ClientRequest(url: "\(base)/explain/\(id)\(json ? "" : "?format=text")", headers: headers)))
        } catch {
            result = .failure(error)
        }
        await client.shutdown()
        let response = try result.get()
        print(String(decoding: response.body, as: UTF8.self), terminator: "")
        if response.status != 200 { throw ExitCode(1) }
    }
}
