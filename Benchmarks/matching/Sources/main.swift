// Matching benchmark: ns per event for FAQ flow sets of 10, 1,000 and 10,000 rules, with the
// compiled index (FlowSet.decide, trace included) beside a plain loop over every rule
// (FlowSet.decideWithoutIndex, no trace), in the same run.
//
// Run: swift build -c release -j 2 --product MatchingBench && .build/release/MatchingBench
import Foundation
import PerchEvents
import PerchFlows

let vocabulary = [
    "price", "hours", "delivery", "refund", "invoice", "password", "login", "order", "shipping", "account",
    "warranty", "return", "discount", "voucher", "address", "payment", "card", "subscription", "cancel", "upgrade",
]

/// A FAQ flow of `count` rules: each owns one distinct keyword and one two-word phrase; a fallback last.
func faqFlow(rules count: Int) -> String {
    var yaml = "flow: bench\nrules:\n"
    for index in 0..<(count - 1) {
        let word = vocabulary[index % vocabulary.count]
        yaml += """
              - id: q\(index)
                when: { keywords: [\(word)\(index), "\(word) topic\(index)"] }
                reply: "Answer \(index) for {{ contact.name | default: 'you' }}"

            """
    }
    yaml += "  - id: fallback\n    when: { otherwise: true }\n    reply: Sorry\n"
    return yaml
}

func event(_ text: String, number: Int) -> Event {
    Event(
        kind: .message, generation: .bird, name: "whatsapp.inbound", key: "e\(number)", conversationID: "c1",
        channelID: "ch", platform: "whatsapp", direction: .incoming, messageType: "text",
        content: MessageContent(text: text), contact: Contact(name: "Ana"))
}

/// Texts that hit a rule near the end, the middle, and none (the fallback answers).
func texts(rules count: Int) -> [String] {
    let last = count - 2
    let middle = count / 2
    return [
        "Hello, I have a question about \(vocabulary[last % vocabulary.count]) topic\(last) please!",
        "what about \(vocabulary[middle % vocabulary.count])\(middle)?",
        "Can somebody tell me something about this thing I bought yesterday?",
        "Olá, qual é o preço da entrega? 😊",
    ]
}

@inline(never)
func measure(_ iterations: Int, _ body: (Int) -> Int) -> Double {
    var sink = 0
    for warmup in 0..<min(iterations, 50) { sink &+= body(warmup) }
    let clock = ContinuousClock()
    let start = clock.now
    for iteration in 0..<iterations { sink &+= body(iteration) }
    let elapsed = clock.now - start
    if sink == Int.min { print("") }  // keeps the work from being optimized away
    let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    return nanoseconds / Double(iterations)
}

let now = Date()
print("rules    indexed ns/event   naive ns/event   speed-up")
// MATCHING_BENCH_SIZES=10,1000 picks other sizes (for profiling one of them).
let sizes = ProcessInfo.processInfo.environment["MATCHING_BENCH_SIZES"]?.split(separator: ",").compactMap { Int($0) }
for count in sizes ?? [10, 1_000, 10_000] {
    let set = try FlowSet.load(sources: [FlowSource(path: "bench.yaml", text: faqFlow(rules: count))])
    let inputs = texts(rules: count).enumerated().map { MatchInput(event: event($1, number: $0), now: now) }
    // Both must agree before timing means anything.
    for input in inputs {
        precondition(set.decide(input).fired.map(\.key) == set.decideWithoutIndex(input))
    }
    let indexed = measure(20_000) { set.decide(inputs[$0 % inputs.count]).fired.count }
    let naiveIterations = max(200, 2_000_000 / count)
    let naive = measure(naiveIterations) { set.decideWithoutIndex(inputs[$0 % inputs.count]).count }
    let line = [
        String(count).padding(toLength: 9, withPad: " ", startingAt: 0),
        String(format: "%16.0f", indexed), String(format: "%16.0f", naive), String(format: "%10.1fx", naive / indexed),
    ]
    print(line.joined(separator: " "))
}
