/** What `HookBus` is built from, and what its `emit()` answers. */
import type { InStatement } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import type { DispatchLimits, RetryPolicy } from "./dispatch_policy.ts";
import type { CloudEvent, DeliveryResult, HookHost } from "./types.ts";

/** Options of `HookBus`. */
export interface HookBusOptions {
  store: Store;
  host: HookHost;
  /** @default console.error */
  log?: (message: string) => void;
  /** Statements committed in the same batch as each accepted event (webhook outbox). */
  outboxStatements?: (event: CloudEvent) => Promise<InStatement[]>;
  /** @default { maxAttempts: 5, baseDelayMs: 500 } */
  retry?: Partial<RetryPolicy>;
  /** Completed events older than this are deleted at start. @default 7 days */
  retentionMs?: number;
  /** Memory and timing limits of delivery. @default DISPATCH_LIMITS */
  dispatch?: Partial<DispatchLimits>;
  /**
   * Tenants: `enforced` says whether any is registered (until then `tenant` is an ordinary
   * attribute, not routed on); `require` checks the tenant an event, filter or gate names (throws
   * `UnknownTenantError`, a 400). @default none: no tenants, `tenant` is never routed on
   */
  tenants?: {
    enforced(): Promise<boolean>;
    require(id: unknown, what?: string): Promise<string>;
  };
}

/** What `emit()` answers. */
export interface EmitResult {
  id: string;
  /** True when an event with this id was already accepted (not dispatched again). */
  duplicate: boolean;
  /** With `wait`: per-plugin results. */
  results?: DeliveryResult[];
  status?: "pending" | "completed";
}
