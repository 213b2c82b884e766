/// The `Nats-Rollup` header of a publish: after the message is stored, every earlier message on its
/// subject (`sub`) or in the whole stream (`all`) is removed, so the new one stands for them. Only
/// streams with `allow_rollup_hdrs` (and without `deny_purge`) take it; nats-server's refusals are
/// 500/10111.
enum Rollup: Equatable {
    case subject
    case all

    /// The rollup a header value asks for; nil without the header (or with an empty value).
    static func parse(_ value: String?, allowed: Bool) -> Result<Rollup, JetStreamError>? {
        guard let value, !value.isEmpty else { return nil }
        guard allowed else { return .failure(rollupFailed("rollup not permitted")) }
        let lowered = value.lowercased()
        switch lowered {
        case "sub": return .success(.subject)
        case "all": return .success(.all)
        default: return .failure(rollupFailed("rollup value invalid: \(GoQuoted.text(lowered))"))
        }
    }

    private static func rollupFailed(_ description: String) -> JetStreamError {
        JetStreamError(code: 500, errorCode: 10111, description: description)
    }
}

/// A string as Go's `%q` writes it (the form nats-server's error texts quote values in): double
/// quotes, backslash escapes for quotes, backslashes and control characters. Values come from the
/// network, so the output is also bounded.
enum GoQuoted {
    static let maximumCharacters = 256

    static func text(_ value: String) -> String {
        var quoted = "\""
        for scalar in value.unicodeScalars.prefix(maximumCharacters) {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    let hex = String(scalar.value, radix: 16)
                    quoted += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }
}
