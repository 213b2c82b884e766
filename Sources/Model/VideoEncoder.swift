/// The encoders a job may name (an allow-list: anything else is refused before ffmpeg runs).
/// Each knows its capability queue, its coding format, the presets it accepts and the range of
/// its constant-quality setting.
public enum VideoEncoder: String, WireEnum {
    case libx264
    case libx265
    case libsvtav1
    case libvpxVP9 = "libvpx-vp9"
    case h264NVENC = "h264_nvenc"
    case hevcNVENC = "hevc_nvenc"
    case av1NVENC = "av1_nvenc"
    case h264QSV = "h264_qsv"
    case hevcQSV = "hevc_qsv"
    case h264VAAPI = "h264_vaapi"
    case hevcVAAPI = "hevc_vaapi"

    public static let wireKind = "encoder"

    /// The queue whose agents can run this encoder.
    public var capability: Capability {
        switch self {
        case .libx264, .libx265, .libsvtav1, .libvpxVP9: .cpu
        case .h264NVENC, .hevcNVENC, .av1NVENC: .nvenc
        case .h264QSV, .hevcQSV: .qsv
        case .h264VAAPI, .hevcVAAPI: .vaapi
        }
    }

    /// The coding format it produces.
    public var codec: Codec {
        switch self {
        case .libx264, .h264NVENC, .h264QSV, .h264VAAPI: .h264
        case .libx265, .hevcNVENC, .hevcQSV, .hevcVAAPI: .hevc
        case .libsvtav1, .av1NVENC: .av1
        case .libvpxVP9: .vp9
        }
    }

    /// The encoder for `codec` on `capability`, if one is in the allow-list.
    public static func encoder(for codec: Codec, on capability: Capability) -> VideoEncoder? {
        allCases.first { $0.codec == codec && $0.capability == capability }
    }

    /// Preset names the encoder accepts, fastest first. The agent passes the name as ffmpeg's
    /// `-preset`, except for libvpx-vp9, whose "presets" are its `-deadline` values. VA-API
    /// encoders take none.
    public var presets: [String] {
        switch self {
        case .libx264, .libx265:
            ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"]
        case .libsvtav1: (0...13).reversed().map(String.init)
        case .libvpxVP9: ["realtime", "good", "best"]
        case .h264NVENC, .hevcNVENC, .av1NVENC: (1...7).map { "p\($0)" }
        case .h264QSV, .hevcQSV: ["veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"]
        case .h264VAAPI, .hevcVAAPI: []
        }
    }

    /// The preset used when a job names none (nil for encoders without presets).
    public var defaultPreset: String? {
        switch self {
        case .libx264, .libx265, .h264QSV, .hevcQSV: "medium"
        case .libsvtav1: "8"
        case .libvpxVP9: "good"
        case .h264NVENC, .hevcNVENC, .av1NVENC: "p4"
        case .h264VAAPI, .hevcVAAPI: nil
        }
    }

    /// Range of the job's `crf` field, which means the encoder's constant-quality setting:
    /// `-crf` for libx264/libx265/libsvtav1/libvpx-vp9, `-cq` for NVENC, `-global_quality` for
    /// QSV and `-qp` for VA-API.
    public var constantQualityRange: ClosedRange<Int> {
        switch self {
        case .libx264, .libx265, .h264NVENC, .hevcNVENC, .av1NVENC, .h264VAAPI, .hevcVAAPI: 0...51
        case .libsvtav1, .libvpxVP9: 0...63
        case .h264QSV, .hevcQSV: 1...51
        }
    }
}
