/**
 * Gap: a host call over the 1 MiB frame limit was dropped and the plugin's promise never
 * settled; a handler that threw a hostile `Proxy` was never answered (converting the error threw
 * again). Both now answer at once with a clear error, and the plugin keeps working.
 */
import assert from "node:assert/strict";
import { PluginCallError } from "../../src/runtime/mod.ts";
import { MALICIOUS, SecurityHost } from "./_host.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;

Deno.test(
  "host calls: oversized or non-JSON host calls and unreadable throws answer at once",
  OPTS,
  async () => {
    await using host = await SecurityHost.create();
    const p = await host.launch(`${MALICIOUS}host-abuser`, { timeoutMs: 20_000 });
    const huge = await p.emit("host.huge_set") as { ok: boolean; error: string; ms: number };
    assert.equal(huge.ok, false);
    assert.match(huge.error, /RangeError: storage\.set: 2\.0 MiB is over the 1 MiB limit/);
    assert.ok(huge.ms < 5_000, `answered after ${huge.ms} ms`);
    const bigint = await p.emit("host.bigint_set") as { ok: boolean; error: string };
    assert.equal(bigint.ok, false);
    assert.match(bigint.error, /TypeError: storage\.set: the arguments are not JSON/);

    const started = Date.now();
    await assert.rejects(
      p.emit("host.proxy_throw"),
      (e: Error) =>
        e instanceof PluginCallError && /threw a value that cannot be read/.test(e.message),
    );
    assert.ok(Date.now() - started < 10_000, "answered, not timed out");

    // The plugin is the same process and still works.
    const s = await p.stats();
    assert.equal(s.restarts, 0);
    assert.equal(s.timeouts, 0);
    assert.deepEqual(await p.emit("host.roundtrip"), { ok: 1 });
    assert.equal(host.memory.storage.get(p.id)?.has("huge"), false, "nothing half-stored");
    await host.assertNeighbourServes();
  },
);
