import Client
import Support
import TLS

extension Doctor {
    /// Connects as the agent would (`NATSConnection`, the same TLS options) and reports the server;
    /// with TLS, also the certificates (`brokerTLSChecks`). Not asked for (no `--server`): not checked.
    static func brokerChecks(_ configuration: DoctorConfiguration) -> [DoctorCheck] {
        guard let url = configuration.serverURL else {
            return [
                DoctorCheck(
                    area: "broker", name: "reachable", state: .notPresent, detail: "not checked (give --server URL)")
            ]
        }
        var options = ConnectionOptions()
        options.name = "ffrtmp-doctor"
        options.tls = configuration.tls
        options.allowReconnect = false
        options.connectTimeout = .milliseconds(Int64(configuration.timeoutSeconds * 1000))
        var checks: [DoctorCheck] = []
        do {
            let connection = try NATSConnection.connect(url: url, options: options)
            let info = connection.serverInfo
            connection.close()
            checks.append(
                DoctorCheck(
                    area: "broker", name: "reachable", state: .passed,
                    detail:
                        "\(url): \(info.serverName.isEmpty ? info.serverID : info.serverName) version \(info.version)"
                        + ", JetStream \(info.jetStream ? "on" : "off"), TLS "
                        + (info.tlsRequired ? "required" : info.tlsAvailable ? "available" : "off")
                        + (info.jetStream ? "" : "; the fleet needs JetStream (ffrtmp broker -js)")))
            if !info.jetStream { checks[checks.count - 1].state = .failed }
        } catch {
            checks.append(
                DoctorCheck(
                    area: "broker", name: "reachable", state: .failed, detail: "\(url): \(error)",
                    fix: "is the broker running and the port open? (systemctl status ffrtmp-broker; "
                        + "ffrtmp sub -s \(url) '>')"))
        }
        if configuration.tls != nil || url.hasPrefix("tls://") {
            checks += brokerTLSChecks(url: url, configuration: configuration)
        }
        return checks
    }

    /// The local certificate files (`CertificateReport`: names, not-before/not-after) and the
    /// broker's certificate as seen in a handshake (`TLSPeerProbe`): its names and validity and
    /// whether its chain verifies against `--tlsca` for the URL's host.
    static func brokerTLSChecks(url: String, configuration: DoctorConfiguration) -> [DoctorCheck] {
        let now = Timestamp.nowNanoseconds() / 1_000_000_000
        var checks: [DoctorCheck] = []
        let tls = configuration.tls ?? ClientTLSOptions()
        for (name, path) in [("CA file", tls.trustedAuthoritiesPath), ("client certificate", tls.certificateChainPath)]
        {
            guard let path else { continue }
            do {
                let report = try CertificateReport(path: path)
                let names = (report.info.dnsNames + report.info.ipAddresses).joined(separator: ", ")
                checks.append(
                    DoctorCheck(
                        area: "tls", name: name, state: report.isValid(now: now) ? .passed : .failed,
                        detail: "\(path): \(report.commonName) (\(report.role))"
                            + (names.isEmpty ? "" : ", names \(names)") + ", " + validity(report.info, now: now),
                        fix: report.isValid(now: now)
                            ? nil : "issue a new one: ffrtmp certs issue (deployment/CERTIFICATES.md)"))
            } catch {
                checks.append(DoctorCheck(area: "tls", name: name, state: .failed, detail: "\(path): \(error)"))
            }
        }
        let address: ServerAddress
        do {
            address = try ServerAddress(parsing: url.split(separator: ",").first.map(String.init) ?? url)
        } catch {
            checks.append(DoctorCheck(area: "tls", name: "broker certificate", state: .failed, detail: "\(error)"))
            return checks
        }
        let probe = TLSPeerProbe(
            host: address.host, port: address.port, options: tls, timeoutSeconds: configuration.timeoutSeconds)
        let verified = probe.handshake(verifying: true)
        let seen = verified.certificate == nil ? probe.handshake(verifying: false) : verified
        guard let certificate = seen.certificate else {
            checks.append(
                DoctorCheck(
                    area: "tls", name: "broker certificate", state: .failed,
                    detail:
                        "no TLS handshake with \(address.host):\(address.port): \(seen.error ?? verified.error ?? "?")")
            )
            return checks
        }
        let names = (certificate.dnsNames + certificate.ipAddresses).joined(separator: ", ")
        let expected = tls.serverName ?? address.host
        let chain = tls.trustedAuthoritiesPath.map { "--tlsca \($0)" } ?? "the system's CAs"
        checks.append(
            DoctorCheck(
                area: "tls", name: "broker certificate", state: verified.error == nil ? .passed : .failed,
                detail: "\(certificate.commonName ?? certificate.subject), names \(names.isEmpty ? "none" : names), "
                    + validity(certificate, now: now) + "; "
                    + (verified.error == nil
                        ? "chain verifies against \(chain) for \"\(expected)\""
                        : "does NOT verify against \(chain) for \"\(expected)\": \(verified.error!)"),
                fix: verified.error == nil
                    ? nil
                    : "give --tlsca the CA that signed the broker's certificate, and connect with a name it carries"))
        return checks
    }

    /// `valid 2026-01-01T00:00:00Z … 2027-01-01T00:00:00Z (expires in 300 days)`.
    static func validity(_ info: CertificateInfo, now: Int64) -> String {
        func time(_ seconds: Int64) -> String {
            Timestamp.rfc3339(nanoseconds: seconds * 1_000_000_000, fractionDigits: 0)
        }
        let state =
            now < info.notBefore
            ? "NOT VALID YET" : now > info.notAfter ? "EXPIRED" : "expires in \((info.notAfter - now) / 86_400) days"
        return "valid \(time(info.notBefore)) to \(time(info.notAfter)) (\(state))"
    }
}
