-- What aggregation needs: a data version that every change bumps (and
-- announces with NOTIFY), and the snapshots that aggregation runs leave.

CREATE TABLE quorum.data_version (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version    bigint NOT NULL,
    changed_at timestamptz NOT NULL
);
INSERT INTO quorum.data_version VALUES (true, 1, now());

-- Bumps the version once per statement that changed rows; a statement that
-- changed nothing (a re-import of the same data) bumps nothing.
CREATE FUNCTION quorum.bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    next bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM changed) THEN
        RETURN NULL;
    END IF;
    UPDATE quorum.data_version SET version = version + 1, changed_at = now() RETURNING version INTO next;
    PERFORM pg_notify('quorum_data', next::text);
    RETURN NULL;
END $$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['source', 'organisation', 'country', 'body', 'dimension', 'priority_area',
                             'coordinator', 'membership', 'membership_count', 'event', 'figure', 'attendee',
                             'total', 'milestone'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON quorum.%I REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION quorum.bump_data_version()', t || '_inserted', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON quorum.%I REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION quorum.bump_data_version()', t || '_updated', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON quorum.%I REFERENCING OLD TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION quorum.bump_data_version()', t || '_deleted', t);
    END LOOP;
END $$;

-- One row per aggregation run. Readers take the newest complete one, so a
-- failed run never replaces a good snapshot.
CREATE TABLE quorum.snapshot (
    id           bigserial PRIMARY KEY,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    data_version bigint NOT NULL,
    status       text NOT NULL CHECK (status IN ('complete', 'failed')),
    error        text,
    payload      jsonb,
    CHECK ((status = 'complete') = (payload IS NOT NULL))
);
CREATE INDEX snapshot_complete_idx ON quorum.snapshot (id DESC) WHERE status = 'complete';

-- A date as its precision writes it: '2024', '2024-06' or '2024-06-30'.
CREATE FUNCTION quorum.partial_date(d date, p quorum.date_precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE p WHEN 'year' THEN lpad(extract(year FROM d)::text, 4, '0')
                  WHEN 'month' THEN lpad(extract(year FROM d)::text, 4, '0') || '-' || lpad(extract(month FROM d)::text, 2, '0')
                  ELSE lpad(extract(year FROM d)::text, 4, '0') || '-' || lpad(extract(month FROM d)::text, 2, '0')
                       || '-' || lpad(extract(day FROM d)::text, 2, '0') END
$$;
