-- What each delivery carried: the size of its message as sent and of its
-- attachments (CSV files and the report's PDF), in bytes.
ALTER TABLE quorum.delivery
    ADD COLUMN message_bytes    bigint CHECK (message_bytes >= 0),
    ADD COLUMN attachment_bytes bigint CHECK (attachment_bytes >= 0);
