/** The webhooks daemon service: the relay's lifecycle and `enqueueEvent` (routes: src/api). */
import type { Config } from "../config/mod.ts";
import { loadMasterKey, type MasterKeyRef } from "../secrets/mod.ts";
import type { Store } from "../store/mod.ts";
import { webhookOutboxStatements } from "./outbox.ts";
import { WebhookRelay } from "./relay.ts";
import type { GuardOptions } from "./ssrf_guard.ts";
import { DEFAULT_SCHEDULE_MS, parseSchedule } from "./schedule.ts";
import type { EmitSystemEvent, OutboxEvent } from "./types.ts";

/** Options of {@linkcode createWebhookService}. */
export interface WebhookServiceOptions {
  config: Config;
  store: Store;
  log?: (message: string) => void;
  /** Emits daemon events (`webhook.disabled`) on the hook bus; else they go to webhooks only. */
  emitSystemEvent?: EmitSystemEvent;
  /** The master key, when the caller loaded it already. @default loaded from config.masterKeyFile */
  key?: MasterKeyRef;
  /** Environment to read `PLUGD_WEBHOOK_*` tuning from. @default Deno.env.toObject() */
  env?: Record<string, string | undefined>;
}

/** A running webhooks service: the relay's lifecycle, `enqueueEvent`, and what its routes need. */
export interface WebhookService {
  relay: WebhookRelay;
  /** The master key sealing webhook secrets (for the API's route group). */
  key: MasterKeyRef;
  /** The SSRF guard settings (for the API's route group). */
  guard: GuardOptions;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Queues `event` for every matching enabled webhook in its own write batch. */
  enqueueEvent(event: OutboxEvent): Promise<number>;
  /** Takes `webhooks.allow_private` from a reloaded config (SIGHUP). */
  reload(config: Config): void;
}

function positiveInt(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`${name} must be a positive integer; got "${text}"`);
  }
  return n;
}

/**
 * Builds the service: loads the master key (`config.masterKeyFile`) and reads tuning from the
 * environment: `PLUGD_WEBHOOK_SCHEDULE_MS` (retry delays, comma-separated ms),
 * `PLUGD_WEBHOOK_CONCURRENCY` (global, default 64), `PLUGD_WEBHOOK_ENDPOINT_CONCURRENCY`
 * (default 4), `PLUGD_WEBHOOK_FAILURE_THRESHOLD` (default 5), `PLUGD_WEBHOOK_POLL_MS` (250).
 */
export async function createWebhookService(
  options: WebhookServiceOptions,
): Promise<WebhookService> {
  const { config, store } = options;
  const env = options.env ?? Deno.env.toObject();
  const log = options.log ?? ((m: string) => console.error(`plugd: ${m}`));
  const key = options.key ?? await loadMasterKey(config.masterKeyFile);
  const scheduleText = env.PLUGD_WEBHOOK_SCHEDULE_MS;
  const guard = { allowPrivate: config.webhooks.allowPrivate };
  const enqueueEvent = async (event: OutboxEvent): Promise<number> => {
    const n = await store.write(async () => {
      const statements = await webhookOutboxStatements(store, event);
      return { statements, value: statements.length };
    });
    relay.wake();
    return n;
  };
  const emit: EmitSystemEvent = options.emitSystemEvent ?? (async (type, data) => {
    log(`event ${type} ${JSON.stringify(data)}`);
    await enqueueEvent({
      id: crypto.randomUUID(),
      type,
      source: "/plugd",
      time: new Date().toISOString(),
      data,
    });
  });
  const relay = new WebhookRelay(store, {
    key,
    schedule: scheduleText ? parseSchedule(scheduleText) : DEFAULT_SCHEDULE_MS,
    globalConcurrency: positiveInt(env, "PLUGD_WEBHOOK_CONCURRENCY", 64),
    perEndpointConcurrency: positiveInt(env, "PLUGD_WEBHOOK_ENDPOINT_CONCURRENCY", 4),
    failureThreshold: positiveInt(env, "PLUGD_WEBHOOK_FAILURE_THRESHOLD", 5),
    pollMs: positiveInt(env, "PLUGD_WEBHOOK_POLL_MS", 250),
    guard,
    emitSystemEvent: emit,
    log,
  });
  if (config.webhooks.allowPrivate) {
    log(
      "webhooks: private targets ALLOWED (webhooks.allow_private); the SSRF guard only refuses metadata, unspecified and multicast addresses",
    );
  }
  return {
    relay,
    key,
    guard,
    start: () => relay.start(),
    stop: () => relay.stop(),
    enqueueEvent,
    reload: (next) => {
      guard.allowPrivate = next.webhooks.allowPrivate; // routes and relay share this object
    },
  };
}
