-- Article revisions (修订记录): a copy of an article's text as it was after
-- each save, numbered per article from 1, so an editor can compare two and
-- bring an earlier one back. The primary column is kept as a plain number:
-- a column deleted later must not be held back by old revisions. Deleting
-- an article (the demo's refresh) takes its revisions with it.

CREATE TABLE article_revisions (
    id {id},
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    subtitle TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '',
    body_html TEXT NOT NULL DEFAULT '',
    body_text TEXT NOT NULL DEFAULT '',
    primary_column_id BIGINT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (article_id, number)
);
