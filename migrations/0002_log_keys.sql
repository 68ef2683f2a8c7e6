-- kaoping's distributed metadata, version 2: the log's checkpoint. Each
-- line's keys (its kind, and the community its data names), written in
-- the transaction that appends the line, so that a command about one
-- community reads that community's lines rather than the whole log.
-- Derived from the lines: `kaoping verify` checks it against them.

CREATE TABLE log_keys (
    key text   NOT NULL,
    seq bigint NOT NULL REFERENCES log (seq),
    PRIMARY KEY (key, seq)
);

CREATE TRIGGER log_keys_append_only BEFORE UPDATE OR DELETE ON log_keys
    FOR EACH ROW EXECUTE FUNCTION kaoping_append_only();
CREATE TRIGGER log_keys_no_truncate BEFORE TRUNCATE ON log_keys
    FOR EACH STATEMENT EXECUTE FUNCTION kaoping_append_only();

-- The lines written before this version: their keys, read from them.
INSERT INTO log_keys (key, seq)
SELECT 'k:' || (convert_from(line, 'UTF8')::jsonb ->> 'kind'), seq
FROM log;
INSERT INTO log_keys (key, seq)
SELECT 'c:' || (convert_from(line, 'UTF8')::jsonb -> 'data' ->> 'community'), seq
FROM log
WHERE jsonb_typeof(convert_from(line, 'UTF8')::jsonb -> 'data' -> 'community') = 'string';
