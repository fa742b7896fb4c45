-- 部长信箱: letters from the public, their handling and their files.

-- One letter. `status` is received, handling, review, replied, published
-- or refused (domain::mailbox::LetterStatus). `query_digest` is the HMAC
-- of the query password keyed by the tracking code; the password itself
-- is shown once to the writer and never stored. `client_addr` only counts
-- a portal address's letters for the rate limit. `due_at` is computed with
-- the holiday calendar on arrival. `section_id` has no foreign key so that
-- a dissolved section leaves its letters readable. The reply moves through
-- the review workflow `workflow_id` (the site's default when it was
-- submitted): `reply_stage` is the stage waiting, `reply_resume` where a
-- resubmission resumes after a send-back. `responded_at` is when the
-- writer got an answer: the reply approved, or the refusal. `alarm_level`
-- is the last deadline reminder sent (0 none, 1 due soon, 2 overdue, 3 the
-- veto alarm), raised by a conditional update so one node sends each.
CREATE TABLE letters (
    id {id},
    site_id BIGINT NOT NULL REFERENCES sites (id),
    tracking_code TEXT NOT NULL,
    query_digest TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL,
    subject TEXT NOT NULL,
    content TEXT NOT NULL,
    publish_consent BIGINT NOT NULL,
    origin TEXT NOT NULL,
    client_addr TEXT NOT NULL DEFAULT '',
    received_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    section_id BIGINT,
    accepted_by BIGINT REFERENCES users (id),
    accepted_at BIGINT,
    reply TEXT NOT NULL DEFAULT '',
    reply_by BIGINT REFERENCES users (id),
    reply_updated_at BIGINT,
    workflow_id BIGINT,
    reply_stage BIGINT NOT NULL DEFAULT 0,
    reply_resume BIGINT NOT NULL DEFAULT 0,
    responded_at BIGINT,
    refused_reason TEXT NOT NULL DEFAULT '',
    published_by BIGINT REFERENCES users (id),
    published_at BIGINT,
    alarm_level BIGINT NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX letters_tracking_code ON letters (tracking_code);
CREATE INDEX letters_status ON letters (site_id, status, received_at);
CREATE INDEX letters_client ON letters (client_addr, received_at);

-- The files a writer attached; the bytes are in the object store under
-- their SHA-256 (never served on the public listener).
CREATE TABLE letter_files (
    id {id},
    letter_id BIGINT NOT NULL REFERENCES letters (id),
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    hash TEXT NOT NULL
);

CREATE INDEX letter_files_letter ON letter_files (letter_id, id);

-- The letter's timeline: every move with its comment; `note` rows are
-- internal notes. Never shown to the writer.
CREATE TABLE letter_events (
    id {id},
    letter_id BIGINT NOT NULL REFERENCES letters (id),
    at BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    stage_name TEXT NOT NULL DEFAULT ''
);

CREATE INDEX letter_events_letter ON letter_events (letter_id, id);

-- Failed tracking lookups per address, for the lookup's rate limit.
CREATE TABLE letter_lookup_failures (
    id {id},
    client_addr TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE INDEX letter_lookup_failures_client ON letter_lookup_failures (client_addr, at);

-- A notification or mail may point at any office page, not only an
-- article (a letter waiting for its section, say).
ALTER TABLE notifications ADD COLUMN link TEXT;
ALTER TABLE email_outbox ADD COLUMN link TEXT;
