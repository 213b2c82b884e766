import Foundation

/// The built `ffrtmp` binary beside the test bundle, run as a user would.
enum FFrtmpBinary {
    static var path: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ffrtmp").path
    }

    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Runs `ffrtmp arguments…`; its exit status, standard output and standard error.
    static func run(_ arguments: [String], environment: [String: String] = ["PATH": "/usr/bin:/bin"]) throws -> (
        status: Int32, output: String, error: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read standard error on another thread so neither pipe can fill and stall the child.
        nonisolated(unsafe) var errorData = Data()
        let errorDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errorData = error.fileHandleForReading.readDataToEndOfFile()
            errorDone.signal()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        errorDone.wait()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outputData, as: UTF8.self),
            String(decoding: errorData, as: UTF8.self)
        )
    }
}
