import Foundation
import YAML

/// A small JSON Schema (draft-07 subset) checker: enough for the keywords flow.schema.json uses,
/// so that the shipped flows are checked against the committed schema without a dependency.
struct SchemaCheck {
    let root: [String: Any]

    init(json: String) throws {
        root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
    }

    /// A YAML node as JSON would see it (core-schema scalars).
    static func json(_ node: Node) -> Any {
        switch node {
        case .scalar(let scalar):
            if scalar.isNull { return NSNull() }
            if let flag = scalar.bool { return flag }
            if let int = scalar.int { return int }
            if let double = scalar.double { return double }
            return scalar.value
        case .sequence(let sequence): return sequence.nodes.map(json)
        case .mapping(let mapping):
            var object: [String: Any] = [:]
            for entry in mapping.entries { object[entry.key.string ?? ""] = json(entry.value) }
            return object
        }
    }

    /// Problems found, as `path: message`.
    func errors(_ value: Any) -> [String] { check(value, root, path: "$") }

    private func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String else { return schema }
        let name = ref.replacingOccurrences(of: "#/definitions/", with: "")
        let definitions = root["definitions"] as! [String: Any]
        return resolve(definitions[name] as! [String: Any])
    }

    private func typeName(_ value: Any) -> String {
        switch value {
        case is NSNull: "null"
        case is Bool: "boolean"
        case is Int, is Double: "number"
        case is String: "string"
        case is [Any]: "array"
        default: "object"
        }
    }

    private func check(_ value: Any, _ raw: [String: Any], path: String) -> [String] {
        let schema = resolve(raw)
        var errors: [String] = []
        if let type = schema["type"] {
            let allowed = (type as? [String]) ?? [type as! String]
            let actual = typeName(value)
            if !allowed.contains(actual) && !(actual == "number" && allowed.contains("integer")) {
                return ["\(path): \(actual) is not \(allowed)"]
            }
        }
        if let options = schema["enum"] as? [String], !options.contains(where: { "\(value)" == $0 }) {
            errors.append("\(path): \(value) not in enum")
        }
        if let constant = schema["const"] {
            // JSONSerialization gives `true` as an NSNumber; the schema's only boolean const is `true`.
            let matches =
                if let text = constant as? String { (value as? String) == text } else {
                    (value as? Bool) == (constant as? NSNumber)?.boolValue
                }
            if !matches {
                errors.append("\(path): not \(constant)")
            }
        }
        if let pattern = schema["pattern"] as? String, let text = value as? String {
            let regex = try! NSRegularExpression(pattern: pattern)
            if regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                errors.append("\(path): '\(text)' does not match \(pattern)")
            }
        }
        if let object = value as? [String: Any], typeName(value) == "object" {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                errors.append("\(path): missing \(key)")
            }
            if let minimum = schema["minProperties"] as? Int, object.count < minimum {
                errors.append("\(path): fewer than \(minimum) properties")
            }
            if let maximum = schema["maxProperties"] as? Int, object.count > maximum {
                errors.append("\(path): more than \(maximum) properties")
            }
            for (key, member) in object {
                if let property = properties[key] as? [String: Any] {
                    errors += check(member, property, path: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    errors += check(member, additional, path: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    errors.append("\(path): unexpected \(key)")
                }
            }
        }
        if let array = value as? [Any], typeName(value) == "array" {
            if let minimum = schema["minItems"] as? Int, array.count < minimum { errors.append("\(path): too few") }
            if let maximum = schema["maxItems"] as? Int, array.count > maximum { errors.append("\(path): too many") }
            if let items = schema["items"] as? [String: Any] {
                for (index, element) in array.enumerated() {
                    errors += check(element, items, path: "\(path)[\(index)]")
                }
            }
        }
        if let options = schema["oneOf"] as? [[String: Any]] {
            let passing = options.filter { check(value, $0, path: path).isEmpty }.count
            if passing != 1 { errors.append("\(path): matches \(passing) of oneOf") }
        }
        if let options = schema["anyOf"] as? [[String: Any]],
            !options.contains(where: { check(value, $0, path: path).isEmpty })
        {
            errors.append("\(path): matches none of anyOf")
        }
        return errors
    }
}
