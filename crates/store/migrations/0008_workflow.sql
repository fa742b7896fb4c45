-- The review workflow (审核流程): ordered stages, each done by holders of a
-- role in a scope relative to the article's owning column; set on a column
-- and inherited by its sub-columns, else the site's default workflow.

CREATE TABLE workflows (
    id {id},
    site_id BIGINT NOT NULL REFERENCES sites (id),
    name TEXT NOT NULL,
    is_default BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE workflow_stages (
    workflow_id BIGINT NOT NULL REFERENCES workflows (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    scope_rule TEXT NOT NULL,
    deadline_days BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (workflow_id, position)
);

ALTER TABLE columns ADD COLUMN workflow_id BIGINT REFERENCES workflows (id);

-- An article in review: its stage (0-based), the stage a returned article
-- resumes at, the stage's deadline, who is looking at it now, and when it
-- goes offline by itself.
ALTER TABLE articles ADD COLUMN stage BIGINT NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN resume_stage BIGINT NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN stage_due_at BIGINT;
ALTER TABLE articles ADD COLUMN reviewing_by BIGINT REFERENCES users (id);
ALTER TABLE articles ADD COLUMN reviewing_at BIGINT;
ALTER TABLE articles ADD COLUMN unpublish_at BIGINT;
-- Counts saves of the text, so a save over someone else's newer save is
-- refused (two saves may fall in the same millisecond; a counter cannot).
ALTER TABLE articles ADD COLUMN edit_version BIGINT NOT NULL DEFAULT 1;
-- An edit of a published article is a separate draft that goes through
-- review while the published text stays online; it names what it revises.
ALTER TABLE articles ADD COLUMN revises_id BIGINT REFERENCES articles (id);

CREATE INDEX articles_review ON articles (site_id, status, stage);

-- The timeline of an article's review: every submission, approval,
-- return, publication and withdrawal, with its comment.
CREATE TABLE article_events (
    id {id},
    article_id BIGINT NOT NULL REFERENCES articles (id),
    at BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    stage BIGINT,
    to_stage BIGINT,
    comment TEXT NOT NULL DEFAULT ''
);

CREATE INDEX article_events_article ON article_events (article_id, id);
CREATE INDEX article_events_actor ON article_events (actor_id, at);

-- In-app notifications (待办提醒, 退回通知).
CREATE TABLE notifications (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users (id),
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    article_id BIGINT REFERENCES articles (id),
    title TEXT NOT NULL,
    actor_name TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    read_at BIGINT
);

CREATE INDEX notifications_user ON notifications (user_id, read_at, id);

-- Work the scheduler does at a minute (publish, unpublish). A node claims a
-- due job by writing its name into it; a claim older than the lease is
-- taken over (its node died).
CREATE TABLE scheduled_jobs (
    id {id},
    kind TEXT NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles (id),
    due_at BIGINT NOT NULL,
    claimed_by TEXT,
    claimed_at BIGINT,
    done_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE INDEX scheduled_jobs_due ON scheduled_jobs (done_at, due_at);

-- Every existing site gets the seed's two-stage default.
INSERT INTO workflows (site_id, name, is_default, created_at, updated_at)
    SELECT id, '默认审核流程', 1, 0, 0 FROM sites;
INSERT INTO workflow_stages (workflow_id, position, name, role, scope_rule, deadline_days)
    SELECT id, 0, '科室负责人审核', 'section_head', 'section', 2 FROM workflows;
INSERT INTO workflow_stages (workflow_id, position, name, role, scope_rule, deadline_days)
    SELECT id, 1, '分管部长审批', 'deputy_minister', 'unit', 2 FROM workflows;

-- 一稿多发 into a column another section owns waits for that section's
-- approval; only approved placements are in article_columns.
CREATE TABLE placement_requests (
    id {id},
    article_id BIGINT NOT NULL REFERENCES articles (id),
    column_id BIGINT NOT NULL REFERENCES columns (id),
    requested_by BIGINT REFERENCES users (id),
    requested_at BIGINT NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at BIGINT,
    approved BIGINT
);

CREATE INDEX placement_requests_open ON placement_requests (decided_at, column_id);
CREATE INDEX placement_requests_article ON placement_requests (article_id);
