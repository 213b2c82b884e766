/// A submit flag whose value cannot make a job, or a job the validator refused: `flag` names the
/// command-line flag to fix (nil when no single flag is at fault, as for a matrix that is too big).
public struct JobDraftError: Error, Sendable, Equatable, CustomStringConvertible {
    public var flag: String?
    public var message: String

    public init(flag: String?, _ message: String) {
        self.flag = flag
        self.message = message
    }

    public var description: String { message }
}
