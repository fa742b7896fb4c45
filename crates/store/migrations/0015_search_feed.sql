-- The search index's change feed. Every change to what search shows (an
-- article's text, status, columns or attachments) appends the item's key
-- here in the same transaction, by triggers (per backend, in the files
-- beside this one) so that no code path, bulk load or restore can forget
-- it. Each node's indexer reads the feed after the sequence number its
-- index last committed (kept inside the index), so a crash between the
-- database commit and the index commit loses nothing, and every node of a
-- shared database keeps its own index fresh.

CREATE TABLE search_changes (
    seq {id},
    item TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE INDEX search_changes_at ON search_changes (at);

-- Text extracted from attachments (PDF, DOCX, XLSX, plain text), kept so
-- that a reindex does not extract again; `outcome` is ok, unsupported or
-- failed (with the reason in `detail`).
CREATE TABLE media_texts (
    media_id BIGINT PRIMARY KEY REFERENCES media (id),
    outcome TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    extracted_at BIGINT NOT NULL
);
