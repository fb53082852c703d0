import Testing

@testable import MicroHTTP

@Suite struct RequestIntakeTests {
    @Test(
        arguments: [
            (nil, RequestIntake.Start.receive),
            ("100", .receive),
            ("101", .rejectTooLarge),
            ("99999999999999999999999", .rejectTooLarge),
            ("abc", .receive),  // libmicrohttpd rejects a malformed length itself
        ] as [(String?, RequestIntake.Start)])
    func declaredLengthIsCheckedUpfront(contentLength: String?, expected: RequestIntake.Start) {
        #expect(RequestIntake(maxBodySize: 100).start(contentLength: contentLength) == expected)
    }

    @Test func runningTotalWithinTheLimitRunsTheHandler() {
        var intake = RequestIntake(maxBodySize: 100)
        #expect(intake.receive(count: 60) == .append)
        #expect(intake.receive(count: 40) == .append)
        #expect(intake.end() == .runHandler)
    }

    @Test func runningTotalOverTheLimitDrainsThenRejects() {
        var intake = RequestIntake(maxBodySize: 100)
        #expect(intake.receive(count: 60) == .append)
        #expect(intake.receive(count: 60) == .discard)
        #expect(intake.receive(count: 50) == .discard)
        #expect(intake.end() == .rejectTooLarge)
    }

    @Test func endlessExcessIsCutOff() {
        var intake = RequestIntake(maxBodySize: 100)
        #expect(intake.receive(count: 150) == .discard)
        #expect(intake.receive(count: 60) == .abort)
    }
}
