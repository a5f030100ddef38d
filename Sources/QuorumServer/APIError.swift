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

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ErrorBody(error: message, status: status.code, issues: issues.isEmpty ? nil : issues)
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSON.encoder.encode(body))))
    }

    static let noSnapshot = APIError(.serviceUnavailable, "no snapshot of the aggregates yet; the first aggregation run has not finished")
}

/// Turns any error that is not already an HTTP error into a JSON 500 that says
/// nothing of its cause; the cause goes to the log. Hummingbird's own HTTP
/// errors (404 for an unknown route, 413 for a large body) get the same JSON shape.
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
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "the request body is larger than the server accepts (server.max_body_bytes)")
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

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// JSON text made elsewhere (PostgreSQL's json_agg), passed through as it is.
    static func response(text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
