import PerchFlows
import Testing
import YAML

/// Every error and warning, with its exact position.
@Suite struct ValidationTests {
    func descriptions(_ yaml: String) -> [String] { diagnostics(yaml, file: "t.yaml").map(\.description) }

    @Test func unknownKeysAtEveryLevelWithSuggestions() {
        let yaml = """
            flow: f
            descripton: typo
            rules:
              - id: a
                wen: { keywords: [x] }
                reply: x
              - id: b
                when: { keyword: [x], chanel: sms }
                replly: x
            """
        #expect(
            descriptions(yaml) == [
                "t.yaml:2:1: error: unknown flow key 'descripton' (did you mean 'description'?)",
                "t.yaml:4:5: error: rule 'a' needs 'when' (use `when: { otherwise: true }` for a fallback)",
                "t.yaml:5:5: error: unknown rule key 'wen' (did you mean 'when'?)",
                "t.yaml:7:5: error: rule 'b' has no action (reply, send_template, handoff, ... or a 'do' list)",
                "t.yaml:8:13: error: unknown condition 'keyword' (did you mean 'keywords'?)",
                "t.yaml:8:27: error: unknown condition 'chanel' (did you mean 'channel'?)",
                "t.yaml:9:5: error: unknown rule key 'replly' (did you mean 'reply'?)",
            ])
    }

    @Test func renderedDiagnosticShowsTheLineAndACaret() throws {
        let diagnostic = try #require(
            diagnostics("flow: f\nrules:\n  - id: a\n    when: { keywrds: [x] }\n    reply: x\n").first)
        #expect(
            diagnostic.rendered == """
                test.yaml:4:13: error: unknown condition 'keywrds' (did you mean 'keywords'?)
                    when: { keywrds: [x] }
                            ^
                """)
        #expect(diagnostic.suggestion == "keywords")
    }

    @Test func wrongTypes() {
        let yaml = """
            flow: f
            rules:
              - id: a
                when: { keywords: { any: { x: 1 } }, first_message: maybe, state: [menu, [x]] }
                continue: "yes"
                reply: [x]
            """
        #expect(
            descriptions(yaml) == [
                "t.yaml:4:30: error: 'any' must be a string or a list of strings, found a mapping",
                "t.yaml:4:57: error: 'first_message' must be true or false, found 'maybe'",
                "t.yaml:4:72: warning: no rule sets the state 'menu' (with set_state)",
                "t.yaml:4:78: error: a state must be a string, found a list",
                "t.yaml:5:15: error: 'continue' must be true or false, found 'yes'",
                "t.yaml:6:12: error: 'reply' must be a string, found a list",
            ])
    }

    @Test func badDurations() {
        let yaml = """
            flow: f
            rules:
              - id: a
                when: { keywords: [x] }
                cooldown: 10
                set_state: { name: s, expiry: 5 minutes }
            """
        #expect(
            descriptions(yaml) == [
                "t.yaml:5:15: error: 'cooldown': '10' is not a duration (write it like 30s, 10m, 2h, 1d or 1h30m)",
                "t.yaml:6:35: error: 'expiry': '5 minutes' is not a duration (write it like 30s, 10m, 2h, 1d or 1h30m)",
            ])
    }

    @Test func badRegexes() {
        let yaml = """
            flow: f
            rules:
              - id: a
                when: { regex: "(unclosed" }
                reply: x
              - id: b
                match: regex
                when: { keywords: [ok, "[z-a]"] }
                reply: x
            """
        let found = diagnostics(yaml, file: "t.yaml")
        #expect(found.map(\.mark) == [Mark(line: 4, column: 20), Mark(line: 8, column: 28)])
        #expect(found.allSatisfy { $0.severity == .error && $0.message.hasPrefix("bad regular expression") })
    }

    @Test func unknownCalendarsAndBadCalendarValues() {
        let yaml = """
            flow: f
            calendars:
              office: { timezone: Mars/Olympus, weekly: { mon-fry: "09:00-17:00", sat: "18:00-09:00" }, closed: [2026-13-01] }
            rules:
              - id: a
                when: { business_hours: { calendar: offce, is: shut } }
                reply: x
            """
        #expect(
            descriptions(yaml) == [
                "t.yaml:3:23: error: unknown time zone 'Mars/Olympus'",
                "t.yaml:3:47: error: 'mon-fry' is not a day or day range (use mon, tue, ... sun, mon-fri, sat,sun)",
                "t.yaml:3:76: error: '18:00-09:00' is not an opening range like \"09:00-17:30\" (start before end, within one day)",
                "t.yaml:3:102: error: '2026-13-01' is not a date like 2026-12-25",
                "t.yaml:6:41: error: unknown calendar 'offce' (did you mean 'office'?)",
                "t.yaml:6:52: error: unknown business_hours state 'shut'",
            ])
    }

    @Test func unknownTemplateVariablesAtTheirColumn() {
        let yaml = """
            flow: f
            rules:
              - id: a
                when: { keywords: [x] }
                reply: "Hi {{ contact.nam | default: 'you' }}, {{ mesage.text }}"
              - id: b
                when: { keywords: [y] }
                handoff:
                  team: t
                  note: Hi {{ conversation.idd }}
            """
        #expect(
            descriptions(yaml) == [
                "t.yaml:5:19: error: unknown template variable 'contact.nam' (did you mean 'contact.name'?)",
                "t.yaml:5:55: error: unknown template variable 'mesage.text' (did you mean 'message.text'?)",
                "t.yaml:10:19: error: unknown template variable 'conversation.idd' (did you mean 'conversation.id'?)",
            ])
    }

    @Test func templateSyntaxErrors() {
        let yaml =
            "flow: f\nrules:\n  - id: a\n    when: { keywords: [x] }\n    reply: \"Hi {{ contact.name | upper }}\"\n"
        #expect(
            descriptions(yaml) == [
                "t.yaml:5:34: error: unknown filter 'upper' (the only filter is 'default')"
            ])
    }

    @Test func duplicateRuleAndFlowIDs() {
        let yaml =
            "flow: f\nrules:\n  - id: a\n    when: { keywords: [x] }\n    reply: x\n  - id: a\n    when: { keywords: [y] }\n    reply: y\n"
        #expect(descriptions(yaml) == ["t.yaml:6:9: error: duplicate rule id 'a' (first used at line 3)"])
        let (set, found) = FlowSet.check(sources: [
            FlowSource(
                path: "one.yaml", text: "flow: f\nrules:\n  - id: a\n    when: { keywords: [x] }\n    reply: x\n"),
            FlowSource(
                path: "two.yaml",
                text: "# again\nflow: f\nrules:\n  - id: b\n    when: { keywords: [y] }\n    reply: x\n"),
        ])
        #expect(set == nil)
        #expect(found.map(\.description) == ["two.yaml:2:7: error: duplicate flow id 'f' (also in one.yaml:1)"])
    }

    @Test func yamlErrorsArePositioned() {
        #expect(
            descriptions("flow: f\nrules:\n  - id: a\n    when: {\n").first?.hasPrefix("t.yaml:5:1: error: ") == true)
        #expect(
            descriptions("flow: f\nflow: g\nrules: []\n") == [
                "t.yaml:2:1: error: duplicate key 'flow' (first defined at line 1, column 1)"
            ])
    }

    @Test func allProblemsAreReportedAtOnceAndLoadThrowsThem() {
        let yaml = "flow: f\nrules:\n  - id: a\n    when: { keywrd: [x] }\n    cooldown: soon\n    reply: \"{{ x }}\"\n"
        do {
            _ = try FlowSet.load(sources: [FlowSource(path: "t.yaml", text: yaml)])
            Issue.record("expected errors")
        } catch {
            #expect(error.diagnostics.count == 3)
            #expect(error.errors.count == 3)
        }
    }

    // MARK: Warnings

    @Test func ruleAfterUnconditionalOtherwiseIsUnreachable() {
        let yaml = """
            flow: f
            rules:
              - id: fallback
                when: { otherwise: true }
                reply: x
              - id: late
                when: { keywords: [hi] }
                reply: y
            """
        #expect(
            descriptions(yaml) == [
                "t.yaml:6:5: warning: rule 'late' can never fire: the fallback 'f/fallback' (t.yaml:3) always fires before it"
            ])
    }

    @Test func sameKeywordsWithoutExtraConditionIsUnreachable() {
        let yaml = """
            flow: f
            rules:
              - id: first
                when: { keywords: [price, cost, pricing] }
                reply: x
              - id: second
                when: { keywords: [Price, COST] }
                reply: y
              - id: narrower
                when: { keywords: [price], first_message: true }
                reply: z
            """
        #expect(
            descriptions(yaml) == [
                "t.yaml:6:5: warning: rule 'second' can never fire: rule 'f/first' (t.yaml:3) has the same keywords and no other condition",
                "t.yaml:10:24: warning: keyword 'price' is also a keyword of rule 'f/first' (t.yaml:3), which is tried first",
            ])
    }

    @Test func sameKeywordInTwoRules() {
        let yaml = """
            flow: f
            rules:
              - id: a
                when: { keywords: [hours, open] }
                reply: x
              - id: b
                when: { keywords: [closed, "Open!"], channel: sms }
                reply: y
              - id: c
                when: { keywords: [open], event: conversation }
                reply: z
            """
        // c listens to other events than a, so its 'open' is not shadowed.
        #expect(
            descriptions(yaml) == [
                "t.yaml:7:32: warning: keyword 'Open!' is also a keyword of rule 'f/a' (t.yaml:3), which is tried first"
            ])
    }

    @Test func stateThatNoRuleSets() {
        let yaml = """
            flow: f
            rules:
              - id: start
                when: { keywords: [menu] }
                set_state: menu
              - id: pick
                when: { state: [menu, menus] }
                reply: x
            """
        let found = diagnostics(yaml, file: "t.yaml")
        #expect(
            found.map(\.description) == [
                "t.yaml:7:27: warning: no rule sets the state 'menus' (with set_state) (did you mean 'menu'?)"
            ])
        #expect(found.allSatisfy { $0.severity == .warning })
    }

    @Test func warningsDoNotStopLoading() throws {
        let set = try flowSet("flow: f\nrules:\n  - id: a\n    when: { state: nowhere }\n    reply: x\n")
        #expect(set.warnings.count == 1)
    }
}
