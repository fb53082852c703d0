/// A store operation that did not happen, with a message an operator can act on.
///
/// The ingress answers 503 on any of these (Bird retries) and `/readyz` reports the message.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What class of failure this is; compare with the static members (`error.kind == .diskFull`).
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable, Hashable {
            case diskFull = "disk full"
            case unwritable = "not writable"
            case cannotOpen = "cannot open"
            case corrupt = "corrupt"
            case incompatible = "incompatible schema"
            case busy = "busy"
            case ioFailure = "I/O failure"
            case closed = "closed"
            case other = "failure"
        }

        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The disk (or the store's configured size limit) is full. Transient: writes work again once space is freed.
        public static let diskFull = Kind(.diskFull)
        /// The file or its directory cannot be written (permissions, read-only file system).
        public static let unwritable = Kind(.unwritable)
        /// The file cannot be opened or created.
        public static let cannotOpen = Kind(.cannotOpen)
        /// The file is damaged or is not a database.
        public static let corrupt = Kind(.corrupt)
        /// The file was written by a newer Perch whose schema this one does not know.
        public static let incompatible = Kind(.incompatible)
        /// Another process holds the database locked for too long.
        public static let busy = Kind(.busy)
        /// The operating system reported a read or write error.
        public static let ioFailure = Kind(.ioFailure)
        /// The store was closed.
        public static let closed = Kind(.closed)
        /// Anything else (a bug: please report it with the message).
        public static let other = Kind(.other)

        public var description: String { code.rawValue }
    }

    /// What class of failure this is.
    public let kind: Kind
    /// What happened and what to do, e.g. `the store at perch.sqlite is not writable: disk full`.
    public let message: String

    /// Creates an error; backends build these from their driver errors.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
