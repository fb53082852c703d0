import Foundation
import Testing

@testable import PerchFlows

/// Which files the loader reads from a directory.
@Suite struct FlowSourceTests {
    /// A Kubernetes ConfigMap mount: `faq.yaml -> ..data/faq.yaml`, `..data -> ..2026_12_02_...`.
    /// Only the visible link is a flow; the hidden directories hold the same file again.
    @Test func hiddenDirectoriesAreNotSearched() throws {
        let manager = FileManager.default
        let root = manager.temporaryDirectory.appendingPathComponent("perch-configmap-\(UUID().uuidString)")
        defer { try? manager.removeItem(at: root) }
        let versioned = root.appendingPathComponent("..2026_12_02_10_00_00.123")
        try manager.createDirectory(at: versioned, withIntermediateDirectories: true)
        try Data("flow: faq\nrules:\n  - id: hi\n    when: { keywords: [hi] }\n    reply: hello\n".utf8)
            .write(to: versioned.appendingPathComponent("faq.yaml"))
        try manager.createSymbolicLink(
            atPath: root.appendingPathComponent("..data").path, withDestinationPath: versioned.lastPathComponent)
        try manager.createSymbolicLink(
            atPath: root.appendingPathComponent("faq.yaml").path, withDestinationPath: "..data/faq.yaml")

        let (sources, problems) = FlowSource.read(paths: [root.path])
        #expect(problems.isEmpty)
        #expect(sources.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["faq.yaml"])
        #expect(sources.count == 1)
        #expect(try FlowSet.load(paths: [root.path]).flowIDs == ["faq"])
    }

    @Test(arguments: [
        ("faq.yaml", true), ("team/faq.yml", true), (".faq.yaml.swp", false), (".hidden/faq.yaml", false),
        ("..data/faq.yaml", false), ("a/..2026/faq.yaml", false), ("faq.txt", false),
    ])
    func flowFiles(path: String, isFlow: Bool) {
        #expect(FlowSource.isFlowFile(path) == isFlow)
    }
}
