import Testing
import YAML

@Suite struct YAMLParserTests {
    @Test func nodesCarryValuesStylesAndMarks() throws {
        let text = """
            flow: faq
            rules:
              - id: "hours"
                enabled: yes
                count: 3
            """
        let root = try #require(try YAMLParser.parse(text, file: "f.yaml"))
        let mapping = try #require(root.mapping)
        #expect(mapping.entries.map { $0.key.string } == ["flow", "rules"])
        #expect(root.mark == Mark(line: 1, column: 1))
        #expect(root["flow"]?.string == "faq")
        #expect(root["flow"]?.mark == Mark(line: 1, column: 7))
        let rule = try #require(root["rules"]?.array?.first)
        #expect(rule.mark == Mark(line: 3, column: 5))
        let id = try #require(rule["id"]?.scalar)
        #expect(id.value == "hours")
        #expect(id.style == .doubleQuoted)
        #expect(id.mark == Mark(line: 3, column: 9))
        // No YAML 1.1 guessing: `yes` is the string "yes", not a boolean.
        #expect(rule["enabled"]?.string == "yes")
        #expect(rule["enabled"]?.bool == nil)
        #expect(rule["count"]?.int == 3)
        #expect(mapping.entry("rules")?.key.mark == Mark(line: 2, column: 1))
    }

    @Test func quotedScalarsAreNeverTyped() throws {
        let root = try #require(try YAMLParser.parse("a: 'true'\nb: true\nc: \"12\"\nd: ~\ne: '~'\nf: !!str 5\n"))
        #expect(root["a"]?.bool == nil)
        #expect(root["b"]?.bool == true)
        #expect(root["c"]?.int == nil)
        #expect(root["c"]?.string == "12")
        #expect(root["d"]?.isNull == true)
        #expect(root["e"]?.isNull == false)
        #expect(root["f"]?.int == nil)
        #expect(root["f"]?.tag == "tag:yaml.org,2002:str")
    }

    @Test func syntaxErrorHasLineColumnAndProblem() {
        let text = "flow: faq\nrules:\n  - id: a\n   reply: [unclosed\n"
        #expect {
            _ = try YAMLParser.parse(text, file: "bad.yaml")
        } throws: { error in
            guard let error = error as? YAMLError else { return false }
            return error.kind == .syntax && error.file == "bad.yaml" && error.mark.line == 4
                && error.message.contains("while parsing")
        }
        let tab = "a: b\n\tc: d\n"
        do {
            _ = try YAMLParser.parse(tab)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .syntax)
            #expect(error.mark == Mark(line: 2, column: 1))
            #expect(error.message.contains("tab"))
        }
    }

    @Test func duplicateKeyPointsAtSecondAndNamesFirst() {
        let text = "flow: faq\nrules: []\n  \nflow: other\n"
        do {
            _ = try YAMLParser.parse(text, file: "dup.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .duplicateKey)
            #expect(error.mark == Mark(line: 4, column: 1))
            #expect(error.description == "dup.yaml:4:1: duplicate key 'flow' (first defined at line 1, column 1)")
        }
    }

    @Test func nestedDuplicateKey() {
        do {
            _ = try YAMLParser.parse("a:\n  b: 1\n  c: 2\n  b: 3\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.mark == Mark(line: 4, column: 3))
            #expect(error.message.contains("line 2, column 3"))
        }
    }

    @Test func mergeKeysApplyWithExplicitKeysWinning() throws {
        let text = """
            base: &base { channel: whatsapp, status: active }
            more: &more { status: archived, lang: en }
            rule:
              <<: [*base, *more]
              status: closed
              id: x
            """
        let root = try #require(try YAMLParser.parse(text))
        let rule = try #require(root["rule"]?.mapping)
        #expect(rule.entries.map { $0.key.string } == ["channel", "lang", "status", "id"])
        #expect(rule["status"]?.string == "closed")
        #expect(rule["channel"]?.string == "whatsapp")
        #expect(rule["lang"]?.string == "en")
        // Merged entries keep the marks of where they were written.
        #expect(rule["channel"]?.mark == Mark(line: 1, column: 24))
    }

    @Test func mergeOfScalarIsRejected() {
        do {
            _ = try YAMLParser.parse("a: &x 1\nb:\n  <<: *x\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .badMerge)
            #expect(error.mark.line == 1)
        }
    }

    @Test func aliasesRepeatAnchoredNodes() throws {
        let root = try #require(try YAMLParser.parse("a: &k [x, y]\nb: *k\n"))
        #expect(root["b"]?.array?.compactMap(\.string) == ["x", "y"])
    }

    @Test func aliasBombIsRejected() {
        let text = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
            i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
            """
        do {
            _ = try YAMLParser.parse(text)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .tooManyAliases)
            #expect(error.mark.line == 5)
        }
    }

    @Test func recursiveAliasIsRejected() {
        do {
            _ = try YAMLParser.parse("a: &a\n  b: *a\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .recursiveAlias)
            #expect(error.mark == Mark(line: 2, column: 6))
        }
    }

    @Test func unknownAliasIsRejected() {
        #expect(throws: YAMLError.self) { try YAMLParser.parse("a: *nope\n") }
    }

    @Test(arguments: ["", "   \n", "# only a comment\n"])
    func emptyInputHasNoDocument(_ text: String) throws {
        #expect(try YAMLParser.parse(text) == nil)
    }

    @Test func explicitEmptyDocumentIsNull() throws {
        let root = try #require(try YAMLParser.parse("---\n"))
        #expect(root.isNull)
    }

    @Test func secondDocumentIsRejected() {
        do {
            _ = try YAMLParser.parse("a: 1\n---\nb: 2\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .multipleDocuments)
            #expect(error.mark.line == 2)
        }
    }

    @Test func unicodeValuesAndColumnsCountCharacters() throws {
        let text = "preço: \"ção 👋\"\nnaïve: olá\n"
        let root = try #require(try YAMLParser.parse(text))
        #expect(root["preço"]?.string == "ção 👋")
        #expect(root["naïve"]?.string == "olá")
        // Columns count characters, not UTF-8 bytes.
        #expect(root["naïve"]?.mark == Mark(line: 2, column: 8))
    }

    @Test func scalarWithNULIsKeptWhole() throws {
        let root = try #require(try YAMLParser.parse("a: \"x\\0y\"\n"))
        #expect(root["a"]?.string?.utf8.count == 3)
    }

    @Test func deepNestingIsCapped() {
        let text = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        do {
            _ = try YAMLParser.parse(text)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .tooDeep)
        }
    }
}
