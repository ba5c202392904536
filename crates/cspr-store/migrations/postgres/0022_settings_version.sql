-- Several servers on one database (issue 18): each server keeps the partnership's settings in
-- memory. Every save moves this counter on, and a server reads it with each signed-in request's
-- session (and before its jobs run), so a change saved on one server is taken up by the others
-- before they next act. No saved settings counts as version 0.
ALTER TABLE partnership_settings ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
