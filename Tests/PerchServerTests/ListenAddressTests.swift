import PerchServer
import Testing

@Test(arguments: [
    ("0.0.0.0:8080", "0.0.0.0", 8080),
    (":9000", "0.0.0.0", 9000),
    ("[::1]:80", "::1", 80),
])
func parsesListenAddresses(text: String, host: String, port: Int) throws {
    let address = try #require(ListenAddress(parsing: text))
    #expect(address.host == host)
    #expect(address.port == port)
}

@Test func rejectsMissingPort() {
    #expect(ListenAddress(parsing: "localhost") == nil)
    #expect(ListenAddress(parsing: "localhost:99999") == nil)
}
