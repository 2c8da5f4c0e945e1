-- Every stored line. ts is milliseconds since the epoch (the line's own time when it has one).
CREATE TABLE logs (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  level TEXT,
  status INTEGER,
  path TEXT,
  source TEXT NOT NULL,
  msg TEXT NOT NULL,
  fields TEXT
);
CREATE INDEX logs_ts ON logs (ts);

-- Full-text index of the message, the path and the field values. Contentless (the text is in
-- logs already) with contentless_delete, so retention's deletes remove entries by rowid.
CREATE VIRTUAL TABLE logs_fts USING fts5(body, content = '', contentless_delete = 1);

CREATE TRIGGER logs_ai AFTER INSERT ON logs BEGIN
  INSERT INTO logs_fts (rowid, body)
  VALUES (new.id, new.msg || ' ' || coalesce(new.path, '') || ' ' || coalesce(new.fields, ''));
END;

CREATE TRIGGER logs_ad AFTER DELETE ON logs BEGIN
  DELETE FROM logs_fts WHERE rowid = old.id;
END;

-- Lines per minute by level and status class ("5xx", "4xx", ... or "-"), kept at ingestion so
-- analytics and the anomaly rule never scan the lines.
CREATE TABLE minute_counts (
  minute INTEGER NOT NULL,
  level TEXT NOT NULL,
  status_class TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (minute, level, status_class)
) WITHOUT ROWID;

-- Where each tailed file was read up to (its inode, to see a rotation across restarts).
CREATE TABLE tail_offsets (
  path TEXT PRIMARY KEY,
  ino INTEGER NOT NULL,
  offset INTEGER NOT NULL
);

-- Small named integers: the forwarding cursor, the last anomaly's time.
CREATE TABLE cursors (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
