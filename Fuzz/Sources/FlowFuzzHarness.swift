import Foundation
import PerchEvents
import PerchFlows

/// Feeds one input to the flow language: as a whole flow file through validation and matching, as
/// a reply template through parsing and rendering, and as a `regex` condition matched against
/// itself. A crash, a sanitizer report or a hang (libFuzzer's `-timeout`) is a bug: flow files
/// come from people, texts and attributes from strangers.
enum FlowFuzzHarness {
    /// A received message with a contact and attributes, for templates to read.
    static let event: Event = {
        let body = #"""
            {"type":"message.created","conversation":{"id":"c1","contactId":"k1","status":"active"},
             "contact":{"id":"k1","displayName":"Ana","customDetails":{"tier":"gold"}},
             "message":{"id":"m1","conversationId":"c1","channelId":"ch1","platform":"whatsapp",
              "direction":"received","type":"text","content":{"text":"where is my order 123456?"}}}
            """#
        return try! WebhookDecoder.messageBird(Array(body.utf8))
    }()

    static func run(_ bytes: [UInt8], flows: Bool = true, templates: Bool = true) {
        let text = String(decoding: bytes, as: UTF8.self)
        if flows {
            validate(text)
            validate(
                "flow: fuzz\nrules:\n  - id: r\n    when: { regex: '\(yamlQuoted(text))' }\n    reply: x\n", with: text)
        }
        if templates, let template = try? TextTemplate(parsing: text) {
            _ = template.render(event, extra: ["state": text])
            _ = template.variables
        }
    }

    /// Loads `source` as a flow file; when it loads, decides and explains an event (with `message`
    /// as its text when given), and renders every diagnostic as `perch validate` prints it.
    static func validate(_ source: String, with message: String? = nil) {
        let (set, diagnostics) = FlowSet.check(sources: [FlowSource(path: "fuzz.yaml", text: source)])
        for diagnostic in diagnostics { _ = diagnostic.rendered }
        guard let set else { return }
        var subject = event
        if let message { subject.content = MessageContent(text: message) }
        let input = MatchInput(event: subject, now: Date(timeIntervalSince1970: 1_767_225_600))
        _ = set.decide(input).explanation
        _ = set.explain(input).explanation
    }

    /// The text inside a single-quoted YAML scalar.
    static func yamlQuoted(_ text: String) -> String {
        text.replacingOccurrences(of: "'", with: "''")
    }
}
