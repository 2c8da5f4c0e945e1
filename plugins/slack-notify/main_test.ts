import assert from "node:assert/strict";
import { startPlugin } from "@plugd/sdk/testing";

const dir = new URL(".", import.meta.url).pathname;

Deno.test("slack-notify posts deployments to the webhook (a local receiver stands in for Slack)", async () => {
  const received: { channel: string; text: string }[] = [];
  await using slack = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    received.push(await req.json());
    return new Response("ok");
  });
  const port = slack.addr.port;
  await using plugin = await startPlugin(dir, {
    // The operator would grant hooks.slack.com:443; the test grants its local receiver.
    grant: { net: [`127.0.0.1:${port}`], emit: ["slack.*"] },
    config: { webhook_url: `http://127.0.0.1:${port}/services/T/B/X`, level: "warning" },
  });

  const out = await plugin.emit("deployment.post_create", { app: "web", version: "1.4.2" });
  assert.deepEqual(out, { sent: true, text: ":warning: web 1.4.2 deployed to production" });
  assert.deepEqual(received, [{
    channel: "#deployments",
    text: ":warning: web 1.4.2 deployed to production",
  }]);
  assert.equal(plugin.host.emitted[0]?.type, "slack.message_sent");

  const routed = await plugin.route("POST", "/notify", { body: JSON.stringify({ text: "hi" }) });
  assert.equal(routed.status, 200);
  assert.equal(received[1]?.text, "hi");
  const bad = await plugin.route("POST", "/notify", { body: "{}" });
  assert.equal(bad.status, 400);

  // ci-pipelines' events, linked to the run.
  await plugin.emit("ci.pipeline.failed", {
    repo: "acme/web",
    branch: "main",
    name: "CI",
    sha: "a1b2c3d4e5f60718293a",
    url: "https://github.com/acme/web/actions/runs/7",
  });
  assert.equal(
    received[2]?.text,
    ":x: <https://github.com/acme/web/actions/runs/7|acme/web main CI> failed at a1b2c3d4e5",
  );
  await plugin.emit("ci.gate.overridden", { app: "web", sha: "a1b2c3d4e5f6", reason: "INC-7" });
  assert.equal(
    received[3]?.text,
    ":warning: web at a1b2c3d4e5 deployed by emergency override: INC-7",
  );
});

Deno.test("slack-notify without the net grant cannot reach the receiver", async () => {
  await using slack = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("ok"),
  );
  await using plugin = await startPlugin(dir, {
    config: { webhook_url: `http://127.0.0.1:${slack.addr.port}/x` },
  });
  await assert.rejects(plugin.emit("deployment.post_create", { app: "web" }), /net/);
});
