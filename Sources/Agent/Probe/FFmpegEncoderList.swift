import Model

/// What `ffmpeg -hide_banner -version` and `-encoders` say.
public enum FFmpegEncoderList {
    /// `5.1.9-0+deb12u1` from `ffmpeg version 5.1.9-0+deb12u1 Copyright (c) …`.
    public static func version(_ output: String) -> String? {
        let words = output.split(separator: "\n").first?.split(separator: " ") ?? []
        guard words.count >= 3, words[0] == "ffmpeg", words[1] == "version" else { return nil }
        return String(words[2])
    }

    /// The flags ffmpeg was built with, from the `configuration: --prefix=/usr …` line; nil when
    /// absent. Cut to `Provenance.maximumConfigurationLength` bytes.
    public static func configuration(_ output: String) -> String? {
        for line in output.split(separator: "\n") where line.hasPrefix("configuration:") {
            let flags = line.dropFirst("configuration:".count).withoutSurroundingSpaces()
            return Provenance.clipped(flags, toBytes: Provenance.maximumConfigurationLength)
        }
        return nil
    }

    /// Video encoder names from the table after the ` ------` line (` V....D libx264  …`).
    public static func videoEncoders(_ output: String) -> [String] {
        var names: [String] = []
        var inTable = false
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if !inTable {
                inTable = fields.first == "------"
                continue
            }
            guard fields.count >= 2, fields[0].first == "V" else { continue }
            names.append(String(fields[1]))
        }
        return names
    }
}
