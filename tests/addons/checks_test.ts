/** Periodic checks feed health, degraded/recovered and /metrics; a restart settles cut calls. */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import {
  addonOf,
  ADDONS,
  call,
  finished,
  installAddon,
  runOp,
  startOp,
  waitLong,
} from "./_addons.ts";

Deno.test("checks turn an unhealthy addon degraded and back, and publish its metrics", async () => {
  await using d = await startDaemon({ env: { PLUGD_ADDON_CHECK_MS: "200" } });
  const id = await installAddon(d, `${ADDONS}basic`);
  assert.equal((await runOp(d, id, "install")).status, "succeeded");
  await waitLong(async () => (await addonOf(d, id)).health === "healthy", "a healthy check");

  await Deno.writeTextFile(`${d.stateDir}/data/${id}/sick`, "");
  const sick = await waitLong(async () => {
    const view = (await call(d, "GET", `/v1/plugins/${id}`)).body;
    return view.addon.status === "degraded" ? view : null;
  }, "the addon to turn degraded");
  assert.equal(sick.addon.health, "unhealthy");
  assert.deepEqual(
    { status: sick.health.status, message: sick.health.message },
    { status: "unhealthy", message: "sick file" },
  );
  await d.waitForLog(/plugin\.degraded \{"plugin":"basic-addon","status":"degraded"/);

  await Deno.remove(`${d.stateDir}/data/${id}/sick`);
  await waitLong(async () => (await addonOf(d, id)).status === "installed", "recovery");
  await d.waitForLog(/plugin\.recovered \{"plugin":"basic-addon","status":"installed"/);

  const scrape = await (await d.fetch("/metrics")).text();
  assert.match(scrape, /plugd_addon_metric\{plugin="basic-addon",name="connections"\} 7/);
  assert.match(scrape, /plugd_addon_metric\{plugin="basic-addon",name="cache_hits"\} 42/);
  assert.doesNotMatch(scrape, /name="label"/);
  assert.match(scrape, /plugd_addon_status\{plugin="basic-addon",status="installed"\} 1/);
  assert.match(
    scrape,
    /plugd_addon_executions_total\{plugin="basic-addon",operation="install",kind="operation",status="succeeded"\} 1/,
  );
  const checks = await call(d, "GET", `/v1/plugins/${id}/executions?kind=check&limit=5`);
  assert.ok(checks.body.executions.every((r: { actor: string }) => r.actor === "daemon"));
});

Deno.test("kill -9 mid-install: after a restart the call is interrupted, never stuck, and install works again", async () => {
  const d1 = await startDaemon({ env: { PLUGD_ADDON_CHECK_MS: "0" } });
  const stateDir = d1.stateDir;
  let execution: string;
  try {
    const id = await installAddon(d1, `${ADDONS}slow`);
    execution = await startOp(d1, id, "install");
    await waitLong(async () => (await addonOf(d1, id)).status === "installing", "installing");
    await waitLong(async () => {
      const r = await call(d1, "GET", `/v1/plugins/${id}/logs`);
      return r.body.lines.some((l: { msg: string }) => l.msg.startsWith("install waiting"));
    }, "the script to run");
  } finally {
    await d1.kill();
  }
  await using d2 = await startDaemon({ stateDir, env: { PLUGD_ADDON_CHECK_MS: "0" } });
  const record = await finished(d2, "slow-addon", execution!);
  assert.equal(record.status, "interrupted");
  assert.match(record.error, /interrupted: the daemon stopped during addon_install/);
  assert.equal(record.status_after, "failed");
  const addon = await addonOf(d2, "slow-addon");
  assert.equal(addon.status, "failed");
  assert.match(addon.message, /install was interrupted/);

  await Deno.writeTextFile(`${stateDir}/data/slow-addon/go`, "");
  const again = await runOp(d2, "slow-addon", "install");
  assert.equal(again.status, "succeeded");
  assert.equal(again.status_after, "installed");
  await waitLong(async () => (await addonOf(d2, "slow-addon")).status === "installed", "installed");
});
