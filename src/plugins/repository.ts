import type { InStatement, Row } from "@libsql/client";
import { type Manifest, normalizeStoredConfigSchema, type Permissions } from "../manifest/mod.ts";
import type { Store } from "../store/mod.ts";
import { NotFoundError } from "./errors.ts";
import type { PluginRecord, PluginState } from "./types.ts";

// `tenants`: null = runs for every tenant; else the JSON list it runs for (maybe empty).
const SELECT = `SELECT p.*, g.permissions AS granted,
    CASE WHEN EXISTS (SELECT 1 FROM tenant_scopes s WHERE s.plugin_id = p.id)
      THEN (SELECT json_group_array(t.tenant) FROM
        (SELECT tenant FROM plugin_tenants WHERE plugin_id = p.id ORDER BY tenant) t)
    END AS tenants
  FROM plugins p
  LEFT JOIN grants g ON g.plugin_id = p.id`;

/** A stored manifest; config schemas stored by plugd 0.1 (flat) are converted to JSON Schema. */
export function storedManifest(text: string): Manifest {
  const manifest = JSON.parse(text) as Manifest;
  return { ...manifest, config: normalizeStoredConfigSchema(manifest.config) };
}

function toRecord(row: Row): PluginRecord {
  return {
    id: String(row.id),
    version: String(row.version),
    state: row.state as PluginState,
    manifest: storedManifest(String(row.manifest)),
    source: String(row.source),
    digest: String(row.digest),
    signedBy: row.signed_by === null ? null : String(row.signed_by),
    failedReason: row.failed_reason === null ? null : String(row.failed_reason),
    installedAt: String(row.installed_at),
    updatedAt: String(row.updated_at),
    granted: row.granted === null ? null : JSON.parse(String(row.granted)) as Permissions,
    tenants: row.tenants === null || row.tenants === undefined
      ? null
      : JSON.parse(String(row.tenants)) as string[],
  };
}

/** Reads one plugin, or null. */
export async function findPlugin(store: Store, id: string): Promise<PluginRecord | null> {
  const rs = await store.execute({ sql: `${SELECT} WHERE p.id = ?`, args: [id] });
  return rs.rows[0] ? toRecord(rs.rows[0]) : null;
}

/** Reads one plugin or throws NotFoundError naming the fix. */
export async function getPlugin(store: Store, id: string): Promise<PluginRecord> {
  const found = await findPlugin(store, id);
  if (!found) {
    throw new NotFoundError(
      `Plugin "${id}" is not installed; see "plugd plugin list" or install it with "plugd plugin install <source>"`,
    );
  }
  return found;
}

/**
 * The installed version and digest of a plugin, or null: what the integrity check before each
 * start compares, without the manifest's parse a whole record costs.
 */
export async function findDigest(
  store: Store,
  id: string,
): Promise<Pick<PluginRecord, "id" | "version" | "digest"> | null> {
  const rs = await store.execute({
    sql: "SELECT version, digest FROM plugins WHERE id = ?",
    args: [id],
  });
  const row = rs.rows[0];
  return row ? { id, version: String(row.version), digest: String(row.digest) } : null;
}

/** Every installed plugin's id and current version, without its manifest (recovery's sweep). */
export async function installedVersions(
  store: Store,
): Promise<Pick<PluginRecord, "id" | "version">[]> {
  const rs = await store.execute("SELECT id, version FROM plugins ORDER BY id");
  return rs.rows.map((row) => ({ id: String(row.id), version: String(row.version) }));
}

/** Every installed plugin, by id. */
export async function listPlugins(store: Store): Promise<PluginRecord[]> {
  const rs = await store.execute(`${SELECT} ORDER BY p.id`);
  return rs.rows.map(toRecord);
}

/** A plugin's row as `GET /v1/plugins` reads it: everything but the manifest (and provenance). */
export interface PluginListRow {
  id: string;
  version: string;
  digest: string;
  state: PluginState;
  failedReason: string | null;
  signedBy: string | null;
  /** Whether a grant is stored (its permissions are not read). */
  granted: boolean;
  tenants: string[] | null;
}

// One row whose one column is the whole list as JSON: the client's per-row, per-column
// conversion (most of the list's CPU with 200 rows) runs once, SQLite builds the text.
const LIST_ROWS = `SELECT json_group_array(json_array(p.id, p.version, p.digest, p.state,
    p.failed_reason, p.signed_by, g.permissions IS NOT NULL,
    json(CASE WHEN EXISTS (SELECT 1 FROM tenant_scopes s WHERE s.plugin_id = p.id)
      THEN (SELECT json_group_array(t.tenant) FROM
        (SELECT tenant FROM plugin_tenants WHERE plugin_id = p.id ORDER BY tenant) t)
    END)) ORDER BY p.id) AS list
  FROM plugins p
  LEFT JOIN grants g ON g.plugin_id = p.id`;

type ListTuple = [
  string,
  string,
  string,
  PluginState,
  string | null,
  string | null,
  number,
  string[] | null,
];

/** Every installed plugin's {@linkcode PluginListRow}, by id, in one read without manifests. */
export async function listPluginRows(store: Store): Promise<PluginListRow[]> {
  const rs = await store.execute(LIST_ROWS);
  const tuples = JSON.parse(String(rs.rows[0]?.list ?? "[]")) as ListTuple[];
  return tuples.map(([id, version, digest, state, failedReason, signedBy, granted, tenants]) => ({
    id,
    version,
    digest,
    state,
    failedReason,
    signedBy,
    granted: granted === 1,
    tenants,
  }));
}

/** The records of the plugins in `ids` that are installed (one read), by id. */
export async function findPlugins(store: Store, ids: readonly string[]): Promise<PluginRecord[]> {
  if (ids.length === 0) return [];
  const rs = await store.execute({
    sql: `${SELECT} WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY p.id`,
    args: [JSON.stringify(ids)],
  });
  return rs.rows.map(toRecord);
}

/** The installed plugins in `state`: filtered in SQL, so the others' manifests are not parsed. */
export async function listPluginsIn(store: Store, state: PluginState): Promise<PluginRecord[]> {
  const rs = await store.execute({
    sql: `${SELECT} WHERE p.state = ? ORDER BY p.id`,
    args: [state],
  });
  return rs.rows.map(toRecord);
}

/** A plugin's names as installs check them: its id and version, what it provides and refuses. */
export interface PluginNames {
  id: string;
  version: string;
  provides: string[];
  conflicts: string[];
}

/** {@linkcode PluginNames} of every installed plugin (four fields, not whole records). */
export async function listPluginNames(store: Store): Promise<PluginNames[]> {
  const rs = await store.execute(
    `SELECT id, version, json_extract(manifest, '$.provides') AS provides,
       json_extract(manifest, '$.conflicts') AS conflicts FROM plugins ORDER BY id`,
  );
  const list = (v: unknown) => (typeof v === "string" ? JSON.parse(v) as string[] : []);
  return rs.rows.map((r) => ({
    id: String(r.id),
    version: String(r.version),
    provides: list(r.provides),
    conflicts: list(r.conflicts),
  }));
}

/** The UPDATE that moves a plugin to `state` (clearing or setting the failure reason). */
export function setStateStatement(
  id: string,
  state: PluginState,
  failedReason: string | null = null,
): InStatement {
  return {
    sql: "UPDATE plugins SET state = ?, failed_reason = ?, updated_at = ? WHERE id = ?",
    args: [state, failedReason, new Date().toISOString(), id],
  };
}

/** The INSERT (or replace, on update) of a plugin row. */
export function upsertPluginStatement(record: Omit<PluginRecord, "granted">): InStatement {
  return {
    sql: `INSERT INTO plugins (id, version, state, manifest, source, digest, signed_by,
            failed_reason, installed_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (id) DO UPDATE SET version = excluded.version, state = excluded.state,
            manifest = excluded.manifest, source = excluded.source, digest = excluded.digest,
            signed_by = excluded.signed_by, failed_reason = excluded.failed_reason,
            updated_at = excluded.updated_at`,
    args: [
      record.id,
      record.version,
      record.state,
      JSON.stringify(record.manifest),
      record.source,
      record.digest,
      record.signedBy,
      record.failedReason,
      record.installedAt,
      record.updatedAt,
    ],
  };
}
