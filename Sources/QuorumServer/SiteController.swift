import HTTPTypes
import Hummingbird

/// `/`, `/<page>.html`, `/style.css`, `/manifest.json`, `/charts/<file>` and
/// `/data/<file>`: the published site, by lookup in `SiteFiles`.
struct SiteController<Context: RequestContext> {
    let site: SiteFiles

    func addRoutes(to router: Router<Context>) {
        router.get("/") { request, _ in try serve("index.html", request) }
        router.get("{file}") { request, context in try serve(context.parameters.require("file"), request) }
        router.get("charts/{file}") { request, context in try serve("charts/" + context.parameters.require("file"), request) }
        router.get("data/{file}") { request, context in try serve("data/" + context.parameters.require("file"), request) }
    }

    private func serve(_ path: String, _ request: Request) throws -> Response {
        guard let file = site.file(path) else {
            guard site.paths.isEmpty else { throw APIError(.notFound, "no such file") }
            // Just after a start the first render is still running: worth asking again.
            var error = APIError(.serviceUnavailable, "nothing has been published yet; the first render is under way")
            error.headers[.retryAfter] = "2"
            throw error
        }
        var headers: HTTPFields = [
            .eTag: file.etag,
            .cacheControl: "public, max-age=60",
            .xContentTypeOptions: "nosniff",
        ]
        if file.contentType.hasPrefix("text/html") {
            headers[.contentSecurityPolicy] = pageSecurityPolicy
            headers[.xFrameOptions] = "DENY"
            headers[.referrerPolicy] = "same-origin"
        }
        if let tags = request.headers[.ifNoneMatch], CachedAggregate.matches(tags, file.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = file.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.body))
    }
}

/// Pages may load only what comes from this server, and run no inline script.
let pageSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

extension HTTPField.Name {
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
