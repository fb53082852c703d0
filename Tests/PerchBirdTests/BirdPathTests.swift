import Testing

@testable import PerchBird

/// Ids become single, inert path segments whatever they hold.
@Suite struct BirdPathTests {
    @Test(arguments: [
        ("f1e812e9afd6a875d813d51f45823edd", "f1e812e9afd6a875d813d51f45823edd"),
        ("7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),
        ("../../workspaces/other", "..%2F..%2Fworkspaces%2Fother"), ("..", "%2E%2E"), (".", "%2E"),
        ("a?b=1#c", "a%3Fb=1%23c"), ("channel:c1", "channel:c1"), ("100%", "100%25"), ("a b", "a%20b"),
        ("é", "%C3%A9"),
    ])
    func segments(id: String, encoded: String) {
        #expect(BirdRequest.segment(id) == encoded)
    }

    @Test func requestPathsEncodeTheirIds() {
        let request = BirdRequest.getMessage(
            "m/../../x", conversationID: "c?1", generation: .bird, workspaceID: "ws 1")
        #expect(request.path == "/workspaces/ws%201/conversations/c%3F1/messages/m%2F..%2F..%2Fx")
    }
}
