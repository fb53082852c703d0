/// A YAML document that could not be read, with the position of the problem.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is; new kinds may be added.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable {
            case syntax, duplicateKey, badMerge, unknownAlias, recursiveAlias, tooManyAliases, multipleDocuments,
                tooDeep
        }
        private let code: Code

        /// libyaml rejected the text (its problem text is in the message).
        public static let syntax = Kind(code: .syntax)
        /// A mapping has the same key twice.
        public static let duplicateKey = Kind(code: .duplicateKey)
        /// A `<<` merge key whose value is not a mapping or a list of mappings.
        public static let badMerge = Kind(code: .badMerge)
        /// An alias (`*name`) to an anchor that was never defined.
        public static let unknownAlias = Kind(code: .unknownAlias)
        /// An alias used inside the node that defines its own anchor.
        public static let recursiveAlias = Kind(code: .recursiveAlias)
        /// Aliases expand to more nodes than the limit ("billion laughs").
        public static let tooManyAliases = Kind(code: .tooManyAliases)
        /// The text holds more than one document.
        public static let multipleDocuments = Kind(code: .multipleDocuments)
        /// Collections nested deeper than the parser allows.
        public static let tooDeep = Kind(code: .tooDeep)

        public var description: String { "\(code)" }
    }

    public var kind: Kind
    public var file: String
    public var mark: Mark
    public var message: String

    public init(kind: Kind, file: String, mark: Mark, message: String) {
        self.kind = kind
        self.file = file
        self.mark = mark
        self.message = message
    }

    /// `file:line:col: message`.
    public var description: String { "\(file):\(mark.line):\(mark.column): \(message)" }
}
