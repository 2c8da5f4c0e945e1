/**
 * Giving the daemon's memory back after a burst of lifecycle work. Installing a thousand packages
 * leaves tens of MiB of garbage (archives, manifests, module graphs) that V8 keeps as heap until a
 * major collection it has no reason to start while the daemon idles; its live heap grows by ~12 KiB
 * per installed plugin. So once lifecycle changes stop for `quietMs`, one full collection runs.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | null | undefined;

/** V8's `gc()`, exposed at run time (the daemon runs without `--expose-gc`); null if unavailable. */
function fullGc(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc");
    collect = typeof gc === "function" ? gc as () => void : null;
  } catch {
    collect = null;
  }
  return collect;
}

/**
 * Runs one full collection `quietMs` after the last {@linkcode MemoryRelease.poke} (each poke
 * restarts the wait), so a burst of lifecycle work costs one pause at its end.
 *
 * @example
 * ```ts
 * using release = new MemoryRelease(5_000);
 * release.poke(); // after each install, update, removal...
 * ```
 */
export class MemoryRelease implements Disposable {
  #quietMs: number;
  #timer?: ReturnType<typeof setTimeout>;
  /** Collections run so far. */
  runs = 0;

  constructor(quietMs = 5_000) {
    if (!(quietMs >= 0)) throw new RangeError("quietMs must be >= 0");
    this.#quietMs = quietMs;
  }

  /** Lifecycle work happened: collect once it has been quiet for `quietMs`. */
  poke(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const gc = fullGc();
      if (!gc) return;
      gc();
      this.runs++;
    }, this.#quietMs);
    Deno.unrefTimer(this.#timer);
  }

  [Symbol.dispose](): void {
    clearTimeout(this.#timer);
  }
}
