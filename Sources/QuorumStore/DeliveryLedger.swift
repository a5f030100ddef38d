import Foundation
import QuorumModel

/// The table `quorum.delivery`: one row per report and period, claimed before a
/// send and marked sent after the server's final 250.
///
/// A claim holds a lease. Another sender can take a row over only when its lease
/// ran out and it was never marked sent — the sender died mid-send — and then
/// sends again with the row's Message-ID, so the resend can be recognised.
public struct DeliveryLedger {
    public struct Entry: Sendable, Equatable {
        public let report: String
        public let period: Date
        public let status: String
        public let messageID: String
        public let sentAt: Date?
        public let attempts: Int
        public let lastError: String?
        public let snapshotID: Int64?
        /// The sizes of a sent message and of its attachments, in bytes.
        public let messageBytes: Int64?
        public let attachmentBytes: Int64?
    }

    public struct Claim: Sendable, Equatable {
        public let messageID: String
        public let attempts: Int

        public init(messageID: String, attempts: Int) {
            self.messageID = messageID
            self.attempts = attempts
        }
    }

    let connection: Connection

    public init(_ connection: Connection) {
        self.connection = connection
    }

    /// Claims the row for `period`, inside one transaction after `fence` has
    /// passed. Returns nil when another sender holds it or it is already done.
    public func claim(
        report: String, period: Date, messageID: String, owner: String, lease: Duration,
        fence: (Connection) throws -> Void
    ) throws -> Claim? {
        try connection.transaction { connection in
            try fence(connection)
            return try connection.query(
                """
                INSERT INTO quorum.delivery AS d (report, period, status, claimed_by, lease_expires_at, message_id, attempts)
                VALUES (\(report), to_timestamp(\(period.timeIntervalSince1970)), 'claimed', \(owner),
                        clock_timestamp() + \(lease.milliseconds)::bigint * interval '1 millisecond', \(messageID), 1)
                ON CONFLICT (report, period) DO UPDATE
                    SET claimed_by = excluded.claimed_by, lease_expires_at = excluded.lease_expires_at,
                        attempts = d.attempts + 1
                    WHERE d.status = 'claimed' AND d.lease_expires_at < clock_timestamp()
                RETURNING d.message_id, d.attempts
                """
            ).first.map { Claim(messageID: try $0.require(at: 0), attempts: try $0.require(at: 1)) }
        }
    }

    /// Records the server's acceptance. Called whoever holds the claim now: the
    /// message went out either way.
    public func markSent(
        report: String, period: Date, snapshotID: Int64, dataVersion: Int64, messageBytes: Int,
        attachmentBytes: Int
    ) throws {
        try connection.execute(
            """
            UPDATE quorum.delivery SET status = 'sent', sent_at = clock_timestamp(), lease_expires_at = NULL,
                   last_error = NULL, snapshot_id = \(snapshotID), data_version = \(dataVersion),
                   message_bytes = \(Int64(messageBytes)), attachment_bytes = \(Int64(attachmentBytes))
            WHERE report = \(report) AND period = to_timestamp(\(period.timeIntervalSince1970)) AND status = 'claimed'
            """)
    }

    /// Records a failed attempt. A permanent failure, or the last allowed attempt,
    /// ends the row as failed; otherwise the claim is held until `retryAfter`,
    /// when any leader may try again.
    public func markAttemptFailed(
        report: String, period: Date, owner: String, error: String,
        permanent: Bool, retryAfter: Duration, maximumAttempts: Int
    ) throws {
        try connection.execute(
            """
            UPDATE quorum.delivery
            SET status = CASE WHEN \(permanent)::boolean OR attempts >= \(maximumAttempts) THEN 'failed' ELSE 'claimed' END,
                last_error = \(error),
                lease_expires_at = clock_timestamp() + \(retryAfter.milliseconds)::bigint * interval '1 millisecond'
            WHERE report = \(report) AND period = to_timestamp(\(period.timeIntervalSince1970))
              AND status = 'claimed' AND claimed_by = \(owner)
            """)
    }

    /// Records a period that is not sent (unchanged data, a missed period the
    /// catch-up policy drops), unless the row exists. Returns whether it recorded.
    @discardableResult
    public func markSkipped(
        report: String, period: Date, messageID: String, reason: String,
        fence: (Connection) throws -> Void
    ) throws -> Bool {
        try connection.transaction { connection in
            try fence(connection)
            return try connection.execute(
                """
                INSERT INTO quorum.delivery (report, period, status, message_id, last_error)
                VALUES (\(report), to_timestamp(\(period.timeIntervalSince1970)), 'skipped', \(messageID), \(reason))
                ON CONFLICT (report, period) DO NOTHING
                """) == 1
        }
    }

    /// The newest period with a row, whatever its state.
    public func lastPeriod(report: String) throws -> Date? {
        try connection.query(
            """
            SELECT extract(epoch FROM max(period))::float8 FROM quorum.delivery WHERE report = \(report)
            """)[0].decode(Double.self, at: 0).map(Date.init(timeIntervalSince1970:))
    }

    /// Periods claimed by a sender whose lease ran out unsent: to be sent again.
    public func abandoned(report: String) throws -> [Date] {
        try connection.query(
            """
            SELECT extract(epoch FROM period)::float8 FROM quorum.delivery
            WHERE report = \(report) AND status = 'claimed' AND lease_expires_at < clock_timestamp()
            ORDER BY period
            """
        ).map { Date(timeIntervalSince1970: try $0.require(at: 0)) }
    }

    /// The data version of the newest sent delivery, for skip-when-unchanged.
    public func lastSentDataVersion(report: String) throws -> Int64? {
        try connection.query(
            """
            SELECT data_version FROM quorum.delivery WHERE report = \(report) AND status = 'sent'
            ORDER BY period DESC LIMIT 1
            """
        ).first?.decode(Int64.self, at: 0)
    }

    /// The newest rows of a report, newest first.
    public func recent(report: String, limit: Int) throws -> [Entry] {
        try connection.query(
            """
            SELECT report, extract(epoch FROM period)::float8, status, message_id,
                   extract(epoch FROM sent_at)::float8, attempts, last_error, snapshot_id, message_bytes, attachment_bytes
            FROM quorum.delivery WHERE report = \(report) ORDER BY period DESC LIMIT \(limit)
            """
        ).map { row in
            Entry(
                report: try row.require(at: 0), period: Date(timeIntervalSince1970: try row.require(at: 1)),
                status: try row.require(at: 2), messageID: try row.require(at: 3),
                sentAt: try row.decode(Double.self, at: 4).map(Date.init(timeIntervalSince1970:)),
                attempts: try row.require(at: 5), lastError: try row.decode(at: 6), snapshotID: try row.decode(at: 7),
                messageBytes: try row.decode(at: 8), attachmentBytes: try row.decode(at: 9))
        }
    }
}
