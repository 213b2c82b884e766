import Model

/// ffmpeg's options for each encoder: how its preset is spelled, how bitrate and constant
/// quality are asked for, the pixel format it is fed, and environment it needs.
///
/// | encoder | preset | bitrate | constant quality |
/// |---|---|---|---|
/// | libx264, libx265 | `-preset P` | `-b:v B -maxrate B -bufsize 2B` | `-crf Q` |
/// | libsvtav1 | `-preset N` | `-b:v B` (VBR; SVT refuses a maxrate ≤ the target) | `-crf Q` |
/// | libvpx-vp9 | `-deadline D -cpu-used C -row-mt 1` | `-b:v B -maxrate B -bufsize 2B` | `-crf Q -b:v 0` |
/// | *_nvenc | `-preset pN -tune hq` | `-b:v B -maxrate B -bufsize 2B` | `-rc vbr -cq Q -b:v 0` |
/// | *_qsv | `-preset P` | `-b:v B -maxrate B -bufsize 2B` | `-global_quality Q` |
/// | *_vaapi | none | `-b:v B -maxrate B -bufsize 2B` | `-rc_mode CQP -qp Q` |
///
/// libx265 also gets `-x265-params log-level=error` (it prints its settings otherwise).
/// `-maxrate B -bufsize 2B` is the constrained VBR that streaming ladders use: the target is
/// also the ceiling, averaged over two seconds. libvpx-vp9's `-cpu-used` follows its deadline:
/// realtime 8, good 4, best 0. Software encoders and NVENC get yuv420p (testsrc and rgbtestsrc
/// are RGB, which libx264 would otherwise encode as 4:4:4), QSV nv12; VA-API frames are
/// converted and uploaded by the filter chain instead.
enum FFmpegEncoderOptions {
    /// The preset options.
    static func presetArguments(_ encoder: VideoEncoder, preset: String?) -> [String] {
        guard let preset = preset ?? encoder.defaultPreset else { return [] }
        switch encoder {
        case .libx264, .h264QSV, .hevcQSV, .libsvtav1: return ["-preset", preset]
        case .libx265: return ["-preset", preset, "-x265-params", "log-level=error"]
        case .libvpxVP9: return ["-deadline", preset, "-cpu-used", vp9Speed(deadline: preset), "-row-mt", "1"]
        case .h264NVENC, .hevcNVENC, .av1NVENC: return ["-preset", preset, "-tune", "hq"]
        case .h264VAAPI, .hevcVAAPI: return []
        }
    }

    /// The rate-control options.
    static func rateArguments(_ encoder: VideoEncoder, _ rateControl: JobSpec.RateControl) -> [String] {
        switch rateControl {
        case .encoderDefault:
            return []
        case .bitrate(let bitrate):
            if encoder == .libsvtav1 { return ["-b:v", String(bitrate)] }
            return ["-b:v", String(bitrate), "-maxrate", String(bitrate), "-bufsize", String(2 * bitrate)]
        case .constantQuality(let value):
            let quality = String(value)
            switch encoder {
            case .libx264, .libx265, .libsvtav1: return ["-crf", quality]
            case .libvpxVP9: return ["-crf", quality, "-b:v", "0"]
            case .h264NVENC, .hevcNVENC, .av1NVENC: return ["-rc", "vbr", "-cq", quality, "-b:v", "0"]
            case .h264QSV, .hevcQSV: return ["-global_quality", quality]
            case .h264VAAPI, .hevcVAAPI: return ["-rc_mode", "CQP", "-qp", quality]
            }
        }
    }

    /// The `-pix_fmt` the encoder is fed; nil for VA-API (its filter chain converts).
    static func pixelFormat(_ encoder: VideoEncoder) -> String? {
        switch encoder.capability {
        case .cpu, .nvenc: "yuv420p"
        case .qsv: "nv12"
        case .vaapi: nil
        }
    }

    /// Filters after scaling: VA-API encoders take nv12 frames uploaded to the device.
    static func hardwareFilters(_ encoder: VideoEncoder) -> [String] {
        encoder.capability == .vaapi ? ["format=nv12", "hwupload"] : []
    }

    /// Environment for the encoder's library: SVT-AV1 prints its banner whatever `-loglevel`
    /// says, unless `SVT_LOG` (2: warnings and errors) says otherwise.
    static func environment(_ encoder: VideoEncoder) -> [String: String] {
        encoder == .libsvtav1 ? ["SVT_LOG": "2"] : [:]
    }

    private static func vp9Speed(deadline: String) -> String {
        switch deadline {
        case "realtime": "8"
        case "best": "0"
        default: "4"
        }
    }
}
