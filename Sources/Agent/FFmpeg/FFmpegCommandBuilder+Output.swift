import Model

extension FFmpegCommandBuilder {
    /// Where the video goes: the last arguments, the file written (if any), whether it streams.
    struct OutputPlan {
        var arguments: [String]
        var path: String?
        var isStream: Bool
    }

    /// The file a null output is encoded to when quality is measured (Matroska holds every codec).
    public static let qualityFileName = "encoded-for-quality.mkv"

    /// Null: the codec's raw elementary stream written to /dev/null (`-f h264|hevc|ivf`), not
    /// `-f null`: the bytes still pass through a muxer, so `-progress` reports the encoded size and
    /// the result carries output bytes and the achieved bitrate. With quality asked for, a null
    /// output is a Matroska file in the work directory instead. File: MP4 (H.264, HEVC, AV1) or
    /// Matroska (VP9) at `<work dir>/<name>`. Stream: FLV for rtmp/rtmps, MPEG-TS for srt.
    ///
    /// Refused (`JobRejection`), since ffmpeg 5.1 cannot do them: RTMP with anything but H.264
    /// (FLV has no HEVC/AV1/VP9 before enhanced RTMP in ffmpeg 6.1), SRT with AV1 or VP9 (its
    /// MPEG-TS muxer has neither), and quality metrics for a stream output (nothing is kept to
    /// compare) or a stream input (the source cannot be replayed).
    static func outputPlan(_ spec: JobSpec, workDirectory: String) throws(JobRejection) -> OutputPlan {
        if !spec.quality.isEmpty, case .url = spec.input {
            throw JobRejection(
                field: "quality", reason: "quality metrics need a source read again: a generated or file input")
        }
        let codec = spec.encoder.codec
        switch spec.output {
        case .null:
            if !spec.quality.isEmpty {
                let path = workDirectory + "/" + qualityFileName
                return OutputPlan(arguments: ["-f", "matroska", path], path: path, isStream: false)
            }
            return OutputPlan(arguments: ["-f", elementaryFormat(codec), "/dev/null"], path: nil, isStream: false)
        case .file(let name):
            if let violation = PathRules.checkOutputName(name) {
                throw JobRejection(field: "output.name", reason: violation.reason)
            }
            let path = workDirectory + "/" + name
            return OutputPlan(arguments: ["-f", fileFormat(codec), path], path: path, isStream: false)
        case .url(let url):
            if !spec.quality.isEmpty {
                throw JobRejection(
                    field: "quality", reason: "quality metrics need a null or file output: a stream keeps nothing")
            }
            return OutputPlan(arguments: try streamArguments(url, codec: codec), path: nil, isStream: true)
        }
    }

    private static func streamArguments(_ url: String, codec: Codec) throws(JobRejection) -> [String] {
        let scheme = url.prefix { $0 != ":" }.lowercased()
        switch scheme {
        case "rtmp", "rtmps":
            guard codec == .h264 else {
                throw JobRejection(
                    field: "output.url",
                    reason: "RTMP carries FLV, which holds only H.264 in this ffmpeg (5.1); "
                        + "use an H.264 encoder, or srt:// for HEVC")
            }
            return ["-flvflags", "no_duration_filesize", "-f", "flv", url]
        case "srt":
            guard codec == .h264 || codec == .hevc else {
                throw JobRejection(
                    field: "output.url", reason: "SRT carries MPEG-TS, which holds H.264 or HEVC here, not \(codec)")
            }
            return ["-f", "mpegts", url]
        default:
            throw JobRejection(
                field: "output.url", reason: "the agent streams only to rtmp://, rtmps:// and srt://, not \(scheme)://")
        }
    }

    private static func elementaryFormat(_ codec: Codec) -> String {
        switch codec {
        case .h264: "h264"
        case .hevc: "hevc"
        case .av1, .vp9: "ivf"
        }
    }

    private static func fileFormat(_ codec: Codec) -> String {
        codec == .vp9 ? "matroska" : "mp4"
    }
}
