-- The upload ranking reads per-author daily counters instead of summing a
-- period's review events at query time (a year of a large site is
-- hundreds of thousands of events; its day counters are a few tens of
-- thousands of rows). The counters are kept in the same transaction as the
-- event they count (review::counts); an article counts once per kind: on
-- the day it was first submitted, first published and first returned to its
-- author. `day` is the local (China Standard Time) day number since
-- 1970-01-01. The migration's data step fills them from the history.

CREATE TABLE ranking_counts (
    site_id BIGINT NOT NULL REFERENCES sites (id),
    day BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    submitted BIGINT NOT NULL DEFAULT 0,
    published BIGINT NOT NULL DEFAULT 0,
    returned BIGINT NOT NULL DEFAULT 0,
    headlines BIGINT NOT NULL DEFAULT 0,
    city BIGINT NOT NULL DEFAULT 0,
    province BIGINT NOT NULL DEFAULT 0,
    central BIGINT NOT NULL DEFAULT 0,
    instructions BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, day, user_id)
);

-- The same counters summed per local month (`month` = year * 12 + month -
-- 1), kept beside the daily ones, so that a year is twelve rows per author:
-- a period is read as its whole months plus the days at either end.
CREATE TABLE ranking_months (
    site_id BIGINT NOT NULL REFERENCES sites (id),
    month BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    submitted BIGINT NOT NULL DEFAULT 0,
    published BIGINT NOT NULL DEFAULT 0,
    returned BIGINT NOT NULL DEFAULT 0,
    headlines BIGINT NOT NULL DEFAULT 0,
    city BIGINT NOT NULL DEFAULT 0,
    province BIGINT NOT NULL DEFAULT 0,
    central BIGINT NOT NULL DEFAULT 0,
    instructions BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, month, user_id)
);
