-- kaoping's distributed metadata, version 1. Applied by `kaoping init
-- --database`; never edited once released (a change is a new file).

-- The hash-chained event log: one row per line, the line's exact bytes as
-- they would stand in log.jsonl, so `verify` checks the same chain.
CREATE TABLE log (
    seq     bigint PRIMARY KEY CHECK (seq > 0),
    line    bytea NOT NULL,
    written timestamptz NOT NULL DEFAULT now()
);

-- The log is append-only: the database itself refuses edits.
CREATE FUNCTION kaoping_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'kaoping: table % is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER log_append_only BEFORE UPDATE OR DELETE ON log
    FOR EACH ROW EXECUTE FUNCTION kaoping_append_only();
CREATE TRIGGER log_no_truncate BEFORE TRUNCATE ON log
    FOR EACH STATEMENT EXECUTE FUNCTION kaoping_append_only();

-- Submission versions: manifest.json and objects.sha256 as written on
-- disk locally. log_seq is set in the transaction that appends the
-- version's log record (the commit); a row without it is an interrupted
-- write and is replaced by the next writer of that version.
CREATE TABLE manifests (
    community text    NOT NULL,
    version   integer NOT NULL CHECK (version > 0),
    manifest  bytea   NOT NULL,
    objects   text    NOT NULL,
    log_seq   bigint  REFERENCES log (seq),
    PRIMARY KEY (community, version)
);

-- Registers kept whole (communities.json, accounts.json, the office's
-- questionnaire), each rewritten atomically by one UPDATE.
CREATE TABLE registers (
    name    text PRIMARY KEY,
    body    bytea NOT NULL,
    updated timestamptz NOT NULL DEFAULT now()
);

-- Issued numbers (发文字号, certificate numbers): inserted in the same
-- transaction as the document's log record; the constraints are the last
-- guard against two servers giving out one number.
CREATE TABLE numbers (
    number   text    PRIMARY KEY,
    sequence text    NOT NULL,
    year     integer NOT NULL,
    serial   integer NOT NULL,
    log_seq  bigint  NOT NULL REFERENCES log (seq),
    UNIQUE (sequence, year, serial)
);

-- Web sessions, shared by every server: the id is stored only as its
-- SHA-256, so the table does not hand out live cookies.
CREATE TABLE sessions (
    id_sha256 text PRIMARY KEY,
    account   text NOT NULL,
    stamp     text NOT NULL,
    csrf      text NOT NULL,
    started   timestamptz NOT NULL,
    seen      timestamptz NOT NULL
);
CREATE INDEX sessions_seen ON sessions (seen);
