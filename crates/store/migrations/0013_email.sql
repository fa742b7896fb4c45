-- E-mail notifications. A person may leave an address (NULL: none). When
-- the program has an SMTP server configured, every in-app notification to a
-- person with an address is copied into the outbox in the same transaction,
-- so a mail is written exactly when its notification is. A sender loop in
-- every serving process takes a due row with a conditional UPDATE (a claim
-- older than the lease is another node's that died), sends it and marks it
-- sent; a failure counts an attempt, keeps its error and sets the next try;
-- after the last attempt the row is given up, still with its error.

ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE email_outbox (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users (id),
    recipient TEXT NOT NULL,
    -- The notification's facts; the subject and body are written from them
    -- when the mail is sent. No foreign key to the article: removing
    -- articles with their notifications (the demo refresh) leaves mail
    -- that was already due alone.
    kind TEXT NOT NULL,
    article_id BIGINT,
    title TEXT NOT NULL,
    actor_name TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_by TEXT,
    claimed_at BIGINT,
    sent_at BIGINT,
    given_up_at BIGINT,
    last_error TEXT NOT NULL DEFAULT ''
);

CREATE INDEX email_outbox_due ON email_outbox (sent_at, given_up_at, next_attempt_at);
