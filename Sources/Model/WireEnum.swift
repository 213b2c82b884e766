/// An enum sent on the wire as one of a fixed set of names (encoders, patterns, states…).
/// Decoding an unknown name fails with a message that lists the allowed names, which is what
/// a rejected job's reason then says.
public protocol WireEnum: CaseIterable, Codable, Hashable, Sendable, RawRepresentable where RawValue == String {
    /// What one value is called in error messages, e.g. `encoder`.
    static var wireKind: String { get }
}

extension WireEnum {
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: name) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: Self.unknownNameReason(name)))
        }
        self = value
    }

    /// Every wire name, in declaration order.
    public static var allNames: [String] { allCases.map(\.rawValue) }

    /// `unknown encoder "x264"; allowed: libx264, …` (the name shortened and made printable).
    static func unknownNameReason(_ name: String) -> String {
        "unknown \(wireKind) \(TextRules.quoted(name)); allowed: \(allNames.joined(separator: ", "))"
    }
}
