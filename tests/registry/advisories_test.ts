/**
 * Advisories end to end: a registry admin publishes a signed `disable` advisory and the daemon,
 * polling every second, stops the affected plugin within one poll interval (state failed,
 * reason advisory, audited, emitted); `warn` shows in plugin info and /metrics; forged,
 * unsigned, replayed and foreign-key feeds are refused, pushed or polled.
 */
import assert from "node:assert/strict";
import { waitFor } from "../helpers/wait_for.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { generateKeyPair } from "../../src/signing/mod.ts";
import { signFeed } from "../../src/registry/mod.ts";
import { createPublisher, packTestPlugin, publish, startRegistry } from "./_registry.ts";
import { installEnabled, startMarketDaemon } from "./_daemon_setup.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

Deno.test("a disable advisory stops the installed version within one poll interval; warn is shown", async () => {
  await using registry = await startRegistry();
  const root = await moduleTempDir("plugd-adv-");
  const acme = await createPublisher(registry, "acme");
  for (
    const [id, version] of [["acme-bad", "1.0.0"], ["acme-bad", "1.0.1"], ["acme-meh", "1.0.0"]]
  ) {
    await publish(
      registry,
      acme.token,
      await packTestPlugin(root, acme.key, { id: id!, version: version! }),
    );
  }
  await using m = await startMarketDaemon(registry, acme, {
    env: { PLUGD_ADVISORY_POLL_S: "1" },
    events: ["plugin.failed", "plugin.advisory"],
  });
  await installEnabled(m, "acme-bad@1.0.0");
  await installEnabled(m, "acme-meh");

  const published = Date.now();
  const adv = await registry.call("POST", "/api/v1/admin/advisories", {
    plugin: "acme-bad",
    versions: "<1.0.1",
    severity: "critical",
    action: "disable",
    title: "Exfiltrates config secrets",
    description: "1.0.0 posts its config to a third party.",
    fixed_in: "1.0.1",
  });
  assert.equal(adv.status, 201);
  const view = await waitFor(
    async () => {
      const v = (await m.call("GET", "/v1/plugins/acme-bad")).body;
      return v.state === "failed" ? v : null;
    },
    "the advisory to disable acme-bad",
    30_000,
  );
  console.log(`advisory published -> plugin failed: ${Date.now() - published} ms (poll 1 s)`);
  assert.match(
    view.failed_reason,
    /^advisory ADV-0001 \(critical\) from registry corp: Exfiltrates config secrets; fixed in 1\.0\.1$/,
  );
  assert.equal(view.stats.state, "stopped");
  assert.equal(view.advisories[0].id, "ADV-0001");

  const enable = await m.call("POST", "/v1/plugins/acme-bad/enable");
  assert.equal(enable.status, 409);
  assert.match(enable.body.detail, /disabled by advisory ADV-0001.*update to 1\.0\.1 or later/);
  const reinstall = await m.call("POST", "/v1/plugins", { source: "acme-bad@1.0.0" });
  assert.equal(reinstall.status, 422, "resolution never picks a version an advisory disables");
  assert.match(reinstall.body.detail, /skipped: 1\.0\.0 \(advisory ADV-0001: Exfiltrates/);
  await m.receiver.waitFor(1);
  const failed = await waitFor(
    () => m.events("plugin.failed").find((e) => e.plugin === "acme-bad"),
    "plugin.failed",
  );
  assert.equal(failed.reason, "advisory");
  assert.equal(failed.advisory, "ADV-0001");
  const audit = (await m.call("GET", "/v1/audit?limit=200")).body;
  const rows = (audit.rows ?? audit.entries ?? audit) as { action: string; target: string }[];
  assert.ok(rows.some((r) => r.action === "plugin.advisory.disable" && r.target === "acme-bad"));
  assert.ok(rows.some((r) => r.action === "advisory.accept"));

  // The fixed version installs and runs again.
  const update = await m.call("POST", "/v1/plugins/acme-bad/update", { source: "@latest" });
  assert.equal(update.status, 200, JSON.stringify(update.body));
  assert.equal(update.body.version, "1.0.1");
  assert.equal((await m.call("POST", "/v1/plugins/acme-bad/enable")).status, 200);

  // warn: shown in info, /metrics and the event, the plugin keeps running.
  await registry.call("POST", "/api/v1/admin/advisories", {
    plugin: "acme-meh",
    versions: "*",
    severity: "medium",
    action: "warn",
    title: "Unmaintained",
    description: "No fixes will come.",
  });
  const warned = await waitFor(
    async () => {
      const v = (await m.call("GET", "/v1/plugins/acme-meh")).body;
      return v.advisories.length ? v : null;
    },
    "the warn advisory",
    30_000,
  );
  assert.equal(warned.state, "enabled");
  assert.equal(warned.advisories[0].action, "warn");
  const metrics = await (await m.daemon.fetch("/metrics")).text();
  assert.match(
    metrics,
    /plugd_plugin_advisories\{plugin="acme-meh",advisory="ADV-0002",registry="corp",severity="medium",action="warn"\} 1/,
  );
  const event = await waitFor(() => m.events("plugin.advisory")[0], "plugin.advisory");
  assert.equal(event.plugin, "acme-meh");
  const info = await runPlugd(["plugin", "info", "acme-meh", "--socket", m.daemon.socketPath]);
  assert.match(info.stdout, /ADVISORY ADV-0002 \(medium, warn\): Unmaintained/);
  const list = await runPlugd(["advisory", "list", "--socket", m.daemon.socketPath]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /registry corp: feed at entry 2/);
  assert.match(list.stdout, /ADV-0002\s+corp\s+acme-meh/);
});

Deno.test("forged, unsigned, replayed and foreign-key feeds are refused, pushed or polled", async () => {
  await using registry = await startRegistry();
  const root = await moduleTempDir("plugd-adv2-");
  const acme = await createPublisher(registry, "acme");
  await publish(
    registry,
    acme.token,
    await packTestPlugin(root, acme.key, { id: "acme-ok", version: "1.0.0" }),
  );
  // A rogue "registry" that claims the real registry's key id but signs with its own key.
  const rogue = (await generateKeyPair()).privateFile;
  await using fake = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async () => {
      const real = await (await fetch(`${registry.url}/api/v1/advisories`)).json();
      const feed = JSON.parse(real.feed);
      feed.advisories = [];
      const signed = await signFeed(feed, rogue);
      return Response.json({ ...signed, key_id: real.key_id });
    },
  );
  await using m = await startMarketDaemon(registry, acme, {
    registries: `${registry.url};name=corp;key=${registry.advisoryKey},` +
      `http://127.0.0.1:${fake.addr.port};name=rogue;key=${registry.advisoryKey}`,
    env: { PLUGD_ADVISORY_POLL_S: "3600" },
  });
  await installEnabled(m, "acme-ok");

  const feed1 = await (await fetch(`${registry.url}/api/v1/advisories`)).json();
  await registry.call("POST", "/api/v1/admin/advisories", {
    plugin: "acme-ok",
    versions: "*",
    severity: "high",
    action: "disable",
    title: "Bad",
    description: "Bad.",
  });
  const feed2 = await (await fetch(`${registry.url}/api/v1/advisories`)).json();

  const push = (doc: unknown) => m.call("POST", "/v1/advisories", doc);
  const forged = { ...feed2, feed: feed2.feed.replace('"Bad"', '"Fine"') };
  assert.equal((await push(forged)).body.code, "bad_signature");
  assert.equal((await push(JSON.parse(feed2.feed))).body.code, "unsigned");
  const foreign = await signFeed(JSON.parse(feed2.feed), rogue);
  const wrongKey = await push(foreign);
  assert.equal(wrongKey.status, 422);
  assert.equal(wrongKey.body.code, "wrong_key");
  assert.equal(
    (await m.call("GET", "/v1/plugins/acme-ok")).body.state,
    "enabled",
    "nothing refused acted",
  );

  const accepted = await push(feed2);
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.equal(accepted.body.seq, 1);
  assert.equal(accepted.body.applied[0].plugin, "acme-ok");
  assert.equal((await m.call("GET", "/v1/plugins/acme-ok")).body.state, "failed");
  const replayed = await push(feed1);
  assert.equal(replayed.status, 422);
  assert.equal(replayed.body.code, "replayed");

  // Polled: the real registry is fine, the rogue one is refused and reported.
  const check = await m.call("POST", "/v1/advisories/check");
  assert.equal(check.status, 200);
  const status = (await m.call("GET", "/v1/advisories")).body;
  const rogueStatus = status.registries.find((r: { name: string }) => r.name === "rogue");
  assert.match(rogueStatus.error, /signature does not verify/);
  assert.equal(status.registries.find((r: { name: string }) => r.name === "corp").seq, 1);
  const audit = (await m.call("GET", "/v1/audit?limit=200")).body;
  const rows = (audit.rows ?? audit.entries ?? audit) as { action: string; result: string }[];
  for (const code of ["bad_signature", "unsigned", "replayed"]) {
    assert.ok(rows.some((r) => r.action === "advisory.refuse" && r.result === code), code);
  }
  const cli = await runPlugd(["advisory", "push", "/dev/null", "--socket", m.daemon.socketPath]);
  assert.equal(cli.code, 1);
});
