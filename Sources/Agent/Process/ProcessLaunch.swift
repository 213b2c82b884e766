/// What to start: an executable (searched in PATH when it holds no `/`) and its arguments, never
/// a shell command line.
public struct ProcessLaunch: Sendable, Equatable {
    public var executable: String
    /// The arguments after argv[0] (which is `executable`).
    public var arguments: [String]
    /// Variables set or replaced in the inherited environment.
    public var environment: [String: String]
    /// The child's working directory; nil keeps ours.
    public var workingDirectory: String?
    /// How many of stderr's last lines to keep.
    public var logTailLines: Int

    public init(
        executable: String, arguments: [String], environment: [String: String] = [:],
        workingDirectory: String? = nil, logTailLines: Int = 40
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.logTailLines = logTailLines
    }

    /// argv as the child sees it.
    public var argv: [String] { [executable] + arguments }
}
