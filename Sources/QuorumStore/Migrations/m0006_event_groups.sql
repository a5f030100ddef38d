-- Incremental aggregation that does not grow with the data: per (body, year)
-- group, the partial aggregates that new events can be added to, and a log of
-- which events were inserted since a snapshot.
--
-- An insert no longer marks its group for recomputing. It is logged instead, as
-- the ids of the events it inserted (`new_events`), or as a range of ids that
-- holds the events it added figures or attendees to (not `new_events`). A run
-- adds the new events to their groups' partial aggregates, reading nothing else;
-- figures or attendees added to an older event, and every update and delete,
-- still mark the group (quorum.dirty_group), which is then read again.

CREATE TABLE quorum.inserted_events (
    version    bigint NOT NULL,
    new_events boolean NOT NULL,
    events     int8multirange NOT NULL
);
CREATE INDEX inserted_events_version_idx ON quorum.inserted_events (version);

CREATE OR REPLACE FUNCTION quorum.mark_changed_groups() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bumped bigint;
    first_id bigint;
    last_id bigint;
    inserted bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM changed) THEN
        RETURN NULL;
    END IF;
    bumped := quorum.next_data_version(false);
    -- One pass over the rows, no sort: new events are nearly always one run of ids
    -- (sorted into ranges only when not); for figures and attendees the range from
    -- the first event to the last is enough, as an older event inside it that was
    -- not touched is only read again.
    IF TG_OP = 'INSERT' AND TG_TABLE_NAME = 'event' THEN
        SELECT min(id), max(id), count(*) INTO first_id, last_id, inserted FROM changed;
        INSERT INTO quorum.inserted_events
        SELECT bumped, true, CASE WHEN last_id - first_id + 1 = inserted
                                  THEN int8multirange(int8range(first_id, last_id, '[]'))
                                  ELSE (SELECT range_agg(int8range(id, id, '[]')) FROM changed) END;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO quorum.inserted_events
        SELECT bumped, false, int8multirange(int8range(min(event_id), max(event_id), '[]')) FROM changed;
    ELSIF TG_TABLE_NAME = 'event' AND TG_OP = 'UPDATE' THEN
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

-- The partial aggregates of each (body, year) group as of one snapshot, kept
-- so that the next run, in this process or another, starts from them. Sets and
-- lists are arrays; participants are kept sorted, for the median. A group's
-- sessions are its events of every format.
CREATE TABLE quorum.event_group (
    body_id                  bigint NOT NULL,
    year                     integer NOT NULL,
    online                   integer NOT NULL,
    hybrid                   integer NOT NULL,
    in_person                integer NOT NULL,
    format_not_reported      integer NOT NULL,
    dimensions               text[] NOT NULL,
    participants             integer[] NOT NULL,
    participants_approximate boolean NOT NULL,
    participants_at_least    boolean NOT NULL,
    participants_sources     bigint[] NOT NULL,
    member_states_reported   integer NOT NULL,
    member_states_largest    integer,
    member_states_qualifier  text,
    member_states_pure       boolean NOT NULL,
    member_states_scope      text,
    named_state_events       bigint[] NOT NULL,
    named_states             text[] NOT NULL,
    organisations_largest    integer,
    organisations_qualifier  text,
    named_organisations      bigint[] NOT NULL,
    PRIMARY KEY (body_id, year)
);

-- Which snapshot quorum.event_group belongs to; the groups are used only from it.
CREATE TABLE quorum.event_group_snapshot (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    snapshot_id bigint
);
INSERT INTO quorum.event_group_snapshot VALUES (true, NULL);

-- A snapshot's payload is written whole on every run; lz4, where the server has
-- it, compresses it several times faster than the default.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE quorum.snapshot ALTER COLUMN payload SET COMPRESSION lz4;
    END IF;
END $$;
