import PerchEvents

/// Rules grouped so that an event only meets the rules that could match it: by event kind, then by
/// channel, then by the keyword words one of which must be in the text.
struct RuleIndex: Sendable {
    /// Rules of one kind and channel group.
    struct Bucket: Sendable {
        /// Word -> rules (ordinals, ascending) that need it.
        var byToken: [String: [Int]] = [:]
        /// Rules without a required word (no keywords, or modes that cannot be indexed).
        var always: [Int] = []
    }

    /// Rules of one event kind (or of any kind).
    struct KindBuckets: Sendable {
        var anyChannel = Bucket()
        var byChannel: [String: Bucket] = [:]
    }

    private var byKind: [Event.Kind: KindBuckets] = [:]
    private var anyKind = KindBuckets()

    init(_ rules: [Rule]) {
        // Each keyword is filed under its rarest word, so that a common word ("price" in
        // "price of plan 7") does not make hundreds of rules candidates for every message with it.
        var frequency: [String: Int] = [:]
        for rule in rules {
            for words in rule.requiredWords ?? [] {
                for word in Set(words) { frequency[word, default: 0] += 1 }
            }
        }
        for rule in rules {
            let keys = rule.requiredWords.map { alternatives in
                Set(alternatives.map { words in words.min { frequency[$0, default: 0] < frequency[$1, default: 0] }! })
            }
            if let kinds = rule.kinds {
                for kind in kinds {
                    Self.insert(rule.ordinal, keys, rule.channels, into: &byKind[kind, default: KindBuckets()])
                }
            } else {
                Self.insert(rule.ordinal, keys, rule.channels, into: &anyKind)
            }
        }
    }

    private static func insert(
        _ ordinal: Int, _ keys: Set<String>?, _ channels: Set<String>?, into buckets: inout KindBuckets
    ) {
        if let channels {
            for channel in channels { insert(ordinal, keys, into: &buckets.byChannel[channel, default: Bucket()]) }
        } else {
            insert(ordinal, keys, into: &buckets.anyChannel)
        }
    }

    private static func insert(_ ordinal: Int, _ keys: Set<String>?, into bucket: inout Bucket) {
        if let keys, !keys.isEmpty {
            for key in keys { bucket.byToken[key, default: []].append(ordinal) }
        } else {
            bucket.always.append(ordinal)
        }
    }

    /// The rules that could match `event`, in evaluation order, and the normalized text (computed
    /// here once, for the conditions to reuse).
    func candidates(for event: Event, normalized: NormalizedText?) -> (ordinals: [Int], normalized: NormalizedText?) {
        let text = normalized ?? event.text.map(NormalizedText.init)
        var lists: [[Int]] = []
        func collect(_ bucket: Bucket) {
            if !bucket.always.isEmpty { lists.append(bucket.always) }
            guard let text, !bucket.byToken.isEmpty else { return }
            for token in text.tokens {
                if let rules = bucket.byToken[token] { lists.append(rules) }
            }
        }
        func collect(_ buckets: KindBuckets) {
            collect(buckets.anyChannel)
            if buckets.byChannel.isEmpty { return }
            if let platform = event.platform, let bucket = buckets.byChannel[platform] { collect(bucket) }
            if let id = event.channelID?.lowercased(), id != event.platform, let bucket = buckets.byChannel[id] {
                collect(bucket)
            }
        }
        if let buckets = byKind[event.kind] { collect(buckets) }
        collect(anyKind)
        if lists.count == 1 { return (lists[0], text) }
        var merged = Array(lists.joined())
        merged.sort()
        var unique: [Int] = []
        unique.reserveCapacity(merged.count)
        for ordinal in merged where unique.last != ordinal { unique.append(ordinal) }
        return (unique, text)
    }
}
