/// What a certificate from `ffrtmp certs issue` is for. The role is written into the certificate
/// twice, as the subject's OU (`OU=agent`) and as the SAN URI `ffrtmp://role/agent`, beside the
/// holder's name as the subject CN; the broker maps the CN to a user and the role to its permissions.
public enum CertificateRole: String, CaseIterable, Sendable {
    /// The broker: a server certificate whose DNS and IP names clients verify; also valid as a client.
    case broker
    /// A transcoding node: publishes its own heartbeats, metrics and results, pulls jobs.
    case agent
    /// The master: reads the fleet's traffic and answers queries.
    case master
    /// A person or script submitting jobs and following their events (not reading results).
    case submitter
    /// An operator with every permission (setup, maintenance).
    case admin

    /// serverAuth and clientAuth for the broker, clientAuth for everyone else.
    var usage: CertificateUsage {
        self == .broker ? .both : .client
    }

    /// One line for `--help`.
    public var summary: String {
        switch self {
        case .broker: "the broker's server certificate (needs --dns/--ip: the names clients connect to)"
        case .agent: "a transcoding node (--name is its node id, e.g. node-1)"
        case .master: "the master, which reads the fleet's traffic"
        case .submitter: "a person or script submitting jobs (pub job.>, submit, cancel) and following their events"
        case .admin: "an operator allowed everything (setup, maintenance)"
        }
    }
}
