/**
 * Disabling an endpoint after a run of failed deliveries or a 410: the check and the write in
 * one store write, audited, then a log line and a `webhook.disabled` system event.
 *
 * @module
 */
import { auditStatement } from "../audit/mod.ts";
import type { Store } from "../store/mod.ts";
import { invalidateOutboxCache } from "./outbox.ts";
import { disableStatements } from "./repository.ts";
import type { EmitSystemEvent } from "./types.ts";

/** What {@linkcode disableIfFailing} needs from the relay. */
export interface AutoDisableOptions {
  /** Failed deliveries in a row that disable an endpoint. */
  failureThreshold: number;
  /** Emits `webhook.disabled`; only logged when absent. */
  emitSystemEvent?: EmitSystemEvent;
  log: (message: string) => void;
}

/**
 * Disables `webhookId` if it is enabled and either `gone` (the receiver answered 410) or its
 * consecutive failures reached the threshold; does nothing otherwise.
 */
export async function disableIfFailing(
  store: Store,
  webhookId: string,
  gone: boolean,
  options: AutoDisableOptions,
): Promise<void> {
  const threshold = options.failureThreshold;
  const reason = await store.write(async () => {
    const rs = await store.execute({
      sql: "SELECT enabled, consecutive_failures FROM webhooks WHERE id = ?",
      args: [webhookId],
    });
    const row = rs.rows[0];
    if (!row || Number(row.enabled) !== 1) return { statements: [] };
    const failures = Number(row.consecutive_failures);
    if (!gone && failures < threshold) return { statements: [] };
    const why = gone ? "the receiver answered 410 Gone" : `${failures} deliveries in a row failed`;
    return {
      statements: [
        ...disableStatements(webhookId, why),
        await auditStatement(store, {
          actor: "daemon",
          action: "webhook.disable",
          target: webhookId,
          result: "ok",
          detail: { reason: why },
        }),
      ],
      value: why,
    };
  });
  if (!reason) return;
  invalidateOutboxCache(store);
  options.log(
    `webhooks: disabled ${webhookId}: ${reason}; re-enable with "plugd webhook enable ${webhookId}" (PUT /v1/webhooks/${webhookId} {"enabled": true})`,
  );
  const data = { webhook_id: webhookId, reason };
  if (options.emitSystemEvent) await options.emitSystemEvent("webhook.disabled", data);
}
