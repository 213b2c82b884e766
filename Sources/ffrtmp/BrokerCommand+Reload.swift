#if canImport(Glibc)
    import Glibc
#endif
import Broker
import CommandKit
import Support

/// SIGHUP for `ffrtmp broker`: read the config file and the flags again, as at start, and reload.
extension BrokerCommand {
    /// SIGHUP reloads (`systemctl reload`); SIGINT and SIGTERM shut down.
    static func handle(signal: Int32, broker: Broker, arguments: ParsedArguments, logger: Logger) {
        guard signal == SIGHUP else {
            broker.shutdown()
            return
        }
        do {
            let config = try configuration(from: arguments)
            try broker.reload(config)
        } catch {
            logger.error(
                "reload failed; the previous configuration stays in force",
                ["config": arguments.string("--config") ?? "", "error": reason(error)])
        }
    }

    /// The message of a configuration or TLS error, without its type's decoration.
    private static func reason(_ error: any Error) -> String {
        switch error {
        case let error as SupportError: error.message
        case let error as BrokerConfigError: error.message
        case let error as UsageError: error.message
        default: "\(error)"
        }
    }
}
