/** Helpers for runtime integration tests. */

export { waitFor } from "../helpers/wait_for.ts";

/** Absolute path of a fixture plugin folder. */
export function fixture(name: string): string {
  return new URL(`../fixtures/plugins/${name}`, import.meta.url).pathname;
}

/** Options for tests that own child processes and timers. */
export const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
