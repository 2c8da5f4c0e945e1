/** `/v1/master-key`: which key seals the secrets, and its rotation (admin only). */
import { Hono } from "hono";
import type { RotationResult } from "../keyring/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import type { ApiEnv } from "./types.ts";

/** What the routes need from the daemon. */
export interface MasterKeyRouteDeps {
  /** `{key_id, key_file, rotated_at}` of the key in force. */
  info(): Promise<Record<string, unknown>>;
  /** Rotates the master key on behalf of `actor`. */
  rotate(actor: string): Promise<RotationResult>;
}

/**
 * `GET /v1/master-key` (admin): the key in force by its public id (never the key).
 * `POST /v1/master-key/rotate` (admin): re-seals every secret under a new key (409 while one
 * runs).
 */
export function createMasterKeyRoutes(deps: MasterKeyRouteDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const admin = requireScope("admin");
  app.get("/v1/master-key", admin, async (c) => c.json(await deps.info()));
  app.post("/v1/master-key/rotate", admin, async (c) => c.json(await deps.rotate(c.get("actor"))));
  return app;
}
