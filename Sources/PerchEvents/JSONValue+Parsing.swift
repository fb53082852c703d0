extension JSONValue {
    /// Parses a JSON document (any JSON value at the top, UTF-8).
    /// - Parameter bytes: the document as received.
    /// - Throws: ``DecodeError`` when the bytes are empty or not JSON.
    public static func parse(_ bytes: [UInt8]) throws(DecodeError) -> JSONValue {
        if bytes.allSatisfy(Self.isWhitespace) { throw .emptyBody }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw .malformedJSON("\(error.reason) at byte \(error.offset)")
        }
    }

    /// Parses a JSON document that must be an object at the top, as every webhook body is.
    static func parseObject(_ bytes: [UInt8]) throws(DecodeError) -> JSONValue {
        let value = try parse(bytes)
        guard case .object = value else { throw .notAnObject }
        return value
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
