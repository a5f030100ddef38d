import HTTPTypes
import Hummingbird
import QuorumModel

/// `/`, `/<page>.html`, `/style.css`, `/manifest.json`, `/charts/<file>`,
/// `/data/<file>`, and each language's pages and charts under `/en/`, `/ru/`,
/// `/zh/`: the published site, by lookup in `SiteFiles`. `/` answers in English,
/// or sends a reader whose `Accept-Language` prefers Russian or Chinese to that
/// language's pages.
struct SiteController<Context: RequestContext> {
    let site: SiteFiles

    func addRoutes(to router: Router<Context>) {
        router.getAndHead("/") { request, _ in try root(request) }
        router.getAndHead(Self.page) { request, context in
            let file = try context.parameters.require("file")
            guard let language = Self.languages.first(where: { $0 == file }) else { return try serve(file) }
            // "/ru" is the language's index, at "/ru/", so that its relative links stay in it.
            guard request.uri.path.hasSuffix("/") else { return redirect(to: "/\(language)/", permanent: true) }
            return try serve("\(language)/index.html")
        }
        router.getAndHead(Self.chart) { _, context in try serve("charts/" + context.parameters.require("file")) }
        router.getAndHead(Self.data) { _, context in try serve("data/" + context.parameters.require("file")) }
        router.getAndHead(Self.languagePage) { _, context in
            try serve(try Self.language(context) + "/" + context.parameters.require("page"))
        }
        router.getAndHead(Self.languageChart) { _, context in
            try serve(try Self.language(context) + "/charts/" + context.parameters.require("chart"))
        }
    }

    private static var page: RouterPath { "{file}" }
    private static var chart: RouterPath { "charts/{file}" }
    private static var data: RouterPath { "data/{file}" }
    // The router's tree takes one parameter name per level: the language is `file` too.
    private static var languagePage: RouterPath { "{file}/{page}" }
    private static var languageChart: RouterPath { "{file}/charts/{chart}" }

    /// The directories of the site's languages.
    static var languages: [String] { siteLanguages }

    private static func language(_ context: Context) throws -> String {
        let language = try context.parameters.require("file")
        guard languages.contains(language) else { throw APIError(.notFound, "no such file") }
        return language
    }

    /// The routes that take any file name, with whether the site holds the file at
    /// a request path (the path is the file's name in the tree): a path there is
    /// known, for OPTIONS and 405, only when it does.
    var holds: [String: @Sendable (String) -> Bool] {
        let holds: @Sendable (String) -> Bool = { [site] path in
            let file = String(path.dropFirst())
            return site.file(file) != nil || site.file(file + "/index.html") != nil
        }
        return Dictionary(
            uniqueKeysWithValues: [Self.page, Self.chart, Self.data, Self.languagePage, Self.languageChart].map { ($0.description, holds) })
    }

    /// The English index, or a redirect to the language the reader prefers.
    private func root(_ request: Request) throws -> Response {
        let preferred = Self.preferredLanguage(request.headers[.acceptLanguage] ?? "")
        if preferred != "en" {
            var response = redirect(to: "/\(preferred)/", permanent: false)
            response.headers[.vary] = "Accept-Language"
            return response
        }
        var response = try serve("index.html")
        response.headers[.vary] = "Accept-Language"
        return response
    }

    /// The site's language the `Accept-Language` header ranks highest; English when it names none of them.
    static func preferredLanguage(_ header: String) -> String {
        (Language.preferred(byAcceptLanguage: header) ?? .en).rawValue
    }

    private func redirect(to location: String, permanent: Bool) -> Response {
        Response(status: permanent ? .movedPermanently : .found, headers: [.location: location, .cacheControl: "no-cache"])
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

/// The directories of the site's languages, as the renderer writes them.
let siteLanguages = Language.allCases.map(\.rawValue)

/// Pages may load only what comes from this server, and run no inline script.
let pageSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

extension HTTPField.Name {
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
