/// One ffmpeg command, ready to run: the argv (never a shell line), the extra environment, the
/// work directory it runs in and the files it writes there.
public struct FFmpegInvocation: Sendable, Equatable {
    /// argv[0]: the ffmpeg executable (searched in PATH when it holds no `/`).
    public var executable: String { argv[0] }
    /// The whole argv, argv[0] included: what results record.
    public var argv: [String]
    /// Set in the inherited environment (`SVT_LOG` quiets SVT-AV1's banner, which ignores
    /// `-loglevel`).
    public var environment: [String: String]
    public var workDirectory: String
    /// The encoded file in the work directory: the job's file output, or the file a null output
    /// is encoded to when quality is measured. Nil when the video is discarded or streamed.
    public var outputPath: String?
    /// Files the job writes that go when it ends (the output file included: job outputs live
    /// only as long as the job).
    public var temporaryFiles: [String]

    public init(
        argv: [String], environment: [String: String] = [:], workDirectory: String, outputPath: String? = nil,
        temporaryFiles: [String] = []
    ) {
        precondition(!argv.isEmpty, "an invocation needs argv[0]")
        self.argv = argv
        self.environment = environment
        self.workDirectory = workDirectory
        self.outputPath = outputPath
        self.temporaryFiles = temporaryFiles
    }

    /// The arguments after argv[0].
    public var arguments: [String] { Array(argv.dropFirst()) }

    /// The argv as one readable line, for logs.
    public var commandLine: String { ArgumentText.commandLine(argv) }

    /// How `ChildProcess` starts it.
    public func launch(logTailLines: Int = 40) -> ProcessLaunch {
        ProcessLaunch(
            executable: executable, arguments: arguments, environment: environment, workingDirectory: workDirectory,
            logTailLines: logTailLines)
    }
}
