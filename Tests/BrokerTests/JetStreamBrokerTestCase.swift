@testable import Broker
import XCTest

/// A broker with JetStream on, its store in a fresh temporary directory, and helpers that speak raw
/// protocol to it: JetStream API requests, publishes and pulls, and what comes back on an inbox.
class JetStreamBrokerTestCase: BrokerTestCase {
    override var runsJetStream: Bool { true }

    /// The broker's JetStream engine.
    var engine: JetStream { broker.jetStream! }

    /// A connected client with headers on, subscribed to `_INBOX.<name>.>` with sid `name`.
    func inboxClient(_ name: String, subscribe: String? = nil) throws -> RawClient {
        let client = try self.client()
        client.handshake()
        client.send("SUB \(subscribe ?? "_INBOX.\(name).>") \(name)\r\nPING\r\n")
        client.read(until: "PONG\r\n")
        return client
    }

    /// Sends `body` to `subject` with `reply` and returns the JSON body of the first answer.
    @discardableResult
    func request(_ client: RawClient, _ subject: String, _ body: String, reply: String) -> String {
        client.send("PUB \(subject) \(reply) \(body.utf8.count)\r\n\(body)\r\n")
        let text = client.read(until: "}\r\n")
        guard let start = text.firstIndex(of: "{") else { return text }
        return String(text[start...]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Creates a memory stream `name` on `subjects` and a durable pull consumer `consumer` on it.
    func makeStream(
        _ client: RawClient, inbox: String, name: String = "JOBS", subjects: [String] = ["job.>"],
        retention: String = "workqueue", consumer: String? = "worker", consumerConfig: String = ""
    ) {
        let subjectList = subjects.map { "\"\($0)\"" }.joined(separator: ",")
        let created = request(
            client, "$JS.API.STREAM.CREATE.\(name)",
            #"{"name":"\#(name)","subjects":[\#(subjectList)],"retention":"\#(retention)","storage":"memory"}"#,
            reply: inbox)
        XCTAssertFalse(created.contains("\"error\""), created)
        guard let consumer else { return }
        let extra = consumerConfig.isEmpty ? "" : "," + consumerConfig
        let answer = request(
            client, "$JS.API.CONSUMER.DURABLE.CREATE.\(name).\(consumer)",
            #"{"stream_name":"\#(name)","config":{"durable_name":"\#(consumer)","ack_policy":"explicit"\#(extra)}}"#,
            reply: inbox)
        XCTAssertFalse(answer.contains("\"error\""), answer)
    }

    /// Publishes and waits for the publish ack on `inbox`.
    func publish(_ client: RawClient, _ subject: String, _ payload: String, inbox: String, headers: String = "")
        -> String
    {
        if headers.isEmpty { return request(client, subject, payload, reply: inbox) }
        let block = "NATS/1.0\r\n\(headers)\r\n"
        let total = block.utf8.count + payload.utf8.count
        client.send("HPUB \(subject) \(inbox) \(block.utf8.count) \(total)\r\n\(block)\(payload)\r\n")
        let text = client.read(until: "}\r\n")
        guard let start = text.firstIndex(of: "{") else { return text }
        return String(text[start...]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Asks the broker something and returns once it answered: proof that it is still running.
    func assertBrokerAnswers(_ client: RawClient, inbox: String, file: StaticString = #filePath, line: UInt = #line) {
        let info = request(client, "$JS.API.INFO", "", reply: inbox)
        XCTAssertTrue(info.contains("account_info_response"), info, file: file, line: line)
    }

    /// Runs `body` on the JetStream thread and returns what it read there.
    func onEngine<Value: Sendable>(_ body: @escaping @Sendable (JetStream) -> Value) -> Value {
        let engine = engine
        let result = LockedBox<Value?>(nil)
        let done = DispatchSemaphore(value: 0)
        engine.loop.execute {
            result.set(body(engine))
            done.signal()
        }
        done.wait()
        return result.get()!
    }
}

/// A value handed between threads in a test.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}
