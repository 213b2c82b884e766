import FoundationEssentials
import Support

/// JSON bodies the JetStream API answers with. Field names and shapes follow nats-server 2.15 so
/// nats-py and nats.go decode them unchanged; `type` names the response as nats-server does.
enum APIResponse {
    struct ErrorBody: Encodable {
        let code: Int
        let err_code: Int
        let description: String

        init(_ error: JetStreamError) {
            code = error.code
            err_code = error.errorCode
            description = error.description
        }
    }

    struct Failure: Encodable {
        let type: String
        let error: ErrorBody
    }

    /// An error with no response type: the request was refused before anyone read what it asked.
    struct Refusal: Encodable {
        let error: ErrorBody
    }

    struct AccountInfo: Encodable {
        var type = "io.nats.jetstream.api.v1.account_info_response"
        var memory = 0
        var storage: Int64
        var reserved_memory = 0
        var reserved_storage = 0
        var streams: Int
        var consumers: Int
        var limits = Limits()
        var api: APIStats

        struct Limits: Encodable {
            var max_memory = -1
            var max_storage = -1
            var max_streams = -1
            var max_consumers = -1
            var max_ack_pending = -1
            var memory_max_stream_bytes = -1
            var storage_max_stream_bytes = -1
            var max_bytes_required = false
        }

        struct APIStats: Encodable {
            var level = 1
            var total: Int
            var errors: Int
        }
    }

    struct StreamState: Encodable {
        var messages: UInt64
        var bytes: UInt64
        var first_seq: UInt64
        var first_ts: String
        var last_seq: UInt64
        var last_ts: String
        var consumer_count: Int
    }

    struct StreamInfo: Encodable {
        var type: String?
        var config: StreamConfig
        var created: String
        var state: StreamState
        var ts: String
        var did_create: Bool?
    }

    struct SequenceInfo: Encodable {
        var consumer_seq: UInt64
        var stream_seq: UInt64
        var last_active: String?
    }

    struct ConsumerInfo: Encodable {
        var type: String?
        var stream_name: String
        var name: String
        var created: String
        var config: ConsumerConfig
        var delivered: SequenceInfo
        var ack_floor: SequenceInfo
        var num_ack_pending: Int
        var num_redelivered: Int
        var num_waiting: Int
        var num_pending: UInt64
        /// Push consumers: whether the deliver subject has a subscriber.
        var push_bound: Bool?
        var ts: String
    }

    struct Success: Encodable {
        var type: String
        var success = true
        var purged: UInt64?
    }

    struct StreamNames: Encodable {
        var type = "io.nats.jetstream.api.v1.stream_names_response"
        var total: Int
        var offset = 0
        var limit = 1024
        var streams: [String]
    }

    struct StreamList: Encodable {
        var type = "io.nats.jetstream.api.v1.stream_list_response"
        var total: Int
        var offset = 0
        var limit = 256
        var streams: [StreamInfo]
    }

    struct ConsumerNames: Encodable {
        var type = "io.nats.jetstream.api.v1.consumer_names_response"
        var total: Int
        var offset = 0
        var limit = 1024
        var consumers: [String]
    }

    struct ConsumerList: Encodable {
        var type = "io.nats.jetstream.api.v1.consumer_list_response"
        var total: Int
        var offset = 0
        var limit = 256
        var consumers: [ConsumerInfo]
    }

    struct StoredMessageBody: Encodable {
        var subject: String
        var seq: UInt64
        var hdrs: String?
        var data: String
        var time: String
    }

    struct MessageGet: Encodable {
        var type = "io.nats.jetstream.api.v1.stream_msg_get_response"
        var message: StoredMessageBody
    }

    /// `{"stream":"JOBS","seq":7}` (+ `"duplicate":true`), or the error form with seq 0.
    struct PublishAck: Encodable {
        var error: ErrorBody?
        var stream: String
        var seq: UInt64
        var duplicate: Bool?

        /// The JSON bytes. The common success form is written by hand: one per stored message, it
        /// is the hottest reply the broker sends (stream names hold no characters needing escapes).
        var bytes: [UInt8] {
            guard error == nil else { return APIResponse.encode(self) }
            var text = "{\"stream\":\"\(stream)\",\"seq\":\(seq)"
            if duplicate == true { text += ",\"duplicate\":true" }
            text += "}"
            return Array(text.utf8)
        }
    }

    /// Encodes any response as compact JSON bytes.
    static func encode<Body: Encodable>(_ body: Body) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return (try? Array(encoder.encode(body)))
            ?? Array(#"{"error":{"code":500,"err_code":10000,"description":"encoding failed"}}"#.utf8)
    }

    static func failure(_ type: String, _ error: JetStreamError) -> [UInt8] {
        encode(Failure(type: "io.nats.jetstream.api.v1.\(type)", error: ErrorBody(error)))
    }

    static func timestamp(_ nanoseconds: Int64) -> String { Timestamp.rfc3339(nanoseconds: nanoseconds) }
}
