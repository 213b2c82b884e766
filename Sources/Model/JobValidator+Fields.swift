/// The checks of single fields and groups of fields.
extension JobValidator {
    func require(_ violation: RuleViolation?, _ field: String) throws(JobRejection) {
        if let violation { throw JobRejection(field: field, reason: violation.reason) }
    }

    func text(_ value: String, _ field: String) throws(JobRejection) {
        try require(TextRules.check(value, maximumBytes: policy.maximumStringBytes), field)
    }

    func checked<Value: Comparable>(
        _ value: Value, _ range: ClosedRange<Value>, _ field: String
    ) throws(JobRejection) -> Value {
        guard range.contains(value) else {
            throw JobRejection(
                field: field, reason: "must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
        }
        return value
    }

    func checkedIfPresent<Value: Comparable>(
        _ value: Value?, _ range: ClosedRange<Value>, _ field: String
    ) throws(JobRejection) -> Value? {
        guard let value else { return nil }
        return try checked(value, range, field)
    }

    func checkedIfPresent(_ value: Resolution?, _ field: String) throws(JobRejection) -> Resolution? {
        guard let value else { return nil }
        return try checked(value, field)
    }

    /// At least the minimum on both sides, within the maximum in either orientation, even.
    func checked(_ value: Resolution, _ field: String) throws(JobRejection) -> Resolution {
        let minimum = policy.minimumDimension
        let maximum = policy.maximumResolution
        func fits(_ width: Int, _ height: Int) -> Bool { width <= maximum.width && height <= maximum.height }
        if value.width < minimum || value.height < minimum {
            throw JobRejection(field: field, reason: "must be at least \(minimum)x\(minimum) (got \(value))")
        }
        if !fits(value.width, value.height) && !fits(value.height, value.width) {
            throw JobRejection(field: field, reason: "must fit in \(maximum) in either orientation (got \(value))")
        }
        if !value.width.isMultiple(of: 2) || !value.height.isMultiple(of: 2) {
            throw JobRejection(field: field, reason: "width and height must be even (got \(value))")
        }
        return value
    }

    func scenario(_ name: String?) throws(JobRejection) -> Scenario? {
        guard let name else { return nil }
        try text(name, "scenario")
        guard let scenario = ScenarioCatalog.named(name) else {
            throw JobRejection(
                field: "scenario",
                reason: "unknown scenario \(TextRules.quoted(name)); protocol/MESSAGES.md lists the presets")
        }
        return scenario
    }

    func preset(_ name: String?, encoder: VideoEncoder, base: Scenario?) throws(JobRejection) -> String? {
        guard let name else { return base?.encoder == encoder ? base?.preset : encoder.defaultPreset }
        try text(name, "preset")
        if encoder.presets.isEmpty {
            throw JobRejection(field: "preset", reason: "\(encoder.rawValue) takes no preset")
        }
        guard encoder.presets.contains(name) else {
            throw JobRejection(
                field: "preset",
                reason: "unknown preset \(TextRules.quoted(name)) for \(encoder.rawValue); allowed: "
                    + encoder.presets.joined(separator: ", "))
        }
        return name
    }

    func rateControl(_ job: Job, encoder: VideoEncoder, base: Scenario?) throws(JobRejection) -> JobSpec.RateControl {
        switch (job.bitrate, job.crf) {
        case (.some, .some):
            throw JobRejection(field: "crf", reason: "give bitrate or crf, not both")
        case (let bitrate?, nil):
            return .bitrate(try checked(bitrate, policy.bitrates, "bitrate"))
        case (nil, let crf?):
            return .constantQuality(try checked(crf, encoder.constantQualityRange, "crf"))
        case (nil, nil):
            return base.map { .bitrate($0.bitrate) } ?? .encoderDefault
        }
    }

    func input(
        _ stated: JobInput?, base: Scenario?, resolution: Resolution?, fps: Double?, duration: Double?
    ) throws(JobRejection) -> JobSpec.Input {
        guard let stated = stated ?? base.map({ .generated(GeneratedInput(pattern: $0.pattern)) }) else {
            throw JobRejection(field: "input", reason: "required: give an input or a scenario")
        }
        switch stated {
        case .generated(let generated):
            return try self.generated(generated, base: base, resolution: resolution, fps: fps, duration: duration)
        case .file(let path):
            try text(path, "input.path")
            switch PathRules.checkInput(path, roots: policy.allowedRoots) {
            case .success(let normalized): return .file(path: normalized)
            case .failure(let violation): throw JobRejection(field: "input.path", reason: violation.reason)
            }
        case .url(let url):
            try text(url, "input.url")
            try require(URLRules.check(url, allowedSchemes: policy.allowedURLSchemes), "input.url")
            return .url(url)
        case .clip(let name):
            if let reason = ClipName.violation(name) { throw JobRejection(field: "input.name", reason: reason) }
            return .clip(name: name)
        }
    }

    private func generated(
        _ input: GeneratedInput, base: Scenario?, resolution: Resolution?, fps: Double?, duration: Double?
    ) throws(JobRejection) -> JobSpec.Input {
        let sourceResolution = try checkedIfPresent(input.resolution, "input.resolution") ?? resolution
        let sourceFPS = try checkedIfPresent(input.fps, policy.frameRates, "input.fps") ?? fps
        let sourceDuration =
            try checkedIfPresent(input.durationSeconds, policy.durations, "input.duration_s") ?? duration
            ?? base?.durationSeconds
        guard let sourceResolution else {
            throw JobRejection(
                field: "input.resolution", reason: "required for a generated source (or give resolution)")
        }
        guard let sourceFPS else {
            throw JobRejection(field: "input.fps", reason: "required for a generated source (or give fps)")
        }
        guard let sourceDuration else {
            throw JobRejection(
                field: "input.duration_s", reason: "a generated source needs a duration (or give duration_s)")
        }
        return .generated(
            pattern: input.pattern, resolution: sourceResolution, fps: sourceFPS, durationSeconds: sourceDuration)
    }

    func output(_ output: JobOutput) throws(JobRejection) -> JobOutput {
        switch output {
        case .null: break
        case .file(let name):
            try text(name, "output.name")
            try require(PathRules.checkOutputName(name), "output.name")
        case .url(let url):
            try text(url, "output.url")
            try require(URLRules.check(url, allowedSchemes: policy.allowedURLSchemes), "output.url")
        }
        return output
    }

    func quality(_ metrics: [QualityMetric]) throws(JobRejection) -> Set<QualityMetric> {
        var seen = Set<QualityMetric>()
        for metric in metrics where !seen.insert(metric).inserted {
            throw JobRejection(field: "quality", reason: "lists \(metric.rawValue) twice")
        }
        return seen
    }

    func labels(_ labels: [String: String]) throws(JobRejection) -> [String: String] {
        guard labels.count <= policy.maximumLabels else {
            throw JobRejection(field: "labels", reason: "has \(labels.count) labels; at most \(policy.maximumLabels)")
        }
        for key in labels.keys.sorted() {
            let bytes = key.utf8
            let valid =
                (1...policy.maximumLabelKeyLength).contains(bytes.count)
                && bytes.allSatisfy { Self.isLabelKeyByte($0) }
            guard valid else {
                throw JobRejection(
                    field: "labels",
                    reason: "key \(TextRules.quoted(key)) must be 1–\(policy.maximumLabelKeyLength) of a-z 0-9 _ . -")
            }
            let value = labels[key] ?? ""
            let length = value.unicodeScalars.count
            if length > policy.maximumLabelValueLength {
                throw JobRejection(
                    field: "labels.\(key)",
                    reason: "is \(length) characters long; the limit is \(policy.maximumLabelValueLength)")
            }
            if TextRules.hasControlCharacters(value) {
                throw JobRejection(field: "labels.\(key)", reason: "contains control characters")
            }
        }
        return labels
    }

    private static func isLabelKeyByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || Identifier.isDigit(byte) || "_.-".utf8.contains(byte)
    }
}
