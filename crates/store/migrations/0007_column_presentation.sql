-- How a column presents itself: its place among the homepage blocks the
-- editor chose (0: not on the homepage) and a banner image (a special
-- topic's 专题 banner; any column may have one).

ALTER TABLE columns ADD COLUMN home_order BIGINT NOT NULL DEFAULT 0;
ALTER TABLE columns ADD COLUMN banner_media_id BIGINT REFERENCES media (id);

-- Sites made before the editor could choose kept every main column on the
-- homepage; they keep that order.
UPDATE columns SET home_order = sort_order WHERE parent_id IS NULL AND sort_order > 0;
