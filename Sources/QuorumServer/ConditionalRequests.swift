import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import QuorumModel

// MARK: Validators

/// Strong entity tags (RFC 9110 8.8.3) for answers that have no version of their
/// own: made from the bytes, so equal bytes get the same tag in every replica.
enum EntityTag {
    static func of(_ bytes: ByteBuffer) -> String {
        var hasher = SHA256()
        bytes.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        return quoted(hasher.finalize())
    }

    static func of(_ bytes: some DataProtocol) -> String { quoted(SHA256.hash(data: bytes)) }

    /// The digest's first twelve bytes in hex, quoted.
    private static func quoted(_ digest: SHA256.Digest) -> String { "\"" + Hex.lowercase(digest.prefix(12)) + "\"" }
}

// MARK: Preconditions

/// Whether a GET or HEAD can be answered 304 (RFC 9110 13.1, 13.2.2): If-None-Match
/// when the request has one, else If-Modified-Since when the answer has a
/// Last-Modified. Shared by the router and the event-loop fast path, so both
/// answer a request alike.
enum Preconditions {
    static func notModified(ifNoneMatch: String?, ifModifiedSince: String?, etag: String?, lastModified: String?) -> Bool {
        if let ifNoneMatch {
            return etag.map { matches(ifNoneMatch, $0) } ?? false
        }
        guard let ifModifiedSince, let lastModified,
            let since = HTTPDate.seconds(ifModifiedSince), let modified = HTTPDate.seconds(lastModified)
        else { return false }
        return modified <= since
    }

    /// If-None-Match holds `*` or a list of tags, compared weakly (RFC 9110 13.1.2).
    static func matches(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }

    /// What a 304 repeats of the 200 it stands for (RFC 9110 15.4.5): the validators,
    /// the caching rules, and the length of the 200's content (8.6: that length or none).
    static func notModifiedHeaders(_ headers: HTTPFields) -> HTTPFields {
        HTTPFields(headers.filter { repeated.contains($0.name) })
    }

    private static let repeated: Set<HTTPField.Name> = [
        .eTag, .lastModified, .cacheControl, .expires, .vary, .contentLocation, .contentLength,
    ]
}

extension HTTPDate {
    /// Seconds since 1970 of an HTTP-date in any of the three forms a recipient
    /// must accept (RFC 9110 5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`, the obsolete
    /// `Sunday, 06-Nov-94 08:49:37 GMT` and asctime's `Sun Nov  6 08:49:37 1994`.
    /// Nil for anything else, which a precondition then ignores.
    static func seconds(_ text: some StringProtocol) -> Int64? {
        let fields = String(text).split { $0 == " " || $0 == "," || $0 == "-" }
        // Which field is which: IMF-fixdate and RFC 850 have day, month, year, time, "GMT"; asctime month, day, time, year.
        let (dayAt, monthAt, yearAt, timeAt): (Int, Int, Int, Int)
        switch fields.count {
        case 6 where fields[5] == "GMT": (dayAt, monthAt, yearAt, timeAt) = (1, 2, 3, 4)
        case 5: (dayAt, monthAt, yearAt, timeAt) = (2, 1, 4, 3)
        default: return nil
        }
        let day = Int(fields[dayAt]), month = months.firstIndex(of: String(fields[monthAt])), year = Int(fields[yearAt])
        let clock = fields[timeAt].split(separator: ":").compactMap { Int($0) }
        guard var year, let month, let day, (1...31).contains(day), clock.count == 3,
            (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2])
        else { return nil }
        // The obsolete form's two-digit year: 70–99 as 19xx, 00–69 as 20xx.
        if year < 100 { year += year < 70 ? 2000 : 1900 }
        return daysSince1970(year: year, month: month + 1, day: day) * 86_400 + Int64(clock[0] * 3600 + clock[1] * 60 + clock[2])
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = Int64((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1)
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

// MARK: GET and HEAD

/// Conditional GET on every read, and HEAD as GET without the body.
///
/// Every 200 answer to a GET carries an ETag (its handler's, or one made from its
/// bytes); a request whose If-None-Match holds it, or whose If-Modified-Since is no
/// older than the Last-Modified, gets 304. A HEAD runs the GET's handler and is
/// sent its status and headers, Content-Length included, without the body; errors
/// do the same in `APIError`. It sits inside the metrics middleware, which so
/// counts what is sent.
struct ConditionalGETMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head else { return try await next(request, context) }
        var response = try await next(request, context)
        if response.status == .ok,
            Preconditions.notModified(
                ifNoneMatch: request.headers[.ifNoneMatch], ifModifiedSince: request.headers[.ifModifiedSince],
                etag: response.headers[.eTag], lastModified: response.headers[.lastModified])
        {
            response = Response(status: .notModified, headers: Preconditions.notModifiedHeaders(response.headers))
        }
        if request.method == .head { response = response.createHeadResponse() }
        return response
    }
}

extension RouterMethods {
    /// A read: GET, and HEAD answered by the same handler (`ConditionalGETMiddleware`
    /// drops the body).
    @discardableResult
    func getAndHead(
        _ path: RouterPath = "",
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        get(path, use: handler)
        return head(path, use: handler)
    }
}
