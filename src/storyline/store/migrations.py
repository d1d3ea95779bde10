"""The store's schema, as an ordered list of migrations.

`PRAGMA user_version` holds how many have been applied. A migration is only ever appended, never
edited, so any older store can be brought forward; a store from a newer storyline is refused.
"""

MIGRATIONS: tuple[str, ...] = (
    # 1: sources, articles (+ full-text index), what cleaning removed, quarantine, build log.
    """
    CREATE TABLE sources (
        id           INTEGER PRIMARY KEY,
        path         TEXT NOT NULL UNIQUE,   -- absolute path of the input file
        name         TEXT NOT NULL,          -- path relative to the folder given
        size         INTEGER NOT NULL,
        mtime_ns     INTEGER NOT NULL,
        records_done INTEGER NOT NULL DEFAULT 0,  -- resume point: records stored so far
        complete     INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE articles (
        seq        INTEGER PRIMARY KEY,      -- insertion order; rowid of the full-text index
        id         TEXT NOT NULL UNIQUE,
        given_id   TEXT NOT NULL,            -- the id the input gave (differs for a duplicate)
        source_id  INTEGER NOT NULL REFERENCES sources(id),
        locator    TEXT NOT NULL,
        raw_hash   TEXT NOT NULL,
        title      TEXT,
        url        TEXT,
        outlet     TEXT,
        byline     TEXT,
        published  TEXT,
        text       TEXT NOT NULL,
        raw_text   TEXT NOT NULL,
        paragraphs TEXT NOT NULL,            -- JSON [[start, end], ...] into text
        metadata   TEXT NOT NULL             -- JSON object
    );
    CREATE INDEX articles_source ON articles(source_id);
    CREATE TABLE removals (
        article_seq INTEGER NOT NULL REFERENCES articles(seq) ON DELETE CASCADE,
        idx         INTEGER NOT NULL,
        rule        TEXT NOT NULL,
        text        TEXT NOT NULL,
        start       INTEGER NOT NULL,        -- offsets into articles.raw_text
        "end"       INTEGER NOT NULL,
        lifted_to   TEXT,
        PRIMARY KEY (article_seq, idx)
    );
    CREATE TABLE quarantine (
        id        INTEGER PRIMARY KEY,
        source_id INTEGER REFERENCES sources(id),  -- NULL when the file itself could not be opened
        path      TEXT NOT NULL,
        locator   TEXT NOT NULL,
        raw_hash  TEXT NOT NULL,
        reason    TEXT NOT NULL
    );
    CREATE INDEX quarantine_source ON quarantine(source_id);
    CREATE TABLE notices (
        id         INTEGER PRIMARY KEY,
        source_id  INTEGER REFERENCES sources(id),
        kind       TEXT NOT NULL,
        article_id TEXT,
        message    TEXT NOT NULL
    );
    CREATE TABLE builds (
        id       INTEGER PRIMARY KEY,
        started  TEXT NOT NULL,
        finished TEXT,
        stages   TEXT NOT NULL,
        settings TEXT NOT NULL,   -- JSON: resolved settings
        versions TEXT NOT NULL,   -- JSON: storyline and library versions
        summary  TEXT             -- JSON: counts and timings
    );
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='seq', tokenize='unicode61'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    END;
    """,
    # 2: the copies stage: related pairs with their evidence, and copy families.
    """
    CREATE TABLE copies (
        a          TEXT NOT NULL,            -- article ids, a < b
        b          TEXT NOT NULL,
        relation   TEXT NOT NULL,            -- exact | near_duplicate | version | partial_reuse
        earlier    TEXT,                     -- a, b, or NULL when the evidence does not decide
        rule       TEXT NOT NULL,
        similarity TEXT NOT NULL,            -- JSON
        passages   TEXT NOT NULL,            -- JSON [{a_start, a_end, b_start, b_end, words, ...}]
        evidence   TEXT NOT NULL,            -- JSON
        PRIMARY KEY (a, b)
    );
    CREATE INDEX copies_b ON copies(b);
    CREATE TABLE families (
        id             TEXT PRIMARY KEY,
        canonical      TEXT NOT NULL,
        canonical_rule TEXT NOT NULL,
        members        TEXT NOT NULL         -- JSON list of article ids
    );
    CREATE TABLE family_members (
        article_id TEXT PRIMARY KEY,
        family_id  TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE
    );
    """,
    # 3: the stories stage: the online index's state (so builds resume it), assignments with
    # their evidence, and the current stories and storylines.
    """
    CREATE TABLE stage_state (
        stage TEXT PRIMARY KEY,
        state TEXT NOT NULL                  -- JSON
    );
    CREATE TABLE story_assignments (
        article_id TEXT PRIMARY KEY,
        story_id   TEXT NOT NULL,            -- as first assigned; stories.members is current
        new_story  INTEGER NOT NULL,
        evidence   TEXT NOT NULL             -- JSON
    );
    CREATE TABLE stories (
        id   TEXT PRIMARY KEY,
        body TEXT NOT NULL                   -- JSON Story
    );
    CREATE TABLE storylines (
        id   TEXT PRIMARY KEY,
        body TEXT NOT NULL                   -- JSON Storyline
    );
    """,
    # 4: article seqs are never reused. A plain INTEGER PRIMARY KEY hands a deleted maximum out
    # again, so a re-read file's articles would look as old as the ones they replace to the
    # stages that resume from a seq.
    """
    CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        last INTEGER NOT NULL                -- the last value handed out
    );
    INSERT INTO counters VALUES ('article_seq', (SELECT COALESCE(MAX(seq), 0) FROM articles));
    """,
    # 5: what the copies stage keeps so that a build redoes only what new or changed articles
    # touch: each article's fingerprint, and every pair it checked with the verdict.
    """
    CREATE TABLE copy_prints (
        article_seq INTEGER PRIMARY KEY REFERENCES articles(seq) ON DELETE CASCADE,
        words       INTEGER NOT NULL,
        text_hash   INTEGER NOT NULL,        -- the uint64 read as a signed integer
        signature   BLOB NOT NULL,           -- uint32 MinHash values
        anchors     BLOB NOT NULL            -- sorted uint64 anchor hashes
    );
    CREATE TABLE copy_checks (
        a       TEXT NOT NULL,               -- article ids, a < b
        b       TEXT NOT NULL,
        a_seq     INTEGER NOT NULL,          -- the versions checked (re-read: new seq)
        b_seq     INTEGER NOT NULL,
        candidate TEXT NOT NULL,             -- how the candidate step paired them
        relation  TEXT,                      -- NULL: unrelated; else the pair's row in `copies`
        run       INTEGER NOT NULL,          -- the copies run that last checked it
        PRIMARY KEY (a, b)
    );
    """,
    # 6: `store_batch` indexes a batch's articles for full-text search in one statement; the
    # row-at-a-time trigger it replaces took a third of a build's ingest time.
    """
    DROP TRIGGER IF EXISTS articles_ai;
    """,
)
