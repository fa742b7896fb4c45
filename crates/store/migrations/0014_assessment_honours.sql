-- The annual assessment's awards as the editors confirmed them: the units
-- (先进单位) and people (先进个人) of a site's year, with the name and the
-- score they had when confirmed (an award is a record of its time; a unit
-- renamed later keeps the name it was honoured under).

CREATE TABLE assessment_honours (
    id {id},
    site_id BIGINT NOT NULL REFERENCES sites (id),
    year BIGINT NOT NULL,
    kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    total BIGINT NOT NULL,
    confirmed_by BIGINT REFERENCES users (id),
    confirmed_at BIGINT NOT NULL
);

CREATE INDEX assessment_honours_year ON assessment_honours (site_id, year);
