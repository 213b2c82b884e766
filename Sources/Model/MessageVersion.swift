/// The `"v"` field every message carries. Version 1 is the only one this build reads; decoding
/// any other value fails with an error that names the version, so a newer sender is told
/// clearly instead of being half-understood.
public struct MessageVersion: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The version this build writes and reads.
    public static let current = MessageVersion(number: 1)

    public let number: Int

    private init(number: Int) { self.number = number }

    public init(from decoder: any Decoder) throws {
        let number = try decoder.singleValueContainer().decode(Int.self)
        guard number == Self.current.number else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "unsupported message version \(number); this build reads version \(Self.current.number)"))
        }
        self = .current
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(number)
    }

    public var description: String { String(number) }
}
