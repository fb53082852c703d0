import Foundation
import Logging
import PerchFlows
import PerchRuntime
import Synchronization

/// Reloads the flows while Perch runs, on SIGHUP and when a flow file changes.
///
/// A reload reads and checks the whole set first. Only a set without errors replaces the one in
/// force, in one atomic swap: events already running finish on the set they started with. A set with
/// errors is refused, every error is logged with its file, line and column, and the old set stays.
public final class FlowReloader: Sendable {
    /// What one reload did.
    public enum Outcome: Sendable, Equatable {
        /// The new set is in force.
        case swapped(from: String, to: String)
        /// The files hold the set already in force; nothing changed.
        case unchanged(version: String)
        /// The files have errors; the set in force (`kept`) stays.
        case rejected(kept: String, errors: [Diagnostic])
    }

    private let paths: [String]
    private let library: FlowLibrary
    private let logger: Logger
    /// The files as the last reload (or check) saw them. Held during a whole reload, so SIGHUP and
    /// the watcher never reload at the same time.
    private let seen: Mutex<FileFingerprint>

    /// - Parameters:
    ///   - paths: the flow files and directories (`PERCH_FLOWS`), as loaded at start.
    ///   - library: holds the set in force; a clean reload swaps it.
    public init(paths: [String], library: FlowLibrary, logger: Logger) {
        self.paths = paths
        self.library = library
        self.logger = logger
        self.seen = Mutex(FileFingerprint(paths: paths))
    }

    /// Reads and checks the flow files, and swaps them in when they have no errors.
    /// - Parameter trigger: why (`SIGHUP`, `file change`), for the log.
    @discardableResult
    public func reload(trigger: String) -> Outcome {
        seen.withLock { seen in
            // Taken before reading: a change made while the files are read shows at the next check.
            seen = FileFingerprint(paths: paths)
            return load(trigger: trigger)
        }
    }

    /// Reloads when the files changed (names or contents) since the last look.
    /// - Returns: what the reload did, or `nil` when nothing changed.
    @discardableResult
    public func reloadIfChanged() -> Outcome? {
        seen.withLock { seen in
            let now = FileFingerprint(paths: paths)
            guard now != seen else { return nil }
            seen = now
            return load(trigger: "file change")
        }
    }

    /// Checks the files every `interval` and reloads when they changed, until the task is cancelled.
    public func watch(interval: Duration) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            reloadIfChanged()
        }
    }

    private func load(trigger: String) -> Outcome {
        let current = library.flows.version
        let (sources, problems) = FlowSource.read(paths: paths)
        var set: FlowSet?
        var diagnostics = problems
        if problems.isEmpty { (set, diagnostics) = FlowSet.check(sources: sources) }
        if sources.isEmpty && problems.isEmpty {
            // An empty set would silence the bot; more likely the files are being replaced (a checkout,
            // a remount) than meant to go. A restart starts without flows when that is really wanted.
            set = nil
            diagnostics = [
                Diagnostic(
                    file: paths.joined(separator: ":"), mark: .init(line: 1, column: 1), severity: .error,
                    message: "no flow files found (.yaml or .yml)")
            ]
        }
        guard let set else {
            let errors = diagnostics.filter { $0.severity == .error }
            for error in errors {
                logger.error(
                    "flow reload error",
                    metadata: [
                        "flow.file": "\(error.file)", "flow.line": "\(error.mark.line)",
                        "flow.column": "\(error.mark.column)", "diagnostic": "\(error)",
                    ])
            }
            logger.error(
                "flow reload rejected: keeping the flows in force",
                metadata: [
                    "flows.version": "\(current)", "reload.trigger": "\(trigger)", "reload.errors": "\(errors.count)",
                ])
            return .rejected(kept: current, errors: errors)
        }
        if set.version == current {
            logger.info("flows unchanged", metadata: ["flows.version": "\(current)", "reload.trigger": "\(trigger)"])
            return .unchanged(version: current)
        }
        library.swap(to: set)
        for warning in set.warnings {
            logger.warning("flow warning", metadata: ["diagnostic": "\(warning)"])
        }
        logger.notice(
            "flows reloaded",
            metadata: [
                "flows.version": "\(set.version)", "flows.previous_version": "\(current)",
                "flows.rules": "\(set.ruleCount)", "reload.trigger": "\(trigger)",
            ])
        return .swapped(from: current, to: set.version)
    }
}

/// The names and contents of the flow files under some paths: different whenever an editor saves,
/// adds, renames or deletes a flow file. Contents rather than modification times, because flow files
/// are small and a mounted configuration (a Kubernetes ConfigMap) changes by swapping symbolic links,
/// which leaves the links' own times alone.
struct FileFingerprint: Equatable {
    struct File: Equatable {
        var path: String
        var contents: Data?
    }

    var files: [File]

    init(paths: [String]) {
        let manager = FileManager.default
        var files: [File] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                files.append(File(path: path, contents: nil))
                continue
            }
            var candidates = [path]
            if isDirectory.boolValue {
                let base = path.hasSuffix("/") ? String(path.dropLast()) : path
                candidates = (manager.enumerator(atPath: path)?.compactMap { $0 as? String } ?? [])
                    .filter(Self.isFlowFile).map { "\(base)/\($0)" }.sorted()
            }
            for file in candidates {
                files.append(File(path: file, contents: manager.contents(atPath: file)))
            }
        }
        self.files = files
    }

    /// The same rule as the loader's: `.yaml`/`.yml` files that are not hidden (editors' swap files are).
    static func isFlowFile(_ path: String) -> Bool {
        (path.hasSuffix(".yaml") || path.hasSuffix(".yml"))
            && !path.split(separator: "/").contains { $0.hasPrefix(".") }
    }
}
