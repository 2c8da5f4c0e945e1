/** An in-process webhooks service on a real libSQL file, behind the real API app. */
import { join } from "node:path";
import { createApp, createWebhookRoutes } from "../../src/api/mod.ts";
import { loadConfig } from "../../src/config/mod.ts";
import { openStore, type Store } from "../../src/store/mod.ts";
import { createWebhookService, type WebhookService } from "../../src/webhooks/mod.ts";

/** The service under test and an `api()` helper that calls it over the trusted transport. */
export interface WebhookHarness {
  dir: string;
  store: Store;
  service: WebhookService;
  events: { type: string; data: Record<string, unknown> }[];
  api: (method: string, path: string, body?: unknown) => Promise<Response>;
  [Symbol.asyncDispose]: () => Promise<void>;
}

/** Starts the service with a short schedule (`PLUGD_WEBHOOK_SCHEDULE_MS=20,40,60`). */
export async function startHarness(
  env: Record<string, string> = {},
  allowPrivate = true,
): Promise<WebhookHarness> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-wh-" });
  const config = await loadConfig({ stateDir: dir }, {
    PLUGD_WEBHOOKS_ALLOW_PRIVATE: String(allowPrivate),
  });
  const store = await openStore(`file:${join(dir, "plugd.db")}`);
  const events: { type: string; data: Record<string, unknown> }[] = [];
  const service = await createWebhookService({
    config,
    store,
    log: () => {},
    env: { PLUGD_WEBHOOK_SCHEDULE_MS: "20,40,60", PLUGD_WEBHOOK_POLL_MS: "20", ...env },
    emitSystemEvent: (type, data) => void events.push({ type, data }),
  });
  await service.start();
  const app = createApp({
    store,
    startedAt: new Date(),
    state: () => "running",
    groups: [createWebhookRoutes({ store, ...service })],
  });
  const api = (method: string, path: string, body?: unknown) =>
    Promise.resolve(app.request(path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }, { transport: "socket" }));
  return {
    dir,
    store,
    service,
    events,
    api,
    [Symbol.asyncDispose]: async () => {
      await service.stop();
      store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
