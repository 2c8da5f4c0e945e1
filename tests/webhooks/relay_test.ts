import assert from "node:assert/strict";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { listDeliveries } from "../../src/webhooks/mod.ts";
import { startReceiver, waitUntil } from "./_receiver.ts";
import { startHarness, type WebhookHarness } from "./_setup.ts";

async function createHook(
  h: WebhookHarness,
  url: string,
  eventTypes = ["deployment.*"],
): Promise<{ id: string; secret: string }> {
  const res = await h.api("POST", "/v1/webhooks", { url, event_types: eventTypes });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body;
}

function event(type = "deployment.post_create", data: unknown = { app: "web" }) {
  return { id: crypto.randomUUID(), source: "/deployer", type, data };
}

async function deliveriesOf(h: WebhookHarness, id: string) {
  return (await listDeliveries(h.store, id, { limit: 100 })).deliveries;
}

Deno.test("relay delivers a signed event that standardwebhooks' Webhook.verify accepts", async () => {
  await using h = await startHarness();
  await using rx = startReceiver();
  const hook = await createHook(h, `${rx.url}/in`);
  assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
  assert.equal(await h.service.enqueueEvent(event()), 1);
  assert.equal(await h.service.enqueueEvent(event("other.thing")), 0);
  await rx.waitFor(1);
  const got = rx.received[0]!;
  const headers = Object.fromEntries(got.headers);
  const verified = new StandardWebhook(hook.secret).verify(got.body, headers) as {
    type: string;
    data: unknown;
    specversion: string;
  };
  assert.equal(verified.type, "deployment.post_create");
  assert.equal(verified.specversion, "1.0");
  assert.deepEqual(verified.data, { app: "web" });
  assert.match(headers["webhook-id"]!, /^msg_/);
  const done = await waitUntil(async () => {
    const [d] = await deliveriesOf(h, hook.id);
    return d?.status === "delivered" ? d : null;
  }, "delivered status");
  assert.equal(done.attempts, 1);
  assert.equal(done.attempt_log?.[0]?.status_code, 200);
  assert.equal(done.attempt_log?.[0]?.response_body, "ok");
});

Deno.test("relay retries 5xx, 408 and 429 under the same webhook-id, each attempt signed", async () => {
  await using h = await startHarness();
  const answers = [500, 408, 429, 200];
  await using rx = startReceiver((i) =>
    new Response("x", {
      status: answers[i] ?? 200,
      headers: answers[i] === 429 ? { "retry-after": "0" } : {},
    })
  );
  const hook = await createHook(h, rx.url);
  await h.service.enqueueEvent(event());
  await rx.waitFor(4);
  const ids = new Set(rx.received.map((r) => r.headers.get("webhook-id")));
  assert.equal(ids.size, 1);
  for (const r of rx.received) {
    new StandardWebhook(hook.secret).verify(r.body, Object.fromEntries(r.headers));
  }
  const d = await waitUntil(async () => {
    const [x] = await deliveriesOf(h, hook.id);
    return x?.status === "delivered" ? x : null;
  }, "delivered after retries");
  assert.equal(d.attempts, 4);
  assert.deepEqual(d.attempt_log?.map((a) => a.status_code), [500, 408, 429, 200]);
});

Deno.test("relay does not retry a 400, and fails after the last scheduled attempt", async () => {
  await using h = await startHarness();
  await using bad = startReceiver(() => new Response("no", { status: 400 }));
  await using down = startReceiver(() => new Response("busy", { status: 503 }));
  const a = await createHook(h, bad.url);
  const b = await createHook(h, down.url);
  await h.service.enqueueEvent(event());
  const failedA = await waitUntil(async () => {
    const [x] = await deliveriesOf(h, a.id);
    return x?.status === "failed" ? x : null;
  }, "400 delivery failed");
  assert.equal(failedA.attempts, 1);
  const failedB = await waitUntil(async () => {
    const [x] = await deliveriesOf(h, b.id);
    return x?.status === "failed" ? x : null;
  }, "503 delivery failed");
  assert.equal(failedB.attempts, 4, "1 attempt + 3 retries with a 3-step schedule");
  assert.equal(down.received.length, 4);
});

Deno.test("a 302 is a failure and is not followed", async () => {
  await using h = await startHarness();
  await using target = startReceiver();
  await using rx = startReceiver(() =>
    new Response(null, { status: 302, headers: { location: `${target.url}/stolen` } })
  );
  const hook = await createHook(h, rx.url);
  await h.service.enqueueEvent(event());
  const d = await waitUntil(async () => {
    const [x] = await deliveriesOf(h, hook.id);
    return x?.status === "failed" ? x : null;
  }, "redirect failed");
  assert.equal(d.last_status_code, 302);
  assert.match(d.attempt_log?.[0]?.error ?? "", /redirect 302 not followed/);
  assert.equal(target.received.length, 0);
});

Deno.test("410 Gone disables the endpoint and emits webhook.disabled", async () => {
  await using h = await startHarness();
  await using rx = startReceiver(() => new Response("gone", { status: 410 }));
  const hook = await createHook(h, rx.url);
  await h.service.enqueueEvent(event());
  await waitUntil(() => h.events.find((e) => e.type === "webhook.disabled"), "disabled event");
  const res = await h.api("GET", `/v1/webhooks/${hook.id}`);
  const body = await res.json();
  assert.equal(body.enabled, false);
  assert.match(body.disabled_reason, /410/);
  assert.equal(await h.service.enqueueEvent(event()), 0, "disabled endpoints get no new rows");
});

Deno.test("after N failed deliveries in a row the endpoint is disabled", async () => {
  await using h = await startHarness({
    PLUGD_WEBHOOK_SCHEDULE_MS: "10",
    PLUGD_WEBHOOK_FAILURE_THRESHOLD: "3",
  });
  await using rx = startReceiver(() => new Response("down", { status: 500 }));
  const hook = await createHook(h, rx.url);
  for (let i = 0; i < 3; i++) await h.service.enqueueEvent(event());
  const e = await waitUntil(
    () => h.events.find((x) => x.type === "webhook.disabled"),
    "disabled event",
  );
  assert.equal(e.data.webhook_id, hook.id);
  assert.match(String(e.data.reason), /3 deliveries in a row failed/);
  const audit = await h.store.execute(
    "SELECT action, detail FROM audit_log WHERE action = 'webhook.disable'",
  );
  assert.equal(audit.rows.length, 1);
  const res = await h.api("PUT", `/v1/webhooks/${hook.id}`, { enabled: true });
  const body = await res.json();
  assert.equal(body.enabled, true);
  assert.equal(body.consecutive_failures, 0);
  assert.equal(body.disabled_reason, null);
});

Deno.test("per-endpoint concurrency cap holds", async () => {
  await using h = await startHarness({ PLUGD_WEBHOOK_ENDPOINT_CONCURRENCY: "2" });
  let inFlight = 0;
  let peak = 0;
  const gate = Promise.withResolvers<void>();
  await using rx = startReceiver(async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await gate.promise;
    inFlight--;
    return new Response("ok");
  });
  const hook = await createHook(h, rx.url);
  for (let i = 0; i < 6; i++) await h.service.enqueueEvent(event());
  await rx.waitFor(2);
  gate.resolve();
  await waitUntil(async () => {
    const list = await deliveriesOf(h, hook.id);
    return list.length === 6 && list.every((d) => d.status === "delivered");
  }, "all delivered");
  assert.equal(peak, 2);
});

Deno.test("test endpoint with ?wait=true returns the first attempt; deliveries paginate", async () => {
  await using h = await startHarness();
  await using rx = startReceiver(() => new Response("pong", { status: 200 }));
  const hook = await createHook(h, rx.url, ["*"]);
  const res = await h.api("POST", `/v1/webhooks/${hook.id}/test?wait=true`);
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.attempt.status_code, 200);
  assert.equal(body.attempt.response_body, "pong");
  for (let i = 0; i < 3; i++) await h.service.enqueueEvent(event());
  await waitUntil(async () => (await deliveriesOf(h, hook.id)).length === 4, "4 rows");
  const p1 = await (await h.api("GET", `/v1/webhooks/${hook.id}/deliveries?limit=3`)).json();
  assert.equal(p1.deliveries.length, 3);
  assert.ok(p1.next_cursor);
  const p2 = await (await h.api(
    "GET",
    `/v1/webhooks/${hook.id}/deliveries?limit=3&cursor=${p1.next_cursor}`,
  )).json();
  assert.equal(p2.deliveries.length, 1);
  assert.equal(p2.deliveries[0].event_type, "webhook.test", "oldest last");
  assert.equal(p2.next_cursor, null);
});

Deno.test("rotation signs with both secrets; both verify", async () => {
  await using h = await startHarness();
  await using rx = startReceiver();
  const hook = await createHook(h, rx.url);
  const res = await h.api("POST", `/v1/webhooks/${hook.id}/rotate`);
  const rotated = await res.json();
  assert.equal(res.status, 200);
  assert.notEqual(rotated.secret, hook.secret);
  assert.ok(rotated.previous_secret_valid_until);
  await h.service.enqueueEvent(event());
  await rx.waitFor(1);
  const got = rx.received[0]!;
  const sig = got.headers.get("webhook-signature")!;
  assert.equal(sig.split(" ").length, 2);
  const headers = Object.fromEntries(got.headers);
  new StandardWebhook(hook.secret).verify(got.body, headers);
  new StandardWebhook(rotated.secret).verify(got.body, headers);
  const row = await h.store.execute("SELECT secret_enc, previous_secret_enc FROM webhooks");
  const stored = JSON.stringify(row.rows[0]);
  assert.ok(!stored.includes(hook.secret.slice(6)) && !stored.includes(rotated.secret.slice(6)));
  const audit = await h.store.execute("SELECT detail FROM audit_log");
  assert.ok(!JSON.stringify(audit.rows).includes("whsec_"));
});

Deno.test("webhookOutboxStatements rows commit in the caller's batch and are delivered", async () => {
  const { webhookOutboxStatements } = await import("../../src/webhooks/mod.ts");
  await using h = await startHarness();
  await using rx = startReceiver();
  await createHook(h, rx.url, ["deployment.post_create"]);
  await h.store.write(async () => ({
    statements: [...await webhookOutboxStatements(h.store, event())],
  }));
  await rx.waitFor(1);
});

Deno.test("deleting a webhook while its delivery is in flight does not break other records", async () => {
  await using h = await startHarness();
  const gate = Promise.withResolvers<void>();
  await using slow = startReceiver(async () => {
    await gate.promise;
    return new Response("late");
  });
  await using fast = startReceiver();
  const a = await createHook(h, slow.url);
  const b = await createHook(h, fast.url);
  await h.service.enqueueEvent(event());
  await slow.waitFor(1);
  const del = await h.api("DELETE", `/v1/webhooks/${a.id}`);
  assert.equal(del.status, 204);
  gate.resolve();
  await h.service.enqueueEvent(event());
  await waitUntil(async () => {
    const list = await deliveriesOf(h, b.id);
    return list.length === 2 && list.every((d) => d.status === "delivered");
  }, "other endpoint's deliveries recorded");
});
