@testable import Broker
import Net
import TestSupport
import Wire
import XCTest

/// The connection's input assembly, driven by scripted reads (no sockets).
final class ClientInputTests: XCTestCase {
    /// Feeds `stream` in chunks, sometimes "reading" nothing (EAGAIN) after picking the buffer, and
    /// returns the subjects of every PUB parsed, in order.
    private func replay(_ stream: [UInt8], sharedCapacity: Int, seed: UInt64) -> (subjects: [String], error: WireError?)
    {
        var generator = SeededGenerator(seed: seed)
        let shared = ByteBuffer(capacity: sharedCapacity)
        let parser = ClientOpParser()
        var input = ClientInput()
        var subjects: [String] = []
        var position = 0
        while position < stream.count {
            let buffer = input.bufferForReading(shared: shared)
            if generator.next() % 3 == 0 { continue }  // EAGAIN: nothing read into the chosen buffer
            let count = min(buffer.writableBytes.count, stream.count - position, Int(generator.next() % 300) + 1)
            stream[position..<(position + count)].withUnsafeBytes { chunk in
                buffer.writableBytes.copyMemory(from: chunk)
            }
            buffer.commitWritten(count)
            position += count
            input.readSucceeded(into: buffer)
            guard input.isWorthParsing(buffer) else { continue }
            parsing: while !buffer.isEmpty {
                switch parser.parse(buffer.readableBytes) {
                case .operation(let operation, let consumed):
                    if case .publish(let frame) = operation {
                        subjects.append(String(decoding: frame.subject, as: UTF8.self))
                    }
                    buffer.consume(consumed)
                case .needMore(let total):
                    input.keepRest(of: buffer, needed: total)
                    break parsing
                case .failure(let error):
                    return (subjects, error)
                }
            }
            if buffer.isEmpty { input.parsedAll(of: buffer) }
        }
        return (subjects, nil)
    }

    private func stream(messages: Int, payload: Int) -> (bytes: [UInt8], subjects: [String]) {
        var bytes: [UInt8] = []
        var subjects: [String] = []
        for index in 0..<messages {
            let subject = "s.\(index)"
            subjects.append(subject)
            bytes += Array("PUB \(subject) \(payload)\r\n".utf8) + [UInt8](repeating: 0x78, count: payload)
            bytes += Array("\r\n".utf8)
        }
        return (bytes, subjects)
    }

    func testASplitFrameSurvivesReadsThatFindNothing() {
        let (bytes, subjects) = stream(messages: 400, payload: 40)
        for seed in 1...20 as ClosedRange<UInt64> {
            let outcome = replay(bytes, sharedCapacity: 256, seed: seed)
            XCTAssertNil(outcome.error, "seed \(seed)")
            XCTAssertEqual(outcome.subjects, subjects, "seed \(seed)")
        }
    }

    func testAFrameLargerThanHalfTheSharedBufferGrowsInItsOwnBuffer() {
        let (bytes, subjects) = stream(messages: 30, payload: 1000)
        for seed in 1...10 as ClosedRange<UInt64> {
            let outcome = replay(bytes, sharedCapacity: 512, seed: seed)
            XCTAssertNil(outcome.error, "seed \(seed)")
            XCTAssertEqual(outcome.subjects, subjects, "seed \(seed)")
        }
    }
}
