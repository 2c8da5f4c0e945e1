/**
 * Per-plugin emit limits: a plugin emitting as fast as it can is held to its
 * `limits.emit_per_s` (and burst), told why, counted as a metric and a denial — while its
 * neighbour's emits all pass.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { installFixtures, OPTS, socketJson } from "./_helpers.ts";

Deno.test("an emit flood is limited while a neighbour's emits pass", OPTS, async () => {
  await using d = await startDaemon({ env: { PLUGD_EMIT_RATE_MAX: "50:100" } });
  await installFixtures(d, ["emit-flood", "emit-calm"]);
  const event = (type: string, n: number) => ({
    specversion: "1.0",
    id: crypto.randomUUID(),
    source: "/test",
    type,
    data: { n },
  });
  const [flood, calm] = await Promise.all([
    socketJson(d, "POST", "/v1/events?wait=true", event("test.flood", 300)),
    socketJson(d, "POST", "/v1/events?wait=true", event("test.calm", 20)),
  ]);
  const f = flood.body.results[0].result;
  const c = calm.body.results[0].result;
  // The neighbour: every emit accepted, each stored as an event.
  assert.equal(c.ids.length, 20, JSON.stringify(calm.body));
  for (const id of c.ids.slice(0, 3)) {
    assert.equal((await socketJson(d, "GET", `/v1/events/${id}`)).status, 200);
  }
  // The flood: the burst of 10 plus 5/s for the time it ran, the rest refused with the reason.
  const allowed = 10 + Math.ceil((f.elapsed_ms / 1000) * 5) + 1;
  assert.ok(f.ok >= 10 && f.ok <= allowed, JSON.stringify(f));
  assert.equal(f.ok + f.refused, 300);
  assert.match(
    f.error,
    /^EmitRateLimitedError: .*over this plugin's limit of 5 events\/s \(burst 10\)/,
  );
  // Counted: in the plugin's stats, as a metric, and one throttled line in its log.
  const view = (await socketJson(d, "GET", "/v1/plugins/emit-flood")).body;
  assert.equal(view.stats.emit_rate_limited, f.refused);
  assert.deepEqual(view.stats.emit_rate, { per_s: 5, burst: 10 });
  const calmView = (await socketJson(d, "GET", "/v1/plugins/emit-calm")).body;
  assert.deepEqual(calmView.stats.emit_rate, { per_s: 50, burst: 100 }, "capped by the ceiling");
  assert.equal(calmView.stats.emit_rate_limited, 0);
  const metrics = await (await d.fetchSocket("/metrics")).text();
  assert.match(
    metrics,
    new RegExp(
      `plugd_plugin_emit_refused_total\\{plugin="emit-flood",reason="rate"\\} ${f.refused}\\b`,
    ),
  );
  const logs = (await socketJson(d, "GET", "/v1/plugins/emit-flood/logs")).body.lines;
  const notices = logs.filter((l: { msg: string }) => /emit rate limit/.test(l.msg));
  assert.ok(notices.length >= 1 && notices.length <= 1 + Math.ceil(f.elapsed_ms / 1000));
});
