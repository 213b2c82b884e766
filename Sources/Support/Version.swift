/// The ffrtmp release version, reported by `--version`, in INFO and in heartbeats.
public enum Version {
    public static let current = "0.1.0"
}
