/**
 * Forwarding to an Elasticsearch-compatible `_bulk` endpoint (Elasticsearch, OpenSearch, and
 * the ingest APIs that copy it): lines after the stored cursor go as NDJSON `index` actions, each
 * with `_id` = the line's id, so a batch sent again after a crash replaces instead of doubling.
 * The cursor moves only after the endpoint accepted the batch.
 */
import type { PluginDatabase, PluginLogger } from "@plugd/sdk";
import type { LogHubConfig, StoredLogRow } from "./types.ts";

/** The `_bulk` body for `rows`: an action line and a document line each, newline-terminated. */
export function bulkBody(rows: StoredLogRow[], index: string): string {
  let out = "";
  for (const r of rows) {
    const doc: Record<string, unknown> = {
      "@timestamp": new Date(Number(r.ts)).toISOString(),
      message: r.msg,
      level: r.level,
      source: r.source,
    };
    if (r.status !== null) doc.status = Number(r.status);
    if (r.path !== null) doc.path = r.path;
    if (r.fields) {
      try {
        doc.fields = JSON.parse(r.fields);
      } catch { /* a cut field blob is not forwarded */ }
    }
    out += JSON.stringify({ index: { _index: index, _id: String(r.id) } }) + "\n";
    out += JSON.stringify(doc) + "\n";
  }
  return out;
}

function authHeader(cfg: LogHubConfig["forward"]): Record<string, string> {
  if (cfg.api_key) return { authorization: `ApiKey ${cfg.api_key}` };
  if (cfg.username) {
    const raw = new TextEncoder().encode(`${cfg.username}:${cfg.password ?? ""}`) as
      & Uint8Array
      & { toBase64(): string };
    return { authorization: `Basic ${raw.toBase64()}` };
  }
  return {};
}

/** Sends what is new, batch after batch (at most `rounds`); resolves to the lines sent. */
export async function forwardNow(
  db: PluginDatabase,
  cfg: LogHubConfig["forward"],
  log: PluginLogger,
  rounds = 20,
): Promise<number> {
  if (!cfg.url) return 0;
  const url = `${cfg.url.replace(/\/+$/, "")}/_bulk`;
  let sent = 0;
  for (let i = 0; i < rounds; i++) {
    const cur = await db.execute<{ value: number }>(
      "SELECT value FROM cursors WHERE name = 'forward_id'",
    );
    const after = Number(cur.rows[0]?.value ?? 0);
    const { rows } = await db.execute<StoredLogRow>(
      `SELECT id, ts, level, status, path, source, substr(msg, 1, 4000) AS msg,
              CASE WHEN length(fields) <= 4000 THEN fields END AS fields
         FROM logs WHERE id > ? ORDER BY id LIMIT ?`,
      [after, cfg.batch],
    );
    if (rows.length === 0) break;
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson", ...authHeader(cfg) },
      body: bulkBody(rows, cfg.index),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 200)}`);
    try {
      const body = JSON.parse(text);
      if (body.errors) {
        const failed = (body.items ?? []).filter((it: Record<string, { error?: unknown }>) =>
          Object.values(it)[0]?.error
        );
        log.warn(`${url} refused ${failed.length} of ${rows.length} documents`, {
          first: JSON.stringify(Object.values(failed[0] ?? {})[0] ?? {}).slice(0, 300),
        });
      }
    } catch {
      throw new Error(`${url} did not answer a _bulk response (JSON): ${text.slice(0, 200)}`);
    }
    const last = Number(rows[rows.length - 1]!.id);
    await db.execute(
      "INSERT INTO cursors (name, value) VALUES ('forward_id', ?) " +
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      [last],
    );
    sent += rows.length;
    if (rows.length < cfg.batch) break;
  }
  return sent;
}
