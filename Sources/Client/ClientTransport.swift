import Net
import TLS

/// The byte stream of one connection: a TCP socket, and once upgraded, the TLS stream over it. Every
/// read and write after the upgrade goes through `tls`; the socket is still the one to shut down (it
/// wakes a blocked reader) and to close.
///
/// One reader thread and one writer at a time may use it at once, as `TLSStream` allows.
struct ClientTransport: Sendable {
    let socket: BlockingSocket
    /// The TLS stream over `socket`; nil for a plaintext connection.
    let tls: TLSStream?

    init(socket: BlockingSocket, tls: TLSStream? = nil) {
        self.socket = socket
        self.tls = tls
    }

    var isSecure: Bool { tls != nil }

    /// Reads what is available (plaintext, decrypted when TLS), blocking; 0 at end of stream. While
    /// connecting, pass `connecting` so a TLS failure is explained as a refusal: a TLS 1.3 server
    /// refuses a client certificate after the client's handshake has finished, on the first read.
    func read(
        into buffer: UnsafeMutableRawBufferPointer, connecting: TLSFailureExplanation? = nil
    ) throws(ClientError) -> Int {
        guard let tls else {
            do throws(BlockingSocketError) {
                return try socket.read(into: buffer)
            } catch {
                throw ClientError(error)
            }
        }
        do {
            return try tls.read(into: buffer)
        } catch {
            throw connecting?.connectError(error) ?? TLSFailureExplanation.connectionError(error)
        }
    }

    /// Writes every byte (encrypted when TLS), blocking as needed; `.timeout` past the write timeout.
    func writeAll(
        _ bytes: UnsafeRawBufferPointer, connecting: TLSFailureExplanation? = nil
    ) throws(ClientError) {
        guard let tls else {
            do throws(BlockingSocketError) {
                return try socket.writeAll(bytes)
            } catch {
                throw ClientError(error)
            }
        }
        do {
            try tls.write(bytes)
        } catch {
            throw connecting?.connectError(error) ?? TLSFailureExplanation.connectionError(error)
        }
    }

    /// Ends both directions: a thread blocked reading sees end of stream.
    func shutdown() { socket.shutdown() }

    /// Closes the socket (no close_notify: the server treats both alike).
    func close() { socket.close() }
}
