@testable import Client
import XCTest

/// Numbers a server sends are hostile: each is read into a range this client can use, or refused,
/// never a trap on conversion or overflow.
final class HostileServerNumberTests: XCTestCase {
    func testAnInfoMaxPayloadThatIsNotAPositiveNumberWeCanHoldFallsBackToOneMebibyte() {
        for figure in ["-1", "0", "1e30", "99999999999999999999", "-1e30", "1.5", "\"big\""] {
            let json = #"{"server_id":"S","max_payload":"# + figure + "}"
            let info = Array(json.utf8).withUnsafeBytes { NATSServerInfo(json: $0) }
            XCTAssertEqual(info?.maxPayload, 1 << 20, figure)
        }
        let json = #"{"max_payload":8388608}"#
        XCTAssertEqual(Array(json.utf8).withUnsafeBytes { NATSServerInfo(json: $0) }?.maxPayload, 8 << 20)
    }

    func testAnAckSubjectWithNumbersBeyondInt64IsNotJetStreamMetadata() {
        let beyond = "9999999999999999999"  // 19 digits, above Int64.max
        for position in 0..<5 {
            var numbers = ["1", "2", "3", "1700000000000000000", "0"]
            numbers[position] = beyond
            let subject = "$JS.ACK.JOBS.cpu." + numbers.joined(separator: ".")
            XCTAssertNil(JetStreamMessageMetadata(replySubject: subject), subject)
        }
        let largest = JetStreamMessageMetadata(
            replySubject: "$JS.ACK.JOBS.cpu.9223372036854775807.1.1.9223372036854775807.0")
        XCTAssertEqual(largest?.deliveryCount, Int.max)
        XCTAssertEqual(largest?.timestamp, Int64.max)
    }

    func testAPublishAckWithASequenceBeyondInt64IsAMalformedResponse() {
        for payload in [#"{"stream":"S","seq":9999999999999999999}"#, #"{"stream":"S","seq":1e30}"#] {
            let result = Array(payload.utf8).withUnsafeBytes { PublishAck.parse($0) }
            guard case .failure(.malformedResponse) = result else {
                return XCTFail("\(payload): \(result)")
            }
        }
        let fits = Array(#"{"stream":"S","seq":9223372036854775807}"#.utf8).withUnsafeBytes { PublishAck.parse($0) }
        XCTAssertEqual(try? fits.get().sequence, UInt64(Int64.max))
    }
}
