import assert from "node:assert/strict";
import { openStore } from "../store/mod.ts";
import { forgetToken, TOKEN_CACHE_MS, verifyTokenCached } from "./token_cache.ts";
import { newToken } from "./tokens.ts";

async function withToken(
  expiresAt: string | null,
  test: (store: Awaited<ReturnType<typeof openStore>>, token: string, id: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-token-cache-" });
  const store = await openStore(`file:${dir}/plugd.db`);
  try {
    const made = await newToken("ci", "operator", expiresAt);
    await store.write(() => ({ statements: [made.statement] }));
    await test(store, made.token, made.id);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const revokeRow = (id: string) => ({
  statements: [{ sql: "UPDATE tokens SET revoked_at = ? WHERE id = ?", args: ["x", id] }],
});

Deno.test("verifyTokenCached(): a revocation through the daemon refuses the very next request", async () => {
  await withToken(null, async (store, token, id) => {
    const t0 = new Date();
    assert.deepEqual(await verifyTokenCached(store, token, t0), {
      ok: true,
      id,
      scope: "operator",
    });
    await store.write(() => ({ ...revokeRow(id), afterCommit: () => forgetToken(store, id) }));
    assert.deepEqual(await verifyTokenCached(store, token, t0), { ok: false, reason: "revoked" });
  });
});

Deno.test("verifyTokenCached(): a change made elsewhere is seen once the cache time ran out", async () => {
  await withToken(null, async (store, token, id) => {
    const t0 = new Date();
    assert.equal((await verifyTokenCached(store, token, t0)).ok, true);
    await store.write(() => revokeRow(id)); // e.g. another host on a shared database
    const within = new Date(t0.getTime() + TOKEN_CACHE_MS - 1);
    assert.equal((await verifyTokenCached(store, token, within)).ok, true, "served from cache");
    const after = new Date(t0.getTime() + TOKEN_CACHE_MS);
    assert.deepEqual(await verifyTokenCached(store, token, after), {
      ok: false,
      reason: "revoked",
    });
  });
});

Deno.test("verifyTokenCached(): expiry is checked on every request, and refusals are not cached", async () => {
  const t0 = new Date();
  const expires = new Date(t0.getTime() + 100).toISOString();
  await withToken(expires, async (store, token) => {
    assert.equal((await verifyTokenCached(store, token, t0)).ok, true);
    const later = new Date(t0.getTime() + 100);
    assert.deepEqual(await verifyTokenCached(store, token, later), {
      ok: false,
      reason: "expired",
    });
    const wrong = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    assert.deepEqual(await verifyTokenCached(store, wrong, t0), { ok: false, reason: "unknown" });
  });
});
