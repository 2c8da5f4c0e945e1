/** `/v1/webhooks` routes: thin handlers over the repository, the outbox and the relay. */
import { Hono } from "hono";
import type { MasterKeyRef } from "../secrets/mod.ts";
import type { Store } from "../store/mod.ts";
import {
  checkSecret,
  createWebhook,
  deleteWebhook,
  deliveryInsert,
  getWebhook,
  type GuardOptions,
  listDeliveries,
  listWebhooks,
  newMessageId,
  redeliver,
  rotateWebhookSecret,
  ROTATION_OVERLAP_MS,
  updateWebhook,
  validateWebhookInput,
  type WebhookInput,
  type WebhookRelay,
} from "../webhooks/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { readJsonObject } from "./read_json.ts";
import type { ApiEnv } from "./types.ts";

/** What the routes need. */
export interface WebhookRouteDeps {
  store: Store;
  key: MasterKeyRef;
  relay: WebhookRelay;
  guard: GuardOptions;
}

/** Builds the route group (reads need `reader`, writes `operator`). */
export function createWebhookRoutes(deps: WebhookRouteDeps): Hono<ApiEnv> {
  const { store, key, relay, guard } = deps;
  const app = new Hono<ApiEnv>();
  const reader = requireScope("reader");
  const operator = requireScope("operator");

  app.get("/v1/webhooks", reader, async (c) => c.json({ webhooks: await listWebhooks(store) }));

  app.post("/v1/webhooks", operator, async (c) => {
    const input = await validateWebhookInput(
      await readJsonObject(c.req.raw),
      false,
      guard,
    ) as WebhookInput;
    const { webhook, secret } = await createWebhook(store, key, input, c.get("actor"));
    return c.json({ ...webhook, secret }, 201);
  });

  app.get(
    "/v1/webhooks/:id",
    reader,
    async (c) => c.json(await getWebhook(store, c.req.param("id"))),
  );

  app.put("/v1/webhooks/:id", operator, async (c) => {
    const patch = await validateWebhookInput(await readJsonObject(c.req.raw), true, guard);
    return c.json(await updateWebhook(store, c.req.param("id"), patch, c.get("actor")));
  });

  app.delete("/v1/webhooks/:id", operator, async (c) => {
    await deleteWebhook(store, c.req.param("id"), c.get("actor"));
    return c.body(null, 204);
  });

  app.post("/v1/webhooks/:id/rotate", operator, async (c) => {
    const body = await readJsonObject(c.req.raw, { optional: true }) as { secret?: unknown };
    const given = body.secret === undefined ? undefined : checkSecret(body.secret);
    const { webhook, secret } = await rotateWebhookSecret(
      store,
      key,
      c.req.param("id"),
      c.get("actor"),
      given,
    );
    const until = new Date(Date.parse(webhook.rotated_at!) + ROTATION_OVERLAP_MS).toISOString();
    return c.json({ ...webhook, secret, previous_secret_valid_until: until });
  });

  app.post("/v1/webhooks/:id/test", operator, async (c) => {
    const hook = await getWebhook(store, c.req.param("id"));
    const nowMs = Date.now();
    const id = newMessageId(nowMs);
    const event = {
      specversion: "1.0",
      id: crypto.randomUUID(),
      source: "/plugd",
      type: "webhook.test",
      time: new Date(nowMs).toISOString(),
      datacontenttype: "application/json",
      data: { webhook_id: hook.id, message: "test delivery from plugd" },
    };
    const wait = c.req.query("wait") === "true";
    const first = wait ? relay.waitForAttempt(id, hook.timeout_ms + 10_000) : null;
    await store.write(() => ({
      statements: [
        deliveryInsert(hook.id, event, JSON.stringify(event), nowMs, event.time, id),
      ],
    }));
    relay.wake();
    if (!first) return c.json({ delivery_id: id, status: "pending" }, 202);
    const attempt = await first;
    return c.json({ delivery_id: id, status: attempt ? "attempted" : "pending", attempt });
  });

  app.get("/v1/webhooks/:id/deliveries", reader, async (c) => {
    const id = c.req.param("id");
    await getWebhook(store, id);
    const limitText = c.req.query("limit");
    const limit = limitText === undefined ? 50 : Number(limitText);
    return c.json(
      await listDeliveries(store, id, { limit, cursor: c.req.query("cursor") ?? null }),
    );
  });

  app.post("/v1/webhooks/:id/deliveries/:delivery/redeliver", operator, async (c) => {
    const result = await redeliver(
      store,
      c.req.param("id"),
      c.req.param("delivery"),
      c.get("actor"),
    );
    relay.wake();
    return c.json(result, 202);
  });

  return app;
}
