-- The search feed's triggers (see 0015_search_feed.sql). Views are counted
-- into articles.view_count often; only the columns search reads fire.
CREATE FUNCTION search_article_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO search_changes (item, at)
        VALUES ('article:' || OLD.id, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
        RETURN OLD;
    END IF;
    INSERT INTO search_changes (item, at)
    VALUES ('article:' || NEW.id, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER search_article_changed AFTER INSERT OR DELETE OR UPDATE OF primary_column_id,
    title, subtitle, author, source, summary, body_text, keywords, video_media_id,
    external_url, status, publish_at, withdrawn_reason, revises_id ON articles
FOR EACH ROW EXECUTE FUNCTION search_article_changed();

CREATE FUNCTION search_article_part_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO search_changes (item, at)
        VALUES ('article:' || OLD.article_id, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
        RETURN OLD;
    END IF;
    INSERT INTO search_changes (item, at)
    VALUES ('article:' || NEW.article_id, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER search_placement_changed AFTER INSERT OR DELETE ON article_columns
FOR EACH ROW EXECUTE FUNCTION search_article_part_changed();

CREATE TRIGGER search_attachment_changed AFTER INSERT OR DELETE ON article_attachments
FOR EACH ROW EXECUTE FUNCTION search_article_part_changed();
