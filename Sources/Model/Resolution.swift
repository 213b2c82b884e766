/// A frame size, written `WIDTHxHEIGHT` (e.g. `1920x1080`) in JSON.
public struct Resolution: Codable, Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public static let hd720 = Resolution(width: 1280, height: 720)
    public static let fullHD = Resolution(width: 1920, height: 1080)
    public static let uhd4K = Resolution(width: 3840, height: 2160)

    /// Parses `1920x1080`: 1–5 digits, `x`, 1–5 digits. Nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Self.dimension(parts[0]), let height = Self.dimension(parts[1]) else {
            return nil
        }
        self.init(width: width, height: height)
    }

    /// Pixels in one frame.
    public var pixels: Int { width * height }

    public var description: String { "\(width)x\(height)" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = Resolution(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "\(TextRules.quoted(text)) is not WIDTHxHEIGHT such as 1920x1080"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func dimension(_ digits: Substring) -> Int? {
        guard (1...5).contains(digits.count), digits.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return Int(digits)
    }
}
