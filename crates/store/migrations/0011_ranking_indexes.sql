-- The upload ranking (review::ranking::tallies) counts a period's review
-- events per author. With 100,000 articles and 400,000 events SQLite's plan
-- walks the site's articles and, for each, its events: without these it
-- read every article row (created_by sits behind the bodies, so that meant
-- the overflow pages too) and every event row. Both walks now stay inside
-- an index. The articles index is in id order so that the events, looked
-- up per article, are read in the order they are stored; PostgreSQL uses
-- it for an index-only scan of the site's authors.
CREATE INDEX articles_site_author ON articles (site_id, id, created_by, headline);
CREATE INDEX article_events_ranking ON article_events (article_id, at, action, to_stage);
