import Support

/// Reading the values people type for job fields. Each reader names its flag in the error, and quotes
/// the value shortened and made printable (`TextRules.quoted`).
extension JobDraft {
    public static func encoder(_ text: String, flag: String) throws(JobDraftError) -> VideoEncoder {
        guard let encoder = VideoEncoder(rawValue: text) else {
            throw JobDraftError(
                flag: flag,
                "\(flag): unknown encoder \(TextRules.quoted(text)); allowed: "
                    + VideoEncoder.allNames.joined(separator: ", "))
        }
        return encoder
    }

    /// `1280x720` or a name: `720p`, `1080p`, `4k` (see `Resolution.names`).
    public static func resolution(_ text: String, flag: String) throws(JobDraftError) -> Resolution {
        guard let resolution = Resolution(nameOrSize: text) else {
            throw JobDraftError(
                flag: flag,
                "\(flag): \(TextRules.quoted(text)) is not WIDTHxHEIGHT (1280x720) or one of "
                    + Resolution.names.map(\.name).joined(separator: ", "))
        }
        return resolution
    }

    /// Bits per second: digits (a decimal point allowed) and an optional `k`, `M` or `G` (powers of
    /// 1000), an optional `bps` or `b`: `3M`, `2.5M`, `2500k`, `800000`, `6Mbps`.
    public static func bitrate(_ text: String, flag: String) throws(JobDraftError) -> Int {
        var body = Substring(text.trimmingWhitespace())
        for suffix in ["bps", "b"] where body.lowercased().hasSuffix(suffix) {
            body = body.dropLast(suffix.count)
            break
        }
        var scale = 1.0
        if let last = body.last, let multiplier = ["k": 1e3, "m": 1e6, "g": 1e9][last.lowercased()] {
            scale = multiplier
            body = body.dropLast()
        }
        guard !body.isEmpty, body.allSatisfy({ $0 == "." || ("0"..."9").contains($0) }), let number = Double(body),
            number * scale < 1e15
        else {
            throw JobDraftError(
                flag: flag, "\(flag): \(TextRules.quoted(text)) is not a bitrate such as 3M, 2500k or 800000 (bit/s)")
        }
        return Int((number * scale).rounded())
    }

    /// The short form of a bitrate, for ids: `3M`, `2500k`, `800`.
    public static func bitrateName(_ bitsPerSecond: Int) -> String {
        if bitsPerSecond > 0 && bitsPerSecond.isMultiple(of: 1_000_000) { return "\(bitsPerSecond / 1_000_000)M" }
        if bitsPerSecond > 0 && bitsPerSecond.isMultiple(of: 1000) { return "\(bitsPerSecond / 1000)k" }
        return String(bitsPerSecond)
    }

    public static func integer(_ text: String, flag: String) throws(JobDraftError) -> Int {
        guard let value = Int(text.trimmingWhitespace()) else {
            throw JobDraftError(flag: flag, "\(flag) takes a whole number, not \(TextRules.quoted(text))")
        }
        return value
    }

    /// `30`, `29.97` or a fraction such as `30000/1001`.
    public static func frameRate(_ text: String, flag: String) throws(JobDraftError) -> Double {
        let parts = text.trimmingWhitespace().split(separator: "/", omittingEmptySubsequences: false)
        let numbers = parts.map { part in
            part.allSatisfy { $0 == "." || ("0"..."9").contains($0) } ? Double(part) : nil
        }
        switch (numbers.count, numbers.first ?? nil, numbers.last ?? nil) {
        case (1, let rate?, _): return rate
        case (2, let numerator?, let denominator?) where denominator > 0: return numerator / denominator
        default:
            throw JobDraftError(
                flag: flag, "\(flag): \(TextRules.quoted(text)) is not a frame rate such as 30, 29.97 or 30000/1001")
        }
    }

    /// A duration in seconds: `10` (seconds), `10s`, `1.5m`, `1m30s`, `500ms`.
    public static func seconds(_ text: String, flag: String) throws(JobDraftError) -> Double {
        guard let nanoseconds = Units.durationNanoseconds(text) else {
            throw JobDraftError(
                flag: flag, "\(flag): \(TextRules.quoted(text)) is not a duration such as 10, 10s or 2m")
        }
        return Double(nanoseconds) / 1e9
    }

    /// `generated` or `generated:PATTERN` (a lavfi test source), `clip:NAME`, a URL (`scheme://…`), else a
    /// file path.
    public static func input(_ text: String, flag: String) throws(JobDraftError) -> JobInput {
        if text == "generated" { return .generated(GeneratedInput()) }
        if text.hasPrefix("clip:") { return .clip(name: String(text.dropFirst("clip:".count))) }
        if text.hasPrefix("generated:") {
            let name = String(text.dropFirst("generated:".count))
            guard let pattern = GeneratedPattern(rawValue: name) else {
                throw JobDraftError(
                    flag: flag,
                    "\(flag): unknown test pattern \(TextRules.quoted(name)); allowed: "
                        + GeneratedPattern.allNames.joined(separator: ", "))
            }
            return .generated(GeneratedInput(pattern: pattern))
        }
        return text.contains("://") ? .url(text) : .file(path: text)
    }

    /// `null`, a URL, `file:NAME` or a bare file name.
    public static func output(_ text: String) -> JobOutput {
        if text == "null" { return .null }
        if text.contains("://") { return .url(text) }
        return .file(name: text.hasPrefix("file:") ? String(text.dropFirst("file:".count)) : text)
    }

    /// `--target-ssim 0.95`: the metric from the flag's name, the score a plain number.
    public static func target(_ text: String, flag: String) throws(JobDraftError) -> QualityTarget {
        guard let metric = QualityMetric(rawValue: String(flag.dropFirst("--target-".count))) else {
            throw JobDraftError(flag: flag, "\(flag): not a quality target flag")
        }
        guard let score = Double(text.trimmingWhitespace()), score.isFinite else {
            throw JobDraftError(flag: flag, "\(flag): \(TextRules.quoted(text)) is not a number")
        }
        return QualityTarget(metric: metric, score: score)
    }

    /// `psnr`, `ssim`, `vmaf`, or several: `psnr,ssim,vmaf`.
    public static func quality(_ text: String, flag: String) throws(JobDraftError) -> [QualityMetric] {
        var metrics: [QualityMetric] = []
        for name in text.split(separator: ",").map({ $0.trimmingWhitespace().lowercased() }) {
            guard let metric = QualityMetric(rawValue: name) else {
                throw JobDraftError(
                    flag: flag,
                    "\(flag): unknown quality metric \(TextRules.quoted(name)); allowed: "
                        + QualityMetric.allNames.joined(separator: ", "))
            }
            if !metrics.contains(metric) { metrics.append(metric) }
        }
        guard !metrics.isEmpty else { throw JobDraftError(flag: flag, "\(flag) needs one or more of psnr, ssim, vmaf") }
        return metrics
    }

    /// `key=value` pairs; a key given twice is refused (which one was meant?).
    public static func labels(_ pairs: [String], flag: String) throws(JobDraftError) -> [String: String] {
        var labels: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw JobDraftError(flag: flag, "\(flag) takes KEY=VALUE, not \(TextRules.quoted(pair))")
            }
            let key = String(pair[..<equals])
            guard labels[key] == nil else {
                throw JobDraftError(flag: flag, "\(flag): label \(TextRules.quoted(key)) is given twice")
            }
            labels[key] = String(pair[pair.index(after: equals)...])
        }
        return labels
    }
}
