import type { MiddlewareHandler } from "hono";
import type { Store } from "../store/mod.ts";
import type { ApiEnv } from "./types.ts";

/** Record `last_used_at` at most this often per token. */
const INTERVAL_MS = 60_000;

/**
 * Records when each bearer token was last used, at most once a minute per token, after the
 * response, off the request's path: a failed update is logged, never an error for the caller.
 */
export function trackTokenUse(store: Store): MiddlewareHandler<ApiEnv> {
  const lastWrite = new Map<string, number>();
  return async (c, next) => {
    await next();
    const actor = c.get("actor");
    if (!actor?.startsWith("token:")) return;
    const id = actor.slice("token:".length);
    const now = Date.now();
    if (now - (lastWrite.get(id) ?? -Infinity) < INTERVAL_MS) return;
    lastWrite.set(id, now);
    store.write(() => ({
      statements: [{
        sql: "UPDATE tokens SET last_used_at = ? WHERE id = ?",
        args: [new Date(now).toISOString(), id],
      }],
    }), { shareCommit: true }).catch((error) =>
      console.error(`plugd: cannot record token use: ${error.message}`)
    );
  };
}
