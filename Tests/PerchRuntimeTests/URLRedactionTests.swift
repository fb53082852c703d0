import Testing

@testable import PerchRuntime

@Test(arguments: [
    ("https://user:secret@hooks.example.com/in?token=abc123", "https://hooks.example.com/in?…"),
    ("http://127.0.0.1:9/nothing-listens-here", "http://127.0.0.1:9/nothing-listens-here"),
])
func httpActionURLsLoseCredentialsInLogsAndTraces(url: String, shown: String) {
    let redacted = ActionRunner.redacted(url)
    #expect(redacted == shown)
    #expect(!redacted.contains("secret"))
    #expect(!redacted.contains("abc123"))
}
