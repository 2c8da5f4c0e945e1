import assert from "node:assert/strict";
import { startPlugin } from "../../src/harness/mod.ts";
import { PluginCallError } from "../../src/runtime/mod.ts";
import { fixture, OPTS } from "./_helpers.ts";

async function refusal(call: Promise<unknown>): Promise<PluginCallError> {
  const e = await call.then(() => undefined, (e) => e);
  assert.ok(e instanceof PluginCallError, `a PluginCallError, got ${e}`);
  return e;
}

Deno.test(
  "the shim answers synchronous and asynchronous handlers, odd values and hostile thenables once each",
  OPTS,
  async () => {
    await using p = await startPlugin(fixture("answers"));
    assert.deepEqual(await p.filter("sync.value", { a: 1 }), { got: { a: 1 } });
    assert.deepEqual(await p.filter("async.value", [2]), { later: [2] });
    const sync = await p.filter("sync.throw", {}).catch((e) => e);
    assert.ok(sync instanceof PluginCallError);
    assert.match(sync.message, /RangeError.*sync refusal|sync refusal/);
    assert.match((await refusal(p.filter("async.throw", {}))).message, /async refusal/);
    assert.match((await refusal(p.filter("sync.bigint", {}))).message, /BigInt/);
    assert.equal(await p.filter("thenable.twice", {}), "first");
    assert.match((await refusal(p.filter("thenable.getter", {}))).message, /then getter/);
    // Many calls at once, synchronous and not, each answered with its own value.
    const many = await Promise.all(
      Array.from({ length: 50 }, (_, i) => p.filter(i % 2 ? "sync.value" : "async.value", i)),
    );
    assert.deepEqual(many, Array.from({ length: 50 }, (_, i) => i % 2 ? { got: i } : { later: i }));
    const stats = await p.stats();
    assert.equal(stats.state, "running");
    assert.equal(stats.protocolViolations, 0, "one answer per call: no result for an unknown id");
  },
);
