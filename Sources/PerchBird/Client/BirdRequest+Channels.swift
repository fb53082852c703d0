extension BirdRequest {
    /// One channel of a workspace (Channels API): its `platformId` (`whatsapp`, `sms`, ...) tells which
    /// platform a conversation event from it came from, since those events name only the channel.
    public static func getChannel(_ channelID: String, workspaceID: String) -> BirdRequest {
        BirdRequest(
            generation: .bird, method: "GET", path: "/workspaces/\(workspaceID)/channels/\(channelID)",
            endpoint: "get_channel")
    }
}
