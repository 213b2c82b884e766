import Support

/// `-c/--config FILE` for commands whose settings file keys are their long option names.
public enum SettingsFile {
    /// `arguments` with the file's settings below the command line and environment; unchanged
    /// without `--config`. Errors name the file, line and key.
    public static func merge(_ arguments: ParsedArguments) throws -> ParsedArguments {
        guard let path = arguments.string("--config") else { return arguments }
        do {
            return try arguments.addingSettings(from: ConfigFile.load(path: path))
        } catch {
            throw UsageError(error.message)
        }
    }
}

/// `HOST:PORT` option values.
public enum HostPort {
    public static func parse(_ text: String, option: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else {
            throw UsageError("\(option) takes HOST:PORT (e.g. 127.0.0.1:8080), not \"\(text)\"")
        }
        let host = String(text[..<colon])
        return (host.isEmpty ? "0.0.0.0" : String(host.filter { $0 != "[" && $0 != "]" }), port)
    }
}
