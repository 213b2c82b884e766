/// What kind of encoding hardware a job needs; each capability is its own queue
/// (`job.cpu`, `job.nvenc`, …), so a job never blocks agents of another kind.
public enum Capability: String, WireEnum {
    /// Software encoders on the CPU.
    case cpu
    /// NVIDIA NVENC.
    case nvenc
    /// Intel Quick Sync Video.
    case qsv
    /// VA-API (Intel, AMD) on Linux.
    case vaapi

    public static let wireKind = "capability"
}

/// The video coding format an encoder produces.
public enum Codec: String, Sendable, CaseIterable {
    case h264, hevc, av1, vp9
}
