-- The audit trail is append-only: no update, and no delete of a record younger
-- than 180 days, even by a statement that does not come from the program.
CREATE FUNCTION audit_log_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit records are append-only';
    END IF;
    IF OLD.at > (extract(epoch FROM now())::bigint - 180 * 86400) * 1000 THEN
        RAISE EXCEPTION 'audit records younger than 180 days cannot be deleted';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
