/** Refused requests (401, 403) recorded in the audit log, rate-limited so a scan cannot flood it. */
import type { MiddlewareHandler } from "hono";
import { appendAudit } from "../audit/mod.ts";
import type { Store } from "../store/mod.ts";
import type { ApiEnv } from "./types.ts";

/** Options of {@linkcode RefusalAudit}. */
export interface RefusalAuditOptions {
  /** Refusals recorded per second, overall. @default 5 */
  ratePerSecond?: number;
  /** Refusals recorded in a burst. @default 20 */
  burst?: number;
  /** @default console.error */
  log?: (message: string) => void;
}

/** One answered request, as the audit of refusals sees it. */
export interface AnsweredRequest {
  status: number;
  /** Why it was refused (the error's message). */
  reason: string;
  transport?: string;
  remote?: string;
  /** The caller, when one was recognised. */
  actor?: string;
  method: string;
  path: string;
}

/**
 * A 401 or 403 answer becomes an audit row `api.refused` (actor: the token if one was
 * recognised, else `anonymous`; target: `METHOD path`; detail: status, reason, remote address).
 * Past the rate, refusals are counted and the next recorded row carries the number skipped
 * (`detail.suppressed`), so the log shows the flood without growing with it. One instance serves
 * every path that answers requests (the Hono app and the socket's event intake), so they share
 * the rate.
 */
export class RefusalAudit {
  #store: Store;
  #rate: number;
  #burst: number;
  #log: (message: string) => void;
  #tokens: number;
  #at = performance.now();
  #suppressed = 0;

  constructor(store: Store, options: RefusalAuditOptions = {}) {
    const { ratePerSecond = 5, burst = 20, log = (m) => console.error(`plugd: ${m}`) } = options;
    this.#store = store;
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#log = log;
    this.#tokens = burst;
  }

  /** Records `answered` when it is a refusal (401 or 403); other answers are ignored. */
  record(answered: AnsweredRequest): void {
    const { status } = answered;
    if (status !== 401 && status !== 403) return;
    const now = performance.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) / 1000) * this.#rate);
    this.#at = now;
    if (this.#tokens < 1) {
      this.#suppressed++;
      return;
    }
    this.#tokens -= 1;
    const detail: Record<string, unknown> = {
      status,
      reason: answered.reason.slice(0, 300),
      transport: answered.transport,
    };
    if (answered.remote) detail.remote = answered.remote;
    if (this.#suppressed > 0) detail.suppressed = this.#suppressed;
    this.#suppressed = 0;
    // Not awaited: the answer does not wait for the audit write; a failure is logged.
    appendAudit(this.#store, {
      actor: answered.actor ?? "anonymous",
      action: "api.refused",
      target: `${answered.method} ${answered.path}`.slice(0, 300),
      result: "denied",
      detail,
    }).catch((error) =>
      this.#log(`could not audit a refused request: ${(error as Error).message}`)
    );
  }

  /** The same, as a Hono middleware (after the request ran). */
  middleware(): MiddlewareHandler<ApiEnv> {
    return async (c, next) => {
      await next();
      const status = c.res.status;
      if (status !== 401 && status !== 403) return;
      this.record({
        status,
        reason: c.error?.message ?? "",
        transport: c.env?.transport,
        remote: c.env?.remote,
        actor: c.get("actor"),
        method: c.req.method,
        path: c.req.path,
      });
    };
  }
}

/** {@linkcode RefusalAudit} as a middleware of its own (its own rate). */
export function auditRefusals(
  store: Store,
  options: RefusalAuditOptions = {},
): MiddlewareHandler<ApiEnv> {
  return new RefusalAudit(store, options).middleware();
}
