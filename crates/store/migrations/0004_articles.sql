-- Articles: what the portal publishes. An article has one primary column and
-- may also appear in further columns (一稿多发). Until the review workflow
-- exists, a site editor publishes directly: status draft, published or
-- withdrawn. Bodies are stored already sanitised.

CREATE TABLE articles (
    id {id},
    site_id BIGINT NOT NULL REFERENCES sites (id),
    primary_column_id BIGINT NOT NULL REFERENCES columns (id),
    title TEXT NOT NULL,
    subtitle TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    body_html TEXT NOT NULL DEFAULT '',
    body_text TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '',
    cover_media_id BIGINT REFERENCES media (id),
    video_media_id BIGINT REFERENCES media (id),
    external_url TEXT,
    status TEXT NOT NULL,
    publish_at BIGINT NOT NULL,
    pinned_until BIGINT,
    headline BIGINT NOT NULL DEFAULT 0,
    carousel BIGINT NOT NULL DEFAULT 0,
    view_count BIGINT NOT NULL DEFAULT 0,
    withdrawn_reason TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at BIGINT NOT NULL
);

CREATE INDEX articles_published ON articles (site_id, status, publish_at);

CREATE TABLE article_columns (
    article_id BIGINT NOT NULL REFERENCES articles (id),
    column_id BIGINT NOT NULL REFERENCES columns (id),
    PRIMARY KEY (article_id, column_id)
);

CREATE INDEX article_columns_column ON article_columns (column_id, article_id);

CREATE TABLE article_attachments (
    article_id BIGINT NOT NULL REFERENCES articles (id),
    media_id BIGINT NOT NULL REFERENCES media (id),
    sort_order BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, media_id)
);
