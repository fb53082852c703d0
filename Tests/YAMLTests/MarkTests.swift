import Testing
import YAML

@Test func markPrintsLineThenColumn() {
    #expect(Mark(line: 12, column: 7).description == "12:7")
}
