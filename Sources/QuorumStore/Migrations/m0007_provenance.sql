-- Provenance for everything stored: an event names the document and the place
-- in it that reports it, as figures do, and says whether it was held or only
-- announced; a figure, membership, count, total or milestone says, when Quorum
-- derived it rather than the document stating it, how (in words).

CREATE TYPE quorum.event_status AS ENUM ('held', 'announced');

ALTER TABLE quorum.event
    ADD COLUMN status    quorum.event_status NOT NULL DEFAULT 'held',
    ADD COLUMN source_id bigint REFERENCES quorum.source,
    ADD COLUMN locator   text;

-- An existing event takes the source and locator of its first figure, else of
-- its first attendee: the passage that gives its numbers also reports it.
UPDATE quorum.event e SET source_id = f.source_id, locator = f.locator
FROM (SELECT DISTINCT ON (event_id) event_id, source_id, locator
      FROM quorum.figure ORDER BY event_id, measure COLLATE "C") f
WHERE f.event_id = e.id;
UPDATE quorum.event e SET source_id = a.source_id, locator = a.locator
FROM (SELECT DISTINCT ON (event_id) event_id, source_id, locator
      FROM quorum.attendee ORDER BY event_id, locator COLLATE "C") a
WHERE a.event_id = e.id AND e.source_id IS NULL;
-- Events with neither keep their data under a source that says what is known of it.
INSERT INTO quorum.source (key, title)
SELECT 'unrecorded', 'Source not recorded (an event stored before Quorum kept a source for each event)'
WHERE EXISTS (SELECT 1 FROM quorum.event WHERE source_id IS NULL OR locator = '')
ON CONFLICT (key) DO NOTHING;
UPDATE quorum.event SET source_id = (SELECT id FROM quorum.source WHERE key = 'unrecorded'), locator = 'not recorded'
WHERE source_id IS NULL OR locator = '';

ALTER TABLE quorum.event
    ALTER COLUMN source_id SET NOT NULL,
    ALTER COLUMN locator SET NOT NULL,
    ADD CONSTRAINT event_locator_check CHECK (locator <> '');
CREATE INDEX event_source_idx ON quorum.event (source_id);

-- NULL: the document states the value; otherwise how Quorum derived it.
ALTER TABLE quorum.figure ADD COLUMN derivation text CHECK (derivation <> '');
ALTER TABLE quorum.membership ADD COLUMN derivation text CHECK (derivation <> '');
ALTER TABLE quorum.membership_count ADD COLUMN derivation text CHECK (derivation <> '');
ALTER TABLE quorum.total ADD COLUMN derivation text CHECK (derivation <> '');
ALTER TABLE quorum.milestone ADD COLUMN derivation text CHECK (derivation <> '');

-- Notes that said "Derived: …" become the derivation they described.
UPDATE quorum.figure SET derivation = regexp_replace(note, '^Derived:\s*', ''), note = NULL
WHERE note ~ '^Derived:\s*\S';
UPDATE quorum.membership_count SET derivation = regexp_replace(note, '^Derived:\s*', ''), note = NULL
WHERE note ~ '^Derived:\s*\S';
UPDATE quorum.total SET derivation = regexp_replace(note, '^Derived:\s*', ''), note = NULL
WHERE note ~ '^Derived:\s*\S';

-- Every locator says where; new rows may not leave it empty.
ALTER TABLE quorum.coordinator ADD CONSTRAINT coordinator_locator_check CHECK (locator <> '') NOT VALID;
ALTER TABLE quorum.membership ADD CONSTRAINT membership_locator_check CHECK (locator <> '') NOT VALID;
ALTER TABLE quorum.membership_count ADD CONSTRAINT membership_count_locator_check CHECK (locator <> '') NOT VALID;
ALTER TABLE quorum.attendee ADD CONSTRAINT attendee_locator_check CHECK (locator <> '') NOT VALID;
ALTER TABLE quorum.total ADD CONSTRAINT total_locator_check CHECK (locator <> '') NOT VALID;
ALTER TABLE quorum.milestone ADD CONSTRAINT milestone_locator_check CHECK (locator <> '') NOT VALID;

-- Chairmanships, with their terms, are milestones too.
ALTER TABLE quorum.milestone DROP CONSTRAINT milestone_kind_check;
ALTER TABLE quorum.milestone ADD CONSTRAINT milestone_kind_check CHECK (kind IN ('concept_paper_renewed', 'ratification',
    'membership_joined', 'body_established', 'document_adopted', 'chairmanship'));

-- The partial aggregates remember whether a group's figures include derived
-- ones; those stored so far do not, so the next run rebuilds them whole.
ALTER TABLE quorum.event_group
    ADD COLUMN participants_derived  boolean NOT NULL DEFAULT false,
    ADD COLUMN member_states_derived boolean NOT NULL DEFAULT false,
    ADD COLUMN organisations_derived boolean NOT NULL DEFAULT false;
UPDATE quorum.event_group_snapshot SET snapshot_id = NULL;
