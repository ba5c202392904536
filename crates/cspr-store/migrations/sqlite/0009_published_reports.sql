-- Published reports (SQLite): what the public page shows, stored when a report is published so
-- that the page reads no case data. Public by definition (anonymised and reviewed before it
-- gets here): title, date, themes, summary, and the PDF with its document metadata stripped.
-- A withdrawn report keeps its row, with the day and the reason, and leaves the page.
CREATE TABLE published_reports (
    id             TEXT PRIMARY KEY NOT NULL,
    partnership_id TEXT NOT NULL,
    case_id        TEXT NOT NULL,
    title          TEXT NOT NULL,
    summary        TEXT NOT NULL,
    themes         TEXT NOT NULL,
    published_on   TEXT NOT NULL,
    online_until   TEXT NOT NULL,
    pdf            BLOB NOT NULL,
    created_at     TEXT NOT NULL,
    withdrawn_on   TEXT,
    CONSTRAINT published_reports_case UNIQUE (case_id)
) STRICT;
CREATE INDEX published_reports_by_partnership ON published_reports (partnership_id, published_on);
