import Foundation
import PerchEvents
import Testing

@Suite struct BirdDecoderTests {
    @Test func conversationUpdatedWithoutMessage() throws {
        let body = try Fixture.bytes("bird/conversation-updated.json")
        let event = try WebhookDecoder.bird(body, requestID: "req-1")
        #expect(event.kind == .conversation)
        #expect(event.generation == .bird)
        #expect(event.name == "conversation.updated")
        #expect(event.key == "bird:conversation.updated:badbf15c-6d4f-4a3e-9c1b-2a7e5b8d9f01:2024-11-14T19:06:59.889Z")
        #expect(event.conversationID == "badbf15c-6d4f-4a3e-9c1b-2a7e5b8d9f01")
        #expect(event.channelID == "8e046034-bca4-4f13-9a3c-5d2c1b0a9f8e")
        #expect(event.conversationStatus == "active")
        #expect(event.messageID == nil)
        #expect(event.direction == nil)
        #expect(
            event.contact
                == Contact(id: "7dad2b4e-1c3f-4e5a-8b6c-9d0e1f2a3b4c", name: "Jane Doe", identifier: "2761530000000000")
        )
        #expect(event.contactID == "7dad2b4e-1c3f-4e5a-8b6c-9d0e1f2a3b4c")
        #expect(
            event.conversationAttributes == [
                "ticketId": .string("123"), "department": .string("technical-support"), "priority": .number(2),
            ])
        #expect(event.requestID == "req-1")
        #expect(close(event.occurredAt, Fixture.date(1_731_611_219.889)))
        #expect(event.raw["service"] == .string("conversations"))
        #expect(WebhookDecoder.isKnown(event))
    }

    @Test func conversationUpdatedWithContactMessageIsACustomerMessage() throws {
        let event = try WebhookDecoder.bird(
            Fixture.bytes("bird/conversation-updated-contact-message.json"), requestID: nil)
        #expect(event.kind == .message)
        #expect(event.name == "conversation.updated")
        #expect(event.direction == .incoming)
        #expect(event.messageID == "af87bd00-0b44-4947-b9e0-8114b1680b6a")
        #expect(event.key == "bird:message:af87bd00-0b44-4947-b9e0-8114b1680b6a")
        #expect(event.text == "What are your opening hours? 🕘")
        #expect(event.messageType == "text")
        #expect(event.status == "delivered")
        #expect(event.conversationID == "0e07df52-3a5b-47e0-a8cb-1cf1754df147")
        #expect(event.channelID == "5da69b04-d462-5efd-9b65-28dbae1e0482")
        #expect(event.contactID == "bfa19042-a631-47c8-9b62-ab237de3c170")
        #expect(
            event.contact
                == Contact(id: "bfa19042-a631-47c8-9b62-ab237de3c170", name: "João Müller", identifier: "+31627543581"))
        #expect(event.sender == Participant(type: "contact", id: "bfa19042-a631-47c8-9b62-ab237de3c170"))
        #expect(event.conversationAttributes == ["lang": .string("pt")])
        #expect(event.requestID == nil)
        #expect(close(event.occurredAt, Fixture.date(1_731_610_572.381)))
        #expect(WebhookDecoder.isKnown(event))
    }

    @Test func theSameCustomerMessageThroughTwoUpdatesDedupes() throws {
        let first = try WebhookDecoder.bird(
            Fixture.bytes("bird/conversation-updated-contact-message.json"), requestID: "a")
        let second = try WebhookDecoder.bird(
            Fixture.bytes("bird/conversation-updated-contact-message-again.json"), requestID: "b")
        #expect(first.key == second.key)
        #expect(second.status == "read")
    }

    @Test func conversationUpdatedWithFlowMessageIsNotACustomerMessage() throws {
        let event = try WebhookDecoder.bird(
            Fixture.bytes("bird/conversation-updated-flow-message.json"), requestID: nil)
        #expect(event.kind == .conversation)
        #expect(event.messageID == nil)
        #expect(event.direction == nil)
        #expect(event.content == nil)
        #expect(event.sender == Participant(type: "flow", id: "82db510f-a013-41e9-a19b-808955469764"))
        #expect(event.key == "bird:conversation.updated:0e07df52-3a5b-47e0-a8cb-1cf1754df147:2024-11-14T18:56:13.2Z")
        #expect(event.contact?.name == "João Müller")
    }

    @Test func conversationCreatedWithUserMessageIsAConversationEvent() throws {
        let event = try WebhookDecoder.bird(
            Fixture.bytes("bird/conversation-created-user-message.json"), requestID: nil)
        #expect(event.kind == .conversation)
        #expect(event.name == "conversation.created")
        #expect(event.sender == Participant(type: "user", id: "e0b759f7-c366-4223-87a5-d1186ba4644f"))
        #expect(
            event.contact
                == Contact(id: "bfa19042-a631-47c8-9b62-ab237de3c170", name: "Alex L", identifier: "+31627543581"))
        #expect(close(event.occurredAt, Fixture.date(1_731_582_633.814)))
    }

    @Test func conversationDeleted() throws {
        let event = try WebhookDecoder.bird(Fixture.bytes("bird/conversation-deleted.json"), requestID: nil)
        #expect(event.kind == .conversation)
        #expect(event.conversationStatus == "closed")
        #expect(event.key == "bird:conversation.deleted:0e07df52-3a5b-47e0-a8cb-1cf1754df147:2024-11-20T08:00:00Z")
        #expect(WebhookDecoder.isKnown(event))
    }

    @Test func whatsappInboundButtonReply() throws {
        let event = try WebhookDecoder.bird(Fixture.bytes("bird/whatsapp-inbound-button-reply.json"), requestID: nil)
        #expect(event.kind == .message)
        #expect(event.name == "whatsapp.inbound")
        #expect(event.platform == "whatsapp")
        #expect(event.direction == .incoming)
        #expect(event.status == "delivered")
        #expect(event.messageID == "32db9210-58b8-4a8e-9f1e-0c6b2a1d3e4f")
        #expect(event.key == "bird:whatsapp.inbound:32db9210-58b8-4a8e-9f1e-0c6b2a1d3e4f:delivered")
        #expect(event.channelID == "8e046034-bca4-4f13-9a3c-5d2c1b0a9f8e")
        #expect(event.contactID == "6134ace9-2f0a-4c1b-9d8e-7f6a5b4c3d2e")
        #expect(
            event.contact
                == Contact(
                    id: "6134ace9-2f0a-4c1b-9d8e-7f6a5b4c3d2e", name: "Abdelrahman B.", identifier: "+201012345678"))
        #expect(event.sender == Participant(type: "contact", id: "6134ace9-2f0a-4c1b-9d8e-7f6a5b4c3d2e"))
        #expect(event.messageType == "text")
        var reply = MessageContent.Reply(title: "صورة", payload: "Image")
        reply.inReplyTo = "5c31a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b"
        #expect(event.content == MessageContent(text: "صورة", reply: reply))
        #expect(event.reference == nil)
        #expect(close(event.occurredAt, Fixture.date(1_761_311_291.5)))
        #expect(WebhookDecoder.isKnown(event))
    }

    @Test func whatsappInboundTextWithUnknownFields() throws {
        let event = try WebhookDecoder.bird(Fixture.bytes("bird/whatsapp-inbound-text.json"), requestID: nil)
        #expect(event.text == "Bonjour 👋 où est ma commande? ✨")
        #expect(event.content?.reply == nil)
        #expect(event.contact?.name == "Chloé Dubois")
        #expect(event.contact?.attributes == ["vip": .bool(true)])
        #expect(event.raw.value(at: "payload.unknownFutureField.x") == .number(1))
    }

    @Test func inboundImage() throws {
        let event = try WebhookDecoder.bird(Fixture.bytes("bird/whatsapp-inbound-image.json"), requestID: nil)
        #expect(event.messageType == "image")
        #expect(
            event.content?.media == [
                .init(
                    url: "https://media.api.bird.com/workspaces/ws/messages/m/media/1", contentType: "image/jpeg",
                    caption: "receipt")
            ])
        #expect(event.content?.text == "here")
    }

    @Test func inboundFileOnAnUpperCasePlatform() throws {
        let event = try WebhookDecoder.bird(Fixture.bytes("bird/sms-inbound-file.json"), requestID: nil)
        #expect(event.platform == "sms")
        #expect(event.name == "SMS.inbound")
        #expect(
            event.content?.media == [
                .init(url: "https://media.api.bird.com/f/2", contentType: "application/pdf", filename: "invoice.pdf")
            ])
        #expect(WebhookDecoder.isKnown(event))
    }

    @Test func inboundLocation() throws {
        let event = try WebhookDecoder.bird(Fixture.bytes("bird/telegram-inbound-location.json"), requestID: nil)
        #expect(event.platform == "telegram")
        #expect(event.content?.location == .init(latitude: -33.8688, longitude: 151.2093))
        #expect(event.contact?.identifier == "123456789")
    }

    @Test func outboundTemplateStatus() throws {
        let event = try WebhookDecoder.bird(Fixture.bytes("bird/whatsapp-outbound.json"), requestID: nil)
        #expect(event.direction == .outgoing)
        #expect(event.status == "delivered")
        #expect(event.messageType == "template")
        #expect(event.content == MessageContent(template: "5d9084b3-7cdb-4c87-bf7c-8871a1f21695"))
        #expect(event.reference == "perch:evt-42:0")
        #expect(event.contact == Contact(id: "6134ace9-2f0a-4c1b-9d8e-7f6a5b4c3d2e", identifier: "+31612345678"))
        #expect(event.sender == nil)
        #expect(event.key == "bird:whatsapp.outbound:out-0001:delivered")
        #expect(close(event.occurredAt, Fixture.date(1_761_311_102)))
    }

    @Test func interaction() throws {
        let event = try WebhookDecoder.bird(Fixture.bytes("bird/whatsapp-interaction.json"), requestID: nil)
        #expect(event.kind == .message)
        #expect(event.messageID == "out-0001")
        #expect(event.status == "read")
        #expect(event.key == "bird:whatsapp.interaction:int-0001")
        #expect(WebhookDecoder.isKnown(event))
    }

    @Test func unknownEventIsAcceptedButNotKnown() throws {
        let event = try WebhookDecoder.bird(Fixture.bytes("bird/channel-created.json"), requestID: "r")
        #expect(event.name == "channel.created")
        #expect(event.kind == .conversation)
        #expect(event.key == "bird:channel.created:8e046034-bca4-4f13-9a3c-5d2c1b0a9f8e:active")
        #expect(!WebhookDecoder.isKnown(event))
    }
}
