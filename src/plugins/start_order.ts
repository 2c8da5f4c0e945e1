import type { PluginRecord } from "./types.ts";

/**
 * Orders plugins so that each comes after the plugins it depends on (those in the list);
 * ties by id, so the order is stable. A cycle cannot be installed, but is tolerated here by
 * appending the rest in id order.
 */
export function startOrder(plugins: PluginRecord[]): PluginRecord[] {
  const byId = new Map(plugins.map((p) => [p.id, p]));
  const done = new Set<string>();
  const out: PluginRecord[] = [];
  const visit = (p: PluginRecord, path: Set<string>) => {
    if (done.has(p.id) || path.has(p.id)) return;
    path.add(p.id);
    for (const dep of Object.keys(p.manifest.dependencies.plugins).sort()) {
      const d = byId.get(dep);
      if (d) visit(d, path);
    }
    done.add(p.id);
    out.push(p);
  };
  for (const p of [...plugins].sort((a, b) => a.id.localeCompare(b.id))) visit(p, new Set());
  return out;
}

/** Options of {@linkcode startInParallel}. */
export interface StartInParallelOptions {
  /** How many `start` calls run at once. */
  concurrency: number;
  /** Where a failed `ready` or `start` goes. */
  onError: (plugin: PluginRecord, error: Error) => void;
  /**
   * Work of a start that needs no slot (folders, volume, registration): run in start order,
   * `concurrency` at once, ahead of the slots and not waiting for dependencies; a plugin whose
   * `ready` failed does not `start`.
   * @default none
   */
  ready?: (plugin: PluginRecord) => Promise<void>;
}

/**
 * Starts `plugins` in parallel, at most `concurrency` at once, each only after the plugins it
 * depends on (those earlier in {@linkcode startOrder}) have settled, started or not, and after
 * its own `ready`. Resolves when every start has settled; a failure goes to `onError`.
 *
 * @example
 * ```ts
 * await startInParallel(enabled, launch, { concurrency: 4, onError: (p, e) => log(p.id, e) });
 * ```
 */
export async function startInParallel(
  plugins: PluginRecord[],
  start: (plugin: PluginRecord) => Promise<void>,
  options: StartInParallelOptions,
): Promise<void> {
  const { concurrency, onError, ready } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const settled = new Map<string, Promise<void>>();
  const slots = lane(concurrency);
  const readyLane = lane(concurrency);
  for (const p of startOrder(plugins)) {
    // In start order, not holding a slot: the slots only start processes.
    const isReady = ready
      ? readyLane(() => ready(p)).then(() => true, (e) => (onError(p, e as Error), false))
      : Promise.resolve(true);
    // Only plugins already ordered before it: a dependency cycle cannot deadlock.
    const deps = Object.keys(p.manifest.dependencies.plugins).flatMap((d) => settled.get(d) ?? []);
    settled.set(
      p.id,
      (async () => {
        await Promise.all(deps);
        if (!await isReady) return;
        await slots(() => start(p).catch((e) => onError(p, e as Error)));
      })(),
    );
  }
  await Promise.all(settled.values());
}

/** Runs tasks in the order given, at most `width` at once. */
function lane(width: number): (task: () => Promise<void>) => Promise<void> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    while (running >= width) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
