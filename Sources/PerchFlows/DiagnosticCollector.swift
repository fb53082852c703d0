import YAML

/// Gathers the diagnostics of one flow file, attaching the source line to each.
struct DiagnosticCollector {
    let file: String
    private let lines: [Substring]
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String, text: String) {
        self.file = file
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func make(_ severity: Diagnostic.Severity, _ mark: Mark, _ message: String, suggestion: String? = nil)
        -> Diagnostic
    {
        let line = lines.indices.contains(mark.line - 1) ? String(lines[mark.line - 1]) : nil
        return Diagnostic(
            file: file, mark: mark, severity: severity, message: message, suggestion: suggestion,
            sourceLine: line.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 })
    }

    mutating func error(_ mark: Mark, _ message: String, suggestion: String? = nil) {
        diagnostics.append(make(.error, mark, message, suggestion: suggestion))
    }

    mutating func warning(_ mark: Mark, _ message: String, suggestion: String? = nil) {
        diagnostics.append(make(.warning, mark, message, suggestion: suggestion))
    }

    /// An error for a name that is not one of `known`, with the closest known name as suggestion.
    mutating func unknown(_ what: String, _ name: String, at mark: Mark, known: some Collection<String>) {
        error(mark, "unknown \(what) '\(name)'", suggestion: Suggestion.closest(to: name, in: known))
    }
}

/// "Did you mean" suggestions by edit distance.
enum Suggestion {
    /// The candidate closest to `name`, if it is close enough to be a plausible typo.
    static func closest(to name: String, in candidates: some Collection<String>) -> String? {
        let lowered = name.lowercased()
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if best == nil || distance < best!.1 { best = (candidate, distance) }
        }
        guard let (candidate, distance) = best else { return nil }
        let allowed = max(1, min(3, max(name.count, candidate.count) / 3))
        return distance <= allowed || candidate.lowercased().hasPrefix(lowered) && lowered.count >= 3
            ? candidate : nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
