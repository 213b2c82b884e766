extension ValidationPolicy {
    /// The policy for a submitter's check before sending (`ffrtmp submit`). A submitter cannot know
    /// an agent's allowed roots or extra URL schemes, so file inputs are checked for shape only (absolute,
    /// no `..`) and `http(s)` URLs pass; the agent checks them again against its own configuration.
    /// Everything else is the default: a job that passes here is refused by no default agent for
    /// another reason.
    public static var submitter: ValidationPolicy {
        var policy = ValidationPolicy()
        policy.allowedRoots = ["/"]
        policy.allowedURLSchemes.formUnion(["http", "https"])
        return policy
    }
}
