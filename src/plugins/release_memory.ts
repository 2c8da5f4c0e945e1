/**
 * Giving the daemon's memory back after a burst of lifecycle work. Installing a thousand packages
 * leaves tens of MiB of garbage (archives, manifests, module graphs) that V8 keeps as heap until a
 * major collection it has no reason to start while the daemon idles; its live heap grows by ~12 KiB
 * per installed plugin. So once lifecycle changes stop for `quietMs`, one memory-reducing full
 * collection runs, then glibc's `malloc_trim(0)` hands the allocator's free pages back to the
 * kernel: module loading, compilation and libSQL leave freed native memory in the allocator's arenas
 * (the daemon's threads each have one), which RSS counts until it is trimmed.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | null | undefined;

/**
 * V8's memory-reducing full collection (`gc()` exposed at run time, the daemon runs without
 * `--expose-gc`); null if unavailable. The "last-resort" flavour also compacts, shrinks the young
 * generation back and frees the heap pages V8 pools for reuse: a plain major collection left an
 * idle daemon's heap at 42 MiB committed for 18 MiB live, this one at 18 (RSS 126 -> 85 MiB with
 * the daemon's modules loaded). It pauses the thread for a few tens of ms (more under load), so
 * it runs only after a quiet spell.
 */
function fullGc(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    collect = typeof gc === "function"
      ? () => gc({ type: "major", execution: "sync", flavor: "last-resort" })
      : null;
  } catch {
    collect = null;
  }
  return collect;
}

let trim: (() => void) | null | undefined;

/**
 * glibc's `malloc_trim(0)` through FFI (the daemon runs with `--allow-ffi` for libSQL already);
 * null where there is no glibc or no FFI permission, so the release is then the collection alone.
 */
function mallocTrim(): (() => void) | null {
  if (trim !== undefined) return trim;
  try {
    // Never a prompt: without the permission there is simply no trim.
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return trim = null;
    const libc = Deno.dlopen("libc.so.6", {
      malloc_trim: { parameters: ["usize"], result: "i32" },
    });
    trim = () => {
      try {
        libc.symbols.malloc_trim(0n);
      } catch {
        trim = null; // an FFI call refused at run time: the release is the collection alone
      }
    };
  } catch {
    trim = null;
  }
  return trim;
}

/**
 * Runs one memory-reducing collection and trim `quietMs` after the last
 * {@linkcode MemoryRelease.poke} (each poke restarts the wait), so a burst of lifecycle work costs
 * one pause at its end.
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
  /** How long the last collection and trim held the thread, in ms. */
  lastPauseMs = 0;

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
      const t0 = performance.now();
      gc();
      mallocTrim()?.();
      this.lastPauseMs = performance.now() - t0;
      this.runs++;
    }, this.#quietMs);
    Deno.unrefTimer(this.#timer);
  }

  [Symbol.dispose](): void {
    clearTimeout(this.#timer);
  }
}
