-- Foundation: sites, organisation, accounts, grants, sessions, login failures,
-- settings and the hash-chained audit trail.
-- Placeholders: {id} is the auto-increment primary key of each backend.
-- Times are Unix milliseconds (BIGINT); flags are BIGINT 0/1, so both backends
-- and every driver read them alike.

CREATE TABLE sites (
    id {id},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE units (
    id {id},
    site_id BIGINT NOT NULL REFERENCES sites (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (site_id, name)
);

CREATE TABLE sections (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES units (id),
    name TEXT NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (unit_id, name)
);

CREATE TABLE users (
    id {id},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    section_id BIGINT REFERENCES sections (id),
    password_hash TEXT NOT NULL,
    password_changed_at BIGINT NOT NULL,
    must_change_password BIGINT NOT NULL DEFAULT 1,
    totp_secret TEXT,
    totp_enabled BIGINT NOT NULL DEFAULT 0,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    last_login_at BIGINT
);

CREATE INDEX users_unit ON users (unit_id);

CREATE TABLE password_history (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users (id),
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX password_history_user ON password_history (user_id, created_at);

CREATE TABLE grants (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope_id BIGINT NOT NULL,
    granted_by BIGINT REFERENCES users (id),
    granted_at BIGINT NOT NULL,
    UNIQUE (user_id, role, scope_kind, scope_id)
);

CREATE TABLE sessions (
    id {id},
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    stage TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    id {id},
    username TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE INDEX login_failures_address ON login_failures (client_addr, at);

CREATE TABLE settings (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_by BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    actor_roles TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    algo TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_name, at);
CREATE INDEX audit_log_action ON audit_log (action, at);

-- The chain head: the last sequence number and hash written. Updating it in
-- the same transaction as each append serialises appenders on every backend
-- and lets `audit verify` notice records deleted from the end.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);

INSERT INTO audit_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
