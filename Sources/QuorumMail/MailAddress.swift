import Foundation

/// An e-mail address with an optional display name ("CICA Secretariat <s@cica.example>").
///
/// Only plain `local@domain` addresses are accepted — no comments, quoted local
/// parts or source routes — which is all a report's recipients need, and keeps
/// anything that could break a header or an SMTP command out.
public struct MailAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let address: String
    public let name: String?

    public init(_ address: String, name: String? = nil) throws(MailError) {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .address(address, "is not an e-mail address (local@domain)") }
        let local = parts[0], domain = parts[1]
        let localCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.")
        guard !local.isEmpty, local.count <= 64, local.allSatisfy(localCharacters.contains),
            !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else {
            throw .address(address, "has a local part (before @) that is empty or has characters an address cannot have")
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let labelCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        guard !domain.isEmpty, domain.count <= 253,
            labels.allSatisfy({
                !$0.isEmpty && $0.count <= 63 && $0.allSatisfy(labelCharacters.contains) && !$0.hasPrefix("-") && !$0.hasSuffix("-")
            })
        else {
            throw .address(address, "has a domain (after @) that is not a host name")
        }
        if let name, MIME.breaksHeader(name) {
            throw .header("display name of \(address)")
        }
        self.address = address
        self.name = name.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Reads `a@b.example` or `Display Name <a@b.example>` (the name may be in quotes).
    public init(parsing text: String) throws(MailError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
            try self.init(trimmed)
            return
        }
        var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
        try self.init(String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]), name: name)
    }

    /// The domain, lower-cased.
    public var domain: String { String(address.split(separator: "@")[1]).lowercased() }

    public var description: String { name.map { "\($0) <\(address)>" } ?? address }

    /// Whether the domain is one of `domains` or a subdomain of one (case-insensitive).
    public func isWithin(_ domains: [String]) -> Bool {
        domains.contains { allowed in
            let allowed = allowed.lowercased()
            return domain == allowed || domain.hasSuffix("." + allowed)
        }
    }
}
