/**
 * Bearer tokens verified lately, so a TCP request does not read the token's row and hash its
 * secret again each time. Revocation keeps its meaning: a revocation through this daemon forgets
 * the token at once (`forgetToken`, after its commit), and a check that was reading the row while
 * it happened does not cache its stale answer (a generation counter); anything else that changes
 * the row (another host on a shared database, a restore) is seen within {@linkcode TOKEN_CACHE_MS}.
 * Only accepted tokens are cached; expiry is checked on every request.
 */
import type { Store } from "../store/mod.ts";
import type { Scope } from "./scopes.ts";
import { type TokenRejection, verifyToken } from "./tokens.ts";

/** How long a verified token is trusted before its row is read again. */
export const TOKEN_CACHE_MS = 1000;

/** Tokens kept at most (the oldest entry goes first). */
const MAX_ENTRIES = 10_000;

interface Entry {
  id: string;
  scope: Scope;
  expiresAt: number | null;
  checkedAt: number;
}

interface Cache {
  entries: Map<string, Entry>;
  generation: number;
}

const caches = new WeakMap<Store, Cache>();

function cacheOf(store: Store): Cache {
  let cache = caches.get(store);
  if (!cache) caches.set(store, cache = { entries: new Map(), generation: 0 });
  return cache;
}

/**
 * {@linkcode verifyToken} with the cache described in the module doc.
 *
 * @example
 * ```ts
 * const verdict = await verifyTokenCached(store, "plugd_0123456789ab_...");
 * ```
 */
export async function verifyTokenCached(
  store: Store,
  presented: string,
  now: Date = new Date(),
): Promise<{ ok: true; id: string; scope: Scope } | { ok: false; reason: TokenRejection }> {
  const cache = cacheOf(store);
  const t = now.getTime();
  const hit = cache.entries.get(presented);
  if (hit && t - hit.checkedAt < TOKEN_CACHE_MS && t >= hit.checkedAt) {
    if (hit.expiresAt !== null && hit.expiresAt <= t) return { ok: false, reason: "expired" };
    return { ok: true, id: hit.id, scope: hit.scope };
  }
  if (hit) cache.entries.delete(presented);
  const generation = cache.generation;
  const verdict = await verifyToken(store, presented, now);
  if (!verdict.ok) return verdict;
  const accepted = { ok: true as const, id: verdict.id, scope: verdict.scope };
  if (cache.generation !== generation) return accepted; // revoked meanwhile: do not cache
  if (cache.entries.size >= MAX_ENTRIES) {
    cache.entries.delete(cache.entries.keys().next().value!);
  }
  cache.entries.set(presented, {
    id: verdict.id,
    scope: verdict.scope,
    expiresAt: verdict.expiresAt === null ? null : new Date(verdict.expiresAt).getTime(),
    checkedAt: t,
  });
  return accepted;
}

/** Forgets token `id` (call after a revocation committed): its next use reads its row. */
export function forgetToken(store: Store, id: string): void {
  const cache = cacheOf(store);
  cache.generation++;
  for (const [presented, entry] of cache.entries) {
    if (entry.id === id) cache.entries.delete(presented);
  }
}
