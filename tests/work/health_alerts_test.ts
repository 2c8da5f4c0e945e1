/**
 * Health alerting with a real sandboxed plugin: health is known right after start; failed checks
 * in a row make it degraded (state, metric, plugin.degraded), then restart it; a passing check
 * brings it back to running with plugin.recovered.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { installAndEnable, type Json, OPTS, socketJson, waitFor, workFixture } from "./_work.ts";

const row = async (daemon: Parameters<typeof socketJson>[0]): Promise<Json> =>
  (await socketJson(daemon, "GET", "/v1/plugins")).body.plugins.find((p: Json) => p.id === "moody");

Deno.test(
  "health is in the plugin list right after start, not after the first interval",
  OPTS,
  async () => {
    await using daemon = await startDaemon({ env: { PLUGD_HEALTH_INTERVAL_S: "3600" } });
    await installAndEnable(daemon, workFixture("moody"));
    await waitFor(
      async () => (await row(daemon))?.health?.status === "healthy",
      "a first health answer",
    );
  },
);

Deno.test(
  "failed health checks degrade, then restart a plugin; a passing one recovers it",
  OPTS,
  async () => {
    await using daemon = await startDaemon({
      env: {
        PLUGD_HEALTH_INTERVAL_S: "1",
        PLUGD_HEALTH_DEGRADED_AFTER: "2",
        PLUGD_HEALTH_RESTART_AFTER: "3",
      },
    });
    await installAndEnable(daemon, workFixture("moody"));
    const sick = await daemon.fetchSocket("/v1/plugins/moody/routes/sick", { method: "POST" });
    assert.equal(sick.status, 200);
    await sick.body?.cancel();

    await waitFor(
      async () => (await row(daemon))?.runtime === "degraded",
      "the plugin to be degraded",
      30_000,
    );
    const degraded = await row(daemon);
    assert.equal(degraded.health.status, "unhealthy");
    const metrics = await (await daemon.fetchSocket("/metrics")).text();
    assert.match(metrics, /plugd_plugin_degraded\{plugin="moody"\} 1/);
    await waitFor(
      async () => {
        const v = await socketJson(daemon, "GET", "/v1/plugins/moody");
        return v.body.stats.restarts >= 1;
      },
      "a restart for its health",
      30_000,
    );
    const logs = await socketJson(daemon, "GET", "/v1/plugins/moody/logs");
    const text = logs.body.lines.map((l: Json) => l.msg).join("\n");
    assert.match(
      text,
      /degraded: 2 failed health checks in a row; last answered unhealthy: feeling sick/,
    );
    assert.match(text, /restarting: 3 failed health checks in a row/);

    const well = await daemon.fetchSocket("/v1/plugins/moody/routes/well", { method: "POST" });
    assert.equal(well.status, 200);
    await well.body?.cancel();
    await waitFor(async () => (await row(daemon))?.runtime === "running", "the recovery", 30_000);
    const events = async (type: string) =>
      (await socketJson(daemon, "GET", `/v1/events?type=${type}`)).body.events as Json[];
    await waitFor(async () => (await events("plugin.recovered")).length === 1, "plugin.recovered");
    const [down] = await events("plugin.degraded");
    const view = await socketJson(daemon, "GET", `/v1/events/${down.id}`);
    assert.equal(view.body.event.data.plugin, "moody");
    assert.match(view.body.event.data.reason, /feeling sick/);
    assert.equal((await events("plugin.degraded")).length, 1, "degraded once, restarts included");
    const after = await (await daemon.fetchSocket("/metrics")).text();
    assert.match(after, /plugd_plugin_degraded\{plugin="moody"\} 0/);
  },
);
