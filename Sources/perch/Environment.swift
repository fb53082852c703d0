import Foundation

/// Reads Perch's settings from the environment; the only place that does.
struct Environment {
    var values: [String: String]

    init(_ values: [String: String] = ProcessInfo.processInfo.environment) { self.values = values }

    /// The value of `name`, nil when unset or empty.
    subscript(name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }
}

/// A setting that could not be used, with what to do about it.
struct ConfigurationError: Error, CustomStringConvertible {
    var setting: String
    var problem: String
    var description: String { "\(setting): \(problem)" }
}
