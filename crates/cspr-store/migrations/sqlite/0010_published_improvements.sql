-- Information about the improvements, published instead of a report the partners decided not to
-- publish (PROCESS.md stage 12): a public page of its own, made from the report's
-- recommendations and the actions agreed, stored as JSON. A row holds either a PDF or this.
ALTER TABLE published_reports ADD COLUMN improvements TEXT;
