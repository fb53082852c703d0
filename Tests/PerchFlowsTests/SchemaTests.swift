import Foundation
import PerchFlows
import Testing
import YAML

@Suite struct SchemaTests {
    @Test func committedSchemaIsWhatPerchSchemaPrints() throws {
        let committed = try String(contentsOfFile: repositoryRoot + "/schema/flow.schema.json", encoding: .utf8)
        // `perch schema` prints FlowSchema.json followed by a newline.
        #expect(committed == FlowSchema.json + "\n")
    }

    @Test func schemaIsJSON() throws {
        let object = try JSONSerialization.jsonObject(with: Data(FlowSchema.json.utf8)) as? [String: Any]
        #expect(object?["$schema"] as? String == "http://json-schema.org/draft-07/schema#")
    }
}

@Suite struct ShippedFlowsMatchSchemaTests {
    static let files =
        (try? FileManager.default.contentsOfDirectory(atPath: shippedFlowsPath))?
        .filter { $0.hasSuffix(".yaml") }.sorted() ?? []

    @Test func thereAreShippedFlows() {
        #expect(Self.files.count >= 4)
    }

    @Test(arguments: files)
    func shippedFlowMatchesSchema(_ name: String) throws {
        let text = try String(contentsOfFile: shippedFlowsPath + "/" + name, encoding: .utf8)
        #expect(text.hasPrefix("# yaml-language-server: $schema=../schema/flow.schema.json\n"))
        let root = try #require(try YAMLParser.parse(text, file: name))
        let checker = try SchemaCheck(json: FlowSchema.json)
        #expect(checker.errors(SchemaCheck.json(root)) == [])
    }

    @Test func schemaCheckRejectsWhatTheSchemaForbids() throws {
        let checker = try SchemaCheck(json: FlowSchema.json)
        let root = try #require(
            try YAMLParser.parse("flow: x\nrules:\n  - id: a\n    when: { keyword: [a] }\n    cooldown: 10 minutes\n"))
        let errors = checker.errors(SchemaCheck.json(root))
        #expect(errors.contains { $0.contains("unexpected keyword") })
        #expect(errors.contains { $0.contains("10 minutes") })
    }
}
