/**
 * Master-key rotation survives kill -9 at any point: after a crash at each step (and at random
 * moments), the restarted daemon opens every secret, and all secrets are sealed under ONE key —
 * the old one or the new one, never a mix.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { listSealedValues } from "../../src/keyring/mod.ts";
import { decryptSecret, importMasterKey, readMasterKeyBytes } from "../../src/secrets/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";

const COUNTER = new URL("../fixtures/lifecycle/counter-v1/", import.meta.url).pathname;
const WEBHOOKS = 30;

async function call(d: TestDaemon, method: string, path: string, body?: unknown) {
  const res = await d.fetchSocket(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A daemon with a plugin holding a secret, and webhooks with current and previous secrets. */
async function seededState(): Promise<string> {
  // A folder of the test's own: the helper removes the ones it makes when their daemon is disposed.
  const stateDir = await Deno.makeTempDir({ prefix: "plugd-e2e-" });
  await using d = await startDaemon({ stateDir, env: { PLUGD_WEBHOOKS_ALLOW_PRIVATE: "true" } });
  await call(d, "POST", "/v1/plugins", { source: COUNTER });
  await call(d, "POST", "/v1/plugins/counter/grant", { permissions: { write: ["$DATA"] } });
  await call(d, "PUT", "/v1/plugins/counter/config", { token: "s3cret-token" });
  await call(d, "POST", "/v1/plugins/counter/enable");
  for (let i = 0; i < WEBHOOKS; i++) {
    const hook = await call(d, "POST", "/v1/webhooks", {
      url: `http://127.0.0.1:9/hook${i}`,
      event_types: ["never.happens"],
    });
    if (i % 3 === 0) await call(d, "POST", `/v1/webhooks/${hook.id}/rotate`);
  }
  assert.equal(await d.stop(), 0);
  return d.stateDir;
}

/** Which key (by bytes file) opens each sealed value; asserts one key opens them all. */
async function assertAllSealedUnder(stateDir: string, keyBytes: Uint8Array<ArrayBuffer>) {
  const store = await openStore(`file:${join(stateDir, "plugd.db")}`);
  try {
    const key = await importMasterKey(keyBytes);
    const sealed = await listSealedValues(store);
    assert.ok(sealed.length >= WEBHOOKS + 1, `found ${sealed.length} sealed values`);
    for (const [where, blob, aad] of sealed) {
      await decryptSecret(key, blob, aad).catch((e) => assert.fail(`${where}: ${e.message}`));
    }
  } finally {
    store.close();
  }
}

async function keyBytes(stateDir: string): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = await readMasterKeyBytes(join(stateDir, "master.key"));
  assert.ok(bytes, "master.key exists");
  return bytes;
}

/** Restarts after the crash and checks the daemon and every secret. */
async function assertRecovered(stateDir: string, oldKey: Uint8Array): Promise<"old" | "new"> {
  await using d = await startDaemon({ stateDir, env: { PLUGD_WEBHOOKS_ALLOW_PRIVATE: "true" } });
  const final = await keyBytes(stateDir);
  const which = final.every((b, i) => b === oldKey[i]) ? "old" : "new";
  await assertAllSealedUnder(stateDir, final);
  const names = (await Array.fromAsync(Deno.readDir(stateDir))).map((e) => e.name);
  assert.ok(!names.some((n) => n.includes(".next") || n.endsWith(".tmp")), names.join(" "));
  // The daemon itself opens them: the plugin gets its secret, the config reads.
  const config = await call(d, "GET", "/v1/plugins/counter/config");
  assert.equal(config.config?.token ?? config.token, "********");
  const result = await call(d, "POST", "/v1/events?wait=true", {
    specversion: "1.0",
    id: crypto.randomUUID(),
    source: "/test",
    type: "count.hit",
    data: {},
  });
  assert.equal(result.results[0]?.status, "ok", JSON.stringify(result));
  assert.equal(result.results[0]?.result?.token_set, true);
  assert.match(d.log(), /master key [0-9a-f]{16}/);
  return which;
}

Deno.test("rotate-master: kill -9 at each step leaves all secrets under one key", async () => {
  const stateDir = await seededState();
  const expected = { "pending-written": "old", committed: "new", installed: "new" } as const;
  for (const [step, outcome] of Object.entries(expected)) {
    const before = await keyBytes(stateDir);
    const d = await startDaemon({
      stateDir,
      env: { PLUGD_TEST_CRASH_AT_ROTATION: step, PLUGD_WEBHOOKS_ALLOW_PRIVATE: "true" },
    });
    await d.fetchSocket("/v1/master-key/rotate", { method: "POST" }).then((r) => r.body?.cancel())
      .catch(() => {}); // the daemon dies mid-request
    const { code, signal } = await d.process.status;
    await d.kill();
    assert.equal(signal ?? code, signal ? "SIGKILL" : 137, `crashed at ${step}`);
    assert.equal(await assertRecovered(stateDir, before), outcome, `after a crash at ${step}`);
  }
  await Deno.remove(stateDir, { recursive: true });
});

Deno.test("rotate-master: kill -9 at random moments never mixes keys", async () => {
  const stateDir = await seededState();
  const outcomes: string[] = [];
  for (let round = 0; round < 5; round++) {
    const before = await keyBytes(stateDir);
    const d = await startDaemon({ stateDir, env: { PLUGD_WEBHOOKS_ALLOW_PRIVATE: "true" } });
    const request = d.fetchSocket("/v1/master-key/rotate", { method: "POST" })
      .then((r) => r.body?.cancel()).catch(() => {});
    await new Promise((r) => setTimeout(r, Math.random() * 80));
    await d.kill();
    await request;
    outcomes.push(await assertRecovered(stateDir, before));
  }
  // A normal rotation still works afterwards and the audit chain is intact.
  await using d = await startDaemon({ stateDir, env: { PLUGD_WEBHOOKS_ALLOW_PRIVATE: "true" } });
  const r = await call(d, "POST", "/v1/master-key/rotate");
  assert.equal(r.installed, true);
  assert.ok(r.secrets >= WEBHOOKS + 1);
  assert.equal((await call(d, "GET", "/v1/master-key")).key_id, r.key_id);
  assert.equal((await call(d, "GET", "/v1/audit?verify=true")).ok, true);
  await d.stop();
  await assertAllSealedUnder(stateDir, await keyBytes(stateDir));
  console.log(`random kills ended with the ${outcomes.join(", ")} key`);
  await Deno.remove(stateDir, { recursive: true });
});

Deno.test("a wrong master key is refused at start, naming both key ids", async () => {
  const stateDir = await seededState();
  await Deno.writeFile(join(stateDir, "master.key"), crypto.getRandomValues(new Uint8Array(32)));
  const d = await startDaemon({ stateDir, readyTimeoutMs: 30_000 }).catch((e) => e as Error);
  assert.ok(d instanceof Error, "the daemon must not start");
  assert.match(
    d.message,
    /does not open this database's secrets, which are sealed under key [0-9a-f]{16}/,
  );
  await Deno.remove(stateDir, { recursive: true });
});
