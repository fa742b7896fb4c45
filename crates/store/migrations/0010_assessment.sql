-- 信息报送 assessment: adoptions of an item by a higher level (市, 省,
-- 中央) and leaders' 批示 on it, recorded by editors; and the index the
-- ranking reads events through.

CREATE TABLE article_adoptions (
    id {id},
    article_id BIGINT NOT NULL REFERENCES articles (id),
    level TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT REFERENCES users (id),
    recorded_at BIGINT NOT NULL
);

CREATE INDEX article_adoptions_at ON article_adoptions (recorded_at);

CREATE TABLE article_instructions (
    id {id},
    article_id BIGINT NOT NULL REFERENCES articles (id),
    leader TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT REFERENCES users (id),
    recorded_at BIGINT NOT NULL
);

CREATE INDEX article_instructions_at ON article_instructions (recorded_at);

CREATE INDEX article_events_at ON article_events (at, action);
