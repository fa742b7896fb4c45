CREATE TRIGGER search_question_inserted AFTER INSERT ON qa_questions
BEGIN
    INSERT INTO search_changes (item, at)
    VALUES ('qa:' || NEW.id, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
END;

CREATE TRIGGER search_question_updated AFTER UPDATE OF topic_id, title, body, status, answer,
    answered_by_link, published_at ON qa_questions
BEGIN
    INSERT INTO search_changes (item, at)
    VALUES ('qa:' || NEW.id, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
END;

CREATE TRIGGER search_question_deleted AFTER DELETE ON qa_questions
BEGIN
    INSERT INTO search_changes (item, at)
    VALUES ('qa:' || OLD.id, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
END;
