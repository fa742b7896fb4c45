-- The audit trail is append-only: no update, and no delete of a record younger
-- than 180 days, even by a statement that does not come from the program.
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;

CREATE TRIGGER audit_log_retention BEFORE DELETE ON audit_log
WHEN OLD.at > (CAST(strftime('%s', 'now') AS INTEGER) - 180 * 86400) * 1000
BEGIN
    SELECT RAISE(ABORT, 'audit records younger than 180 days cannot be deleted');
END;
