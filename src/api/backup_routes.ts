/** `POST /v1/backup` (admin): a consistent archive of the daemon's state, streamed. */
import { Hono } from "hono";
import type { BackupOptions, BackupStream } from "../backup/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { HttpError } from "./problem.ts";
import { readJsonObject } from "./read_json.ts";
import type { ApiEnv } from "./types.ts";

/** What the route needs from the daemon. */
export interface BackupRouteDeps {
  backup(options: BackupOptions, actor: string): Promise<BackupStream>;
}

/**
 * Body `{passphrase?, include_master_key?}` (optional). Answers the archive as
 * `application/octet-stream` — a `.tar.gz`, or an age-encrypted one with a passphrase — and
 * its manifest summary in the `x-plugd-backup` header.
 */
export function createBackupRoutes(deps: BackupRouteDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.post("/v1/backup", requireScope("admin"), async (c) => {
    const body = await readJsonObject(c.req.raw, {
      optional: true,
      hint: '{"passphrase": "…", "include_master_key": true}',
    });
    const { passphrase, include_master_key: includeMasterKey = false } = body;
    if (passphrase !== undefined && typeof passphrase !== "string") {
      throw new HttpError(400, `"passphrase" must be a string`);
    }
    if (typeof includeMasterKey !== "boolean") {
      throw new HttpError(400, `"include_master_key" must be true or false`);
    }
    const { manifest, stream } = await deps.backup(
      { passphrase, includeMasterKey },
      c.get("actor"),
    );
    const stamp = manifest.created_at.replace(/[:.]/g, "-");
    const name = `plugd-backup-${stamp}.tar.gz${passphrase === undefined ? "" : ".age"}`;
    return new Response(stream, {
      headers: {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="${name}"`,
        "x-plugd-backup": JSON.stringify({
          created_at: manifest.created_at,
          plugd_version: manifest.plugd_version,
          schema_version: manifest.schema_version,
          plugins: manifest.plugins.length,
          databases: manifest.databases?.length ?? 0,
          encrypted: passphrase !== undefined,
          includes_master_key: manifest.includes_master_key,
          master_key_id: manifest.master_key_id,
          skipped: manifest.skipped.length,
        }),
      },
    });
  });
  return app;
}
