/// Every scenario preset. Software presets come from one ladder table; each gets `-nvenc`,
/// `-qsv` and `-vaapi` variants where that hardware has an encoder for the codec (H.264 and
/// HEVC everywhere, AV1 on NVENC only, VP9 nowhere), with the same size, rate and bitrate and
/// the hardware encoder's default preset.
public enum ScenarioCatalog {
    /// All presets: each software preset followed by its hardware variants.
    public static let all: [Scenario] = ladder.flatMap(expand)

    /// The preset called `name`, if any.
    public static func named(_ name: String) -> Scenario? { byName[name] }

    private static let byName: [String: Scenario] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// A rung of the ladder: name, size, rate, codec, bitrate. Bitrates follow common streaming
    /// ladders (H.264 highest; HEVC and VP9 about 60 %, AV1 about 45 % of it).
    private struct Rung {
        let name: String
        let resolution: Resolution
        let fps: Double
        let codec: Codec
        let megabits: Double
    }

    private static let ladder: [Rung] = [
        Rung(name: "720p30-h264", resolution: .hd720, fps: 30, codec: .h264, megabits: 3),
        Rung(name: "1080p30-h264", resolution: .fullHD, fps: 30, codec: .h264, megabits: 6),
        Rung(name: "1080p-h264", resolution: .fullHD, fps: 30, codec: .h264, megabits: 6),
        Rung(name: "1080p60-h264", resolution: .fullHD, fps: 60, codec: .h264, megabits: 9),
        Rung(name: "4k30-h264", resolution: .uhd4K, fps: 30, codec: .h264, megabits: 25),
        Rung(name: "1080p30-h265", resolution: .fullHD, fps: 30, codec: .hevc, megabits: 4),
        Rung(name: "1080p-h265", resolution: .fullHD, fps: 30, codec: .hevc, megabits: 4),
        Rung(name: "1080p60-h265", resolution: .fullHD, fps: 60, codec: .hevc, megabits: 6),
        Rung(name: "4k30-h265", resolution: .uhd4K, fps: 30, codec: .hevc, megabits: 15),
        Rung(name: "720p30-vp9", resolution: .hd720, fps: 30, codec: .vp9, megabits: 2),
        Rung(name: "1080p30-av1", resolution: .fullHD, fps: 30, codec: .av1, megabits: 3),
        Rung(name: "4k30-av1", resolution: .uhd4K, fps: 30, codec: .av1, megabits: 10),
    ]

    /// The software preset and its hardware variants.
    private static func expand(_ rung: Rung) -> [Scenario] {
        Capability.allCases.compactMap { capability in
            guard let encoder = VideoEncoder.encoder(for: rung.codec, on: capability) else { return nil }
            let name = capability == .cpu ? rung.name : "\(rung.name)-\(capability.rawValue)"
            return Scenario(
                name: name, resolution: rung.resolution, fps: rung.fps, encoder: encoder,
                preset: encoder.defaultPreset, bitrate: Int(rung.megabits * 1_000_000))
        }
    }
}
