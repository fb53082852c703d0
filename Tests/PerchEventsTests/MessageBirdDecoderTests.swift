import Foundation
import PerchEvents
import Testing

@Suite struct MessageBirdDecoderTests {
    @Test func messageCreatedFromTheQuickstart() throws {
        let body = try Fixture.bytes("messagebird/message-created.json")
        let event = try WebhookDecoder.messageBird(body)
        #expect(event.kind == .message)
        #expect(event.generation == .messagebird)
        #expect(event.name == "message.created")
        #expect(event.key == "messagebird:message.created:93a1f7ba935c4ee298cb5ef952052ea7:received")
        #expect(event.messageID == "93a1f7ba935c4ee298cb5ef952052ea7")
        #expect(event.conversationID == "f1e812e9afd6a875d813d51f45823edd")
        #expect(event.contactID == "73afe0acee2127fd3e7d9a7dc622826e")
        #expect(event.channelID == "2ceefea7c1b8c79673215c42c1a6b916")
        #expect(event.platform == nil)
        #expect(event.direction == .incoming)
        #expect(event.status == "received")
        #expect(event.messageType == "text")
        #expect(event.content == MessageContent(text: "Testing webhook functionality."))
        #expect(event.text == "Testing webhook functionality.")
        #expect(event.conversationStatus == "active")
        #expect(event.contact == Contact(id: "73afe0acee2127fd3e7d9a7dc622826e"))
        #expect(event.sender == Participant(type: "contact", id: "73afe0acee2127fd3e7d9a7dc622826e"))
        #expect(event.reference == nil)
        #expect(close(event.occurredAt, Fixture.date(1_551_436_802.880881)))
        #expect(event.raw.value(at: "message.content.text") == .string("Testing webhook functionality."))
        #expect(event.raw["type"] == .string("message.created"))
        #expect(WebhookDecoder.isKnown(event))
    }

    @Test func messageUpdatedIsOutgoingWithLowerCasedPlatform() throws {
        let event = try WebhookDecoder.messageBird(Fixture.bytes("messagebird/message-updated.json"))
        #expect(event.kind == .message)
        #expect(event.name == "message.updated")
        #expect(event.key == "messagebird:message.updated:b7c9d1e2f3a4455b8c6d7e8f9a0b1c2d:delivered")
        #expect(event.direction == .outgoing)
        #expect(event.platform == "whatsapp")
        #expect(event.status == "delivered")
        #expect(event.sender == nil)
        #expect(event.reference == "perch-7f3a")
        // An outgoing message's customer is its `to`.
        #expect(event.contact == Contact(id: "73afe0acee2127fd3e7d9a7dc622826e", identifier: "31612345678"))
        // Updates happen at `updatedDatetime`, not at creation.
        #expect(close(event.occurredAt, Fixture.date(1_551_436_835.5)))
    }

    @Test func sameMessageWithAnotherStatusHasAnotherKey() throws {
        let delivered = try WebhookDecoder.messageBird(Fixture.bytes("messagebird/message-updated.json"))
        var text = String(decoding: try Fixture.bytes("messagebird/message-updated.json"), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"delivered\"", with: "\"read\"")
        let read = try WebhookDecoder.messageBird(Array(text.utf8))
        #expect(delivered.key != read.key)
        #expect(delivered.messageID == read.messageID)
        // The same bytes delivered again give the same key.
        #expect(try WebhookDecoder.messageBird(Array(text.utf8)).key == read.key)
    }

    @Test func conversationCreatedCarriesTheContact() throws {
        let event = try WebhookDecoder.messageBird(Fixture.bytes("messagebird/conversation-created.json"))
        #expect(event.kind == .conversation)
        #expect(event.name == "conversation.created")
        #expect(event.key == "messagebird:conversation.created:2e15efafec384e1c82e9842075e87beb:2018-08-29T08:52:54Z")
        #expect(event.conversationID == "2e15efafec384e1c82e9842075e87beb")
        #expect(event.messageID == nil)
        #expect(event.contactID == "a621095fa44947a28b441cfdf85cb802")
        #expect(event.channelID == "853eeb5348e541a595da93b48c61a1ae")
        #expect(event.platform == "sms")
        #expect(event.conversationStatus == "active")
        #expect(event.direction == nil)
        #expect(event.content == nil)
        let contact = try #require(event.contact)
        #expect(contact.name == "Jen Smith")
        // msisdn arrives as a JSON number.
        #expect(contact.identifier == "316123456789")
        #expect(contact.attributes == ["custom1": .string("gold"), "custom2": .null])
        #expect(close(event.occurredAt, Fixture.date(1_535_532_774)))
        #expect(WebhookDecoder.isKnown(event))
    }

    @Test func conversationUpdatedKeyFollowsTheUpdateTime() throws {
        let event = try WebhookDecoder.messageBird(Fixture.bytes("messagebird/conversation-updated.json"))
        #expect(event.kind == .conversation)
        #expect(event.conversationStatus == "archived")
        #expect(
            event.key == "messagebird:conversation.updated:2e15efafec384e1c82e9842075e87beb:2018-09-01T12:00:00+02:00")
        #expect(close(event.occurredAt, Fixture.date(1_535_796_000)))
        #expect(event.contact == Contact(id: "a621095fa44947a28b441cfdf85cb802"))
    }

    @Test func numericMSISDNOnATopLevelContact() throws {
        let event = try WebhookDecoder.messageBird(Fixture.bytes("messagebird/message-created-numeric-msisdn.json"))
        let contact = try #require(event.contact)
        #expect(contact.identifier == "31612345678")
        #expect(contact.id == "a621095fa44947a28b441cfdf85cb802")
        // Empty last name is skipped, not joined as a trailing space.
        #expect(contact.name == "Jen")
        #expect(event.platform == "sms")
        #expect(event.text == "hours?")
    }

    @Test func missingOptionalFieldsStillDecode() throws {
        let event = try WebhookDecoder.messageBird(Fixture.bytes("messagebird/message-created-minimal.json"))
        #expect(event.kind == .message)
        #expect(event.messageID == "0d0a1e2f3a4b5c6d7e8f9a0b1c2d3e4f")
        #expect(event.key == "messagebird:message.created:0d0a1e2f3a4b5c6d7e8f9a0b1c2d3e4f:")
        #expect(event.conversationID == nil)
        #expect(event.contact == nil)
        #expect(event.direction == nil)
        #expect(event.content == nil)
        #expect(event.occurredAt == nil)
        #expect(event.sender == nil)
    }

    @Test func emojiAndAccentsSurvive() throws {
        let event = try WebhookDecoder.messageBird(Fixture.bytes("messagebird/message-created-emoji.json"))
        #expect(event.text == "Héllo 👋🏽 ¿qué tal? Çava — 日本語 é😀")
        #expect(event.contact?.name == "Zoë Ångström")
        #expect(event.contact?.identifier == "+31612345678")
        #expect(event.platform == "telegram")
        #expect(close(event.occurredAt, Fixture.date(1_714_554_000.123456)))
    }

    @Test func buttonReply() throws {
        let event = try WebhookDecoder.messageBird(Fixture.bytes("messagebird/message-button-reply.json"))
        #expect(event.messageType == "interactive")
        #expect(
            event.content?.reply
                == MessageContent.Reply(id: "talk-to-agent", title: "Talk to an agent", payload: "talk-to-agent"))
        #expect(event.content?.text == nil)
        #expect(event.text == "Talk to an agent")
        #expect(event.contact?.identifier == "+31612345678")
    }

    @Test func listReply() throws {
        let event = try WebhookDecoder.messageBird(Fixture.bytes("messagebird/message-list-reply.json"))
        #expect(
            event.content?.reply
                == MessageContent.Reply(id: "opening-hours", title: "Opening hours", payload: "opening-hours"))
        #expect(event.text == "Opening hours")
    }

    @Test func image() throws {
        let event = try WebhookDecoder.messageBird(Fixture.bytes("messagebird/message-image.json"))
        #expect(event.messageType == "image")
        #expect(event.platform == "messenger")
        #expect(
            event.content?.media == [.init(url: "https://media.messagebird.com/v1/media/1a2b3c", caption: "my receipt")]
        )
        #expect(event.text == nil)
    }

    @Test func location() throws {
        let event = try WebhookDecoder.messageBird(Fixture.bytes("messagebird/message-location.json"))
        #expect(event.content?.location == .init(latitude: 52.3676, longitude: 4.9041))
    }

    @Test func hsmTemplate() throws {
        let event = try WebhookDecoder.messageBird(Fixture.bytes("messagebird/message-hsm.json"))
        #expect(event.messageType == "hsm")
        #expect(event.content == MessageContent(template: "order_update"))
        #expect(event.direction == .outgoing)
        #expect(event.contact?.identifier == "+31612345678")
    }

    @Test func unknownEventNameIsAcceptedButNotKnown() throws {
        let event = try WebhookDecoder.messageBird(Fixture.bytes("messagebird/unknown-event.json"))
        #expect(event.name == "message.deleted")
        #expect(event.kind == .message)
        #expect(event.messageID == "93a1f7ba935c4ee298cb5ef952052ea7")
        #expect(event.key == "messagebird:message.deleted:93a1f7ba935c4ee298cb5ef952052ea7:deleted")
        #expect(!WebhookDecoder.isKnown(event))
    }

    @Test func voiceCallFlat() throws {
        let event = try WebhookDecoder.messageBirdVoice(Fixture.bytes("messagebird/voice-call.json"))
        #expect(event.kind == .voiceCall)
        #expect(event.generation == .messagebird)
        #expect(event.name == "voice.call.event")
        #expect(event.callID == "f1aa71c0-8f2a-4fe8-b5ef-9a330454ef58")
        #expect(event.status == "ringing")
        #expect(event.direction == .incoming)
        #expect(event.platform == "voice")
        #expect(event.contact == Contact(identifier: "31644556677"))
        #expect(
            event.key
                == "messagebird:voice.call.event:f1aa71c0-8f2a-4fe8-b5ef-9a330454ef58::ringing:2017-02-16T10:52:04Z")
        #expect(close(event.occurredAt, Fixture.date(1_487_242_324)))
        #expect(WebhookDecoder.isKnown(event))
    }

    @Test func voiceCallInItemsEnvelope() throws {
        let event = try WebhookDecoder.messageBirdVoice(Fixture.bytes("messagebird/voice-call-items.json"))
        #expect(event.callID == "f1aa71c0-8f2a-4fe8-b5ef-9a330454ef58")
        #expect(event.status == "ended")
        // Direction and the customer's number come from the first leg; the number is numeric.
        #expect(event.direction == .outgoing)
        #expect(event.contact == Contact(identifier: "31612345678"))
        #expect(close(event.occurredAt, Fixture.date(1_487_242_744)))
    }

    @Test func smsStatusAsJSON() throws {
        let event = try WebhookDecoder.messageBirdSMSStatus(
            query: [], body: Fixture.bytes("messagebird/sms-status.json"))
        #expect(event.kind == .smsStatus)
        #expect(event.name == "sms.status.report")
        #expect(event.messageID == "eef0ab57a9e049be946f3821568c2b2e")
        #expect(event.status == "delivery_failed")
        #expect(event.reference == "FOO")
        #expect(event.contact == Contact(identifier: "31612345678"))
        #expect(event.direction == .outgoing)
        #expect(event.platform == "sms")
        #expect(event.key == "messagebird:sms.status.report:eef0ab57a9e049be946f3821568c2b2e:delivery_failed")
        #expect(close(event.occurredAt, Fixture.date(1_547_198_231)))
        #expect(event.raw["statusReason"] == .string("unknown subscriber"))
        #expect(WebhookDecoder.isKnown(event))
    }

    @Test func smsStatusAsQueryParameters() throws {
        // The reference's signed GET (section 2.1), with the `+` of the offset decoded to a space
        // as a server does for an unencoded query.
        let query: [(name: String, value: String)] = [
            ("id", "eef0ab57a9e049be946f3821568c2b2e"), ("mccmnc", "20408"), ("ported", "1"),
            ("recipient", "31612345678"), ("reference", "FOO"), ("status", "delivered"),
            ("statusDatetime", "2019-01-11T09:17:11 00:00"),
        ]
        let event = try WebhookDecoder.messageBirdSMSStatus(query: query, body: [])
        #expect(event.messageID == "eef0ab57a9e049be946f3821568c2b2e")
        #expect(event.status == "delivered")
        #expect(event.reference == "FOO")
        #expect(event.contact?.identifier == "31612345678")
        #expect(close(event.occurredAt, Fixture.date(1_547_198_231)))
        #expect(event.raw["mccmnc"] == .string("20408"))
    }

    @Test func smsStatusAsForm() throws {
        let body = try Fixture.bytes("messagebird/sms-status-form.txt")
        let event = try WebhookDecoder.messageBirdSMSStatus(query: [("tenant", "acme")], body: body)
        #expect(event.status == "delivered")
        #expect(close(event.occurredAt, Fixture.date(1_547_198_231)))
        // Query parameters of the reportUrl are kept beside the body's fields.
        #expect(event.raw["tenant"] == .string("acme"))
    }
}
