import PerchFlows
import Testing
import YAML

@Test func diagnosticUsesCompilerFormat() {
    let diagnostic = Diagnostic(
        file: "flows/faq.yaml", mark: Mark(line: 12, column: 7), severity: .error,
        message: "unknown condition 'keyword'")
    #expect(diagnostic.description == "flows/faq.yaml:12:7: error: unknown condition 'keyword'")
}
