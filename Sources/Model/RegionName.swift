/// A region name (`--region eu-west-1`): where a node draws its electricity, so the master can price
/// its jobs' energy. The same alphabet as node ids (letters, digits, `_` and `-`, 1–64 characters,
/// starting with a letter or digit), so it is safe in logs, files and query strings.
public enum RegionName {
    /// True when `text` is a valid region name.
    public static func isValid(_ text: String) -> Bool { Identifier.isValid(text) }

    /// The region a message names, nil when it names none or one that is not valid: a hostile value
    /// must neither match a priced region by accident nor reach a query unchecked.
    public static func checked(_ text: String?) -> String? {
        guard let text, isValid(text) else { return nil }
        return text
    }
}
