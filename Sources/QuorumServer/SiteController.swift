import HTTPTypes
import Hummingbird

/// `/`, `/<page>.html`, `/style.css`, `/manifest.json`, `/charts/<file>` and
/// `/data/<file>`: the published site, by lookup in `SiteFiles`.
struct SiteController<Context: RequestContext> {
    let site: SiteFiles

    func addRoutes(to router: Router<Context>) {
        router.getAndHead("/") { _, _ in try serve("index.html") }
        router.getAndHead(Self.page) { _, context in try serve(context.parameters.require("file")) }
        router.getAndHead(Self.chart) { _, context in try serve("charts/" + context.parameters.require("file")) }
        router.getAndHead(Self.data) { _, context in try serve("data/" + context.parameters.require("file")) }
    }

    private static var page: RouterPath { "{file}" }
    private static var chart: RouterPath { "charts/{file}" }
    private static var data: RouterPath { "data/{file}" }

    /// The routes that take any file name, with whether the site holds the file at
    /// a request path (the path is the file's name in the tree): a path there is
    /// known, for OPTIONS and 405, only when it does.
    var holds: [String: @Sendable (String) -> Bool] {
        let holds: @Sendable (String) -> Bool = { [site] path in site.file(String(path.dropFirst())) != nil }
        return Dictionary(uniqueKeysWithValues: [Self.page, Self.chart, Self.data].map { ($0.description, holds) })
    }

    /// The file with its validators; conditional requests and HEAD are `ConditionalGETMiddleware`'s.
    private func serve(_ path: String) throws -> Response {
        guard let file = site.file(path) else {
            guard site.paths.isEmpty else { throw APIError(.notFound, "no such file") }
            // Just after a start the first render is still running: worth asking again.
            var error = APIError(.serviceUnavailable, "nothing has been published yet; the first render is under way")
            error.headers[.retryAfter] = "2"
            throw error
        }
        var headers: HTTPFields = [
            .eTag: file.etag,
            .lastModified: file.lastModified,
            .cacheControl: "public, max-age=60",
            .xContentTypeOptions: "nosniff",
        ]
        if file.contentType.hasPrefix("text/html") {
            headers[.contentSecurityPolicy] = pageSecurityPolicy
            headers[.xFrameOptions] = "DENY"
            headers[.referrerPolicy] = "same-origin"
        }
        return .representation(file.body, contentType: file.contentType, headers: headers)
    }
}

/// Pages may load only what comes from this server, and run no inline script.
let pageSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

extension HTTPField.Name {
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
