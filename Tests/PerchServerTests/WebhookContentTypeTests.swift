import Testing

@testable import PerchServer

/// Which Content-Type values each webhook endpoint takes: the fast path for the common values
/// and the general parse behind it must agree.
@Suite struct WebhookContentTypeTests {
    @Test(arguments: WebhookSource.allCases)
    func jsonIsAcceptedInAnyCaseAndWithParameters(source: WebhookSource) {
        for type in [
            "application/json", "Application/JSON", "application/json; charset=utf-8", "APPLICATION/JSON; CHARSET=UTF-8",
            "application/json;charset=UTF-8", " application/json ; charset=utf-8", "application/vnd.bird+json",
        ] {
            #expect(source.accepts(contentType: type), "\(type)")
        }
        for type in ["text/plain", "application/jsonx", "application/json-seq", "", "application/jso"] {
            #expect(!source.accepts(contentType: type), "\(type)")
        }
        #expect(
            source.accepts(contentType: "application/x-www-form-urlencoded; charset=utf-8")
                == (source == .smsStatus))
    }

    @Test func caseInsensitiveCompareFoldsOnlyASCIILetters() {
        #expect(WebhookSource.equalsIgnoringASCIICase("Application/JSON", "application/json"))
        #expect(!WebhookSource.equalsIgnoringASCIICase("application/json ", "application/json"))
        #expect(!WebhookSource.equalsIgnoringASCIICase("application\u{0F}json", "application/json"))
    }
}
