/// One thing `ffrtmp doctor` looked at: what, in which area, how it went, what it found and,
/// when something is wrong, how to fix it.
public struct DoctorCheck: Sendable, Equatable {
    /// How a check went. Only `failed` makes the doctor exit 1.
    public enum State: String, Sendable, Equatable {
        /// Present and working.
        case passed = "ok"
        /// Optional and not on this machine (a GPU, NVML, RAPL on a VM): not a fault.
        case notPresent = "not-present"
        /// Works in a reduced way (no cgroup v2: nice and rlimits instead); worth knowing.
        case warning = "warning"
        /// Needed and not working.
        case failed = "failed"
    }

    /// The area: ffmpeg, capability, power, cgroup, disk, broker, tls.
    public var area: String
    /// What was checked, e.g. "RAPL" or "cpu probe encode".
    public var name: String
    public var state: State
    /// What was found (a version, zones, ffmpeg's own error, free bytes…).
    public var detail: String
    /// What to do about it; nil when nothing is needed.
    public var fix: String?

    public init(area: String, name: String, state: State, detail: String, fix: String? = nil) {
        self.area = area
        self.name = name
        self.state = state
        self.detail = detail
        self.fix = fix
    }
}
