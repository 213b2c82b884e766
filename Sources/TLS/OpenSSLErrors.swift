import COpenSSL

/// OpenSSL's thread-local error queue, emptied into one message.
///
/// Every wrapped call clears the queue first (a stale entry would make `SSL_get_error` lie) and, on
/// failure, drains it into the thrown `TLSError`, so nothing is left for the next call on this thread.
enum OpenSSLErrors {
    /// What the queue held: the message and each entry's reason code (`ERR_GET_REASON`).
    struct Drained {
        var text: String
        var reasons: [Int32]
    }

    /// Forgets whatever earlier calls on this thread left in the queue.
    static func clear() {
        ERR_clear_error()
    }

    /// Every queued error as OpenSSL prints it (plus its detail text), oldest first, joined by "; ";
    /// the queue is left empty. `fallback` is used when OpenSSL queued nothing.
    static func drain(fallback: String = "no reason given by OpenSSL") -> String {
        drainWithReasons(fallback: fallback).text
    }

    /// `drain`, keeping the reason codes so callers can classify the failure without parsing text.
    static func drainWithReasons(fallback: String = "no reason given by OpenSSL") -> Drained {
        var texts: [String] = []
        var reasons: [Int32] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while true {
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            reasons.append(ERR_GET_REASON(code))
            ERR_error_string_n(code, &buffer, buffer.count)
            var text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            if flags & ERR_TXT_STRING != 0, let data, data.pointee != 0 {
                text += " (\(String(cString: data)))"
            }
            if texts.last != text { texts.append(text) }
        }
        return Drained(text: texts.isEmpty ? fallback : texts.joined(separator: "; "), reasons: reasons)
    }

    /// A `TLSError.openSSL` for `operation` with the drained queue.
    static func failure(_ operation: String) -> TLSError {
        .openSSL(operation: operation, reason: drain())
    }
}
