-- 解疑释惑: questions from cadres and the public, answered by sections and
-- published as a knowledge base grouped by topic.

-- Topics per site. New sites get the same list from `init`
-- (`qa::seed_topics`); the migration lays it for the sites that exist.
CREATE TABLE qa_topics (
    id {id},
    site_id BIGINT NOT NULL REFERENCES sites (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    sort_order BIGINT NOT NULL
);

CREATE UNIQUE INDEX qa_topics_code ON qa_topics (site_id, code);

INSERT INTO qa_topics (site_id, code, name, sort_order) SELECT id, 'membership', '党员发展', 1 FROM sites;
INSERT INTO qa_topics (site_id, code, name, sort_order) SELECT id, 'org_life', '组织生活', 2 FROM sites;
INSERT INTO qa_topics (site_id, code, name, sort_order) SELECT id, 'dues', '党费', 3 FROM sites;
INSERT INTO qa_topics (site_id, code, name, sort_order) SELECT id, 'cadres', '干部选任', 4 FROM sites;
INSERT INTO qa_topics (site_id, code, name, sort_order) SELECT id, 'mobile', '流动党员', 5 FROM sites;
INSERT INTO qa_topics (site_id, code, name, sort_order) SELECT id, 'other', '其他', 6 FROM sites;

-- One question and its handling. `status` is new, assigned, answered,
-- published or refused (domain::qa::Status). `contact` is never shown
-- publicly; `client_addr` only counts a portal address's questions for the
-- rate limit. `section_id` has no foreign key so that a dissolved section
-- leaves its questions readable. `answered_by_link` names the published
-- question whose answer covers this one (no foreign key: a restore writes
-- rows in key order and a link may point to a newer question).
CREATE TABLE qa_questions (
    id {id},
    site_id BIGINT NOT NULL REFERENCES sites (id),
    topic_id BIGINT NOT NULL REFERENCES qa_topics (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    asker_name TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL,
    client_addr TEXT NOT NULL DEFAULT '',
    asked_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    section_id BIGINT,
    assigned_by BIGINT REFERENCES users (id),
    assigned_at BIGINT,
    answer TEXT NOT NULL DEFAULT '',
    answered_by BIGINT REFERENCES users (id),
    answered_at BIGINT,
    answered_by_link BIGINT,
    published_by BIGINT REFERENCES users (id),
    published_at BIGINT,
    refused_reason TEXT NOT NULL DEFAULT ''
);

CREATE INDEX qa_questions_status ON qa_questions (site_id, status, asked_at);
CREATE INDEX qa_questions_client ON qa_questions (client_addr, asked_at);
