import MicroHTTP
import Testing

@Test func defaultConfigurationBindsLoopbackWithOneMebibyteLimit() {
    let configuration = HTTPServerConfiguration()
    #expect(configuration.host == "127.0.0.1")
    #expect(configuration.maxBodySize == 1_048_576)
}
