/// What a message carries, across platforms and generations. Fields that do not apply are nil/empty.
public struct MessageContent: Sendable, Hashable {
    /// A file, image, audio or video attachment.
    public struct Media: Sendable, Hashable {
        public var url: String
        public var contentType: String?
        public var caption: String?
        public var filename: String?

        public init(url: String, contentType: String? = nil, caption: String? = nil, filename: String? = nil) {
            self.url = url
            self.contentType = contentType
            self.caption = caption
            self.filename = filename
        }
    }

    public struct Location: Sendable, Hashable {
        public var latitude: Double
        public var longitude: Double

        public init(latitude: Double, longitude: Double) {
            self.latitude = latitude
            self.longitude = longitude
        }
    }

    /// The customer picked a quick-reply button or a list item.
    public struct Reply: Sendable, Hashable {
        public var id: String?
        public var title: String?
        /// The postback payload Perch (or the template) attached to the button.
        public var payload: String?
        /// The message whose button or list the customer answered (Bird `replyTo.id`).
        public var inReplyTo: String? = nil

        public init(id: String? = nil, title: String? = nil, payload: String? = nil) {
            self.id = id
            self.title = title
            self.payload = payload
        }
    }

    public var text: String?
    public var media: [Media]
    public var location: Location?
    public var reply: Reply?
    /// Template name (legacy `hsm.templateName`, Bird `template.projectId`) for template messages.
    public var template: String?

    public init(
        text: String? = nil, media: [Media] = [], location: Location? = nil, reply: Reply? = nil,
        template: String? = nil
    ) {
        self.text = text
        self.media = media
        self.location = location
        self.reply = reply
        self.template = template
    }
}
