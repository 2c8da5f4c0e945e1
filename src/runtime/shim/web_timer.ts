/**
 * Timers for the shim that do not load Deno's Node layer. Since Deno 2.8 the global `setTimeout`
 * and `setInterval` are Node.js timers (they return a `Timeout` object), and the first one in a
 * process loads that layer: ~5 ms of CPU, measured as `deno run` of one `setTimeout` against an
 * empty module (21.6-22.9 vs 16.9-17.3 ms). The shim armed its idle release on a plugin's first
 * call, so every fresh process paid it inside that call (10-15 ms of wall time under the sandbox),
 * which is the cold path of an on-demand plugin's event. `AbortSignal.timeout()` runs on the web
 * timers Deno still has inside, with no such load.
 * @module
 */

/**
 * Calls `fn` once, `ms` from now, unless the returned function cancels it first. The timer keeps
 * the process alive while it is pending (the shim's process ends by its own `Deno.exit()` anyway);
 * a cancelled one does not.
 *
 * @example
 * ```ts
 * const cancel = after(1000, () => console.log("a second later"));
 * cancel(); // never mind
 * ```
 */
export function after(ms: number, fn: () => void): () => void {
  const signal = AbortSignal.timeout(Math.max(0, Math.ceil(ms)));
  const listener = () => fn();
  signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
}
