/// A JetStream API refusal: the HTTP-like `code`, nats-server's numeric `err_code` and the
/// description clients show. Each case's numbers and text are nats-server 2.15's, checked against a
/// running server.
struct JetStreamError: Error, Equatable, Sendable {
    let code: Int
    let errorCode: Int
    let description: String

    static let streamNotFound = JetStreamError(code: 404, errorCode: 10059, description: "stream not found")
    static let consumerNotFound = JetStreamError(code: 404, errorCode: 10014, description: "consumer not found")
    static let noMessageFound = JetStreamError(code: 404, errorCode: 10037, description: "no message found")
    static let streamNameInUse = JetStreamError(
        code: 400, errorCode: 10058, description: "stream name already in use with a different configuration")
    static let subjectsOverlap = JetStreamError(
        code: 400, errorCode: 10065, description: "subjects overlap with an existing stream")
    static let streamNameMismatch = JetStreamError(
        code: 400, errorCode: 10056, description: "stream name in subject does not match request")
    static let consumerNameMismatch = JetStreamError(
        code: 400, errorCode: 10017, description: "consumer name in subject does not match durable name in request")
    static let replicasNotSupported = JetStreamError(
        code: 500, errorCode: 10074, description: "replicas > 1 not supported in non-clustered mode")
    static let invalidSubject = JetStreamError(code: 500, errorCode: 10052, description: "invalid subject")
    static let storageTypeChange = JetStreamError(
        code: 500, errorCode: 10052, description: "stream configuration update can not change storage type")
    static let maximumMessagesExceeded = JetStreamError(
        code: 503, errorCode: 10077, description: "maximum messages exceeded")
    static let maximumBytesExceeded = JetStreamError(code: 503, errorCode: 10077, description: "maximum bytes exceeded")
    static let messageSizeExceeded = JetStreamError(
        code: 400, errorCode: 10054, description: "message size exceeds maximum allowed")
    static let workQueueMultipleUnfiltered = JetStreamError(
        code: 400, errorCode: 10099, description: "multiple non-filtered consumers not allowed on workqueue stream")
    static let workQueueFilterNotUnique = JetStreamError(
        code: 400, errorCode: 10100, description: "filtered consumer not unique on workqueue stream")
    static let workQueueNeedsExplicitAck = JetStreamError(
        code: 400, errorCode: 10084,
        description: "consumer in pull mode requires explicit ack policy on workqueue stream")
    static let ackPolicyUpdate = JetStreamError(
        code: 500, errorCode: 10012, description: "ack policy can not be updated")
    static let badRequest = JetStreamError(code: 400, errorCode: 10003, description: "bad request")
    static let streamNameRequired = JetStreamError(code: 400, errorCode: 10057, description: "stream name is required")
    static let insufficientResources = JetStreamError(
        code: 503, errorCode: 10023, description: "insufficient resources")

    static let ackWaitNegative = JetStreamError(
        code: 400, errorCode: 10183, description: "consumer ack wait needs to be positive")
    static let backoffNegative = JetStreamError(
        code: 400, errorCode: 10184, description: "consumer backoff needs to be positive")
    static let maxDeliverBackoff = JetStreamError(
        code: 400, errorCode: 10116, description: "max deliver is required to be > length of backoff values")
    static let maxAgeNegative = JetStreamError(
        code: 500, errorCode: 10052, description: "max age can not be negative")
    static let duplicateWindowNegative = JetStreamError(
        code: 500, errorCode: 10052, description: "duplicates window can not be negative")

    static func invalidJSON(_ detail: String) -> JetStreamError {
        JetStreamError(code: 400, errorCode: 10025, description: "invalid JSON: \(detail)")
    }

    /// A request for a JetStream feature ffrtmp's broker does not implement (documented in protocol/).
    static func notSupported(_ feature: String) -> JetStreamError {
        JetStreamError(code: 400, errorCode: 10003, description: "\(feature) is not supported by ffrtmp broker")
    }

    /// The store could not write (disk full, I/O error): nothing was stored. nats-server reports
    /// its store refusals (including the two limits above) under this same code.
    static func storeFailed(_ detail: String) -> JetStreamError {
        JetStreamError(code: 503, errorCode: 10077, description: detail)
    }
}
