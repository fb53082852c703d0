import Foundation
import PerchEvents

/// One thing a rule does. The runtime carries it out; the flow language only checks its values.
public enum Action: Sendable, Hashable {
    case reply(ReplyAction)
    case sendTemplate(TemplateAction)
    case updateConversation(UpdateConversationAction)
    case handoff(HandoffAction)
    case setState(SetStateAction)
    case http(HTTPAction)
    /// Stop: no later rule fires for this event, even after `continue: true`.
    case stop

    /// The flow-file name of the action: `reply`, `send_template`, ...
    public var name: String {
        switch self {
        case .reply: "reply"
        case .sendTemplate: "send_template"
        case .updateConversation: "update_conversation"
        case .handoff: "handoff"
        case .setState: "set_state"
        case .http: "http"
        case .stop: "stop"
        }
    }
}

/// A text message back into the conversation.
public struct ReplyAction: Sendable, Hashable {
    public var text: TextTemplate
    /// Quick-reply buttons (their titles).
    public var buttons: [String]
    /// Sent instead when a free text is not allowed (WhatsApp's 24-hour window has closed).
    public var fallbackTemplate: TemplateAction?

    public init(text: TextTemplate, buttons: [String] = [], fallbackTemplate: TemplateAction? = nil) {
        self.text = text
        self.buttons = buttons
        self.fallbackTemplate = fallbackTemplate
    }
}

/// A pre-approved message template, in the form of either API generation.
public enum TemplateAction: Sendable, Hashable {
    case bird(BirdTemplate)
    case legacy(LegacyTemplate)
}

/// A Bird platform template (`api.bird.com`): project, version, locale, named parameters.
public struct BirdTemplate: Sendable, Hashable {
    public var project: String
    /// A version id, or `latest`.
    public var version: String
    public var locale: String
    public var parameters: [String: TextTemplate]

    public init(project: String, version: String = "latest", locale: String, parameters: [String: TextTemplate] = [:]) {
        self.project = project
        self.version = version
        self.locale = locale
        self.parameters = parameters
    }
}

/// A legacy MessageBird WhatsApp template (HSM): namespace, name, language, positional params.
public struct LegacyTemplate: Sendable, Hashable {
    public var namespace: String
    public var name: String
    public var language: String
    public var params: [TextTemplate]

    public init(namespace: String, name: String, language: String, params: [TextTemplate] = []) {
        self.namespace = namespace
        self.name = name
        self.language = language
        self.params = params
    }
}

/// Changes to the conversation itself.
public struct UpdateConversationAction: Sendable, Hashable {
    /// `active`, `archived` (legacy) or `closed` (Bird).
    public var status: String?
    public var name: TextTemplate?
    public var attributes: [String: TextTemplate]

    public init(status: String? = nil, name: TextTemplate? = nil, attributes: [String: TextTemplate] = [:]) {
        self.status = status
        self.name = name
        self.attributes = attributes
    }
}

/// Hands the conversation to people; the bot then stays quiet in it.
public struct HandoffAction: Sendable, Hashable {
    public var team: String?
    public var agent: String?
    /// An internal note for the agents.
    public var note: TextTemplate?

    public init(team: String? = nil, agent: String? = nil, note: TextTemplate? = nil) {
        self.team = team
        self.agent = agent
        self.note = note
    }
}

/// Sets (or clears) the conversation's dialog state.
public struct SetStateAction: Sendable, Hashable {
    /// The new state; `nil` clears it.
    public var name: String?
    /// After this long without a new message the state is forgotten.
    public var expiry: Duration?

    public init(name: String?, expiry: Duration? = nil) {
        self.name = name
        self.expiry = expiry
    }
}

/// Calls a URL with a JSON body.
public struct HTTPAction: Sendable, Hashable {
    public var url: String
    /// `POST` unless the flow says otherwise.
    public var method: String
    public var headers: [String: String]
    public var body: JSONTemplate?
    public var timeout: Duration

    public init(
        url: String, method: String = "POST", headers: [String: String] = [:], body: JSONTemplate? = nil,
        timeout: Duration = .seconds(10)
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// A JSON value whose strings are templates.
public indirect enum JSONTemplate: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(TextTemplate)
    case array([JSONTemplate])
    /// Members in the order written.
    case object([(key: String, value: JSONTemplate)])

    /// The JSON value with every string rendered for `event`.
    public func render(_ event: Event, extra: [String: String] = [:]) -> JSONValue {
        switch self {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .number(let number): .number(number)
        case .string(let template): .string(template.render(event, extra: extra))
        case .array(let elements): .array(elements.map { $0.render(event, extra: extra) })
        case .object(let members):
            .object(Dictionary(members.map { ($0.key, $0.value.render(event, extra: extra)) }) { first, _ in first })
        }
    }

    public static func == (lhs: JSONTemplate, rhs: JSONTemplate) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let flag): hasher.combine(flag)
        case .number(let number): hasher.combine(number)
        case .string(let template): hasher.combine(template)
        case .array(let elements): hasher.combine(elements)
        case .object(let members):
            for member in members {
                hasher.combine(member.key)
                hasher.combine(member.value)
            }
        }
    }
}
