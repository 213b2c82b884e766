#if canImport(Glibc)
    import Glibc
#endif
import Support

/// A command of an ffrtmp executable: its help and argument spec, and what it does.
public protocol CLICommand: Sendable {
    static var spec: CommandSpec { get }
    /// Runs with parsed arguments; returns the exit status (0 ok, 1 failure, 2 usage error).
    static func run(_ arguments: ParsedArguments) throws -> Int32
}

/// A usage mistake (bad or missing argument): exit status 2.
public struct UsageError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Writes to standard error.
public func printError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

/// Runs one command with its arguments: parse (environment included), `--help`, and errors mapped
/// to exit statuses (usage 2, failure 1).
public enum CommandRunner {
    public static func run(_ command: any CLICommand.Type, arguments: [String]) -> Int32 {
        let parsed: ParsedArguments
        do {
            parsed = try command.spec.parse(arguments, environment: ConfigFile.processEnvironment())
        } catch {
            printError("\(command.spec.name): \(error)\n")
            return 2
        }
        if parsed.helpRequested {
            print(command.spec.helpText, terminator: "")
            return 0
        }
        do {
            return try command.run(parsed)
        } catch let error as UsageError {
            printError("\(command.spec.name): \(error.message)\n")
            return 2
        } catch {
            printError("\(command.spec.name): \(error)\n")
            return 1
        }
    }
}
