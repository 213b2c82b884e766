/// One `key: value` of a block, with where it was written so errors can point at the line.
public struct ConfigEntry: Sendable {
    public let key: String
    public internal(set) var value: ConfigValue
    /// Where the key was written; nil for entries built in code.
    public internal(set) var location: ConfigLocation?
    /// True once a `$key` reference has used this entry. nats-server does not count such keys as
    /// unknown settings, so `ConfigObject.unknownKeys` skips them too.
    public internal(set) var isReferenced: Bool
    /// The bare word as written when it became an integer through a size suffix (`2m` is 2000000):
    /// lets a duration setting read `2m` as two minutes and lets errors quote what the user wrote.
    var writtenAs: String?

    init(key: String, value: ConfigValue, location: ConfigLocation?, writtenAs: String? = nil) {
        self.key = key
        self.value = value
        self.location = location
        self.isReferenced = false
        self.writtenAs = writtenAs
    }

    /// The value as an error message shows it: what the user wrote when it was a suffixed number.
    var shownValue: String { writtenAs ?? value.shortDescription }
}
