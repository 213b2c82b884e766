/// A block of settings: keys in file order, looked up by exact key. A key written twice keeps its
/// first position and takes the last value, as nats-server does. Blocks compare equal when their
/// keys and values match in order; where they were written does not matter.
public struct ConfigObject: Equatable, Sendable {
    /// The entries in the order their keys first appeared.
    public private(set) var entries: [ConfigEntry] = []
    /// Index in `entries` of each key.
    private var positions: [String: Int] = [:]
    /// Dotted key path of this block from the top of the file (`cluster.authorization`, `users[0]`);
    /// empty for the top level. Errors about its keys name them with this prefix.
    public internal(set) var path: String
    /// Where the block's `{` was written; nil for the top level and blocks built in code.
    public internal(set) var location: ConfigLocation?

    public init() {
        path = ""
        location = nil
    }

    init(path: String, location: ConfigLocation?) {
        self.path = path
        self.location = location
    }

    public var keys: [String] { entries.map(\.key) }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    public subscript(key: String) -> ConfigValue? { entry(key)?.value }

    public func entry(_ key: String) -> ConfigEntry? { positions[key].map { entries[$0] } }

    /// The dotted path naming `key` inside this block, as errors print it.
    public func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Sets `key`, replacing the value in place when the key exists, else appending it.
    public mutating func set(_ key: String, to value: ConfigValue) {
        set(ConfigEntry(key: key, value: value, location: nil))
    }

    mutating func set(_ entry: ConfigEntry) {
        if let position = positions[entry.key] {
            let wasReferenced = entries[position].isReferenced
            entries[position] = entry
            entries[position].isReferenced = wasReferenced
        } else {
            positions[entry.key] = entries.count
            entries.append(entry)
        }
    }

    /// Records that a `$key` reference used `key`.
    mutating func markReferenced(_ key: String) {
        if let position = positions[key] { entries[position].isReferenced = true }
    }

    public static func == (left: ConfigObject, right: ConfigObject) -> Bool {
        guard left.entries.count == right.entries.count else { return false }
        for (leftEntry, rightEntry) in zip(left.entries, right.entries) {
            guard leftEntry.key == rightEntry.key, leftEntry.value == rightEntry.value else { return false }
        }
        return true
    }
}

extension ConfigObject: CustomStringConvertible {
    /// The block as a JSON object, which the configuration parser reads back to an equal block.
    public var description: String {
        var text = ""
        write(to: &text)
        return text
    }

    func write(to text: inout String) {
        text += "{"
        for (index, entry) in entries.enumerated() {
            if index > 0 { text += ", " }
            ConfigValue.writeQuoted(entry.key, to: &text)
            text += ": "
            entry.value.write(to: &text)
        }
        text += "}"
    }
}
