import assert from "node:assert/strict";
import { createWebhook, listDeliveries } from "../../src/webhooks/mod.ts";
import { HOSTILE_HOSTS } from "./_hostile_hosts.ts";
import { parseWebhookUrl, WebhookTargetError } from "../../src/webhooks/mod.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { countingListener } from "./_listener.ts";
import { waitUntil } from "./_receiver.ts";
import { startHarness } from "./_setup.ts";

Deno.test("parseWebhookUrl() refuses every hostile host form", () => {
  assert.ok(HOSTILE_HOSTS.length >= 25);
  for (const host of HOSTILE_HOSTS) {
    assert.throws(
      () => parseWebhookUrl(`http://${host}:8080/x`),
      WebhookTargetError,
      `${host} must be refused`,
    );
  }
});

Deno.test("the daemon refuses every hostile webhook URL at creation; the listener sees no connection", async () => {
  await using listener = countingListener();
  await using daemon = await startDaemon();
  const hosts = [...HOSTILE_HOSTS, "127.0.0.1.nip.io", "localtest.me"];
  assert.ok(hosts.length >= 25);
  for (const host of hosts) {
    const res = await daemon.fetch("/v1/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: `http://${host}:${listener.port}/x`, event_types: ["*"] }),
    });
    const body = await res.json();
    assert.equal(res.status, 422, `${host}: ${JSON.stringify(body)}`);
    assert.equal(res.headers.get("content-type"), "application/problem+json");
    assert.match(body.detail, /address|resolve/, host);
  }
  const list = await (await daemon.fetch("/v1/webhooks")).json();
  assert.deepEqual(list.webhooks, []);
  assert.equal(listener.connections(), 0);
});

Deno.test("the relay re-checks at delivery time: rows aimed at private addresses never connect", async () => {
  await using listener = countingListener();
  await using h = await startHarness({ PLUGD_WEBHOOK_SCHEDULE_MS: "10" }, false);
  const { loadMasterKey } = await import("../../src/secrets/mod.ts");
  const masterKey = await loadMasterKey(`${h.dir}/master.key`);
  const ids: string[] = [];
  // Saved directly (as if private targets had been allowed when they were created).
  for (const host of HOSTILE_HOSTS) {
    const { webhook } = await createWebhook(h.store, masterKey, {
      name: host,
      url: `http://${host}:${listener.port}/x`,
      event_types: ["*"],
      timeout_ms: 1000,
      enabled: true,
    }, "test");
    ids.push(webhook.id);
  }
  assert.equal(
    await h.service.enqueueEvent({ id: "e1", type: "x.y", source: "/t", data: {} }),
    HOSTILE_HOSTS.length,
  );
  for (const id of ids) {
    const d = await waitUntil(async () => {
      const [x] = (await listDeliveries(h.store, id)).deliveries;
      return x?.status === "failed" ? x : null;
    }, `refusal of ${id}`);
    assert.equal(d.attempts, 1, "a policy refusal is not retried");
    assert.match(d.attempt_log?.[0]?.error ?? "", /address/);
  }
  assert.equal(listener.connections(), 0);
});
