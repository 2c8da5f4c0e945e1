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

/**
 * Starts `plugins` in parallel, at most `concurrency` at once, each only after the plugins it
 * depends on (those earlier in {@linkcode startOrder}) have settled, started or not. Resolves
 * when every start has settled; a failed start goes to `onError`.
 *
 * @example
 * ```ts
 * await startInParallel(enabled, launch, { concurrency: 4, onError: (p, e) => log(p.id, e) });
 * ```
 */
export async function startInParallel(
  plugins: PluginRecord[],
  start: (plugin: PluginRecord) => Promise<void>,
  options: { concurrency: number; onError: (plugin: PluginRecord, error: Error) => void },
): Promise<void> {
  const { concurrency, onError } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const settled = new Map<string, Promise<void>>();
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async () => {
    while (running >= concurrency) await new Promise<void>((r) => waiting.push(r));
    running++;
  };
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  for (const p of startOrder(plugins)) {
    // Only plugins already ordered before it: a dependency cycle cannot deadlock.
    const deps = Object.keys(p.manifest.dependencies.plugins).flatMap((d) => settled.get(d) ?? []);
    settled.set(
      p.id,
      (async () => {
        await Promise.all(deps);
        await slot();
        try {
          await start(p).catch((e) => onError(p, e as Error));
        } finally {
          release();
        }
      })(),
    );
  }
  await Promise.all(settled.values());
}
