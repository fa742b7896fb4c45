-- Column pages read a column's newest published articles straight from an
-- index, and the few currently pinned articles from another, instead of
-- sorting every article of the site; the homepage's headline and carousel
-- come from their own indexes (few articles carry those marks).
CREATE INDEX articles_column ON articles (primary_column_id, status, publish_at);
CREATE INDEX articles_pinned ON articles (site_id, pinned_until);
CREATE INDEX articles_headline ON articles (site_id, headline, status, publish_at);
CREATE INDEX articles_carousel ON articles (site_id, carousel, status, publish_at);
