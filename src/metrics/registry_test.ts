import assert from "node:assert/strict";
import { createRegistry } from "./registry.ts";

Deno.test("createRegistry() renders counters and gauges with HELP, TYPE and labels", () => {
  const r = createRegistry();
  const c = r.counter("plugd_plugin_restarts_total", "Plugin restarts");
  c.inc({ plugin: "a" });
  c.inc({ plugin: "a" }, 2);
  const g = r.gauge("plugd_plugin_rss_bytes", "Resident memory");
  g.set({ plugin: "b" }, 1024);
  assert.equal(
    r.render(),
    [
      "# HELP plugd_plugin_restarts_total Plugin restarts",
      "# TYPE plugd_plugin_restarts_total counter",
      'plugd_plugin_restarts_total{plugin="a"} 3',
      "# HELP plugd_plugin_rss_bytes Resident memory",
      "# TYPE plugd_plugin_rss_bytes gauge",
      'plugd_plugin_rss_bytes{plugin="b"} 1024',
      "",
    ].join("\n"),
  );
  g.remove({ plugin: "b" });
  assert.ok(!r.render().includes('plugin="b"'));
});

Deno.test("createRegistry() escapes label values and help text", () => {
  const r = createRegistry();
  r.gauge("x", "line one\nback\\slash").set({ v: 'a"b\\c\nd' }, 1);
  const text = r.render();
  assert.ok(text.includes("# HELP x line one\\nback\\\\slash\n"));
  assert.ok(text.includes('x{v="a\\"b\\\\c\\nd"} 1\n'));
});

Deno.test("createRegistry() renders cumulative histogram buckets, sum and count", () => {
  const r = createRegistry();
  const h = r.histogram("d_seconds", "Duration", { buckets: [0.1, 1] });
  h.observe({ kind: "action" }, 0.05);
  h.observe({ kind: "action" }, 0.5);
  h.observe({ kind: "action" }, 5);
  const lines = r.render().split("\n");
  assert.deepEqual(lines.slice(2, 7), [
    'd_seconds_bucket{kind="action",le="0.1"} 1',
    'd_seconds_bucket{kind="action",le="1"} 2',
    'd_seconds_bucket{kind="action",le="+Inf"} 3',
    'd_seconds_sum{kind="action"} 5.55',
    'd_seconds_count{kind="action"} 3',
  ]);
});

Deno.test("createRegistry() returns the same family for the same name and refuses a type clash", () => {
  const r = createRegistry();
  r.counter("n_total", "n").inc();
  r.counter("n_total", "n").inc();
  assert.ok(r.render().includes("n_total 2\n"));
  assert.throws(() => r.gauge("n_total", "n"), /already a counter/);
  assert.throws(() => r.counter("bad-name", "x"), /not a valid/);
  assert.throws(() => r.counter("c_total", "x").inc({ "bad-label": 1 }), /label name/);
  assert.throws(() => r.counter("c_total", "x").inc({}, -1), /only go up/);
});

Deno.test("onCollect() refreshes values before each render", () => {
  const r = createRegistry();
  const g = r.gauge("up_seconds", "Uptime");
  let n = 0;
  r.onCollect(() => g.set({}, ++n));
  assert.ok(r.render().includes("up_seconds 1\n"));
  assert.ok(r.render().includes("up_seconds 2\n"));
});
