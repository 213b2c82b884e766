import Net
import Wire
import XCTest

final class ServerOpEncoderTests: XCTestCase {
    private func encode(subject: String, sid: String, reply: String, message: String, headerLength: Int) -> String {
        let buffer = ByteBuffer(capacity: 16)
        Array(subject.utf8).withUnsafeBytes { subjectBytes in
            Array(sid.utf8).withUnsafeBytes { sidBytes in
                Array(reply.utf8).withUnsafeBytes { replyBytes in
                    Array(message.utf8).withUnsafeBytes { messageBytes in
                        ServerOpEncoder.appendMessage(
                            to: buffer, subject: subjectBytes, sid: sidBytes, reply: replyBytes,
                            message: messageBytes, headerLength: headerLength)
                    }
                }
            }
        }
        return String(decoding: buffer.readableBytes, as: UTF8.self)
    }

    func testMessageWithoutReply() {
        XCTAssertEqual(
            encode(subject: "foo", sid: "1", reply: "", message: "hello", headerLength: 0), "MSG foo 1 5\r\nhello\r\n")
    }

    func testMessageWithReplyAndEmptyPayload() {
        XCTAssertEqual(
            encode(subject: "a.b", sid: "42", reply: "_INBOX.x", message: "", headerLength: 0),
            "MSG a.b 42 _INBOX.x 0\r\n\r\n")
    }

    func testHeaderMessageCountsHeaderAndTotalSizes() {
        let message = "NATS/1.0\r\nA: B\r\n\r\nhi"
        XCTAssertEqual(
            encode(subject: "foo", sid: "7", reply: "r", message: message, headerLength: 18),
            "HMSG foo 7 r 18 20\r\n\(message)\r\n")
    }

    func testOneMessageLineServesEverySidAfterItAndCopiesSubjectsAndSidsOfEveryLength() {
        // Lengths 1...20 cross every way a short copy is made (bytes, words, two words) and the long one.
        for subjectLength in 1...20 {
            for sidLength in 1...20 {
                let subject = String((0..<subjectLength).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
                let sid = String((0..<sidLength).map { Character(UnicodeScalar(UInt8(48 + $0 % 10))) })
                let buffer = ByteBuffer(capacity: 16)
                Array(subject.utf8).withUnsafeBytes { subjectBytes in
                    Array("payload".utf8).withUnsafeBytes { messageBytes in
                        let line = ServerOpEncoder.MessageLine(
                            subject: subjectBytes, reply: UnsafeRawBufferPointer(start: nil, count: 0),
                            message: messageBytes, headerLength: 0)
                        for sid in [sid, "1"] {
                            Array(sid.utf8).withUnsafeBytes { ServerOpEncoder.appendMessage(line, sid: $0, to: buffer) }
                        }
                    }
                }
                XCTAssertEqual(
                    String(decoding: buffer.readableBytes, as: UTF8.self),
                    "MSG \(subject) \(sid) 7\r\npayload\r\nMSG \(subject) 1 7\r\npayload\r\n")
            }
        }
    }

    func testAHeaderMessageLineWithAReplyIsTheSameForEachSid() {
        let message = "NATS/1.0\r\nA: B\r\n\r\nhi"
        let buffer = ByteBuffer(capacity: 16)
        Array("orders.new".utf8).withUnsafeBytes { subject in
            Array("_INBOX.abcdefghijklmnop.1".utf8).withUnsafeBytes { reply in
                Array(message.utf8).withUnsafeBytes { messageBytes in
                    let line = ServerOpEncoder.MessageLine(
                        subject: subject, reply: reply, message: messageBytes, headerLength: 18)
                    for sid in ["7", "12345678901234567890"] {
                        Array(sid.utf8).withUnsafeBytes { ServerOpEncoder.appendMessage(line, sid: $0, to: buffer) }
                    }
                }
            }
        }
        XCTAssertEqual(
            String(decoding: buffer.readableBytes, as: UTF8.self),
            "HMSG orders.new 7 _INBOX.abcdefghijklmnop.1 18 20\r\n\(message)\r\n"
                + "HMSG orders.new 12345678901234567890 _INBOX.abcdefghijklmnop.1 18 20\r\n\(message)\r\n")
    }

    func testErrorLinesUseTheExactNatsTexts() {
        let buffer = ByteBuffer()
        ServerOpEncoder.appendError(to: buffer, .maximumPayloadViolation)
        ServerOpEncoder.appendError(to: buffer, .permissionsViolationForPublish(subject: "job.cpu"))
        XCTAssertEqual(
            String(decoding: buffer.readableBytes, as: UTF8.self),
            "-ERR 'Maximum Payload Violation'\r\n-ERR 'Permissions Violation for Publish to \"job.cpu\"'\r\n")
    }

    func testDecimalWritesEveryMagnitude() {
        for value in [0, 9, 10, 99, 100, 12345, 1 << 20, Int.max] {
            let buffer = ByteBuffer(capacity: 16)
            buffer.appendDecimal(value)
            XCTAssertEqual(String(decoding: buffer.readableBytes, as: UTF8.self), String(value))
        }
    }

    func testByteBufferGrowsCompactsAndShrinks() {
        let buffer = ByteBuffer(capacity: 16)
        buffer.append(Array(repeating: 1, count: 100))
        XCTAssertEqual(buffer.readableCount, 100)
        buffer.consume(90)
        buffer.reserveWritable(50)
        XCTAssertEqual(buffer.readableCount, 10)
        buffer.consume(10)
        XCTAssertTrue(buffer.isEmpty)
        buffer.shrink(to: 32)
        XCTAssertEqual(buffer.capacity, 32)
    }
}
