import PerchEvents
import Testing

@Suite struct DecodeErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var body: String
        var message: String
        var testDescription: String { message }
    }

    static let legacy: [Case] = [
        Case(body: "", message: "empty body: a JSON payload is required"),
        Case(body: "{\"type\":", message: "malformed JSON: unexpected end of input at byte 8"),
        Case(body: "[1,2]", message: "malformed payload: expected a JSON object at the top level"),
        Case(body: "{}", message: "missing field 'type'"),
        Case(body: "{\"type\":\"message.created\"}", message: "missing field 'message'"),
        Case(body: "{\"type\":\"message.created\",\"message\":{}}", message: "missing field 'message.id'"),
        Case(body: "{\"type\":\"message.created\",\"message\":\"x\"}", message: "field 'message' must be an object"),
        Case(
            body: "{\"type\":\"conversation.updated\",\"conversation\":{\"id\":\"\"}}",
            message: "missing field 'conversation.id'"),
    ]

    @Test(arguments: legacy) func legacyErrors(_ item: Case) {
        #expect(throws: (any Error).self) { try WebhookDecoder.messageBird(Array(item.body.utf8)) }
        do {
            _ = try WebhookDecoder.messageBird(Array(item.body.utf8))
        } catch {
            #expect(error.description == item.message)
        }
    }

    static let bird: [Case] = [
        Case(body: "{\"payload\":{}}", message: "missing field 'event'"),
        Case(body: "{\"event\":\"conversation.updated\"}", message: "missing field 'payload'"),
        Case(body: "{\"event\":\"conversation.updated\",\"payload\":{}}", message: "missing field 'payload.id'"),
        Case(body: "{\"event\":\"whatsapp.inbound\",\"payload\":{\"body\":{}}}", message: "missing field 'payload.id'"),
        Case(body: "{\"event\":\"whatsapp.inbound\",\"payload\":[]}", message: "field 'payload' must be an object"),
        Case(body: "{\"event\":\"x\",}", message: "malformed JSON: expected a member name at byte 13"),
    ]

    @Test(arguments: bird) func birdErrors(_ item: Case) {
        do {
            let event = try WebhookDecoder.bird(Array(item.body.utf8), requestID: nil)
            Issue.record("decoded \(event.name) instead of failing")
        } catch {
            #expect(error.description == item.message)
        }
    }

    @Test func voiceAndSMSErrors() {
        do {
            _ = try WebhookDecoder.messageBirdVoice(Array("{\"status\":\"ringing\"}".utf8))
            Issue.record("decoded")
        } catch {
            #expect(error.description == "missing field 'id'")
            #expect(error.field == "id")
        }
        do {
            _ = try WebhookDecoder.messageBirdVoice(
                Array("{\"items\":[{\"type\":\"leg\",\"payload\":{\"id\":\"l\"}}]}".utf8))
            Issue.record("decoded")
        } catch {
            #expect(error.description == "missing field 'items.0.payload.callId'")
        }
        do {
            _ = try WebhookDecoder.messageBirdSMSStatus(query: [], body: [])
            Issue.record("decoded")
        } catch {
            #expect(error.description == "empty body: a JSON payload is required")
        }
        do {
            _ = try WebhookDecoder.messageBirdSMSStatus(query: [("id", "x")], body: [])
            Issue.record("decoded")
        } catch {
            #expect(error.description == "missing field 'status'")
        }
        do {
            _ = try WebhookDecoder.messageBirdSMSStatus(query: [], body: Array("id=%zz&status=sent".utf8))
            Issue.record("decoded")
        } catch {
            #expect(error.description == "malformed form body: expected application/x-www-form-urlencoded")
        }
    }
}
