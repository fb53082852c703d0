import Curl
import Foundation
import MicroHTTP
import PerchBird
import PerchEvents

extension FakeBirdAPI {
    /// Sends a new customer message to every registered webhook, as Bird does: to Bird subscriptions
    /// of `conversation.updated` (signed with the subscription's key) and to legacy webhooks of
    /// `message.created`. The answer lists each delivery and the status the subscriber gave.
    static func deliverInbound(_ created: ServerResponse, state box: Box) async -> ServerResponse {
        guard let message = try? JSONValue(parsing: created.body),
            let conversationID = message["conversationId"]?.stringValue
        else { return created }
        let (targets, conversation) = box.state.withLock { state in
            (deliveryTargets(state), state.conversations[conversationID])
        }
        var deliveries: [JSONValue] = []
        for target in targets {
            let body: String
            switch target.generation {
            case .bird:
                guard message["sender"] != nil, let conversation else { continue }
                body = JSONValue.object([
                    "service": .string("conversations"), "event": .string("conversation.updated"),
                    "payload": conversation,
                ]).serialized()
            case .messagebird:
                guard message["direction"] != nil else { continue }
                body = JSONValue.object([
                    "type": .string("message.created"), "conversation": conversation ?? .null, "message": message,
                ]).serialized()
            }
            var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
            if let key = target.signingKey {
                headers += WebhookSigner(key: key).birdHeaders(
                    url: target.url, body: Array(body.utf8), timestamp: Int(Date().timeIntervalSince1970))
            }
            var delivery: [String: JSONValue] = ["url": .string(target.url)]
            do {
                let response = try await box.client.execute(
                    ClientRequest(method: "POST", url: target.url, headers: headers, body: Array(body.utf8)))
                delivery["status"] = .number(Double(response.status))
                delivery["answer"] = (try? JSONValue(parsing: response.body)) ?? .string(
                    String(decoding: response.body, as: UTF8.self))
            } catch {
                delivery["error"] = .string("\(error)")
            }
            deliveries.append(.object(delivery))
        }
        return .json(
            201, JSONValue.object(["message": message, "deliveries": .array(deliveries)]).serialized())
    }

    struct DeliveryTarget {
        var url: String
        var generation: Generation
        var signingKey: String?
    }

    static func deliveryTargets(_ state: State) -> [DeliveryTarget] {
        var targets: [DeliveryTarget] = []
        for subscription in state.subscriptions where subscription["event"]?.stringValue == "conversation.updated" {
            guard let url = subscription["url"]?.stringValue, let id = subscription["id"]?.stringValue else { continue }
            targets.append(DeliveryTarget(url: url, generation: .bird, signingKey: state.signingKeys[id]))
        }
        for webhook in state.webhooks {
            guard let url = webhook["url"]?.stringValue,
                case .array(let events)? = webhook["events"], events.contains(.string("message.created"))
            else { continue }
            targets.append(DeliveryTarget(url: url, generation: .messagebird, signingKey: nil))
        }
        return targets
    }
}
