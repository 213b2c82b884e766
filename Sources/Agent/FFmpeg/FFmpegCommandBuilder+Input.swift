import Model

extension FFmpegCommandBuilder {
    /// The lavfi source for a generated input: `<pattern>=size=WxH:rate=FPS`. Every pattern in
    /// `GeneratedPattern` takes `size` and `rate` (mandelbrot has no `duration`, so the length is
    /// always `-t` on the input).
    public static func lavfiSource(_ pattern: GeneratedPattern, _ resolution: Resolution, fps: Double) -> String {
        "\(pattern.rawValue)=size=\(resolution.width)x\(resolution.height):rate=\(ArgumentText.number(fps))"
    }

    /// The input options and `-i`.
    static func inputArguments(_ spec: JobSpec, paced: Bool, options: FFmpegBuildOptions) -> [String] {
        switch spec.input {
        case .generated(let pattern, let resolution, let fps, let duration):
            return (paced ? ["-re"] : [])
                + [
                    "-f", "lavfi", "-t", ArgumentText.number(duration), "-i",
                    lavfiSource(pattern, resolution, fps: fps),
                ]
        case .file(let path):
            return (paced ? ["-re"] : []) + ["-i", path]
        case .url(let url):
            return ["-rw_timeout", String(options.streamReadTimeoutSeconds * 1_000_000), "-i", url]
        case .clip:
            return []  // `build` refuses a clip that was not fetched.
        }
    }
}
