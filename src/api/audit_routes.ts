import { Hono } from "hono";
import { queryAudit, readAuditHead, verifyAuditWithHead } from "../audit/mod.ts";
import type { Store } from "../store/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { HttpError } from "./problem.ts";
import type { ApiEnv } from "./types.ts";

/** Rows per page: default and ceiling. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/**
 * `GET /v1/audit?limit=&after=` (reader): rows oldest first after `after` (a seq), with
 * `next_after` for paging; filtered by `actor`, `action`, `target` (exact, or a prefix ending
 * in `*`), `result`, `since` and `until` (ISO 8601). `?verify=true` (reader): walks the whole chain and compares its end
 * with the recorded head; answers `{ok, rows, broken_at, reason, head}`.
 */
export function createAuditRoutes(store: Store): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get("/v1/audit", requireScope("reader"), async (c) => {
    const verify = c.req.query("verify");
    if (verify === "true" || verify === "1") {
      const v = await verifyAuditWithHead(store);
      return c.json({
        ok: v.ok,
        rows: v.rows,
        broken_at: v.ok ? null : v.brokenAt,
        reason: v.ok ? null : v.reason,
        head: await readAuditHead(store),
      });
    }
    const limit = intParam(c.req.query("limit"), "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    const after = intParam(c.req.query("after"), "after", 0, 0, Number.MAX_SAFE_INTEGER);
    const q = (name: string) => c.req.query(name) || undefined;
    const rows = await queryAudit(store, {
      afterSeq: after,
      limit,
      actor: q("actor"),
      action: q("action"),
      target: q("target"),
      result: q("result"),
      since: timeParam(q("since"), "since"),
      until: timeParam(q("until"), "until"),
    });
    return c.json({
      rows,
      next_after: rows.length === limit ? rows.at(-1)!.seq : null,
    });
  });
  return app;
}

function intParam(
  text: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new HttpError(
      400,
      `Query "${name}" must be a whole number from ${min} to ${max}; got "${text}"`,
    );
  }
  return n;
}

function timeParam(text: string | undefined, name: string): string | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  if (Number.isNaN(t)) {
    throw new HttpError(
      400,
      `Query "${name}" must be an ISO 8601 time such as 2026-11-22T10:00:00Z; got "${text}"`,
    );
  }
  return new Date(t).toISOString();
}
