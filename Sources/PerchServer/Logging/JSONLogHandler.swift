import Foundation
import Logging
import PerchEvents
import Synchronization

/// Writes one JSON object per log line (`ts`, `level`, `msg`, `label`, then the metadata keys), the
/// format log collectors read without parsing rules. Used when Perch's output is not a terminal.
public struct JSONLogHandler: LogHandler {
    /// Where lines go; shared by every handler of the process so lines never interleave.
    public final class Sink: Sendable {
        private let write: @Sendable (String) -> Void
        private let lock = Mutex(())

        public init(write: @escaping @Sendable (String) -> Void) { self.write = write }

        /// Standard error, line by line.
        public static let standardError = Sink { line in FileHandle.standardError.write(Data(line.utf8)) }

        func emit(_ line: String) { lock.withLock { _ in write(line) } }
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let sink: Sink

    public init(label: String, sink: Sink = .standardError) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: JSONValue] = [
            "ts": .string(Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))),
            "level": .string(event.level.rawValue), "msg": .string("\(event.message)"), "label": .string(label),
        ]
        for (key, value) in metadata { fields[key] = Self.json(value) }
        for (key, value) in event.metadata ?? [:] { fields[key] = Self.json(value) }
        if let error = event.error { fields["error"] = .string("\(error)") }
        sink.emit(JSONValue.object(fields).serialized() + "\n")
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let members): .object(members.mapValues(json))
        }
    }
}
