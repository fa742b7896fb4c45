-- 公示: the notice facts of an article in a 公告公示 column, and the
-- objections raised during its period.

-- One row per notice article. `ends_at` (exclusive: local midnight after
-- the last working day) is computed by the application with the holiday
-- calendar when the period is saved, so readers compare numbers only.
CREATE TABLE notice_periods (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id),
    kind TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    working_days BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at BIGINT NOT NULL
);

-- An objection (实名: name and phone required). `section_id` is the owning
-- section of the notice's column when it arrived (no foreign key: a
-- dissolved section leaves its objections readable); `client_addr` only
-- counts an address's objections for the rate limit. `status` is received
-- or handled.
CREATE TABLE objections (
    id {id},
    article_id BIGINT NOT NULL REFERENCES articles (id),
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    client_addr TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    section_id BIGINT,
    handling_note TEXT NOT NULL DEFAULT '',
    handled_by BIGINT REFERENCES users (id),
    handled_at BIGINT
);

CREATE INDEX objections_status ON objections (status, received_at);
CREATE INDEX objections_client ON objections (client_addr, received_at);
