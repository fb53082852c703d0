import Curl
import PerchBird
import Testing

/// `BIRD_MAX_IN_FLIGHT` sizes the HTTP client: a connection per call over HTTP/1.1, as many streams
/// over HTTP/2 (issue 20; the old client held 8 connections per host whatever the pace).
@Suite("Bird calls in flight: client sizing")
struct BirdInFlightConfigurationTests {
    @Test(arguments: [1, 100, 256])
    func theClientKeepsAConnectionOrStreamPerCallInFlight(inFlight: Int) {
        var bird = BirdConfiguration(birdAccessKey: "key")
        bird.maxInFlight = inFlight
        bird.caBundlePath = "/etc/perch/ca.pem"
        let http = bird.httpClientConfiguration
        #expect(http.maxConnectionsPerHost == inFlight)
        #expect(http.maxConcurrentStreams == inFlight)
        #expect(http.maxConnectionsTotal > inFlight)
        #expect(http.multiplexing)
        #expect(http.caBundlePath == "/etc/perch/ca.pem")
    }

    @Test func theDefaultKeepsBirdsPaceAt200MillisecondsAway() {
        // Little's law: 500 calls/s × 0.2 s = 100 calls in flight.
        #expect(BirdConfiguration().maxInFlight >= 100)
        #expect(BirdConfiguration().httpClientConfiguration.maxConnectionsPerHost >= 100)
    }
}
