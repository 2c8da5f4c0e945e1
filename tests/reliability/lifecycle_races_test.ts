/**
 * Issue 22, "Smaller": concurrent changes of one plugin run one after the other (one install
 * succeeds, the others are told it is installed, one audit row; concurrent config changes all
 * succeed, none answers 500), and a body that is not UTF-8 is refused instead of mangled.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { call, fixture, installEnable, OPTS } from "./_helpers.ts";

const counter = fixture("counter-v1", "lifecycle");

Deno.test(
  "three concurrent installs of one plugin: one 201, two 409, one audit row",
  OPTS,
  async () => {
    await using d = await startDaemon();
    const answers = await Promise.all(
      [1, 2, 3].map(() => call(d, "POST", "/v1/plugins", { source: counter })),
    );
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [201, 409, 409], JSON.stringify(answers.map((a) => a.body)));
    for (const a of answers.filter((a) => a.status === 409)) {
      assert.match(a.body.detail, /already installed/);
    }
    const rows = (await call(d, "GET", "/v1/audit?action=plugin.install")).body.rows;
    assert.equal(rows.length, 1);
  },
);

Deno.test(
  "concurrent config changes of a running plugin all succeed, the last one wins",
  OPTS,
  async () => {
    await using d = await startDaemon();
    await installEnable(d, counter);
    const labels = ["a", "b", "c", "d"];
    const answers = await Promise.all(
      labels.map((label) => call(d, "PUT", "/v1/plugins/counter/config", { config: { label } })),
    );
    for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body));
    const view = (await call(d, "GET", "/v1/plugins/counter")).body;
    assert.equal(view.state, "enabled");
    assert.equal(view.stats.state, "running");
    const config = (await call(d, "GET", "/v1/plugins/counter/config")).body.config;
    assert.ok(labels.includes(config.label), JSON.stringify(config));
  },
);

Deno.test("a JSON body that is not valid UTF-8 is refused with 400", OPTS, async () => {
  await using d = await startDaemon();
  const bytes = new Uint8Array([
    ...new TextEncoder().encode('{"name": "t-'),
    0xff,
    0xfe,
    ...new TextEncoder().encode('", "scope": "reader"}'),
  ]);
  const res = await d.fetchSocket("/v1/tokens", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: bytes,
  });
  assert.equal(res.status, 400);
  assert.match((await res.json()).detail, /not valid UTF-8/);
});
