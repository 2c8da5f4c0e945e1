/** Which hosts a desired plugin goes to, and in which waves a new version reaches them. */
import type { HostSelector, RolloutPolicy } from "./types.ts";

/** Whether a host with `id` and `labels` is selected (no selector: every host). */
export function selects(
  selector: HostSelector | null,
  id: string,
  labels: Record<string, string>,
): boolean {
  if (!selector) return true;
  if (selector.ids && !selector.ids.includes(id)) return false;
  return Object.entries(selector.labels ?? {}).every(([k, v]) => labels[k] === v);
}

/**
 * Splits `hostIds` (sorted, so every reader computes the same plan) into waves: `canary`
 * hosts first, then batches of `batch` hosts (a count, or a percentage of all of them, at
 * least one).
 *
 * @example
 * ```ts
 * rolloutWaves(["a", "b", "c", "d", "e"], { canary: 1, batch: "50%", pause_s: 0, halt_on: "failed" });
 * // [["a"], ["b", "c", "d"], ["e"]]
 * ```
 */
export function rolloutWaves(hostIds: readonly string[], policy: RolloutPolicy): string[][] {
  const hosts = [...hostIds].sort();
  const size = typeof policy.batch === "number"
    ? policy.batch
    : Math.max(1, Math.ceil(hosts.length * Number(policy.batch.replace("%", "")) / 100));
  const waves: string[][] = [];
  const canary = Math.min(policy.canary, hosts.length);
  if (canary > 0) waves.push(hosts.slice(0, canary));
  for (let i = canary; i < hosts.length; i += size) waves.push(hosts.slice(i, i + size));
  return waves;
}
