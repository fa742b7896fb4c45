-- Columns (栏目): the site's tree. Every column belongs to a site, may have a
-- parent, is owned by a section (which maintains it) and has an expected
-- update period in days (0: none) for the compliance checks.

CREATE TABLE columns (
    id {id},
    site_id BIGINT NOT NULL REFERENCES sites (id),
    parent_id BIGINT REFERENCES columns (id),
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    kind TEXT NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0,
    hidden BIGINT NOT NULL DEFAULT 0,
    owner_section_id BIGINT REFERENCES sections (id),
    update_period_days BIGINT NOT NULL DEFAULT 0,
    external_url TEXT,
    description TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (site_id, slug)
);

CREATE INDEX columns_parent ON columns (site_id, parent_id, sort_order);
