import assert from "node:assert/strict";
import { checkSql, SqlRefusedError } from "./sql_guard.ts";

const ACCEPTED = [
  "SELECT * FROM notes WHERE id = ?",
  "select count(*) from notes -- trailing comment;",
  "INSERT INTO notes (body) VALUES (:body) RETURNING id;",
  "WITH x AS (SELECT 1) SELECT * FROM x",
  "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
  "CREATE VIRTUAL TABLE docs USING fts5(title, body)",
  "SELECT highlight(docs, 1, '[', ']') FROM docs WHERE docs MATCH 'readfile'",
  "INSERT INTO notes (body) VALUES ('ATTACH and readfile are only text here')",
  "PRAGMA table_info(notes)",
  "PRAGMA main.index_list('notes')",
  "PRAGMA user_version = 3",
  "PRAGMA foreign_keys",
  "EXPLAIN QUERY PLAN SELECT * FROM notes",
  "VACUUM",
  "SELECT * FROM _plugd_migrations",
  "CREATE TRIGGER t AFTER INSERT ON notes BEGIN UPDATE notes SET body = CASE WHEN 1 THEN 'a' END; DELETE FROM notes WHERE 0; END;",
];

const REFUSED: [string, RegExp][] = [
  ["ATTACH DATABASE '/etc/passwd' AS x", /ATTACH is refused/],
  ["  attach 'x.db' as y", /ATTACH/],
  ["DETACH x", /DETACH/],
  ["SELECT readfile('/etc/shadow')", /readfile/],
  ["SELECT \"READFILE\"('/etc/shadow')", /readfile/],
  ["SELECT [writefile]('/tmp/x', 'y')", /writefile/],
  ["SELECT `load_extension`('/tmp/x.so')", /load_extension/],
  ["SELECT * FROM fsdir('/')", /fsdir/],
  ["SELECT * FROM sqlite_dbpage", /sqlite_dbpage/],
  ["SELECT fts3_tokenizer('simple')", /fts3_tokenizer/],
  ["SELECT sqlite3mc_config('cipher')", /sqlite3mc_config/],
  ["CREATE VIEW v AS SELECT readfile('/etc/passwd')", /readfile/],
  ["CREATE VIRTUAL TABLE f USING fsdir", /fsdir/],
  ["CREATE VIRTUAL TABLE d USING dbstat", /module "dbstat"/],
  ["CREATE VIRTUAL TABLE f USING fts5(x, content='sqlite_dbpage')", /sqlite_dbpage/],
  ["VACUUM INTO '/tmp/copy.db'", /VACUUM INTO/],
  ["PRAGMA journal_mode = OFF", /PRAGMA journal_mode/],
  ["PRAGMA synchronous = 0", /PRAGMA synchronous/],
  ["PRAGMA max_page_count = 999999999", /PRAGMA max_page_count = …/],
  ["PRAGMA writable_schema = 1", /writable_schema/],
  ["PRAGMA temp_store_directory = '/tmp'", /temp_store_directory/],
  ["PRAGMA hard_heap_limit = 0", /hard_heap_limit/],
  ["PRAGMA other.table_info(x)", /main or temp/],
  ["EXPLAIN ATTACH 'x' AS y", /ATTACH/],
  ["BEGIN", /ctx\.db\.transaction/],
  ["COMMIT", /COMMIT/],
  ["SAVEPOINT a", /SAVEPOINT/],
  ["SELECT 1; SELECT 2", /one statement/],
  ["SELECT 1; ATTACH 'x' AS y", /one statement/],
  ["SELECT 'unterminated", /unterminated string/],
  ["SELECT 1 /* open", /unterminated comment/],
  ["DELETE FROM _plugd_migrations", /migration runner/],
  ["", /non-empty/],
  ["-- only a comment", /no statement/],
];

Deno.test("checkSql() accepts what plugins need", () => {
  for (const sql of ACCEPTED) assert.doesNotThrow(() => checkSql(sql), sql);
});

Deno.test("checkSql() refuses what reaches past the plugin's file, however it is spelled", () => {
  for (const [sql, why] of REFUSED) {
    assert.throws(
      () => checkSql(sql),
      (e) => e instanceof SqlRefusedError && why.test(e.message),
      sql,
    );
  }
});

Deno.test("checkSql() splits migration files, keeping trigger bodies whole", () => {
  const parts = checkSql(
    `CREATE TABLE a (x); -- one
     CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO a VALUES (CASE WHEN 1 THEN 2 END); END;
     INSERT INTO a VALUES (';');`,
    { many: true },
  );
  assert.equal(parts.length, 3);
  assert.match(parts[1]!, /^CREATE TRIGGER .* END$/s);
  assert.equal(parts[2], "INSERT INTO a VALUES (';')");
  assert.throws(() => checkSql("CREATE TABLE a(x); ATTACH 'y' AS z", { many: true }), /ATTACH/);
  assert.doesNotThrow(() =>
    checkSql("INSERT INTO _plugd_migrations VALUES (1)", { internal: true })
  );
});
