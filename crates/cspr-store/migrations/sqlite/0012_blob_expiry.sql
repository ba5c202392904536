-- Exports of documents are made on request and kept for a short time only (issue 16, finding
-- 13): a blob may carry the moment it expires, after which the job runner deletes it. Files
-- attached as evidence keep none and stay with their case.
ALTER TABLE blobs ADD COLUMN expires_at TEXT;
CREATE INDEX blobs_by_expiry ON blobs (expires_at);
