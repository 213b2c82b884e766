import Support

/// Reads broker settings from a configuration file (nats-server format). TEMPORARY: the parser
/// lands with the config helper; until then a config file is refused clearly.
public enum BrokerConfigFile {
    public static func apply(path: String, to config: inout BrokerConfig) throws {
        throw SupportError("config files are not supported yet (\(path))")
    }
}
