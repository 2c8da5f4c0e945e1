/**
 * Gives a plugin's memory back after a busy spell. V8 keeps the heap pages it grew to under load
 * (a young generation grown for throughput, old-space pages of garbage no full GC has visited):
 * an idle plugin that served 100,000 calls held ~25 MiB private where a fresh one holds ~9. Once
 * the plugin has had no call for `idleMs` and its heap grew since the last release, one
 * memory-reducing full GC (V8's "last resort" flavour: shrinks the young generation and releases
 * empty pages) and a shrink of V8's string table bring it back.
 * @module
 */

import { after } from "./web_timer.ts";

/** How long after a plugin's last call its memory is released, ms (the default `idleMs`). */
export const IDLE_RELEASE_MS = 10_000;

/** A memory-reducing full GC (settles once it ran). */
export type ReleaseGc = () => void | Promise<void>;

type V8Gc = (o: { type: "major" | "minor"; execution?: "sync"; flavor?: "last-resort" }) => void;

let flagGc: V8Gc | undefined;

/**
 * Takes V8's `gc()`, which a plugin's `--expose-gc` flag puts on the global, and blanks it there
 * (V8 makes it writable but not deletable): the shim calls this when it opens, before any plugin
 * module loads, so plugin code finds `gc` undefined. Does nothing without the flag.
 */
export function claimFlagGc(): void {
  const global = globalThis as { gc?: unknown };
  if (typeof global.gc !== "function") return;
  flagGc ??= global.gc as V8Gc;
  global.gc = undefined;
}

/**
 * Returns a memory-reducing full GC: the `gc()` of the plugin's `--expose-gc` flag (see
 * {@linkcode claimFlagGc}). Without the flag, `gc()` is exposed at its first use by setting `--expose-gc` at run time and taking `gc`
 * from a fresh context, which needs `node:v8` and `node:vm`: loading them starts Deno's Node
 * layer (~20 ms of CPU, and ~1 MiB of heap and malloc memory an idle plugin then keeps), which is
 * why plugins run with the flag. The plugin's own global never gets a `gc`. Not a capability
 * anyway: `node:v8` and `node:vm` are open to any plugin, and a GC costs only CPU, which the
 * plugin's quota bounds.
 */
export function takeGc(o: { shrinkStringTable?: boolean } = {}): ReleaseGc {
  const { shrinkStringTable: shrink = true } = o;
  let gc: Promise<V8Gc> | undefined;
  let releases = 0;
  return async () => {
    gc ??= flagGc ? Promise.resolve(flagGc) : (async () => {
      const [v8, vm] = await Promise.all([import("node:v8"), import("node:vm")]);
      v8.setFlagsFromString("--expose-gc");
      return vm.runInNewContext("gc") as V8Gc;
    })();
    const collect = await gc;
    collect({ type: "major", execution: "sync", flavor: "last-resort" });
    if (shrink) shrinkStringTable(collect, releases++);
  };
}

/**
 * Gives back V8's string table, which lives outside its heap and keeps the largest size it ever
 * needed: `JSON.parse` internalizes string values shorter than 10 characters, so a plugin that parsed
 * 100,000 frames with short unique values (event ids such as `"b123"`) held a 2 MiB table (4 MiB
 * after 200,000) long after those strings died. The table shrinks only when a string is added to
 * it, and the old table is freed at the next collection: after the full GC has emptied it, one
 * new short string and a minor GC (under a millisecond) free it.
 */
function shrinkStringTable(collect: (o: { type: "minor" }) => void, n: number): void {
  // A value no plugin holds (NUL-led, numbered), short enough to be internalized.
  JSON.parse(`["\\u0000plugd${n % 1000}"]`);
  collect({ type: "minor" });
}

/** Options of {@linkcode idleRelease}. */
export interface IdleReleaseOptions {
  gc: ReleaseGc;
  /** Calls in flight now (they keep the plugin busy). */
  inFlight: () => number;
  /** Quiet time after the last call before releasing, ms. @default IDLE_RELEASE_MS */
  idleMs?: number;
  /** Heap growth since the last release below which a full GC is not worth it. @default 1 MiB */
  growthBytes?: number;
  /** The V8 heap's size in bytes (0: unknown, then each idle spell releases). @default Deno.memoryUsage().heapTotal */
  heapTotal?: () => number;
}

function v8HeapTotal(): number {
  try {
    return Deno.memoryUsage().heapTotal;
  } catch {
    return 0;
  }
}

/**
 * Watches calls and releases memory once per idle spell. Costs a `Date.now()` per call and one
 * timer per idle check, none while the plugin stays idle.
 *
 * @example
 * ```ts
 * const idle = idleRelease({ gc, inFlight: () => running.size });
 * idle.noteCall(); // at the start of every call
 * ```
 */
export function idleRelease(o: IdleReleaseOptions): { noteCall(): void } {
  const {
    gc,
    inFlight,
    idleMs = IDLE_RELEASE_MS,
    growthBytes = 1024 * 1024,
    heapTotal = v8HeapTotal,
  } = o;
  let lastCall = 0;
  let armed = false;
  let baseline = heapTotal();
  const arm = (ms: number) => {
    armed = true;
    after(ms, check); // not setTimeout: see web_timer.ts
  };
  const check = () => {
    armed = false;
    const quiet = Date.now() - lastCall;
    if (quiet < idleMs) return arm(idleMs - quiet);
    if (inFlight() > 0) return arm(idleMs);
    const heap = heapTotal();
    if (heap > 0 && heap < baseline + growthBytes) return;
    // A release that fails (it never should) leaves the baseline, so the next spell tries again.
    Promise.resolve().then(gc).then(() => baseline = heapTotal(), () => {});
  };
  return {
    noteCall() {
      lastCall = Date.now();
      if (!armed) arm(idleMs);
    },
  };
}
