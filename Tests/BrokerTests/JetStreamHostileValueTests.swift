@testable import Broker
import XCTest

/// Every duration, size, sequence and count that arrives off the wire is hostile: `Int64.max`,
/// negatives, huge batches and floats like `1e300` must be answered (with nats-server's refusal
/// where it has one), never trap.
final class JetStreamHostileValueTests: JetStreamBrokerTestCase {
    private let now: Int64 = 1_000 * 1_000_000_000

    private func parse(_ body: String) -> Result<PullRequest, PullRequest.Refusal> {
        PullRequest.parse(body: Array(body.utf8), reply: "inbox", now: now)
    }

    func testAPullThatExpiresAtTheEndOfTimeGetsTheLatestDeadlineInsteadOfATrap() throws {
        let request = try parse(#"{"batch":1,"expires":9223372036854775807}"#).get()
        XCTAssertEqual(request.deadline, Int64.max)
        XCTAssertFalse(request.noWait)
    }

    func testAPullWithANegativeExpiryHasAlreadyExpired() throws {
        let request = try parse(#"{"batch":1,"expires":-1}"#).get()
        XCTAssertEqual(request.deadline, now)
        XCTAssertEqual(try parse(#"{"expires":-9223372036854775808}"#).get().deadline, now)
    }

    func testAPullBatchBelowOneAsksForOneAndAHugeBatchIsKept() throws {
        XCTAssertEqual(try parse(#"{"batch":-1}"#).get().remaining, 1)
        XCTAssertEqual(try parse(#"{"batch":0}"#).get().remaining, 1)
        XCTAssertEqual(try parse(#"{"batch":-9223372036854775808}"#).get().remaining, 1)
        XCTAssertEqual(try parse(#"{"batch":9223372036854775807}"#).get().remaining, Int.max)
        XCTAssertEqual(try parse(" 7 ").get().remaining, 7)
        XCTAssertEqual(try parse("-7").get().remaining, 1)
        XCTAssertEqual(try parse("99999999999999999999999").get().remaining, 1)
    }

    func testNumbersThatFitNoFieldAreABadRequest() {
        let refusal = PullRequest.Refusal(description: "Bad Request - invalid JSON")
        for body in [
            #"{"batch":1e300}"#, #"{"batch":1.5}"#, #"{"batch":99999999999999999999999}"#, #"{"expires":1e300}"#,
            #"{"max_bytes":1e300}"#, #"{"idle_heartbeat":-1e300}"#,
        ] {
            XCTAssertEqual(parse(body), .failure(refusal), body)
        }
        XCTAssertNoThrow(try parse(#"{"batch":1,"max_bytes":-1}"#).get())
        XCTAssertNoThrow(try parse(#"{"batch":1,"max_bytes":9223372036854775807}"#).get())
    }

    func testAHeartbeatThatDoesNotFitTwiceIntoTheExpiryIsRefusedWithoutOverflow() {
        let refusal = PullRequest.Refusal(description: "Bad Request - heartbeat value too large")
        XCTAssertEqual(parse(#"{"expires":1000000000,"idle_heartbeat":9223372036854775807}"#), .failure(refusal))
        XCTAssertEqual(parse(#"{"expires":1000000000,"idle_heartbeat":500000001}"#), .failure(refusal))
        XCTAssertNoThrow(try parse(#"{"expires":1000000000,"idle_heartbeat":500000000}"#).get())
    }

    func testAnAckWaitAndANakDelayAtTheEndOfTimeDoNotTrap() {
        let stream = MessageStream(
            config: StreamConfig(name: "JOBS", subjects: ["job.>"]), created: now, storage: MemoryStreamStorage())
        _ = stream.store(subject: "job.a", headers: [], payload: [1], now: now)
        var config = ConsumerConfig()
        config.durableName = "worker"
        config.ackWait = .max
        let consumer = Consumer(
            name: "worker", config: config, created: now, stream: stream,
            persistence: TransientConsumerPersistence(), now: now)
        let output = RecordingOutput()
        consumer.add(PullRequest(reply: "inbox", batch: 1), now: now, output: output)
        XCTAssertEqual(output.deliveries.count, 1)
        XCTAssertEqual(consumer.pending[1]?.deadline, .max)
        consumer.extend(1, now: now)
        consumer.reject(1, delay: .max, now: now)
        XCTAssertEqual(consumer.nextDeadline, .max)
        consumer.tick(now: now + 1, output: output)
        XCTAssertEqual(output.deliveries.count, 1)
    }

    func testClampedArithmeticPinsAtTheEndsOfTheRange() {
        XCTAssertEqual(Int64.max.addingClamped(1), .max)
        XCTAssertEqual(Int64.min.addingClamped(-1), .min)
        XCTAssertEqual(Int64(5).addingClamped(-7), -2)
        XCTAssertEqual(Int64.min.subtractingClamped(1), .min)
        XCTAssertEqual(Int64.max.subtractingClamped(-1), .max)
        XCTAssertEqual(now.subtractingClamped(.min), .max)
        XCTAssertEqual(UInt64.max.addingClamped(1), .max)
    }

    func testADeliveryCountOfZeroFromADamagedFileDoesNotTrap() {
        let stream = MessageStream(
            config: StreamConfig(name: "JOBS", subjects: ["job.>"]), created: now, storage: MemoryStreamStorage())
        var consumerConfig = ConsumerConfig()
        consumerConfig.backoff = [5, 10]
        let consumer = Consumer(
            name: "worker", config: consumerConfig, created: now, stream: stream,
            persistence: TransientConsumerPersistence(), now: now)
        XCTAssertEqual(consumer.ackWait(forDelivery: 0), 5)
        XCTAssertEqual(consumer.ackWait(forDelivery: .max), 10)
    }

    func testAckBodiesWithHostileNumbersAreReadWithoutTrapping() {
        XCTAssertEqual(AckKind(Array(#"-NAK {"delay":9223372036854775807}"#.utf8)), .reject(delay: .max))
        XCTAssertEqual(AckKind(Array(#"-NAK {"delay":-5}"#.utf8)), .reject(delay: 0))
        XCTAssertEqual(AckKind(Array(#"-NAK {"delay":1e300}"#.utf8)), .reject(delay: 0))
        XCTAssertEqual(AckKind(Array(#"-NAK {"delay":99999999999999999999999}"#.utf8)), .reject(delay: 0))
        XCTAssertEqual(AckKind(Array("+NXT 9223372036854775807".utf8)), .next(batch: .max))
        XCTAssertEqual(AckKind(Array("+NXT 99999999999999999999999".utf8)), .next(batch: 1))
        XCTAssertEqual(AckKind(Array("+NXT -5".utf8)), .next(batch: 1))
        XCTAssertEqual(AckKind(Array(#"+NXT {"batch":1e300}"#.utf8)), .next(batch: 1))
        XCTAssertEqual(AckKind(Array(#"+NXT {"batch":-9223372036854775808}"#.utf8)), .next(batch: 1))
    }

    func testHostileExpectationHeadersAreAnsweredWithoutTrapping() throws {
        let client = try inboxClient("expect")
        makeStream(client, inbox: "_INBOX.expect.api", consumer: nil)
        for header in [
            "Nats-Expected-Last-Sequence: 99999999999999999999999",
            "Nats-Expected-Last-Sequence: -1",
            "Nats-Expected-Last-Subject-Sequence: 18446744073709551615",
            "Nats-Expected-Last-Subject-Sequence: 1e300",
            "Nats-Expected-Last-Msg-Id: \(String(repeating: "x", count: 10_000))",
        ] {
            let answer = publish(client, "job.a", "x", inbox: "_INBOX.expect.pub", headers: header + "\r\n")
            XCTAssertTrue(answer.contains("\"stream\":\"JOBS\""), answer)
        }
        let wrong = publish(
            client, "job.a", "x", inbox: "_INBOX.expect.pub",
            headers: "Nats-Expected-Last-Subject-Sequence: 18446744073709551615\r\n")
        XCTAssertTrue(wrong.contains(#""err_code":10071"#), wrong)
        assertBrokerAnswers(client, inbox: "_INBOX.expect.info")
    }

    func testAConsumerStartingAtTheLastPossibleSequenceWaitsWithoutTrapping() throws {
        let client = try inboxClient("start")
        makeStream(
            client, inbox: "_INBOX.start.api", retention: "limits",
            consumerConfig: #""deliver_policy":"by_start_sequence","opt_start_seq":18446744073709551615"#)
        XCTAssertTrue(publish(client, "job.a", "x", inbox: "_INBOX.start.pub").contains("\"seq\":1"))
        let body = #"{"batch":1,"no_wait":true}"#
        client.send("PUB $JS.API.CONSUMER.MSG.NEXT.JOBS.worker _INBOX.start.pull \(body.utf8.count)\r\n\(body)\r\n")
        XCTAssertTrue(client.read(until: "404 No Messages").contains("404 No Messages"))
        let info = request(client, "$JS.API.CONSUMER.INFO.JOBS.worker", "", reply: "_INBOX.start.info")
        XCTAssertTrue(info.contains(#""num_pending":0"#), info)
    }

    func testAMemoryStoreAnswersLookupsAfterTheLastPossibleSequence() throws {
        let storage = MemoryStreamStorage()
        _ = try storage.append(subject: "a", headers: [], payload: [], timestamp: 1)
        XCTAssertNil(storage.nextSequence(after: .max, matching: { _ in true }))
        XCTAssertEqual(storage.count(after: .max, matching: { _ in true }), 0)
    }

    func testHostilePullsAndNaksOverTheWireLeaveTheBrokerRunning() throws {
        let client = try inboxClient("hostile")
        makeStream(client, inbox: "_INBOX.hostile.api")
        XCTAssertTrue(publish(client, "job.a", "one", inbox: "_INBOX.hostile.pub").contains("\"seq\":1"))
        let pull = #"{"batch":1,"expires":9223372036854775807}"#
        client.send("PUB $JS.API.CONSUMER.MSG.NEXT.JOBS.worker _INBOX.hostile.pull \(pull.utf8.count)\r\n\(pull)\r\n")
        let delivery = client.read(until: "one\r\n")
        let ackSubject = try XCTUnwrap(
            delivery.split(separator: " ").first { $0.hasPrefix("$JS.ACK.") }.map(String.init), delivery)
        let nak = #"-NAK {"delay":9223372036854775807}"#
        client.send("PUB \(ackSubject) \(nak.utf8.count)\r\n\(nak)\r\n")
        for body in [
            #"{"batch":1e300}"#, #"{"batch":-1,"no_wait":true}"#, #"{"batch":9223372036854775807,"expires":-1}"#,
        ] {
            client.send(
                "PUB $JS.API.CONSUMER.MSG.NEXT.JOBS.worker _INBOX.hostile.pull \(body.utf8.count)\r\n\(body)\r\n")
        }
        var statuses = client.read(until: "408 Request Timeout")
        statuses += client.unread
        XCTAssertTrue(statuses.contains("400 Bad Request - invalid JSON"), statuses)
        XCTAssertTrue(statuses.contains("404 No Messages"), statuses)
        assertBrokerAnswers(client, inbox: "_INBOX.hostile.info")
    }

    func testOutOfRangeStreamSettingsGetNatsServersRefusals() throws {
        let client = try inboxClient("limits")
        func create(_ settings: String) -> String {
            request(
                client, "$JS.API.STREAM.CREATE.T", #"{"name":"T","subjects":["t.>"],"storage":"memory",\#(settings)}"#,
                reply: "_INBOX.limits.create")
        }
        let negativeAge = create(#""max_age":-5"#)
        XCTAssertTrue(negativeAge.contains(#""err_code":10052"#), negativeAge)
        XCTAssertTrue(negativeAge.contains("max age can not be negative"), negativeAge)
        XCTAssertTrue(create(#""duplicate_window":-5"#).contains("duplicates window can not be negative"))
        XCTAssertTrue(create(#""max_msg_size":9223372036854775807"#).contains(#""err_code":10025"#))
        XCTAssertTrue(create(#""max_age":1e300"#).contains(#""err_code":10025"#))
        let normalized = create(#""max_msgs":-5,"max_bytes":-5,"max_msgs_per_subject":-5,"max_msg_size":-5"#)
        XCTAssertTrue(normalized.contains(#""max_msgs":-1"#), normalized)
        XCTAssertTrue(normalized.contains(#""max_bytes":-1"#), normalized)
        XCTAssertTrue(normalized.contains(#""max_msg_size":-1"#), normalized)
        request(client, "$JS.API.STREAM.DELETE.T", "", reply: "_INBOX.limits.delete")
        XCTAssertFalse(
            create(#""max_age":9223372036854775807,"duplicate_window":9223372036854775807"#).contains("error"))
        XCTAssertTrue(publish(client, "t.x", "kept", inbox: "_INBOX.limits.pub").contains("\"seq\":1"))
        assertBrokerAnswers(client, inbox: "_INBOX.limits.info")
    }

    func testOutOfRangeConsumerSettingsGetNatsServersRefusals() throws {
        let client = try inboxClient("consumer")
        makeStream(client, inbox: "_INBOX.consumer.api", retention: "limits", consumer: nil)
        func create(_ settings: String) -> String {
            request(
                client, "$JS.API.CONSUMER.DURABLE.CREATE.JOBS.D",
                #"{"stream_name":"JOBS","config":{"durable_name":"D","ack_policy":"explicit",\#(settings)}}"#,
                reply: "_INBOX.consumer.create")
        }
        let negativeWait = create(#""ack_wait":-5"#)
        XCTAssertTrue(negativeWait.contains(#""err_code":10183"#), negativeWait)
        XCTAssertTrue(create(#""backoff":[1000000000,-5]"#).contains(#""err_code":10184"#))
        XCTAssertTrue(create(#""backoff":[1,2,3],"max_deliver":2"#).contains(#""err_code":10116"#))
        XCTAssertTrue(create(#""ack_wait":1e300"#).contains(#""err_code":10025"#))
        XCTAssertTrue(create(#""max_deliver":99999999999999999999"#).contains(#""err_code":10025"#))
        let huge = create(#""ack_wait":9223372036854775807,"backoff":[9223372036854775807],"max_deliver":5"#)
        XCTAssertFalse(huge.contains("error"), huge)
        XCTAssertTrue(publish(client, "job.a", "one", inbox: "_INBOX.consumer.pub").contains("\"seq\":1"))
        client.send("PUB $JS.API.CONSUMER.MSG.NEXT.JOBS.D _INBOX.consumer.pull 1\r\n1\r\n")
        XCTAssertTrue(client.read(until: "one\r\n").contains("$JS.ACK.JOBS.D.1.1.1."))
        assertBrokerAnswers(client, inbox: "_INBOX.consumer.info")
    }

    func testAMessageGetWithAnImpossibleSequenceIsAnsweredLikeNatsServer() throws {
        let client = try inboxClient("get")
        makeStream(client, inbox: "_INBOX.get.api", consumer: nil)
        func get(_ body: String) -> String {
            request(client, "$JS.API.STREAM.MSG.GET.JOBS", body, reply: "_INBOX.get.reply")
        }
        XCTAssertTrue(get(#"{"seq":18446744073709551615}"#).contains(#""err_code":10037"#))
        XCTAssertTrue(get(#"{"seq":-1}"#).contains(#""err_code":10025"#))
        XCTAssertTrue(get(#"{"seq":1e300}"#).contains(#""err_code":10025"#))
        XCTAssertTrue(get(#"{"seq":0}"#).contains(#""err_code":10003"#))
        let delete = request(
            client, "$JS.API.STREAM.MSG.DELETE.JOBS", #"{"seq":18446744073709551615}"#, reply: "_INBOX.get.delete")
        XCTAssertTrue(delete.contains(#""err_code":10037"#), delete)
        assertBrokerAnswers(client, inbox: "_INBOX.get.info")
    }
}
