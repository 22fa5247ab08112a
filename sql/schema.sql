-- rolescope warehouse schema (DuckDB 2.x). The one place tables are defined.
-- Applied by pipeline/warehouse.py: every statement is idempotent; upgrades of
-- an older file run sql/migrations/NNNN_*.sql first, then this file.
-- Column descriptions live in sql/dictionary.yaml.

CREATE TABLE IF NOT EXISTS schema_version (
    version      INTEGER PRIMARY KEY,
    applied_at   TIMESTAMP NOT NULL,
    description  VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS sources (
    source_id     VARCHAR PRIMARY KEY,
    source_type   VARCHAR NOT NULL,
    config        JSON,
    first_seen    TIMESTAMP NOT NULL,
    last_crawled  TIMESTAMP
);

CREATE TABLE IF NOT EXISTS crawl_runs (
    run_id             VARCHAR NOT NULL,
    source_id          VARCHAR NOT NULL,
    started_at         TIMESTAMP NOT NULL,
    finished_at        TIMESTAMP,
    status             VARCHAR NOT NULL,   -- complete | partial | failed
    finish_reason      VARCHAR,
    loaded_at          TIMESTAMP,          -- when its staged batch was loaded
    items_scraped      INTEGER DEFAULT 0,
    items_new          INTEGER DEFAULT 0,
    items_updated      INTEGER DEFAULT 0,
    items_unchanged    INTEGER DEFAULT 0,
    items_removed      INTEGER DEFAULT 0,
    items_quarantined  INTEGER DEFAULT 0,
    errors             INTEGER DEFAULT 0,
    stats              JSON,
    PRIMARY KEY (run_id, source_id)
);

CREATE TABLE IF NOT EXISTS postings (
    posting_id       VARCHAR PRIMARY KEY,
    source_id        VARCHAR NOT NULL,
    external_id      VARCHAR,
    canonical_url    VARCHAR NOT NULL,
    first_seen       TIMESTAMP NOT NULL,
    last_seen        TIMESTAMP NOT NULL,
    removed_at       TIMESTAMP,
    content_hash     VARCHAR NOT NULL,
    version_count    INTEGER NOT NULL DEFAULT 1,
    cluster_id       VARCHAR,
    title            VARCHAR NOT NULL,
    company          VARCHAR,
    city             VARCHAR,
    region           VARCHAR,
    country          VARCHAR,
    language         VARCHAR,
    date_posted      DATE,
    valid_through    DATE,
    employment_type  VARCHAR,
    salary_min       DOUBLE,
    salary_max       DOUBLE,
    salary_currency  VARCHAR,
    salary_period    VARCHAR,
    rome_code        VARCHAR,
    company_size     VARCHAR
);

CREATE TABLE IF NOT EXISTS posting_versions (
    posting_id        VARCHAR NOT NULL,
    content_hash      VARCHAR NOT NULL,
    first_seen        TIMESTAMP NOT NULL,
    run_id            VARCHAR NOT NULL,
    raw_hash          VARCHAR NOT NULL,
    title             VARCHAR NOT NULL,
    description_html  VARCHAR,
    description_text  VARCHAR NOT NULL,
    record            JSON NOT NULL,       -- the full normalised item as staged
    PRIMARY KEY (posting_id, content_hash)
);

CREATE TABLE IF NOT EXISTS extractions (
    posting_id         VARCHAR NOT NULL,
    content_hash       VARCHAR NOT NULL,
    extractor_version  VARCHAR NOT NULL,
    extracted_at       TIMESTAMP NOT NULL,
    language           VARCHAR,
    status             VARCHAR NOT NULL,   -- ok | empty | unsupported_language | error
    reason             VARCHAR,
    mention_count      INTEGER NOT NULL,
    PRIMARY KEY (posting_id, content_hash, extractor_version)
);

CREATE TABLE IF NOT EXISTS skill_mentions (
    posting_id         VARCHAR NOT NULL,
    content_hash       VARCHAR NOT NULL,
    extractor_version  VARCHAR NOT NULL,
    mention_index      INTEGER NOT NULL,
    kind               VARCHAR NOT NULL,   -- criterion | skill | signal | red_flag
    ref_id             VARCHAR NOT NULL,
    family             VARCHAR,
    field              VARCHAR NOT NULL,   -- title | description
    start_char         INTEGER NOT NULL,
    end_char           INTEGER NOT NULL,
    matched_text       VARCHAR NOT NULL,
    sentence           VARCHAR,
    value              DOUBLE,
    PRIMARY KEY (posting_id, content_hash, extractor_version, mention_index)
);

CREATE TABLE IF NOT EXISTS model_versions (
    model_version       VARCHAR PRIMARY KEY,
    created_at          TIMESTAMP NOT NULL,
    registered_at       TIMESTAMP NOT NULL,
    artifact_path       VARCHAR NOT NULL,
    training_data_hash  VARCHAR,
    sklearn_version     VARCHAR,
    metrics             JSON,
    metadata            JSON,
    is_active           BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE IF NOT EXISTS classifications (
    posting_id                    VARCHAR NOT NULL,
    content_hash                  VARCHAR NOT NULL,
    model_version                 VARCHAR NOT NULL,
    classified_at                 TIMESTAMP NOT NULL,
    label                         VARCHAR NOT NULL,
    prob_community_manager        DOUBLE NOT NULL,
    prob_social_media_manager     DOUBLE NOT NULL,
    prob_social_media_strategist  DOUBLE NOT NULL,
    prob_other                    DOUBLE NOT NULL,
    confidence                    DOUBLE NOT NULL,
    low_confidence                BOOLEAN NOT NULL,
    title_label                   VARCHAR,
    title_mismatch                BOOLEAN,
    top_criteria                  JSON,
    esco_uri                      VARCHAR,
    isco_code                     VARCHAR,
    rome_code                     VARCHAR,
    onet_code                     VARCHAR,
    PRIMARY KEY (posting_id, content_hash, model_version)
);

CREATE TABLE IF NOT EXISTS labels (
    label_id     VARCHAR PRIMARY KEY,
    posting_id   VARCHAR NOT NULL,
    label        VARCHAR NOT NULL,
    labelled_by  VARCHAR,
    labelled_at  TIMESTAMP NOT NULL,
    note         VARCHAR
);

CREATE TABLE IF NOT EXISTS quarantine (
    quarantine_id  VARCHAR PRIMARY KEY,
    source_id      VARCHAR NOT NULL,
    url            VARCHAR,
    reason         VARCHAR NOT NULL,
    raw_payload    VARCHAR,
    first_run_id   VARCHAR NOT NULL,
    last_run_id    VARCHAR NOT NULL,
    first_seen     TIMESTAMP NOT NULL,
    last_seen      TIMESTAMP NOT NULL,
    occurrences    INTEGER NOT NULL DEFAULT 1
);

-- Full-text search (BM25 over each posting's current title and description; see
-- pipeline/analyst/search.py). Each publish re-tokenizes only the postings whose text
-- changed since it was indexed, here, so the analyst copy carries the index as it is.
CREATE SCHEMA IF NOT EXISTS search;

CREATE TABLE IF NOT EXISTS search.stopwords (
    word VARCHAR NOT NULL
);

-- sorted by term when last rebuilt in full, then each publish's new terms appended (sorted
-- among themselves): see search.layout
CREATE TABLE IF NOT EXISTS search.terms (
    term        VARCHAR NOT NULL,
    posting_id  VARCHAR NOT NULL,
    tf          INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS search.documents (
    posting_id    VARCHAR NOT NULL,
    content_hash  VARCHAR NOT NULL,   -- the version indexed
    title         VARCHAR NOT NULL,
    doc_length    INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS search.layout (
    tokenizer      VARCHAR NOT NULL,   -- fingerprint of the tokenizer and stopwords used
    appended_rows  BIGINT NOT NULL,
    total_rows     BIGINT NOT NULL
);
