extension Node {
    /// A mapping with its keys in document order (merge keys already applied).
    public struct Mapping: Sendable, Hashable {
        /// One key and its value.
        public struct Entry: Sendable, Hashable {
            public var key: Node
            public var value: Node

            public init(key: Node, value: Node) {
                self.key = key
                self.value = value
            }
        }

        public var entries: [Entry]
        public var tag: String?
        public var mark: Mark

        public init(entries: [Entry], tag: String? = nil, mark: Mark) {
            self.entries = entries
            self.tag = tag
            self.mark = mark
        }

        /// The value of the first entry whose key is the scalar `key`.
        public subscript(key: String) -> Node? {
            entries.first { $0.key.scalar?.value == key }?.value
        }

        /// The entry (key node and value) for a scalar key, to report positions of keys.
        public func entry(_ key: String) -> Entry? {
            entries.first { $0.key.scalar?.value == key }
        }

        public var count: Int { entries.count }
    }

    /// A sequence of nodes.
    public struct Sequence: Sendable, Hashable {
        public var nodes: [Node]
        public var tag: String?
        public var mark: Mark

        public init(nodes: [Node], tag: String? = nil, mark: Mark) {
            self.nodes = nodes
            self.tag = tag
            self.mark = mark
        }
    }
}
