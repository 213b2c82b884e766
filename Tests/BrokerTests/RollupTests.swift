@testable import Broker
import XCTest

final class RollupTests: XCTestCase {
    private let now: Int64 = 1_000 * 1_000_000_000

    private func makeStream(allowRollup: Bool = true, denyPurge: Bool = false) -> MessageStream {
        var config = StreamConfig(name: "OBJ", subjects: ["m.>"])
        config.allowRollup = allowRollup
        config.denyPurge = denyPurge
        return MessageStream(config: config, created: now, storage: MemoryStreamStorage())
    }

    private func rollupHeaders(_ value: String) -> [UInt8] { Array("NATS/1.0\r\nNats-Rollup: \(value)\r\n\r\n".utf8) }

    @discardableResult
    private func store(_ stream: MessageStream, _ subject: String, headers: [UInt8] = []) -> MessageStream.StoreOutcome
    {
        stream.store(subject: subject, headers: headers, payload: [1, 2, 3], now: now)
    }

    private func refusal(_ outcome: MessageStream.StoreOutcome) -> JetStreamError? {
        if case .refused(let error) = outcome { return error }
        return nil
    }

    func testARollupOnTheSubjectKeepsOnlyTheNewMessageOnThatSubject() {
        let stream = makeStream()
        for _ in 0..<3 { store(stream, "m.a") }
        for _ in 0..<2 { store(stream, "m.b") }
        guard case .stored(let sequence) = store(stream, "m.a", headers: rollupHeaders("sub")) else {
            return XCTFail("the rollup was not stored")
        }
        XCTAssertEqual(stream.storage.messageCount(onSubject: "m.a"), 1)
        XCTAssertEqual(stream.storage.messageCount(onSubject: "m.b"), 2)
        XCTAssertEqual(stream.lastSequence(on: "m.a"), sequence)
        XCTAssertEqual(stream.storage.state.messages, 3)
    }

    func testARollupOfAllKeepsOnlyTheNewMessageInTheStream() {
        let stream = makeStream()
        for subject in ["m.a", "m.b", "m.c", "m.a"] { store(stream, subject) }
        guard case .stored(let sequence) = store(stream, "m.b", headers: rollupHeaders("ALL")) else {
            return XCTFail("the rollup was not stored")
        }
        XCTAssertEqual(stream.storage.state.messages, 1)
        XCTAssertEqual(stream.storage.state.firstSequence, sequence)
    }

    func testARollupIsRefusedAsNatsServerDoesWhenTheStreamDoesNotAllowIt() {
        let stream = makeStream(allowRollup: false)
        store(stream, "m.a")
        XCTAssertEqual(
            refusal(store(stream, "m.a", headers: rollupHeaders("sub"))),
            JetStreamError(code: 500, errorCode: 10111, description: "rollup not permitted"))
        XCTAssertEqual(stream.storage.state.messages, 1)
    }

    func testARollupIsRefusedOnAStreamThatDeniesPurges() {
        let stream = makeStream(denyPurge: true)
        XCTAssertEqual(refusal(store(stream, "m.a", headers: rollupHeaders("all")))?.errorCode, 10111)
        XCTAssertEqual(stream.storage.state.messages, 0)
    }

    func testAnUnknownRollupValueIsRefusedWithTheValueQuotedAsGoQuotesIt() {
        let stream = makeStream()
        XCTAssertEqual(
            refusal(store(stream, "m.a", headers: rollupHeaders("Bo\"gus")))?.description,
            #"rollup value invalid: "bo\"gus""#)
        XCTAssertEqual(stream.storage.state.messages, 0)
    }

    func testAHostileRollupValueIsQuotedWithinABound() {
        let long = String(repeating: "x", count: 10_000)
        guard case .failure(let error) = Rollup.parse(long + "\u{1}", allowed: true) else {
            return XCTFail("an unknown value was accepted")
        }
        XCTAssertLessThan(error.description.utf8.count, GoQuoted.maximumCharacters + 40)
        XCTAssertEqual(GoQuoted.text("a\u{1}\\"), #""a\x01\\""#)
    }

    func testAnEmptyRollupHeaderStoresNormally() {
        XCTAssertNil(Rollup.parse("", allowed: false))
        XCTAssertNil(Rollup.parse(nil, allowed: false))
    }
}
