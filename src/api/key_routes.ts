/** `GET|POST /v1/keys`, `DELETE /v1/keys/{id}`: trusted package-signing keys. */
import { Hono } from "hono";
import { listTrustedKeys, revokeKey, trustKey } from "../signing/mod.ts";
import type { Store } from "../store/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { HttpError } from "./problem.ts";
import { readJsonObject } from "./read_json.ts";
import type { ApiEnv } from "./types.ts";

/** The keys route group: readers list, admins trust and revoke (both audited). */
export function createKeyRoutes(deps: { store: Store }): Hono<ApiEnv> {
  const { store } = deps;
  const app = new Hono<ApiEnv>();
  app.get("/v1/keys", requireScope("reader"), async (c) => {
    return c.json({ keys: await listTrustedKeys(store) });
  });
  app.post("/v1/keys", requireScope("admin"), async (c) => {
    const body = await readJsonObject(c.req.raw, {
      hint: "{public_key, name?, allowed_ids?, expires_at?}",
    });
    const publicKey = body.public_key ?? (typeof body.public === "string" ? body : undefined);
    if (publicKey === undefined) {
      throw new HttpError(
        400,
        "public_key is required: the base64 raw key or the JSON of a plugd-key-<id>.pub file",
      );
    }
    try {
      const key = await trustKey(store, {
        public_key: publicKey,
        name: body.name as string | undefined,
        allowed_ids: body.allowed_ids as string[] | undefined,
        expires_at: body.expires_at as string | undefined,
      }, c.get("actor"));
      return c.json(key, 201);
    } catch (error) {
      if (error instanceof TypeError) throw new HttpError(400, error.message);
      throw error;
    }
  });
  app.delete("/v1/keys/:id", requireScope("admin"), async (c) => {
    const id = c.req.param("id");
    if (!/^[0-9a-f]{16}$/.test(id)) {
      throw new HttpError(400, "A key id is 16 hex characters; see plugd key list");
    }
    return c.json(await revokeKey(store, id, c.get("actor")));
  });
  return app;
}
