-- The search feed's triggers (see 0015_search_feed.sql). Views are counted
-- into articles.view_count often; only the columns search reads fire.
CREATE TRIGGER search_article_inserted AFTER INSERT ON articles
BEGIN
    INSERT INTO search_changes (item, at)
    VALUES ('article:' || NEW.id, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
END;

CREATE TRIGGER search_article_updated AFTER UPDATE OF primary_column_id, title, subtitle,
    author, source, summary, body_text, keywords, video_media_id, external_url, status,
    publish_at, withdrawn_reason, revises_id ON articles
BEGIN
    INSERT INTO search_changes (item, at)
    VALUES ('article:' || NEW.id, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
END;

CREATE TRIGGER search_article_deleted AFTER DELETE ON articles
BEGIN
    INSERT INTO search_changes (item, at)
    VALUES ('article:' || OLD.id, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
END;

CREATE TRIGGER search_placement_added AFTER INSERT ON article_columns
BEGIN
    INSERT INTO search_changes (item, at)
    VALUES ('article:' || NEW.article_id, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
END;

CREATE TRIGGER search_placement_removed AFTER DELETE ON article_columns
BEGIN
    INSERT INTO search_changes (item, at)
    VALUES ('article:' || OLD.article_id, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
END;

CREATE TRIGGER search_attachment_added AFTER INSERT ON article_attachments
BEGIN
    INSERT INTO search_changes (item, at)
    VALUES ('article:' || NEW.article_id, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
END;

CREATE TRIGGER search_attachment_removed AFTER DELETE ON article_attachments
BEGIN
    INSERT INTO search_changes (item, at)
    VALUES ('article:' || OLD.article_id, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
END;
