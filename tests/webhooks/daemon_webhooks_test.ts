import assert from "node:assert/strict";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { startReceiver, waitUntil } from "./_receiver.ts";

const ENV = { PLUGD_WEBHOOKS_ALLOW_PRIVATE: "true", PLUGD_WEBHOOK_SCHEDULE_MS: "200,400,800,1600" };

async function post(d: TestDaemon, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await d.fetch(path, {
    method: "POST",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

Deno.test("webhook API validates input with problem+json and enforces scopes", async () => {
  await using d = await startDaemon({ env: ENV });
  const cases: [unknown, RegExp][] = [
    [{ url: "ftp://x/", event_types: ["a.b"] }, /http or https/],
    [{ url: "http://127.0.0.1:9/", event_types: ["Deploy.*"] }, /Bad event pattern/],
    [{ url: "http://127.0.0.1:9/", event_types: ["deploy*"] }, /Bad event pattern/],
    [{ url: "http://127.0.0.1:9/", event_types: [] }, /event_types/],
    [{ url: "http://127.0.0.1:9/", event_types: ["a.b"], timeout_ms: 0 }, /timeout_ms/],
    [{ url: "http://127.0.0.1:9/", event_types: ["a.b"], secret: "nope" }, /whsec_/],
    [{ url: "http://169.254.169.254/", event_types: ["a.b"] }, /never allowed/],
    [{ url: "http://127.0.0.1:9/", event_types: ["a.b"], extra: 1 }, /Unknown field/],
  ];
  for (const [body, detail] of cases) {
    const res = await post(d, "/v1/webhooks", body);
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.match(res.body.detail, detail);
  }
  const created = await post(d, "/v1/webhooks", {
    url: "http://127.0.0.1:9/hook",
    event_types: ["deployment.*"],
    name: "deploys",
  });
  assert.equal(created.status, 201);
  assert.match(created.body.secret, /^whsec_/);
  const got = await (await d.fetch(`/v1/webhooks/${created.body.id}`)).json();
  assert.equal(got.secret, undefined);
  assert.equal(got.name, "deploys");

  const reader = await post(d, "/v1/tokens", { name: "r", scope: "reader" });
  assert.equal(reader.status, 201);
  const asReader = { authorization: `Bearer ${reader.body.token}` };
  const list = await d.fetch("/v1/webhooks", { headers: asReader });
  assert.equal(list.status, 200);
  assert.equal((await list.json()).webhooks.length, 1);
  const denied = await post(
    d,
    "/v1/webhooks",
    { url: "http://127.0.0.1:9/", event_types: ["a"] },
    reader.body.token,
  );
  assert.equal(denied.status, 403);
  const del = await d.fetch(`/v1/webhooks/${created.body.id}`, {
    method: "DELETE",
    headers: asReader,
  });
  assert.equal(del.status, 403);
  await del.body?.cancel();

  const gone = await d.fetch(`/v1/webhooks/${created.body.id}`, { method: "DELETE" });
  assert.equal(gone.status, 204);
  const missing = await d.fetch(`/v1/webhooks/${created.body.id}`);
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
  const audit = await (await d.fetch("/v1/audit")).json();
  const actions = audit.rows.map((r: { action: string }) => r.action);
  assert.ok(actions.includes("webhook.create") && actions.includes("webhook.delete"));
  assert.ok(!JSON.stringify(audit).includes(created.body.secret));
});

Deno.test("a queued delivery survives kill -9 and arrives after restart", async () => {
  // Find a free port, then leave it closed: the receiver is "down".
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const first = await startDaemon({ env: ENV });
  let stateDir = first.stateDir;
  let msgId = "";
  let secret = "";
  try {
    const hook = await post(first, "/v1/webhooks", {
      url: `http://127.0.0.1:${port}/in`,
      event_types: ["*"],
    });
    assert.equal(hook.status, 201);
    secret = hook.body.secret;
    const test = await post(first, `/v1/webhooks/${hook.body.id}/test`);
    assert.equal(test.status, 202);
    msgId = test.body.delivery_id;
    await waitUntil(async () => {
      const page = await (await first.fetch(`/v1/webhooks/${hook.body.id}/deliveries`)).json();
      return page.deliveries[0]?.attempts >= 1;
    }, "a failed first attempt");
  } finally {
    stateDir = first.stateDir;
    await first.kill();
  }
  await using rx = startReceiver(() => new Response("ok"), port);
  await using second = await startDaemon({ env: ENV, stateDir });
  await rx.waitFor(1, 30_000);
  const got = rx.received[0]!;
  assert.equal(got.headers.get("webhook-id"), msgId);
  new StandardWebhook(secret).verify(got.body, Object.fromEntries(got.headers));
  assert.equal(JSON.parse(got.body).type, "webhook.test");
  void second;
});
