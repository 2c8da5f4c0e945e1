/**
 * The in-sandbox shim: the generated bootstrap imports it, awaits `openShim()` (the channel open
 * and the host's `init` received), then imports the plugin entry and calls
 * `runShim(entry.default)`. It may import only its own folder and `sdk/` (both mounted read-only).
 * @module
 */
import "./console.ts";
import type { DefinedPlugin, PluginContext } from "../../../sdk/types.ts";
import { SDK_VERSION } from "../../../sdk/version.ts";
import { beginCall, cancelCall, endCall } from "./calls.ts";
import { claimFlagGc } from "./idle_memory.ts";
import { drained, openChannel, readFrames, send, sendResult, settleHostCall } from "./channel.ts";
export { openChannel } from "./channel.ts";
import { createContext, tenantContext } from "./context.ts";
import { flushMetrics } from "./metrics.ts";
import { collectHandlers, dispatch } from "./dispatch.ts";
import { type HostFrame, PROTOCOL_VERSION } from "./wire.ts";
import { setQuota, toWireError } from "./wire_error.ts";
import { installSpaceHints } from "./space_errors.ts";

function logUncaught(what: string, e: unknown): void {
  const err = toWireError(e);
  send({ t: "log", level: "error", msg: `${what}: ${err.name}: ${err.message}` });
}

/**
 * Answers one call. A handler that returns a value (not a promise) is answered in the same turn,
 * without an async frame around it: a sequential call's round trip is a handful of microseconds
 * of work on each side, and every promise and microtask hop is a visible share of it.
 */
function answer(def: DefinedPlugin, ctx: PluginContext, f: HostFrame): void {
  if (f.t !== "call") return;
  const id = f.id;
  const signal = beginCall(id, f.kind);
  let out: unknown;
  try {
    const callCtx = f.tenant ? tenantContext(ctx, id, f.tenant) : ctx;
    out = dispatch(def, callCtx, f.kind, f.name, f.payload, { id, signal });
    if (isThenable(out)) {
      // Promise.resolve: a thenable of the plugin's settles once, and its throws become errors.
      Promise.resolve(out).then(
        (v) => settle(id, true, v),
        (e) => settle(id, false, toWireError(e)),
      );
      return;
    }
  } catch (e) {
    return settle(id, false, toWireError(e));
  }
  settle(id, true, out);
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function";
}

/** Sends call `id`'s result (a value that is not JSON becomes its error), then forgets the call. */
function settle(id: number, ok: boolean, value: unknown): void {
  try {
    sendResult(id, ok, value);
  } catch (e) {
    sendResult(id, false, toWireError(e));
  } finally {
    endCall(id);
  }
}

type InitFrame = Extract<HostFrame, { t: "init" }>;

/** The plugin and its context once `runShim()` has them: calls before that are not answered. */
const live: { plugin?: DefinedPlugin; ctx?: PluginContext } = {};
let onInit!: (f: InitFrame) => void;
const inited = new Promise<InitFrame>((r) => onInit = r);
let reading = false;

function onFrame(f: HostFrame): void {
  switch (f.t) {
    case "init":
      onInit(f);
      break;
    case "call":
      if (live.plugin && live.ctx) answer(live.plugin, live.ctx, f);
      break;
    case "host_result":
      settleHostCall(f);
      break;
    case "cancel":
      cancelCall(f.id);
      break;
    case "shutdown":
      flushMetrics(); // a restart must not lose the last second of ctx.metrics
      void drained().then(() => Deno.exit(0));
  }
}

function startReading(): void {
  if (reading) return;
  reading = true;
  readFrames(onFrame).then(
    () => drained().then(() => Deno.exit(0)),
    () => drained().then(() => Deno.exit(70)),
  );
}

/**
 * Opens the channel (see `openChannel()`), starts reading host frames and resolves once the
 * host's `init` came. The bootstrap loads the plugin entry only after this: the host sends `init`
 * once the plugin's files passed their integrity check, which it runs while the process starts,
 * so no plugin code runs before that check.
 */
export async function openShim(): Promise<void> {
  claimFlagGc();
  await openChannel();
  startReading();
  await inited;
}

/** Run the plugin `def` against the host on its channel. Never returns while the host is there. */
export async function runShim(def: unknown): Promise<void> {
  claimFlagGc(); // done by openShim() already, unless a bootstrap opened the channel itself
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    logUncaught("unhandled rejection", e.reason);
  });
  globalThis.addEventListener("error", (e) => {
    e.preventDefault();
    logUncaught("uncaught exception", e.error);
  });
  if (typeof def !== "object" || def === null || (def as DefinedPlugin).__plugd !== 1) {
    send({
      t: "log",
      level: "error",
      msg: "The entry module must `export default definePlugin({ ... })` from @plugd/sdk",
    });
    await drained(); // the shim's own exits wait for the socket to take every frame
    Deno.exit(78);
  }
  const plugin = def as DefinedPlugin;
  live.plugin = plugin;
  startReading(); // already reading after openShim(); a bootstrap may call openChannel() only
  const hello = {
    t: "hello",
    protocol: PROTOCOL_VERSION,
    sdk: plugin.__sdk ?? SDK_VERSION,
    handlers: collectHandlers(plugin),
  };
  // init came before the entry was loaded (openShim), so hello waits for nothing here. hello and
  // ready go in one write: the host checks hello first and takes ready from the same read, one
  // wake-up instead of two with the context's set-up between them.
  const init = await inited;
  setQuota(init.quota);
  installSpaceHints();
  live.ctx = createContext(init);
  send(hello, { t: "ready" });
}
