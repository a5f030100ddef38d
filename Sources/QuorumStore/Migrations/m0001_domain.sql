-- The domain: organisations, their members, bodies, events and the figures
-- reported for them, each figure traced to the document it came from.
-- Natural keys are unique so that a re-import updates instead of duplicating.

CREATE TYPE quorum.date_precision AS ENUM ('day', 'month', 'year');
CREATE TYPE quorum.qualifier AS ENUM ('exact', 'at_least', 'approximately');
CREATE TYPE quorum.scope AS ENUM (
    'all', 'member_states', 'member_states_and_observers',
    'member_states_and_organisations', 'heads_of_state_and_government');
CREATE TYPE quorum.event_format AS ENUM ('online', 'hybrid', 'in_person');
CREATE TYPE quorum.membership_role AS ENUM ('member', 'observer', 'partner');

CREATE TABLE quorum.source (
    id        bigserial PRIMARY KEY,
    key       text NOT NULL UNIQUE CHECK (key <> ''),
    title     text NOT NULL CHECK (title <> ''),
    published date,
    published_precision quorum.date_precision,
    symbol    text,
    publisher text,
    url       text,
    CHECK ((published IS NULL) = (published_precision IS NULL))
);

CREATE TABLE quorum.organisation (
    id   bigserial PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code <> ''),
    name text NOT NULL CHECK (name <> '')
);

CREATE TABLE quorum.country (
    code text PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
    name text NOT NULL UNIQUE CHECK (name <> '')
);

CREATE TABLE quorum.body (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES quorum.organisation,
    code            text NOT NULL CHECK (code <> ''),
    name            text NOT NULL CHECK (name <> ''),
    kind            text NOT NULL CHECK (kind IN ('governing', 'advisory', 'summit', 'cbm', 'other')),
    UNIQUE (organisation_id, code)
);

CREATE TABLE quorum.dimension (
    code text PRIMARY KEY CHECK (code <> ''),
    name text NOT NULL CHECK (name <> '')
);

CREATE TABLE quorum.priority_area (
    code           text PRIMARY KEY CHECK (code <> ''),
    dimension_code text NOT NULL REFERENCES quorum.dimension,
    name           text NOT NULL CHECK (name <> '')
);

CREATE TABLE quorum.coordinator (
    priority_area_code text NOT NULL REFERENCES quorum.priority_area,
    country_code       text NOT NULL REFERENCES quorum.country,
    role               text NOT NULL CHECK (role IN ('coordinator', 'co_coordinator')),
    term               text,
    source_id          bigint NOT NULL REFERENCES quorum.source,
    locator            text NOT NULL,
    PRIMARY KEY (priority_area_code, country_code, role)
);

-- A named state's membership, where a document dates it.
CREATE TABLE quorum.membership (
    organisation_id bigint NOT NULL REFERENCES quorum.organisation,
    country_code    text NOT NULL REFERENCES quorum.country,
    role            quorum.membership_role NOT NULL,
    since           date NOT NULL,
    since_precision quorum.date_precision NOT NULL,
    source_id       bigint NOT NULL REFERENCES quorum.source,
    locator         text NOT NULL,
    PRIMARY KEY (organisation_id, country_code, role)
);

-- How many members (observers, partners) an organisation had from a date on:
-- the denominator of "share of members represented".
CREATE TABLE quorum.membership_count (
    organisation_id bigint NOT NULL REFERENCES quorum.organisation,
    role            quorum.membership_role NOT NULL,
    valid_from      date NOT NULL,
    from_precision  quorum.date_precision NOT NULL,
    count           integer NOT NULL CHECK (count >= 0),
    qualifier       quorum.qualifier NOT NULL,
    source_id       bigint NOT NULL REFERENCES quorum.source,
    locator         text NOT NULL,
    note            text,
    PRIMARY KEY (organisation_id, role, valid_from)
);

-- An event is known by its session number, or without one by its date and title.
-- (Spelled with extract, not a cast to text, whose result depends on DateStyle.)
CREATE FUNCTION quorum.event_key(session integer, start_date date, title text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN session IS NOT NULL THEN 'session ' || session::text
        ELSE (extract(year FROM start_date) * 10000 + extract(month FROM start_date) * 100
              + extract(day FROM start_date))::text || ' ' || title END
$$;

CREATE TABLE quorum.event (
    id                 bigserial PRIMARY KEY,
    body_id            bigint NOT NULL REFERENCES quorum.body,
    session            integer CHECK (session > 0),
    title              text NOT NULL CHECK (title <> ''),
    start_date         date NOT NULL,
    date_precision     quorum.date_precision NOT NULL,
    end_date           date CHECK (end_date >= start_date),
    city               text,
    country_code       text REFERENCES quorum.country,
    format             quorum.event_format,
    dimension_code     text REFERENCES quorum.dimension,
    priority_area_code text REFERENCES quorum.priority_area,
    topics             text[] NOT NULL DEFAULT '{}',
    natural_key        text NOT NULL GENERATED ALWAYS AS (quorum.event_key(session, start_date, title)) STORED,
    UNIQUE (body_id, natural_key)
);

CREATE TABLE quorum.figure (
    event_id  bigint NOT NULL REFERENCES quorum.event ON DELETE CASCADE,
    measure   text NOT NULL CHECK (measure IN
        ('participants', 'member_states', 'guest_states', 'organisations', 'countries')),
    value     integer NOT NULL CHECK (value >= 0),
    qualifier quorum.qualifier NOT NULL,
    scope     quorum.scope NOT NULL,
    source_id bigint NOT NULL REFERENCES quorum.source,
    locator   text NOT NULL CHECK (locator <> ''),
    note      text,
    PRIMARY KEY (event_id, measure)
);
CREATE INDEX figure_source_idx ON quorum.figure (source_id);

-- Who was present, where the document names them: the per-state breakdown that
-- lets "member states represented" across events be a set union, not a sum.
CREATE TABLE quorum.attendee (
    event_id        bigint NOT NULL REFERENCES quorum.event ON DELETE CASCADE,
    country_code    text REFERENCES quorum.country,
    organisation_id bigint REFERENCES quorum.organisation,
    role            text NOT NULL CHECK (role IN ('member', 'observer', 'guest', 'organisation')),
    source_id       bigint NOT NULL REFERENCES quorum.source,
    locator         text NOT NULL,
    CHECK ((country_code IS NULL) <> (organisation_id IS NULL))
);
CREATE UNIQUE INDEX attendee_key ON quorum.attendee
    (event_id, coalesce(country_code, ''), coalesce(organisation_id, 0));

-- Figures reported only as totals over a period ("160 events, October 2020 – October 2024").
CREATE TABLE quorum.total (
    organisation_id bigint NOT NULL REFERENCES quorum.organisation,
    measure         text NOT NULL CHECK (measure <> ''),
    label           text NOT NULL CHECK (label <> ''),
    value           bigint NOT NULL CHECK (value >= 0),
    qualifier       quorum.qualifier NOT NULL,
    period_from     date,
    from_precision  quorum.date_precision,
    period_to       date,
    to_precision    quorum.date_precision,
    body_id         bigint REFERENCES quorum.body,
    dimension_code  text REFERENCES quorum.dimension,
    source_id       bigint NOT NULL REFERENCES quorum.source,
    locator         text NOT NULL,
    note            text,
    CHECK ((period_from IS NULL) = (from_precision IS NULL)),
    CHECK ((period_to IS NULL) = (to_precision IS NULL))
);
CREATE UNIQUE INDEX total_key ON quorum.total
    (organisation_id, measure, coalesce(period_from, '-infinity'), coalesce(period_to, 'infinity'));

-- Dated facts that are not counts: a concept paper renewed, a convention ratified.
-- A date known only as a range has both ends; "before 2023" has only the upper end.
CREATE TABLE quorum.milestone (
    organisation_id    bigint NOT NULL REFERENCES quorum.organisation,
    kind               text NOT NULL CHECK (kind IN ('concept_paper_renewed', 'ratification',
                           'membership_joined', 'body_established', 'document_adopted')),
    subject            text NOT NULL CHECK (subject <> ''),
    country_code       text REFERENCES quorum.country,
    priority_area_code text REFERENCES quorum.priority_area,
    date_from          date,
    from_precision     quorum.date_precision,
    date_to            date,
    to_precision       quorum.date_precision,
    source_id          bigint NOT NULL REFERENCES quorum.source,
    locator            text NOT NULL,
    CHECK (date_from IS NOT NULL OR date_to IS NOT NULL),
    CHECK ((date_from IS NULL) = (from_precision IS NULL)),
    CHECK ((date_to IS NULL) = (to_precision IS NULL))
);
CREATE UNIQUE INDEX milestone_key ON quorum.milestone
    (organisation_id, kind, subject, coalesce(country_code, ''));

-- The organisation's membership count in force on a date, or NULL when unknown.
CREATE FUNCTION quorum.membership_count_at(org bigint, r quorum.membership_role, on_date date)
RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT count FROM quorum.membership_count
    WHERE organisation_id = org AND role = r AND valid_from <= on_date
    ORDER BY valid_from DESC LIMIT 1
$$;

-- No event can be attended by more member states than the organisation had then.
-- For a date known only to the month or year, the largest membership of that
-- period applies (a state that joined in 2022 may have attended in 2022).
CREATE FUNCTION quorum.check_member_states() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    e quorum.event;
    org bigint;
    period_end date;
    members integer;
BEGIN
    SELECT * INTO e FROM quorum.event WHERE id = NEW.event_id;
    SELECT organisation_id INTO org FROM quorum.body WHERE id = e.body_id;
    period_end := CASE e.date_precision
        WHEN 'day' THEN e.start_date
        WHEN 'month' THEN (date_trunc('month', e.start_date) + interval '1 month - 1 day')::date
        ELSE (date_trunc('year', e.start_date) + interval '1 year - 1 day')::date END;
    members := quorum.membership_count_at(org, 'member', period_end);
    IF members IS NOT NULL AND NEW.value > members THEN
        RAISE EXCEPTION 'event "%" (%) reports % member states, but its organisation had % members then',
            e.title, e.start_date, NEW.value, members
            USING ERRCODE = 'check_violation', CONSTRAINT = 'figure_member_states_within_membership';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER figure_member_states_within_membership
    BEFORE INSERT OR UPDATE ON quorum.figure
    FOR EACH ROW WHEN (NEW.measure = 'member_states' AND NEW.scope = 'member_states')
    EXECUTE FUNCTION quorum.check_member_states();
