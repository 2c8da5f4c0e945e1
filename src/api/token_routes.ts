import { Hono } from "hono";
import { auditStatement } from "../audit/mod.ts";
import { forgetToken, isScope, listTokens, newToken, SCOPES } from "../auth/mod.ts";
import type { Store } from "../store/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { HttpError } from "./problem.ts";
import type { ApiEnv } from "./types.ts";
import { readJsonObject } from "./read_json.ts";

/** Longest token lifetime accepted: ten years. */
const MAX_EXPIRES_IN_S = 10 * 365 * 24 * 3600;

/**
 * `GET /v1/tokens`, `POST /v1/tokens`, `DELETE /v1/tokens/{id}`, all `admin`. The token text
 * is returned once, by POST; every change is audited in the same batch.
 */
export function createTokenRoutes(store: Store): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get("/v1/tokens", requireScope("admin"), async (c) => {
    return c.json({ tokens: await listTokens(store) });
  });

  app.post("/v1/tokens", requireScope("admin"), async (c) => {
    const body = await readJsonObject(c.req.raw, { hint: '{"name": "...", "scope": "reader"}' });
    const { name, scope, expiresAt } = checkCreate(body);
    const actor = c.get("actor");
    const created = await store.write(async () => {
      const made = await newToken(name, scope, expiresAt);
      const audit = await auditStatement(store, {
        actor,
        action: "token.create",
        target: made.id,
        result: "ok",
        detail: { name, scope, expires_at: expiresAt },
      });
      return { statements: [made.statement, audit], value: made };
    });
    const info = (await listTokens(store)).find((t) => t.id === created.id);
    return c.json({ ...info, token: created.token }, 201);
  });

  app.delete("/v1/tokens/:id", requireScope("admin"), async (c) => {
    const id = c.req.param("id");
    const actor = c.get("actor");
    const revokedAt = new Date().toISOString();
    await store.write(async () => {
      const rs = await store.execute({
        sql: "SELECT revoked_at FROM tokens WHERE id = ?",
        args: [id],
      });
      if (!rs.rows[0]) {
        throw new HttpError(404, `No token "${id}"; list them with "plugd token list"`);
      }
      if (rs.rows[0].revoked_at) return { statements: [] }; // idempotent, nothing to audit
      return {
        statements: [
          { sql: "UPDATE tokens SET revoked_at = ? WHERE id = ?", args: [revokedAt, id] },
          await auditStatement(store, { actor, action: "token.revoke", target: id, result: "ok" }),
        ],
        afterCommit: () => forgetToken(store, id), // refused from the next request on
      };
    });
    return c.json((await listTokens(store)).find((t) => t.id === id));
  });
  return app;
}

function checkCreate(
  body: unknown,
): { name: string; scope: typeof SCOPES[number]; expiresAt: string | null } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(
      400,
      'The body must be a JSON object like {"name": "ci", "scope": "reader"}',
    );
  }
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!["name", "scope", "expires_in_s", "expires_at"].includes(key)) {
      throw new HttpError(
        400,
        `Unknown field "${key}"; allowed: name, scope, expires_in_s, expires_at`,
      );
    }
  }
  if (!isScope(b.scope)) {
    throw new HttpError(
      400,
      `"scope" must be one of ${SCOPES.join(", ")}; got ${JSON.stringify(b.scope)}`,
    );
  }
  const name = b.name === undefined ? `${b.scope} token` : b.name;
  if (typeof name !== "string" || name.trim() === "" || name.length > 100) {
    throw new HttpError(400, '"name" must be a non-empty string of at most 100 characters');
  }
  if (b.expires_in_s !== undefined && b.expires_at !== undefined) {
    throw new HttpError(400, 'Give "expires_in_s" or "expires_at", not both');
  }
  let expiresAt: string | null = null;
  if (b.expires_in_s !== undefined) {
    const s = b.expires_in_s;
    if (typeof s !== "number" || !Number.isInteger(s) || s < 1 || s > MAX_EXPIRES_IN_S) {
      throw new HttpError(
        400,
        `"expires_in_s" must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN_S}`,
      );
    }
    expiresAt = new Date(Date.now() + s * 1000).toISOString();
  } else if (b.expires_at !== undefined) {
    const at = typeof b.expires_at === "string" ? new Date(b.expires_at) : new Date(NaN);
    if (Number.isNaN(at.getTime())) {
      throw new HttpError(400, '"expires_at" must be an ISO 8601 time like "2027-01-01T00:00:00Z"');
    }
    if (at.getTime() <= Date.now()) {
      throw new HttpError(
        400,
        `"expires_at" ${at.toISOString()} is in the past; give a future time`,
      );
    }
    expiresAt = at.toISOString();
  }
  return { name, scope: b.scope, expiresAt };
}
