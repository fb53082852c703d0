extension FlowSet {
    /// The participant ids flows send as with their own `participant_id` (besides `BIRD_FLOW_ID`): the
    /// echo guard ignores messages from any of them.
    public var participantIDs: Set<String> { Set(rules.compactMap(\.participantID)) }
}
