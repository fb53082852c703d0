import Foundation
import PerchFlows
import Testing

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
