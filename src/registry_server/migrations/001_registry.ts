import type { Migration } from "../../store/mod.ts";

/**
 * The registry server's schema: principals (admin, publisher and installation tokens),
 * publishers and their signing keys, plugins with a full-text index, immutable versions,
 * reviews, flags, the append-only advisory log, and the same hash-chained audit log the
 * daemon keeps.
 */
export const registryMigration001: Migration = {
  version: 1,
  name: "registry",
  statements: [
    `CREATE TABLE audit_log (
      seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
      target TEXT, result TEXT NOT NULL, detail TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
    )`,
    `CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,
      hash TEXT NOT NULL)`,
    `CREATE TRIGGER audit_head_follows_insert AFTER INSERT ON audit_log
      BEGIN
        INSERT INTO audit_head (id, seq, hash) VALUES (1, NEW.seq, NEW.hash)
          ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash
          WHERE excluded.seq > audit_head.seq;
      END`,
    `CREATE TABLE principals (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('admin', 'publisher', 'installation')),
      subject TEXT NOT NULL,
      hash TEXT NOT NULL,
      created_at TEXT NOT NULL,
      revoked_at TEXT
    )`,
    `CREATE TABLE publishers (
      name TEXT PRIMARY KEY,
      display_name TEXT NOT NULL,
      namespaces TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'banned')),
      verified INTEGER NOT NULL DEFAULT 0,
      reason TEXT,
      created_at TEXT NOT NULL,
      reviewed_at TEXT
    )`,
    `CREATE TABLE publisher_keys (
      id TEXT PRIMARY KEY,
      publisher TEXT NOT NULL REFERENCES publishers(name),
      public_key TEXT NOT NULL,
      created_at TEXT NOT NULL,
      revoked_at TEXT
    )`,
    `CREATE TABLE plugins (
      id TEXT PRIMARY KEY,
      publisher TEXT NOT NULL REFERENCES publishers(name),
      name TEXT NOT NULL,
      description TEXT NOT NULL,
      tags TEXT NOT NULL DEFAULT '',
      categories TEXT NOT NULL DEFAULT '[]',
      readme TEXT NOT NULL DEFAULT '',
      homepage TEXT,
      latest TEXT,
      max_risk TEXT,
      risk_rank INTEGER NOT NULL DEFAULT 0,
      permission_kinds TEXT NOT NULL DEFAULT '',
      downloads INTEGER NOT NULL DEFAULT 0,
      rating_sum INTEGER NOT NULL DEFAULT 0,
      rating_count INTEGER NOT NULL DEFAULT 0,
      rating REAL NOT NULL DEFAULT 0,
      featured INTEGER NOT NULL DEFAULT 0,
      deprecated TEXT,
      banned_at TEXT,
      ban_reason TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE INDEX plugins_listed_downloads ON plugins (downloads DESC) WHERE latest IS NOT NULL`,
    `CREATE INDEX plugins_listed_updated ON plugins (updated_at DESC) WHERE latest IS NOT NULL`,
    `CREATE INDEX plugins_listed_rating ON plugins (rating DESC) WHERE latest IS NOT NULL`,
    `CREATE INDEX plugins_featured ON plugins (featured) WHERE featured > 0`,
    `CREATE INDEX plugins_publisher ON plugins (publisher)`,
    `CREATE TABLE plugin_categories (
      plugin_id TEXT NOT NULL REFERENCES plugins(id),
      category TEXT NOT NULL,
      PRIMARY KEY (category, plugin_id)
    ) WITHOUT ROWID`,
    // Full-text search over what users type: id, name, tags, description (external content).
    `CREATE VIRTUAL TABLE plugins_fts USING fts5(
      id, name, tags, description,
      content = 'plugins', content_rowid = 'rowid',
      tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
    )`,
    `CREATE TRIGGER plugins_fts_insert AFTER INSERT ON plugins BEGIN
      INSERT INTO plugins_fts (rowid, id, name, tags, description)
        VALUES (new.rowid, new.id, new.name, new.tags, new.description);
    END`,
    `CREATE TRIGGER plugins_fts_update AFTER UPDATE OF id, name, tags, description ON plugins BEGIN
      INSERT INTO plugins_fts (plugins_fts, rowid, id, name, tags, description)
        VALUES ('delete', old.rowid, old.id, old.name, old.tags, old.description);
      INSERT INTO plugins_fts (rowid, id, name, tags, description)
        VALUES (new.rowid, new.id, new.name, new.tags, new.description);
    END`,
    `CREATE TABLE versions (
      plugin_id TEXT NOT NULL REFERENCES plugins(id),
      version TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('published', 'pending', 'rejected')),
      review_reason TEXT,
      sha256 TEXT NOT NULL,
      size INTEGER NOT NULL,
      build INTEGER NOT NULL,
      key_id TEXT NOT NULL,
      plugd TEXT NOT NULL,
      permissions TEXT NOT NULL,
      max_risk TEXT NOT NULL,
      dependencies TEXT NOT NULL,
      conflicts TEXT NOT NULL,
      manifest TEXT NOT NULL,
      changelog TEXT NOT NULL DEFAULT '',
      downloads INTEGER NOT NULL DEFAULT 0,
      yanked_at TEXT,
      yank_reason TEXT,
      deprecated TEXT,
      banned_at TEXT,
      ban_reason TEXT,
      published_at TEXT NOT NULL,
      PRIMARY KEY (plugin_id, version)
    ) WITHOUT ROWID`,
    `CREATE INDEX versions_pending ON versions (status) WHERE status = 'pending'`,
    `CREATE TABLE installations (
      id TEXT PRIMARY KEY,
      created_at TEXT NOT NULL,
      banned_at TEXT
    )`,
    `CREATE TABLE reviews (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      plugin_id TEXT NOT NULL REFERENCES plugins(id),
      installation TEXT NOT NULL REFERENCES installations(id),
      rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
      title TEXT NOT NULL DEFAULT '',
      body TEXT NOT NULL DEFAULT '',
      version TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      hidden_at TEXT,
      hidden_reason TEXT,
      UNIQUE (plugin_id, installation)
    )`,
    `CREATE INDEX reviews_plugin ON reviews (plugin_id, updated_at DESC)`,
    `CREATE TABLE flags (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      plugin_id TEXT NOT NULL REFERENCES plugins(id),
      version TEXT,
      installation TEXT NOT NULL,
      reason TEXT NOT NULL,
      created_at TEXT NOT NULL,
      resolved_at TEXT,
      resolution TEXT
    )`,
    `CREATE INDEX flags_open ON flags (created_at) WHERE resolved_at IS NULL`,
    `CREATE TABLE advisories (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      entry TEXT NOT NULL,
      hash TEXT NOT NULL,
      published_at TEXT NOT NULL
    )`,
  ],
};
