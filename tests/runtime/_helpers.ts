/** Helpers for runtime integration tests. */

/** Poll `cond` until it is truthy; fail after `timeoutMs` (a safety net, not a timing assertion). */
export async function waitFor<T>(
  cond: () => T | Promise<T>,
  what: string,
  timeoutMs = 30_000,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Absolute path of a fixture plugin folder. */
export function fixture(name: string): string {
  return new URL(`../fixtures/plugins/${name}`, import.meta.url).pathname;
}

/** Options for tests that own child processes and timers. */
export const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
