-- Visit statistics (统计): page views per local day, page, referring site
-- and device class. No cookies, addresses or User-Agents are kept: the
-- portal counts in memory and adds its counts here in batches.

CREATE TABLE visits_daily (
    site_id BIGINT NOT NULL REFERENCES sites (id),
    day TEXT NOT NULL,
    page_kind TEXT NOT NULL,
    page_id BIGINT NOT NULL DEFAULT 0,
    referrer TEXT NOT NULL DEFAULT '',
    device TEXT NOT NULL,
    views BIGINT NOT NULL,
    PRIMARY KEY (site_id, day, page_kind, page_id, referrer, device)
);
