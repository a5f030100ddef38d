-- Names in other languages than English, by language code ({"ru": "…", "zh": "…"}):
-- of organisations, bodies, dimensions and priority areas, and events' titles.
-- Country names in other languages come from CLDR, not from the database.
ALTER TABLE quorum.organisation
    ADD COLUMN names jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(names) = 'object');
ALTER TABLE quorum.body
    ADD COLUMN names jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(names) = 'object');
ALTER TABLE quorum.dimension
    ADD COLUMN names jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(names) = 'object');
ALTER TABLE quorum.priority_area
    ADD COLUMN names jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(names) = 'object');
ALTER TABLE quorum.event
    ADD COLUMN titles jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(titles) = 'object');
