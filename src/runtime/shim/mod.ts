/**
 * The in-sandbox shim: the generated bootstrap imports it, awaits `openChannel()`, then imports
 * the plugin entry and calls `runShim(entry.default)`. It may import only its own folder and `sdk/` (both mounted read-only).
 * @module
 */
import "./console.ts";
import type { DefinedPlugin, PluginContext } from "../../../sdk/types.ts";
import { SDK_VERSION } from "../../../sdk/version.ts";
import { beginCall, cancelCall, endCall } from "./calls.ts";
import { drained, readFrames, send, sendResult, settleHostCall } from "./channel.ts";
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

async function answer(def: DefinedPlugin, ctx: PluginContext, f: HostFrame): Promise<void> {
  if (f.t !== "call") return;
  const signal = beginCall(f.id, f.kind);
  try {
    const callCtx = f.tenant ? tenantContext(ctx, f.id, f.tenant) : ctx;
    sendResult(
      f.id,
      true,
      await dispatch(def, callCtx, f.kind, f.name, f.payload, { id: f.id, signal }),
    );
  } catch (e) {
    sendResult(f.id, false, toWireError(e));
  } finally {
    endCall(f.id);
  }
}

/** Run the plugin `def` against the host on its channel. Never returns while the host is there. */
export async function runShim(def: unknown): Promise<void> {
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
  const live: { ctx?: PluginContext } = {};
  let onInit!: (f: Extract<HostFrame, { t: "init" }>) => void;
  const inited = new Promise<Extract<HostFrame, { t: "init" }>>((r) => onInit = r);
  readFrames((f) => {
    switch (f.t) {
      case "init":
        onInit(f);
        break;
      case "call":
        if (live.ctx) answer(plugin, live.ctx, f);
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
  }).then(
    () => drained().then(() => Deno.exit(0)),
    () => drained().then(() => Deno.exit(70)),
  );
  send({
    t: "hello",
    protocol: PROTOCOL_VERSION,
    sdk: plugin.__sdk ?? SDK_VERSION,
    handlers: collectHandlers(plugin),
  });
  const init = await inited;
  setQuota(init.quota);
  installSpaceHints();
  live.ctx = createContext(init);
  send({ t: "ready" });
}
