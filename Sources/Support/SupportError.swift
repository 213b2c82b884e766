/// An error with a message meant for the user (bad flag, unreadable file, invalid setting).
public struct SupportError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
