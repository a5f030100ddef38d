import Foundation

/// A report e-mail, ready to be rendered as RFC 5322 text.
///
/// Its shape is the one every client reads: `multipart/alternative` with a plain
/// text part and an HTML part, the HTML inside `multipart/related` with its
/// images as CID parts; CSV attachments, when there are any, wrap all that in
/// `multipart/mixed`. Bcc recipients travel in the envelope only.
public struct MailMessage: Sendable {
    public struct InlineImage: Sendable, Equatable {
        /// The Content-ID without angle brackets, as `cid:` URLs in the HTML name it.
        public let contentID: String
        public let fileName: String
        public let png: [UInt8]
        public init(contentID: String, fileName: String, png: [UInt8]) {
            self.contentID = contentID
            self.fileName = fileName
            self.png = png
        }
    }

    public struct Attachment: Sendable, Equatable {
        public let fileName: String
        public let contentType: String
        public let bytes: [UInt8]
        public init(fileName: String, contentType: String, bytes: [UInt8]) {
            self.fileName = fileName
            self.contentType = contentType
            self.bytes = bytes
        }
    }

    public var from: MailAddress
    public var to: [MailAddress]
    public var cc: [MailAddress] = []
    public var bcc: [MailAddress] = []
    public var subject: String
    public var date: Date
    /// Without angle brackets: `report.20261122T0900Z.1a2b3c4d5e6f7a8b@cica.example`.
    public var messageID: String
    /// Further headers, e.g. the snapshot the message was made from.
    public var extraHeaders: [(name: String, value: String)] = []
    public var text: String
    public var html: String
    public var images: [InlineImage] = []
    public var attachments: [Attachment] = []

    public init(
        from: MailAddress, to: [MailAddress], subject: String, date: Date, messageID: String,
        text: String, html: String
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.text = text
        self.html = html
    }

    /// Every envelope recipient: to, cc and bcc, each once.
    public var recipients: [String] {
        var seen = Set<String>()
        return (to + cc + bcc).map(\.address).filter { seen.insert($0.lowercased()).inserted }
    }

    /// The message as it goes over the wire: 7-bit, CRLF line ends, no line over 998
    /// characters (body lines at most 76). A header value containing CR, LF or NUL
    /// is refused with an error naming the header, never sent.
    public func rendered() throws(MailError) -> [UInt8] {
        try Self.check("Subject", subject)
        try Self.check("Message-ID", messageID)
        for address in [from] + to + cc { try Self.check("display name of \(address.address)", address.name ?? "") }
        for (name, value) in extraHeaders {
            try Self.check(name, name)
            try Self.check(name, value)
        }
        for image in images {
            try Self.check("Content-ID", image.contentID)
            try Self.check("Content-Disposition", image.fileName)
        }
        for attachment in attachments {
            try Self.check("Content-Disposition", attachment.fileName)
            try Self.check("Content-Type", attachment.contentType)
        }

        var headers: [(String, String)] = [
            ("Date", MIME.date(date)),
            ("From", MIME.address(from)),
        ]
        if !to.isEmpty { headers.append(("To", to.map(MIME.address).joined(separator: ",\r\n "))) }
        if !cc.isEmpty { headers.append(("Cc", cc.map(MIME.address).joined(separator: ",\r\n "))) }
        headers.append(("Subject", MIME.encodedText(subject, headerName: "Subject")))
        headers.append(("Message-ID", "<\(messageID)>"))
        headers.append(("MIME-Version", "1.0"))
        headers += extraHeaders.map { ($0.name, MIME.encodedText($0.value, headerName: $0.name)) }

        let seed = MIME.digest(messageID)
        let related = Part.multipart(
            "related", boundary: "=_related_\(seed)", parameters: "; type=\"text/html\"",
            [Part.text(html, subtype: "html")] + images.map(Part.image))
        let alternative = Part.multipart(
            "alternative", boundary: "=_alternative_\(seed)",
            [
                Part.text(text, subtype: "plain"),
                images.isEmpty ? Part.text(html, subtype: "html") : related,
            ])
        let root =
            attachments.isEmpty
            ? alternative
            : Part.multipart("mixed", boundary: "=_mixed_\(seed)", [alternative] + attachments.map(Part.attachment))

        var output = headers.map { "\($0.0): \($0.1)\r\n" }.joined()
        root.write(to: &output)
        return Array(output.utf8)
    }

    private static func check(_ header: String, _ value: String) throws(MailError) {
        if MIME.breaksHeader(value) { throw .header(header) }
    }
}

/// One MIME entity: its headers and either an encoded body or parts.
private struct Part {
    var headers: [(String, String)]
    var body: String
    var boundary: String?
    var parts: [Part] = []

    static func text(_ text: String, subtype: String) -> Part {
        Part(
            headers: [("Content-Type", "text/\(subtype); charset=utf-8"), ("Content-Transfer-Encoding", "quoted-printable")],
            body: MIME.quotedPrintable(text))
    }

    static func image(_ image: MailMessage.InlineImage) -> Part {
        Part(
            headers: [
                ("Content-Type", "image/png"), ("Content-Transfer-Encoding", "base64"),
                ("Content-ID", "<\(image.contentID)>"),
                ("Content-Disposition", "inline; " + MIME.parameter("filename", image.fileName)),
            ],
            body: MIME.base64(image.png))
    }

    static func attachment(_ attachment: MailMessage.Attachment) -> Part {
        Part(
            headers: [
                ("Content-Type", attachment.contentType), ("Content-Transfer-Encoding", "base64"),
                ("Content-Disposition", "attachment; " + MIME.parameter("filename", attachment.fileName)),
            ],
            body: MIME.base64(attachment.bytes))
    }

    static func multipart(_ subtype: String, boundary: String, parameters: String = "", _ parts: [Part]) -> Part {
        Part(
            headers: [("Content-Type", "multipart/\(subtype);\r\n boundary=\"\(boundary)\"\(parameters)")],
            body: "", boundary: boundary, parts: parts)
    }

    func write(to output: inout String) {
        for (name, value) in headers { output += "\(name): \(value)\r\n" }
        output += "\r\n"
        guard let boundary else {
            output += body
            output += "\r\n"
            return
        }
        output += "This is a multi-part message in MIME format.\r\n"
        for part in parts {
            output += "\r\n--\(boundary)\r\n"
            part.write(to: &output)
        }
        output += "\r\n--\(boundary)--\r\n"
    }
}
