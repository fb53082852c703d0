import Curl
import Testing

@Test func defaultTimeoutsAreBounded() {
    let configuration = HTTPClientConfiguration()
    #expect(configuration.connectTimeout <= configuration.requestTimeout)
}
