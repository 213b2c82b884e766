/// `ffrtmp submit`'s jobs: one from its flags, or a matrix where some fields take a list
/// (`--encoders libx264,libx265 --resolutions 720p,1080p --bitrates 2M,5M`) and every combination is
/// a job over the same other fields. Matrix jobs are named `<id>-<value>-<value>…` in a fixed field
/// order (`run7-libx265-1080p-5M`), so re-submitting a matrix with the same `--id` yields the same ids
/// and the stream de-duplicates them.
public struct JobMatrix: Sendable {
    /// A field a matrix can vary, in the order its values appear in job ids.
    public enum Axis: Int, CaseIterable, Sendable {
        case scenario, encoder, preset, resolution, bitrate, crf

        /// The list flag: `--encoders`.
        public var flag: String { singleFlag + "s" }
        /// The one-value flag: `--encoder`.
        public var singleFlag: String { "--" + field }
        /// The job field it sets.
        public var field: String { String(describing: self) }
    }

    /// One value of an axis: as the draft takes it, and as the job id shows it.
    struct Value: Sendable, Equatable {
        var draft: String
        var label: String
    }

    /// Most jobs one submit may make.
    public static let maximumJobs = 1000

    public var base: JobDraft
    private var axes: [Axis: [Value]] = [:]

    public init(base: JobDraft) {
        self.base = base
    }

    /// True when some field takes a list.
    public var isMatrix: Bool { !axes.isEmpty }

    /// Jobs this makes: the product of the list lengths (1 without lists), `Int.max` past that.
    public var jobCount: Int {
        axes.values.reduce(1) { product, values in
            let (result, overflow) = product.multipliedReportingOverflow(by: values.count)
            return overflow ? Int.max : result
        }
    }

    /// Sets `axis` from a comma-separated list, checking each value now so the error names the
    /// list flag. Refuses an empty list, a value given twice and a field also set by its one-value flag.
    public mutating func set(_ axis: Axis, list text: String) throws(JobDraftError) {
        guard baseValue(axis) == nil else {
            throw JobDraftError(flag: axis.flag, "give \(axis.singleFlag) or \(axis.flag), not both")
        }
        var values: [Value] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = item.trimmingWhitespace()
            guard !entry.isEmpty else {
                throw JobDraftError(flag: axis.flag, "\(axis.flag) has an empty entry in \(TextRules.quoted(text))")
            }
            let value = try Self.value(entry, axis)
            guard !values.contains(where: { $0.label == value.label }) else {
                throw JobDraftError(flag: axis.flag, "\(axis.flag) lists \(value.label) twice")
            }
            values.append(value)
        }
        axes[axis] = values
    }

    /// Every job, each checked by `validator`: a value that cannot be read, a job the validator refuses
    /// (naming the field and the flag that set it) or a matrix over `maximumJobs` throws. `id` names the
    /// single job, or prefixes the matrix's.
    public func jobs(id: String, submittedAt: Int64? = nil, validator: JobValidator) throws(JobDraftError) -> [Job] {
        guard jobCount <= Self.maximumJobs else {
            let factors = Axis.allCases.compactMap { axis in axes[axis].map { "\($0.count) \(axis.field)s" } }
            throw JobDraftError(
                flag: nil,
                "the matrix makes \(jobCount) jobs (\(factors.joined(separator: " × "))); at most "
                    + "\(Self.maximumJobs) can be submitted at once")
        }
        var jobs: [Job] = []
        for (index, combination) in combinations().enumerated() {
            var draft = base
            var labels: [String] = []
            for (axis, value) in combination {
                Self.apply(value.draft, axis, to: &draft)
                labels.append(value.label)
            }
            var jobID = id
            if isMatrix {
                jobID = ([id] + labels).joined(separator: "-")
                if jobID.utf8.count > Identifier.maximumLength {
                    let digits = String(jobCount).count
                    let number = String(index + 1)
                    jobID = id + "-" + String(repeating: "0", count: digits - number.count) + number
                }
            }
            let job = try draft.job(id: jobID, submittedAt: submittedAt)
            if case .failure(let rejection) = validator.validate(job) {
                throw refusal(rejection, jobID: jobID)
            }
            jobs.append(job)
        }
        return jobs
    }

    /// Every combination of the axes' values, axes in `Axis` order, the last varying fastest.
    private func combinations() -> [[(Axis, Value)]] {
        var result: [[(Axis, Value)]] = [[]]
        for axis in Axis.allCases {
            guard let values = axes[axis] else { continue }
            result = result.flatMap { prefix in values.map { prefix + [(axis, $0)] } }
        }
        return result
    }

    private func refusal(_ rejection: JobRejection, jobID: String) -> JobDraftError {
        let axisFlag = Axis.allCases.first { $0.field == rejection.field && axes[$0] != nil }?.flag
        let flag = axisFlag ?? JobDraft.flag(forField: rejection.field)
        var message = isMatrix ? "job \(jobID): " : ""
        message += rejection.description
        if let flag { message += " (see \(flag))" }
        return JobDraftError(flag: flag, message)
    }

    private func baseValue(_ axis: Axis) -> String? {
        switch axis {
        case .scenario: base.scenario
        case .encoder: base.encoder
        case .preset: base.preset
        case .resolution: base.resolution
        case .bitrate: base.bitrate
        case .crf: base.crf
        }
    }

    private static func apply(_ text: String, _ axis: Axis, to draft: inout JobDraft) {
        switch axis {
        case .scenario: draft.scenario = text
        case .encoder: draft.encoder = text
        case .preset: draft.preset = text
        case .resolution: draft.resolution = text
        case .bitrate: draft.bitrate = text
        case .crf: draft.crf = text
        }
    }

    /// Reads one list entry: its value for the draft and its label for job ids (both id-safe).
    private static func value(_ text: String, _ axis: Axis) throws(JobDraftError) -> Value {
        switch axis {
        case .scenario:
            guard ScenarioCatalog.named(text) != nil else {
                throw JobDraftError(
                    flag: axis.flag,
                    "\(axis.flag): unknown scenario \(TextRules.quoted(text)) (`ffrtmp submit --list-scenarios` "
                        + "lists them)")
            }
            return Value(draft: text, label: text)
        case .encoder:
            let encoder = try JobDraft.encoder(text, flag: axis.flag)
            return Value(draft: encoder.rawValue, label: encoder.rawValue)
        case .preset:
            guard Identifier.isValid(text) else {
                throw JobDraftError(flag: axis.flag, "\(axis.flag): \(TextRules.quoted(text)) is not a preset name")
            }
            return Value(draft: text, label: text)
        case .resolution:
            let resolution = try JobDraft.resolution(text, flag: axis.flag)
            return Value(draft: resolution.description, label: resolution.shortName)
        case .bitrate:
            let bitrate = try JobDraft.bitrate(text, flag: axis.flag)
            return Value(draft: String(bitrate), label: JobDraft.bitrateName(bitrate))
        case .crf:
            let crf = try JobDraft.integer(text, flag: axis.flag)
            return Value(draft: String(crf), label: "crf\(crf)")
        }
    }
}
