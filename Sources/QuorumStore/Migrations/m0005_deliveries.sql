-- The delivery ledger: one row per report and period. A leader claims the row
-- (with a lease) before sending and marks it sent after the server's final 250,
-- so with any number of daemons every period is delivered once. A claim whose
-- lease ran out unsent belongs to a sender that died; the next leader takes it
-- over and sends again with the same Message-ID.
CREATE TABLE quorum.delivery (
    report           text NOT NULL,
    period           timestamptz NOT NULL,
    status           text NOT NULL CHECK (status IN ('claimed', 'sent', 'skipped', 'failed')),
    claimed_by       text,
    lease_expires_at timestamptz,
    message_id       text NOT NULL,
    sent_at          timestamptz,
    attempts         integer NOT NULL DEFAULT 0,
    last_error       text,
    snapshot_id      bigint,
    data_version     bigint,
    PRIMARY KEY (report, period)
);
CREATE INDEX delivery_recent_idx ON quorum.delivery (report, period DESC);
