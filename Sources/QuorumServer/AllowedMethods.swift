import HTTPTypes
import Hummingbird
import Synchronization

/// Which methods each route answers: what `OPTIONS` lists and a 405 names in
/// `Allow`. Read from the router once every route is registered.
final class RouteMethods: Sendable {
    struct Route: Sendable {
        let path: RouterPath
        /// The `Allow` value: the route's methods in the usual order, OPTIONS last.
        let allow: String
        /// For a route whose parameter takes any name (a file of the site): whether
        /// something is there at a given request path. Nil: every match is there.
        let holds: (@Sendable (String) -> Bool)?
    }

    private let routes = Mutex<[Route]>([])

    /// The routes, the most literal first, as the router prefers a constant segment to a parameter.
    func load<Context>(_ router: Router<Context>, holds: [String: @Sendable (String) -> Bool] = [:]) {
        let byPath = Dictionary(grouping: router.routes, by: \.path.description)
        let loaded = byPath.values.map { routes in
            let methods = Set(routes.map(\.method))
            let others = methods.subtracting(Self.order + [.options]).sorted { $0.rawValue < $1.rawValue }
            let allow = (Self.order.filter(methods.contains) + others + [.options]).map(\.rawValue).joined(separator: ", ")
            return Route(path: routes[0].path, allow: allow, holds: holds[routes[0].path.description])
        }
        .sorted { Self.literalness($0.path).lexicographicallyPrecedes(Self.literalness($1.path)) }
        routes.withLock { $0 = loaded }
    }

    /// The route a request path falls under, if something is there.
    func route(for path: String) -> Route? {
        let segments = path.split(separator: "/")
        let route = routes.withLock { routes in
            routes.first { route in
                route.path.components.count == segments.count && zip(route.path.components, segments).allSatisfy { $0 ~= $1 }
            }
        }
        guard let route, route.holds?(path) ?? true else { return nil }
        return route
    }

    private static let order: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete]

    /// 0 for a constant segment, 1 for a parameter or wildcard: sorting by it puts constants first.
    private static func literalness(_ path: RouterPath) -> [Int] {
        path.components.map { $0 == $0.description ? 0 : 1 }
    }
}

/// `OPTIONS` on a known path: 204 with `Allow`. Another method the path does not
/// have: 405 with `Allow`. A path no route takes stays a 404.
///
/// Only what the router found no handler for reaches this with no endpoint path
/// set; whatever it did find passes straight on.
struct AllowedMethodsMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.endpointPath == nil, let route = routes.route(for: request.uri.path) else {
            return try await next(request, context)
        }
        // Counted in the metrics under the route, as its other methods are.
        context.coreContext.endpointPath.value = route.path.description
        if request.method == .options {
            return Response(status: .noContent, headers: [.allow: route.allow])
        }
        var error = APIError(.methodNotAllowed, "\(request.method.rawValue) is not allowed here; this path allows \(route.allow)")
        error.headers[.allow] = route.allow
        throw error
    }
}
