import Foundation

/// The text of one flow file and the name to report it under.
public struct FlowSource: Sendable, Hashable {
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    /// Reads the `.yaml`/`.yml` files of `paths` (files, or directories searched recursively), in
    /// path order. Unreadable paths become error diagnostics.
    public static func read(paths: [String]) -> (sources: [FlowSource], problems: [Diagnostic]) {
        var files: [String] = []
        var problems: [Diagnostic] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(problem(path, "no such file or directory"))
                continue
            }
            if isDirectory.boolValue {
                let base = path.hasSuffix("/") ? String(path.dropLast()) : path
                let found = (manager.enumerator(atPath: path)?.compactMap { $0 as? String } ?? [])
                    .filter(isFlowFile).map { "\(base)/\($0)" }
                files += found.sorted()
            } else {
                files.append(path)
            }
        }
        var seen: Set<String> = []
        var sources: [FlowSource] = []
        for file in files where seen.insert(file).inserted {
            guard let data = manager.contents(atPath: file) else {
                problems.append(problem(file, "cannot read the file"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                problems.append(problem(file, "the file is not UTF-8 text"))
                continue
            }
            sources.append(FlowSource(path: file, text: text))
        }
        return (sources, problems)
    }

    /// A `.yaml`/`.yml` file, none of whose path components (below the directory searched) is
    /// hidden: editors' swap files are, and so is a Kubernetes ConfigMap mount's `..data`
    /// directory, which holds a second copy of every file.
    static func isFlowFile(_ path: String) -> Bool {
        (path.hasSuffix(".yaml") || path.hasSuffix(".yml"))
            && !path.split(separator: "/").contains { $0.hasPrefix(".") }
    }

    private static func problem(_ path: String, _ message: String) -> Diagnostic {
        Diagnostic(file: path, mark: .init(line: 1, column: 1), severity: .error, message: message)
    }
}
