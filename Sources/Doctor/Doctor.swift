/// `ffrtmp doctor`: checks what a node needs before it runs a part (ffmpeg and each capability's
/// probe encode, power sensors, cgroup v2 delegation, free disk, the broker and its TLS) by calling
/// the same code the agent and the client use, and says how to fix what fails.
public enum Doctor {
    /// Runs every check, in the order they are printed.
    public static func run(_ configuration: DoctorConfiguration) -> DoctorReport {
        var checks: [DoctorCheck] = []
        checks += ffmpegChecks(configuration)
        checks += powerChecks(configuration)
        checks += controlGroupChecks(configuration)
        checks += diskChecks(configuration)
        checks += brokerChecks(configuration)
        return DoctorReport(checks: checks)
    }
}
