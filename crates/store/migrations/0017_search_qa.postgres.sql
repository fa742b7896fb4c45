CREATE FUNCTION search_question_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO search_changes (item, at)
        VALUES ('qa:' || OLD.id, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
        RETURN OLD;
    END IF;
    INSERT INTO search_changes (item, at)
    VALUES ('qa:' || NEW.id, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER search_question_changed AFTER INSERT OR DELETE OR UPDATE OF topic_id, title,
    body, status, answer, answered_by_link, published_at ON qa_questions
FOR EACH ROW EXECUTE FUNCTION search_question_changed();
