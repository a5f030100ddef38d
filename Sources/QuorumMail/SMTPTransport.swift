import CCurl
import Foundation
import QuorumBlocking

/// How to reach the SMTP server.
public struct SMTPSettings: Sendable, Equatable {
    /// `smtp://host:port` (plain, or STARTTLS with `startTLS`) or `smtps://host:port` (implicit TLS).
    public var url: String
    /// Require STARTTLS on an `smtp://` URL; the send fails rather than going out in clear.
    public var startTLS = false
    /// CA certificates (PEM) to verify the server with, instead of the system's.
    public var caFile: String?
    public var username: String?
    /// From QUORUM_MAIL_PASSWORD or `mail.password_file`; never logged.
    public var password: String?
    public var connectTimeout: Duration = .seconds(10)
    public var timeout: Duration = .seconds(60)
    /// Further attempts after a temporary failure (a 4xx reply, a refused or timed-out connection).
    public var retries = 3
    /// The pause before the first retry; it doubles for each further one.
    public var backoff: Duration = .seconds(2)

    public init(url: String) {
        self.url = url
    }
}

/// Sends through an SMTP server with libcurl: plain, STARTTLS or implicit TLS,
/// with AUTH when a user is configured. A temporary failure is retried with
/// backoff; a permanent one (5xx) is not.
public struct SMTPTransport: MailTransport {
    public let settings: SMTPSettings

    public init(settings: SMTPSettings) {
        self.settings = settings
    }

    public func send(_ message: MailMessage) async throws(MailError) {
        let bytes = try message.rendered()
        var attempt = 0
        while true {
            do {
                try await Self.perform(settings: settings, from: message.from.address, recipients: message.recipients, bytes: bytes)
                return
            } catch let failure where failure.isTransient && attempt < settings.retries {
                let pause = settings.backoff * (1 << min(attempt, 10))
                attempt += 1
                // Shutting down: report the failure rather than wait to retry.
                do { try await Task.sleep(for: pause) } catch { throw failure }
            }
        }
    }

    /// One SMTP session on a thread of the sending pool: libcurl blocks.
    static func perform(settings: SMTPSettings, from: String, recipients: [String], bytes: [UInt8]) async throws(MailError) {
        let result: Result<Void, MailError>
        do {
            result = try await sessions.run {
                Result { () throws(MailError) in
                    let session = try CurlSession()
                    try session.send(settings: settings, from: from, recipients: recipients, bytes: bytes)
                }
            }
        } catch {
            // Cancelled before its turn came: nothing was sent.
            throw .transient("the send was cancelled before it began", replyCode: nil)
        }
        try result.get()
    }

    /// The threads SMTP sessions run on, for the whole process: each session is
    /// bounded by its timeouts, and a few at once is all a report run needs.
    private static let sessions = BlockingPool(threads: 4)
}

/// The message being uploaded, read by libcurl through its read callback.
private final class Upload {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// One libcurl easy handle, owned by this object alone and cleaned up with it.
private final class CurlSession {
    /// libcurl's global state, set up once for the process before any handle.
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    private let handle: UnsafeMutableRawPointer

    init() throws(MailError) {
        guard Self.globalInit == CURLE_OK else { throw .transport("libcurl could not be initialised") }
        guard let handle = curl_easy_init() else { throw .transport("libcurl could not make a handle") }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    func send(settings: SMTPSettings, from: String, recipients: [String], bytes: [UInt8]) throws(MailError) {
        var recipientList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(recipientList) }
        for recipient in recipients {
            guard let appended = curl_slist_append(recipientList, "<\(recipient)>") else { throw .transport("out of memory") }
            recipientList = appended
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let upload = Upload(bytes)
        let code: CURLcode = withExtendedLifetime(upload) {
            errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
                var ok = true
                func set(_ option: CURLoption, _ value: Int) { ok = ok && quorum_curl_set_long(handle, option, value) == CURLE_OK }
                func set(_ option: CURLoption, _ value: String) { ok = ok && quorum_curl_set_string(handle, option, value) == CURLE_OK }
                set(CURLOPT_URL, settings.url)
                set(CURLOPT_MAIL_FROM, "<\(from)>")
                ok = ok && quorum_curl_set_pointer(handle, CURLOPT_MAIL_RCPT, recipientList) == CURLE_OK
                set(CURLOPT_UPLOAD, 1)
                set(CURLOPT_NOSIGNAL, 1)
                set(CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout.milliseconds))
                set(CURLOPT_TIMEOUT_MS, Int(settings.timeout.milliseconds))
                // libcurl waits for the final reply to DATA under the server response
                // timeout (default 120 s), not the total one: bound it too.
                set(CURLOPT_SERVER_RESPONSE_TIMEOUT, max(1, Int((Double(settings.timeout.milliseconds) / 1000).rounded(.up))))
                if settings.startTLS { set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
                if let caFile = settings.caFile { set(CURLOPT_CAINFO, caFile) }
                if let username = settings.username { set(CURLOPT_USERNAME, username) }
                if let password = settings.password { set(CURLOPT_PASSWORD, password) }
                ok = ok && quorum_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress) == CURLE_OK
                ok =
                    ok
                    && quorum_curl_set_read_function(
                        handle,
                        { buffer, size, count, context in
                            let upload = Unmanaged<Upload>.fromOpaque(context!).takeUnretainedValue()
                            let length = min(size * count, upload.bytes.count - upload.offset)
                            upload.bytes.withUnsafeBytes { source in
                                UnsafeMutableRawPointer(buffer!).copyMemory(from: source.baseAddress! + upload.offset, byteCount: length)
                            }
                            upload.offset += length
                            return length
                        }) == CURLE_OK
                // Unretained: `upload` outlives the transfer (withExtendedLifetime), so nothing to release.
                ok = ok && quorum_curl_set_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque()) == CURLE_OK
                guard ok else { return CURLE_FAILED_INIT }
                let code = curl_easy_perform(handle)
                // The buffer and the list die with this call; the handle must not point at them.
                _ = quorum_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, nil)
                return code
            }
        }
        var reply = 0
        _ = quorum_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &reply)
        _ = quorum_curl_set_pointer(handle, CURLOPT_MAIL_RCPT, nil)
        if code == CURLE_OK { return }

        let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let message = "sending to \(Self.server(settings.url)) failed: " + (detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
        let replyCode = reply == 0 ? nil : reply
        switch reply {
        case 400..<500: throw .transient(message, replyCode: replyCode)
        case 500..<600: throw .permanent(message, replyCode: replyCode)
        default: break
        }
        let temporary: Set<UInt32> = [
            CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_COULDNT_RESOLVE_HOST,
            CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_SSL_CONNECT_ERROR,
        ].map(\.rawValue).reduce(into: []) { $0.insert($1) }
        if temporary.contains(code.rawValue) { throw .transient(message, replyCode: replyCode) }
        throw .permanent(message, replyCode: replyCode)
    }

    /// The URL without anything but scheme, host and port, for messages.
    private static func server(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "the SMTP server" }
        return "\(components.scheme ?? "smtp")://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }
}
