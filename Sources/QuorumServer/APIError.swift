import Foundation
import Hummingbird
import NIOCore
import QuorumModel
import QuorumStore

/// An error the client can act on: a status, a message, and for bad input the
/// path of each bad field. Its JSON body never holds SQL, stack traces or secrets.
public struct APIError: HTTPResponseError, Sendable {
    public struct Issue: Codable, Equatable, Sendable {
        public let path: String
        public let message: String
    }

    public let status: HTTPResponse.Status
    public let message: String
    public let issues: [Issue]
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ message: String, issues: [Issue] = []) {
        self.status = status
        self.message = message
        self.issues = issues
    }

    /// The JSON body; to a HEAD, its headers (Content-Length included) and no body.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ErrorBody(error: message, status: status.code, issues: issues.isEmpty ? nil : issues)
        let bytes = ByteBuffer(bytes: try JSON.encoder.encode(body))
        var headers = self.headers
        headers[.contentType] = JSON.contentType
        headers[.contentLength] = String(bytes.readableBytes)
        return Response(status: status, headers: headers, body: request.method == .head ? .init() : .init(byteBuffer: bytes))
    }

    static let noSnapshot = APIError(.serviceUnavailable, "no snapshot of the aggregates yet; the first aggregation run has not finished")

    static func bodyTooLarge(_ maxBytes: Int?) -> APIError {
        APIError(.contentTooLarge, "the request body is larger than \(maxBytes.map { "the \($0) bytes" } ?? "what") this server accepts")
    }
}

/// Turns any error that is not already an HTTP error into a JSON 500 that says
/// nothing of its cause; the cause goes to the log. Hummingbird's own HTTP
/// errors (404 for an unknown route) get the same JSON shape.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            var apiError = APIError(error.status, error.body ?? error.status.reasonPhrase)
            apiError.headers = error.headers
            throw apiError
        } catch let error as NIOTooManyBytesError {
            throw APIError.bodyTooLarge(error.maxBytes)
        } catch let error as PQError where error.isConnectionFailure {
            context.logger.error("database unreachable", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            var apiError = APIError(.serviceUnavailable, "the database is unreachable; try again shortly")
            apiError.headers[.retryAfter] = "5"
            throw apiError
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            throw APIError(.internalServerError, "internal error; the server log has the details")
        }
    }
}

private struct ErrorBody: Encodable {
    let error: String
    let status: Int
    let issues: [APIError.Issue]?
}

enum JSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        // Sorted keys: the same snapshot gives the same bytes in every replica, as a strong ETag promises.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let contentType = "application/json; charset=utf-8"

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// The answer to a GET: the JSON with an ETag made from it (`Response.representation`).
    static func representation<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        .representation(ByteBuffer(bytes: try encoder.encode(value)), contentType: contentType, status: status, headers: headers)
    }

    /// JSON text made elsewhere (PostgreSQL's json_agg), passed through as it is.
    static func representation(text: String) -> Response {
        .representation(ByteBuffer(string: text), contentType: contentType)
    }
}

extension Response {
    /// The answer to a GET: the bytes, their type, and a strong ETag made from
    /// them unless `headers` brings one, so If-None-Match works on every read.
    static func representation(
        _ body: ByteBuffer, contentType: String, status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:]
    ) -> Response {
        var headers = headers
        headers[.contentType] = contentType
        if headers[.eTag] == nil { headers[.eTag] = EntityTag.of(body) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}
