import FoundationEssentials

/// JSON in and out of the JetStream API: request bodies, lenient response decoding, and the error
/// envelope every response may carry.
enum JetStreamJSON {
    /// The `{"error":{…}}` part of a response.
    private struct Envelope: Decodable {
        struct Body: Decodable {
            var code: Int?
            var err_code: Int?
            var description: String?
        }
        var error: Body?
    }

    static func encode<Body: Encodable>(_ body: Body) throws(JetStreamError) -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(body))
        } catch {
            throw .invalidArgument("cannot encode the request: \(error)")
        }
    }

    /// Decodes a response: the server's error when it carries one, else `Response`.
    static func decode<Response: Decodable>(_ type: Response.Type, from payload: [UInt8])
        throws(JetStreamError) -> Response
    {
        let data = Data(payload)
        if let error = serverError(in: data) { throw error }
        do {
            return try JSONDecoder().decode(Response.self, from: data)
        } catch {
            let text = String(decoding: payload.prefix(200), as: UTF8.self)
            throw .malformedResponse("\(Response.self) expected, got \(text.isEmpty ? "an empty reply" : text)")
        }
    }

    /// The server's refusal in a response, when it is one.
    static func serverError(in payload: [UInt8]) -> JetStreamError? { serverError(in: Data(payload)) }

    private static func serverError(in data: Data) -> JetStreamError? {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: data), let body = envelope.error else {
            return nil
        }
        return .server(code: body.code ?? 0, errCode: body.err_code ?? 0, description: body.description ?? "")
    }
}

extension KeyedDecodingContainer {
    /// The value under `key`, or `fallback` when it is absent or null: responses from other servers
    /// (or other versions) may leave fields out.
    func value<Value: Decodable>(_ key: Key, or fallback: Value) throws -> Value {
        try decodeIfPresent(Value.self, forKey: key) ?? fallback
    }
}
