import assert from "node:assert/strict";
import { openStore, type Store } from "../store/mod.ts";
import { appendAudit } from "./audit_log.ts";
import { readAuditHead, verifyAuditWithHead } from "./audit_head.ts";

async function storeWithRows(n: number): Promise<{ store: Store; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-audit-" });
  const store = await openStore(`file:${dir}/plugd.db`);
  for (let i = 1; i <= n; i++) {
    await appendAudit(store, { actor: "test", action: "thing.do", target: `t${i}`, result: "ok" });
  }
  return { store, dir };
}

Deno.test("verifyAuditWithHead() accepts an intact chain and tracks the head", async () => {
  const { store, dir } = await storeWithRows(3);
  assert.deepEqual(await verifyAuditWithHead(store), { ok: true, rows: 3 });
  assert.equal((await readAuditHead(store))?.seq, 3);
  store.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("verifyAuditWithHead() reports an altered row at its seq", async () => {
  const { store, dir } = await storeWithRows(4);
  await store.execute("UPDATE audit_log SET target = 'evil' WHERE seq = 2");
  const v = await verifyAuditWithHead(store);
  assert.equal(v.ok, false);
  assert.equal(!v.ok && v.brokenAt, 2);
  store.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("verifyAuditWithHead() reports a deleted middle row", async () => {
  const { store, dir } = await storeWithRows(4);
  await store.execute("DELETE FROM audit_log WHERE seq = 3");
  const v = await verifyAuditWithHead(store);
  assert.ok(!v.ok && v.brokenAt === 3, JSON.stringify(v));
  store.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("verifyAuditWithHead() detects deleted last rows (tail truncation)", async () => {
  const { store, dir } = await storeWithRows(4);
  await store.execute("DELETE FROM audit_log WHERE seq >= 3");
  const v = await verifyAuditWithHead(store);
  assert.ok(!v.ok && v.brokenAt === 3 && /deleted/.test(v.reason), JSON.stringify(v));
  store.close();
  await Deno.remove(dir, { recursive: true });
});
