-- Media: uploaded images, attachments and videos. Bytes live in the object
-- store under their SHA-256 (stored once however often uploaded); the
-- database keeps what each upload is, and the renditions made of images.

CREATE TABLE media_blobs (
    hash TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    mime TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE media (
    id {id},
    site_id BIGINT NOT NULL REFERENCES sites (id),
    kind TEXT NOT NULL,
    hash TEXT NOT NULL REFERENCES media_blobs (hash),
    original_name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    width BIGINT,
    height BIGINT,
    duration_ms BIGINT,
    poster_hash TEXT REFERENCES media_blobs (hash),
    alt_text TEXT NOT NULL DEFAULT '',
    uploaded_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL
);

CREATE INDEX media_site ON media (site_id, kind, created_at);
CREATE INDEX media_hash ON media (hash);

CREATE TABLE media_renditions (
    media_id BIGINT NOT NULL REFERENCES media (id),
    name TEXT NOT NULL,
    hash TEXT NOT NULL REFERENCES media_blobs (hash),
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    PRIMARY KEY (media_id, name)
);
