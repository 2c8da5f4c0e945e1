/** Refused requests (401, 403) recorded in the audit log, rate-limited so a scan cannot flood it. */
import type { MiddlewareHandler } from "hono";
import { appendAudit } from "../audit/mod.ts";
import type { Store } from "../store/mod.ts";
import type { ApiEnv } from "./types.ts";

/** Options of {@linkcode auditRefusals}. */
export interface RefusalAuditOptions {
  /** Refusals recorded per second, overall. @default 5 */
  ratePerSecond?: number;
  /** Refusals recorded in a burst. @default 20 */
  burst?: number;
  /** @default console.error */
  log?: (message: string) => void;
}

/**
 * After the request ran: a 401 or 403 answer becomes an audit row `api.refused` (actor: the
 * token if one was recognised, else `anonymous`; target: `METHOD path`; detail: status, reason,
 * remote address). Past the rate, refusals are counted and the next recorded row carries the
 * number skipped (`detail.suppressed`), so the log shows the flood without growing with it.
 */
export function auditRefusals(
  store: Store,
  options: RefusalAuditOptions = {},
): MiddlewareHandler<ApiEnv> {
  const { ratePerSecond = 5, burst = 20, log = (m) => console.error(`plugd: ${m}`) } = options;
  let tokens = burst;
  let at = performance.now();
  let suppressed = 0;
  return async (c, next) => {
    await next();
    const status = c.res.status;
    if (status !== 401 && status !== 403) return;
    const now = performance.now();
    tokens = Math.min(burst, tokens + ((now - at) / 1000) * ratePerSecond);
    at = now;
    if (tokens < 1) {
      suppressed++;
      return;
    }
    tokens -= 1;
    const detail: Record<string, unknown> = {
      status,
      reason: (c.error?.message ?? "").slice(0, 300),
      transport: c.env?.transport,
    };
    if (c.env?.remote) detail.remote = c.env.remote;
    if (suppressed > 0) detail.suppressed = suppressed;
    suppressed = 0;
    // Not awaited: the answer does not wait for the audit write; a failure is logged.
    appendAudit(store, {
      actor: c.get("actor") ?? "anonymous",
      action: "api.refused",
      target: `${c.req.method} ${c.req.path}`.slice(0, 300),
      result: "denied",
      detail,
    }).catch((error) => log(`could not audit a refused request: ${(error as Error).message}`));
  };
}
