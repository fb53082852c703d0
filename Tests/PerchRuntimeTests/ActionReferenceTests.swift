import PerchRuntime
import Testing

@Test func referenceIsDeterministic() {
    let a = ActionReference(eventKey: "m1", ruleID: "hours", actionIndex: 0)
    let b = ActionReference(eventKey: "m1", ruleID: "hours", actionIndex: 0)
    #expect(a.description == b.description)
    #expect(a.description != ActionReference(eventKey: "m1", ruleID: "hours", actionIndex: 1).description)
}
