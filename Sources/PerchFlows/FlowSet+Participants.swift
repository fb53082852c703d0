extension FlowSet {
    /// The participant ids flows send as with their own `participant_id` (besides `BIRD_FLOW_ID`): the
    /// echo guard ignores messages from any of them.
    public var participantIDs: Set<String> { Set(rules.compactMap(\.participantID)) }
}

extension FlowSet {
    /// Whether any rule is limited to channels (`channels:`): only then does the runtime need each Bird
    /// channel's platform before deciding.
    public var limitsChannels: Bool { rules.contains { $0.channels != nil } }
}
