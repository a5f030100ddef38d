import Hummingbird

/// Request header fields past `maxBytes` in all (names and values) get 431, as
/// nginx and Apache refuse theirs at 8 KB a line: no client of Quorum needs more,
/// and nothing past it is looked at.
struct HeaderLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    static var maxBytes: Int { 32 * 1024 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var total = request.uri.description.utf8.count
        for field in request.headers {
            total += field.name.rawName.utf8.count + field.value.utf8.count
            if total > Self.maxBytes {
                throw APIError(.requestHeaderFieldsTooLarge, "the request's header fields exceed \(Self.maxBytes / 1024) KB")
            }
        }
        return try await next(request, context)
    }
}
