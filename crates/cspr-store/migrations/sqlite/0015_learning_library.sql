-- The learning library (issue 17). Thematic briefings are event streams of their own, outside
-- the case chain: they hold no personal data (written for every practitioner to read), so their
-- events are plain JSON, append-only like the case events.
CREATE TABLE briefing_events (
    briefing_id    TEXT NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 1),
    partnership_id TEXT NOT NULL,
    event_type     TEXT NOT NULL,
    actor          TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    body           TEXT NOT NULL,
    PRIMARY KEY (briefing_id, version)
) STRICT;
CREATE INDEX briefing_events_by_partnership ON briefing_events (partnership_id, briefing_id);
CREATE TRIGGER briefing_events_no_update BEFORE UPDATE ON briefing_events
BEGIN SELECT RAISE(ABORT, 'briefing events are append-only'); END;
CREATE TRIGGER briefing_events_no_delete BEFORE DELETE ON briefing_events
BEGIN SELECT RAISE(ABORT, 'briefing events are append-only'); END;

-- Review records imported into the library (the national repository's published reviews):
-- public text only, one JSON record each, replaced when imported again under the same id.
-- The search index is built from these and the partnerships' published reports.
CREATE TABLE library_records (
    id          TEXT PRIMARY KEY NOT NULL,
    record      TEXT NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;

-- The public text of a published report (its words, for the library's full-text index), kept
-- with its public copy so the index can be rebuilt without reading the case.
ALTER TABLE published_reports ADD COLUMN body_text TEXT;
-- The age band of the child (the library's age-group facet: under_1, 1_to_4, ...).
ALTER TABLE published_reports ADD COLUMN age_group TEXT;
