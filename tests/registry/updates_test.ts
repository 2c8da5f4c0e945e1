/**
 * Updates from a registry with a real daemon and running plugins: `outdated` with the
 * permission diff, auto-update `patch` applying a patch and rolling back a broken one (never
 * retried), a widening update left for the operator, and `update --all` where the widening
 * update waits for a grant.
 */
import assert from "node:assert/strict";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { createPublisher, packTestPlugin, publish, startRegistry } from "./_registry.ts";
import { installEnabled, startMarketDaemon } from "./_daemon_setup.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

const UNHEALTHY = 'import { definePlugin } from "@plugd/sdk";\n\nexport default definePlugin({\n' +
  '  actions: { "demo.ping": () => {} },\n  health: () => ({ status: "unhealthy" }),\n});\n';

Deno.test("outdated, auto-update patch with rollback of a broken version, update --all waiting for a grant", async () => {
  await using registry = await startRegistry();
  const root = await moduleTempDir("plugd-upd-");
  const acme = await createPublisher(registry, "acme");
  const net = (hosts: string[]) => ({ net: hosts });
  const put = async (version: string, o: { hosts?: string[]; main?: string } = {}) => {
    const tgz = await packTestPlugin(root, acme.key, {
      id: "acme-upd",
      version,
      permissions: net(o.hosts ?? ["api.example.com:443"]),
      main: o.main,
    });
    assert.equal((await publish(registry, acme.token, tgz)).status, 201);
  };
  await put("1.0.0");
  await using m = await startMarketDaemon(registry, acme, {
    events: ["plugin.update_available", "plugin.updated"],
  });
  await installEnabled(m, "acme-upd");
  await put("1.0.1");
  await put("1.1.0", { hosts: ["api.example.com:443", "hooks.example.com:443"] });

  const outdated = (await m.call("GET", "/v1/updates")).body;
  const [info] = outdated.updates;
  assert.equal(info.id, "acme-upd");
  assert.equal(info.latest.version, "1.1.0");
  assert.equal(info.latest.widening, true);
  assert.match(info.latest.permissions_diff, /hooks\.example\.com:443/);
  assert.equal(info.wanted, null, "policy off: nothing applies on its own");

  const policy = await runPlugd([
    "plugin",
    "auto-update",
    "acme-upd",
    "patch",
    "--socket",
    m.daemon.socketPath,
  ]);
  assert.equal(policy.code, 0, policy.stderr);
  const run1 = (await m.call("POST", "/v1/updates/check")).body;
  assert.deepEqual(run1.applied.map((a: { to: string; result: string }) => `${a.to} ${a.result}`), [
    "1.0.1 updated",
  ]);
  assert.deepEqual(run1.announced, [{ id: "acme-upd", version: "1.1.0" }]);
  let view = (await m.call("GET", "/v1/plugins/acme-upd")).body;
  assert.equal(view.version, "1.0.1");
  assert.equal(view.state, "enabled");
  assert.equal(view.stats.state, "running");
  assert.equal(view.auto_update, "patch");
  await waitFor(() => m.events("plugin.update_available").length >= 1, "plugin.update_available");
  assert.equal(m.events("plugin.update_available")[0]!.to, "1.1.0");
  await waitFor(() => m.events("plugin.updated").some((e) => e.to === "1.0.1"), "plugin.updated");

  await put("1.0.2", { main: UNHEALTHY });
  const run2 = (await m.call("POST", "/v1/updates/check")).body;
  const broken = run2.applied.find((a: { to: string }) => a.to === "1.0.2");
  assert.equal(broken.result, "rolled_back", JSON.stringify(run2.applied));
  view = (await m.call("GET", "/v1/plugins/acme-upd")).body;
  assert.equal(view.version, "1.0.1", "the previous version was restored");
  assert.equal(view.stats.state, "running");
  const run3 = (await m.call("POST", "/v1/updates/check")).body;
  assert.deepEqual(run3.applied, [], "a version that failed is not tried again");
  const audit = (await m.call("GET", "/v1/audit?limit=300")).body;
  const rows = (audit.rows ?? audit.entries ?? audit) as { action: string; result: string }[];
  assert.ok(rows.some((r) => r.action === "plugin.auto_update" && r.result === "updated"));
  assert.ok(rows.some((r) => r.action === "plugin.auto_update" && r.result === "rolled_back"));
  assert.ok(rows.some((r) => r.action === "plugin.update.rollback"));

  // minor: 1.1.0 is allowed but widens permissions, so it waits for the operator.
  await m.call("PUT", "/v1/plugins/acme-upd/auto-update", { policy: "minor" });
  const run4 = (await m.call("POST", "/v1/updates/check")).body;
  assert.deepEqual(run4.applied.map((a: { to: string; result: string }) => `${a.to} ${a.result}`), [
    "1.1.0 needs_grant",
  ]);
  assert.equal((await m.call("GET", "/v1/plugins/acme-upd")).body.version, "1.0.1");

  const listed = await runPlugd(["plugin", "outdated", "--socket", m.daemon.socketPath]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(
    listed.stdout,
    /acme-upd\s+1\.0\.1\s+1\.1\.0\s+minor\s+1\.1\.0\s+.*hooks\.example\.com:443.*\(needs a grant\)/,
  );
  const all = await runPlugd([
    "plugin",
    "update",
    "--all",
    "--yes",
    "--socket",
    m.daemon.socketPath,
  ]);
  assert.equal(all.code, 0, all.stderr);
  assert.match(
    all.stdout,
    /acme-upd 1\.0\.1 -> 1\.1\.0: awaiting_grant .*run plugd plugin grant acme-upd/,
  );
  view = (await m.call("GET", "/v1/plugins/acme-upd")).body;
  assert.equal(view.version, "1.0.1", "a widening update waits for a grant; 1.0.1 keeps running");
  assert.equal(view.state, "enabled");
  assert.equal(view.pending_update.to, "1.1.0");
  const grant = await m.call("POST", "/v1/plugins/acme-upd/grant", {
    permissions: view.pending_update.requested,
  });
  assert.equal(grant.status, 200);
  view = (await m.call("GET", "/v1/plugins/acme-upd")).body;
  assert.equal(view.version, "1.1.0", "the grant switched to it");
  assert.equal(view.state, "enabled");
  const none = await runPlugd(["plugin", "outdated", "--socket", m.daemon.socketPath]);
  assert.match(none.stdout, /all plugins from registries are up to date/);
});
