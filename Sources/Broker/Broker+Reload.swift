import Support
import TLS

/// Reloading the configuration while running, as nats-server does on SIGHUP: TLS files, who may
/// connect and what each may do, revocations and limits.
extension Broker {
    /// Puts `newConfig` in force for new connections, after checking all of it: ranges, and the TLS
    /// certificate, key and CA files, which are read again even when their paths did not change (a
    /// renewed certificate). On any error nothing changes and the old settings stay in force.
    ///
    /// Settings that cannot change while running keep their old value and are listed as refused.
    /// Every client loop then re-checks its connections against the new authorization: a connection
    /// whose identity no longer passes is closed with `-ERR 'Authorization Violation'`; one whose
    /// subscribe permissions shrank loses the subscriptions no longer allowed. Limits and TLS apply to
    /// connections accepted from now on; existing ones keep those they were accepted under.
    @discardableResult
    public func reload(_ newConfig: BrokerConfig) throws -> BrokerReloadOutcome {
        let old = settings
        var candidate = newConfig
        let changes = BrokerConfigChanges(from: old.config, to: &candidate)
        try candidate.validate()
        let tlsContext = try BrokerSettings.makeTLSContext(candidate.tls)
        let certificate = try candidate.tls.map { (tls) throws(TLSError) in
            try CertificateFiles.inspectCertificate(at: tls.certificateFile)
        }
        let settings = BrokerSettings(
            config: candidate, serverID: serverID, port: old.info.port, tlsContext: tlsContext)
        current.withLock { $0 = settings }
        for context in clientContexts {
            context.loop.execute {
                for client in Array(context.connections.values) { client.recheck(with: settings.authenticator) }
                context.flushMarked()
            }
        }
        let outcome = BrokerReloadOutcome(
            applied: changes.applied, refused: changes.refused, certificateSerial: certificate?.serialNumber,
            certificateNotAfter: certificate?.notAfter)
        log(outcome)
        return outcome
    }

    private func log(_ outcome: BrokerReloadOutcome) {
        if !outcome.refused.isEmpty {
            logger.error(
                "reload cannot change these settings while running; restart to change them",
                ["refused": outcome.refused.joined(separator: ",")])
        }
        logger.info(
            "configuration reloaded",
            [
                "changed": outcome.applied.isEmpty ? "none" : outcome.applied.joined(separator: ","),
                "tls_serial": outcome.certificateSerial ?? "", "tls_not_after": outcome.certificateNotAfter ?? 0,
            ])
    }
}

/// What a reload did, for its log line and for tests.
public struct BrokerReloadOutcome: Sendable, Equatable {
    /// Settings that changed and are now in force (config file names: `tls`, `authorization`, …).
    public var applied: [String]
    /// Settings that changed in the file but cannot change while running; their old value stays.
    public var refused: [String]
    /// The serial number (hex) of the server certificate now presented to new connections.
    public var certificateSerial: String?
    /// When that certificate expires, seconds since the Unix epoch.
    public var certificateNotAfter: Int64?
}
