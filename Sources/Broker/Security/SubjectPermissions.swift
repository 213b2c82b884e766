import Wire

/// Allow and deny lists of subject patterns for one direction (publish or subscribe).
///
/// An empty allow list allows everything not denied. Deny always wins. Patterns may use `*` and
/// `>`; `{name}` in a role's patterns is replaced by the connecting identity's name before use.
public struct SubjectPermissions: Sendable, Equatable {
    public var allow: [String]
    public var deny: [String]

    public init(allow: [String] = [], deny: [String] = []) {
        self.allow = allow
        self.deny = deny
    }

    /// Everything allowed.
    public static let unrestricted = SubjectPermissions()

    public var isUnrestricted: Bool { allow.isEmpty && deny.isEmpty }

    /// Whether a literal subject may be used (a publish, or a delivery on it).
    public func allows(subject: String) -> Bool {
        if deny.contains(where: { Subject.matches(pattern: $0, subject: subject) }) { return false }
        return allow.isEmpty || allow.contains { Subject.matches(pattern: $0, subject: subject) }
    }

    /// Whether a subscription on `pattern` may be made: some allow pattern must cover all of it and
    /// no deny pattern may cover all of it. A deny pattern that covers only part of it leaves the
    /// subscription allowed, with those subjects filtered out at delivery (`needsDeliveryCheck`).
    public func allows(subscription pattern: String) -> Bool {
        if deny.contains(where: { Subject.pattern($0, covers: pattern) }) { return false }
        return allow.isEmpty || allow.contains { Subject.pattern($0, covers: pattern) }
    }

    /// Whether messages on a subscription to `pattern` must be checked one by one at delivery.
    public func needsDeliveryCheck(for pattern: String) -> Bool {
        deny.contains { Subject.patternsOverlap($0, pattern) }
    }

    /// The patterns with `{name}` replaced.
    public func substituting(name: String) -> SubjectPermissions {
        SubjectPermissions(
            allow: allow.map { $0.replacingPlaceholder(with: name) },
            deny: deny.map { $0.replacingPlaceholder(with: name) })
    }
}

/// What one identity may publish and subscribe to, and whether it may answer what it receives.
public struct Permissions: Sendable, Equatable {
    public var publish: SubjectPermissions
    public var subscribe: SubjectPermissions
    /// `allow_responses`: publishing to the reply subjects of delivered messages; nil: not allowed.
    public var responses: ResponsePermission?

    public init(
        publish: SubjectPermissions = .unrestricted, subscribe: SubjectPermissions = .unrestricted,
        responses: ResponsePermission? = nil
    ) {
        self.publish = publish
        self.subscribe = subscribe
        self.responses = responses
    }

    public static let unrestricted = Permissions()

    public func substituting(name: String) -> Permissions {
        Permissions(
            publish: publish.substituting(name: name), subscribe: subscribe.substituting(name: name),
            responses: responses)
    }
}

extension String {
    /// `{name}` replaced by `name`.
    func replacingPlaceholder(with name: String) -> String {
        let placeholder = "{name}"
        guard contains(placeholder) else { return self }
        let parts = split(separator: "{", omittingEmptySubsequences: false)
        var result = String(parts[0])
        for part in parts.dropFirst() {
            if part.hasPrefix("name}") {
                result += name + part.dropFirst(5)
            } else {
                result += "{" + part
            }
        }
        return result
    }
}
