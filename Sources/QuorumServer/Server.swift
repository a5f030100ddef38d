import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import QuorumAggregates
import QuorumStore
import ServiceLifecycle

/// What the server is made of: the shared pool and snapshot cache of the
/// daemon, the published site, and the tokens.
public struct ServerDependencies: Sendable {
    public let pool: ConnectionPool
    /// `/readyz`'s own connection, so readiness never waits behind requests.
    let readinessPool: ConnectionPool
    public let cache: SnapshotCache
    public let site: SiteFiles
    public let tokens: TokenAuthenticator
    /// The current snapshot's aggregates, encoded once for every request.
    let catalog: AggregateCatalog
    /// Gives freed memory back to the system (the daemon's `malloc_trim`), a
    /// moment after large request bodies, whose buffers the allocator would keep.
    let releaseFreedMemory: (@Sendable () -> Void)?
    let largeBodies = LargeBodies()

    /// `tokens` reads the API tokens' hashes; by default from the database through `pool`.
    public init(
        pool: ConnectionPool, cache: SnapshotCache, site: SiteFiles, tokens: (any TokenHashes)? = nil,
        releaseFreedMemory: (@Sendable () -> Void)? = nil
    ) {
        self.pool = pool
        self.readinessPool = pool.sibling(maxConnections: 1)
        self.cache = cache
        self.site = site
        self.releaseFreedMemory = releaseFreedMemory
        self.tokens = TokenAuthenticator(tokens ?? StoredTokens(pool: pool))
        self.catalog = AggregateCatalog(cache: cache) { snapshot in
            QuorumMetrics.record(snapshotStarted: snapshot.startedAt, finished: snapshot.finishedAt, id: snapshot.id)
        }
    }
}

/// Every route, with its middleware: the API under `/api/v1/`, the published
/// site at `/`, and the operational endpoints. Every GET route answers HEAD and
/// conditional requests, every known path OPTIONS, and every request body is
/// held to `settings.maxBodyBytes`.
public func buildRouter(_ dependencies: ServerDependencies, settings: ServerSettings) -> Router<BasicRequestContext> {
    let router = Router()
    let methods = RouteMethods()  // filled in below, once every route is there
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: JSONErrorMiddleware())
    router.add(middleware: HeaderLimitMiddleware())
    router.add(middleware: AllowedMethodsMiddleware(routes: methods))
    router.add(middleware: BodyLimitMiddleware(maxBytes: settings.maxBodyBytes, largeBodies: dependencies.largeBodies))
    router.add(middleware: ConditionalGETMiddleware())

    OperationsController(cache: dependencies.cache, database: DatabaseProbe(pool: dependencies.readinessPool, deadline: settings.readinessDeadline))
        .addRoutes(to: router)

    let api = router.group("api/v1")
        .add(middleware: TokenMiddleware(authenticator: dependencies.tokens, readTokenRequired: settings.readTokenRequired))
    AggregatesController(catalog: dependencies.catalog).addRoutes(to: api)
    EventsController(pool: dependencies.pool, maxBodyBytes: settings.maxBodyBytes, timeout: settings.requestTimeout)
        .addRoutes(to: api)
    SnapshotsController(cache: dependencies.cache).addRoutes(to: api)

    let site = SiteController<BasicRequestContext>(site: dependencies.site)
    site.addRoutes(to: router)
    methods.load(router, holds: site.holds)
    return router
}

/// The HTTP server as a service for the daemon's ServiceGroup, with the small
/// services it needs beside it (token and site reloads).
/// `listening` is called once the server accepts connections.
public func buildApplication(
    _ dependencies: ServerDependencies, settings: ServerSettings, logger: Logger,
    listening: @escaping @Sendable () async -> Void = {}
) -> some ApplicationProtocol {
    let http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(Int64(settings.requestTimeout.components.seconds) + 30))
    let serverName = "Quorum"
    // Cached aggregate reads skip the router, unless every read needs a token.
    let server =
        settings.readTokenRequired
        ? HTTPServerBuilder.http1(configuration: http1)
        : HTTPServerBuilder { responder in
            QuorumHTTP1Channel(
                http1: HTTP1Channel(responder: responder, configuration: http1),
                catalog: dependencies.catalog, serverName: serverName)
        }
    var services: [any Service] = [
        // Token hashes, so that a revocation takes effect within the interval.
        PeriodicService(
            interval: settings.tokenRefreshInterval, logger: logger,
            failure: "cannot reload API tokens; keeping the ones held"
        ) { [tokens = dependencies.tokens] in
            try await tokens.refresh()
        },
        // A newly published site: `current` pointing at another release.
        PeriodicService(
            interval: .seconds(2), logger: logger,
            failure: "cannot read the published site; serving the previous one"
        ) { [site = dependencies.site] in
            if try site.reloadIfChanged() { logger.info("serving a newly published site", metadata: ["files": "\(site.paths.count)"]) }
        },
    ]
    if let release = dependencies.releaseFreedMemory {
        // What large bodies left in the allocator's arenas, given back once they are done with.
        services.append(
            PeriodicService(interval: .seconds(2), logger: logger, failure: "cannot release freed memory") {
                [largeBodies = dependencies.largeBodies] in
                if largeBodies.settled() { release() }
            })
    }
    return Application(
        router: buildRouter(dependencies, settings: settings),
        server: server,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: serverName),
        services: services,
        onServerRunning: { _ in await listening() },
        logger: logger)
}

/// Work repeated on an interval until shutdown; a failure is logged and the
/// next round tried, while what was loaded before stays in use.
struct PeriodicService: Service {
    let interval: Duration
    let logger: Logger
    let failure: String
    let work: @Sendable () async throws -> Void

    func run() async throws {
        // Ends on a graceful shutdown and on cancellation alike (the group cancels
        // its services when one fails, a taken port say), never looping on.
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Shutdown cancels the work too: a round waiting for a connection that busy
            // requests hold would otherwise hold the shutdown until one is free.
            do { try await cancelWhenGracefulShutdown { try await work() } } catch  where !Task.isShuttingDownGracefully && !Task.isCancelled {
                logger.warning("\(failure)", metadata: ["error": "\(error)"])
            } catch {
                return
            }
            // Shutdown ends the wait at once, rather than after up to an interval.
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) } } catch { return }
        }
    }
}

private struct LatestSnapshot: Encodable {
    let snapshot: SnapshotSummary
    let aggregates: [String]
}

/// `GET /api/v1/snapshots/latest`: which run the numbers come from.
struct SnapshotsController<Context: RequestContext> {
    let cache: SnapshotCache

    func addRoutes(to group: RouterGroup<Context>) {
        group.getAndHead("snapshots/latest") { _, _ in
            guard let snapshot = cache.snapshot else { throw APIError.noSnapshot }
            return try JSON.representation(
                LatestSnapshot(snapshot: SnapshotSummary(snapshot), aggregates: snapshot.tables.map(\.name)),
                headers: [.cacheControl: "no-cache", .lastModified: HTTPDate.format(snapshot.finishedAt)])
        }
    }
}
