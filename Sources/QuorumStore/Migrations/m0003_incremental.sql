-- What incremental aggregation needs: which (body, year) groups each change
-- touched, and when the reference data that every group depends on last changed.
--
-- A group is marked with the data version of the change, so a run that starts
-- from a snapshot of version V recomputes exactly the groups marked after V.
-- Versions are handed out under the data_version row lock, so a change that
-- commits after a snapshot was read always carries a larger version than it saw.

ALTER TABLE quorum.data_version ADD COLUMN reference_version bigint NOT NULL DEFAULT 0;
-- Changes made before groups were marked are unknown: the first run is a full one.
UPDATE quorum.data_version SET reference_version = version;

CREATE TABLE quorum.dirty_group (
    body_id bigint NOT NULL,
    year    integer NOT NULL,
    version bigint NOT NULL,
    PRIMARY KEY (body_id, year)
);

-- Finds a body's events of one year without reading the others.
CREATE INDEX event_body_date_idx ON quorum.event (body_id, start_date);

-- The version bump of m0002, as a function the marking triggers share.
CREATE FUNCTION quorum.next_data_version(reference boolean) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    bumped bigint;
BEGIN
    UPDATE quorum.data_version
    SET version = version + 1, changed_at = now(),
        reference_version = CASE WHEN reference THEN version + 1 ELSE reference_version END
    RETURNING version INTO bumped;
    PERFORM pg_notify('quorum_data', bumped::text);
    RETURN bumped;
END $$;

CREATE OR REPLACE FUNCTION quorum.bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed) THEN
        PERFORM quorum.next_data_version(true);
    END IF;
    RETURN NULL;
END $$;

-- Events, figures and attendees mark the (body, year) groups they belong to;
-- every other table is reference data (bump_data_version above). A figure or
-- attendee whose event was deleted in the same statement finds no event here:
-- the event's own trigger marked its group. (`before` exists for updates only.)
CREATE FUNCTION quorum.mark_changed_groups() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bumped bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM changed) THEN
        RETURN NULL;
    END IF;
    bumped := quorum.next_data_version(false);
    IF TG_TABLE_NAME = 'event' AND TG_OP = 'UPDATE' THEN
        INSERT INTO quorum.dirty_group
        SELECT body_id, extract(year FROM start_date)::int, bumped FROM changed
        UNION SELECT body_id, extract(year FROM start_date)::int, bumped FROM before
        ON CONFLICT (body_id, year) DO UPDATE SET version = excluded.version;
    ELSIF TG_TABLE_NAME = 'event' THEN
        INSERT INTO quorum.dirty_group
        SELECT DISTINCT body_id, extract(year FROM start_date)::int, bumped FROM changed
        ON CONFLICT (body_id, year) DO UPDATE SET version = excluded.version;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO quorum.dirty_group
        SELECT DISTINCT e.body_id, extract(year FROM e.start_date)::int, bumped
        FROM (SELECT event_id FROM changed UNION SELECT event_id FROM before) c
        JOIN quorum.event e ON e.id = c.event_id
        ON CONFLICT (body_id, year) DO UPDATE SET version = excluded.version;
    ELSE
        INSERT INTO quorum.dirty_group
        SELECT DISTINCT e.body_id, extract(year FROM e.start_date)::int, bumped
        FROM (SELECT DISTINCT event_id FROM changed) c JOIN quorum.event e ON e.id = c.event_id
        ON CONFLICT (body_id, year) DO UPDATE SET version = excluded.version;
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['event', 'figure', 'attendee'] LOOP
        EXECUTE format('DROP TRIGGER %I ON quorum.%I', t || '_inserted', t);
        EXECUTE format('DROP TRIGGER %I ON quorum.%I', t || '_updated', t);
        EXECUTE format('DROP TRIGGER %I ON quorum.%I', t || '_deleted', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON quorum.%I REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION quorum.mark_changed_groups()', t || '_inserted', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON quorum.%I REFERENCING OLD TABLE AS before NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION quorum.mark_changed_groups()', t || '_updated', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON quorum.%I REFERENCING OLD TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION quorum.mark_changed_groups()', t || '_deleted', t);
    END LOOP;
END $$;

-- A snapshot's payload is read and written whole, never queried inside: kept as
-- text it is stored in milliseconds, where parsing it into jsonb took far longer
-- than a refresh. (`payload::jsonb` still works for a look by hand.)
ALTER TABLE quorum.snapshot ALTER COLUMN payload TYPE text USING payload::text;
