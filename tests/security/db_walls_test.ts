/**
 * A hostile plugin with a database tries every way past its own file (other plugins' databases,
 * host files, file functions, raw pages, quota and durability PRAGMAs, VACUUM INTO, oversized
 * results, endless queries): each is refused or stopped, the daemon stays healthy, and another
 * plugin's database is untouched.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";

const MALICIOUS = new URL("../fixtures/malicious/", import.meta.url).pathname;

async function call(d: TestDaemon, method: string, path: string, body?: unknown) {
  const res = await d.fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function enable(d: TestDaemon, dir: string, id: string): Promise<void> {
  assert.equal(
    (await call(d, "POST", "/v1/plugins", { source: join(MALICIOUS, dir) })).status,
    201,
  );
  await call(d, "POST", `/v1/plugins/${id}/grant`, { permissions: { db: ["1MiB"] } });
  const enabled = await call(d, "POST", `/v1/plugins/${id}/enable`);
  assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
}

Deno.test("security: a plugin cannot reach past its own database", async () => {
  await using d = await startDaemon();
  await enable(d, "db-victim", "db-victim");
  await enable(d, "db-thief", "db-thief");
  const before = await call(d, "POST", "/v1/filters/victim.read", { data: {} });
  assert.deepEqual(before.body.data.rows, [{ s: "victim-canary" }]);

  const tried = await call(d, "POST", "/v1/filters/thief.try", { data: {} });
  assert.equal(tried.status, 200, JSON.stringify(tried.body));
  assert.deepEqual(tried.body.skipped, [], "the thief answered in time");
  const outcome = tried.body.data as Record<string, string>;
  for (const [name, result] of Object.entries(outcome)) {
    const expected = name === "huge" ? "DbResultTooLargeError" : "SqlRefusedError";
    assert.equal(result, expected, `${name}: ${result}`);
  }
  assert.equal(Object.keys(outcome).length, 23);
  const forever = await call(d, "POST", "/v1/filters/thief.forever", { data: {} });
  assert.equal(forever.body.data, "DbTimeoutError", JSON.stringify(forever.body));

  const after = await call(d, "POST", "/v1/filters/victim.read", { data: {} });
  assert.deepEqual(after.body.data.rows, [{ s: "victim-canary" }], "the victim's data is intact");
  assert.equal((await call(d, "GET", "/v1/health")).status, 200);
  const thief = (await call(d, "GET", "/v1/plugins/db-thief")).body;
  assert.equal(thief.state, "enabled");
});
