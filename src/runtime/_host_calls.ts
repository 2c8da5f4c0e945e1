/** Serve one `host` frame from a child: bounded, with the plugin id bound by the caller. */
import type { ChildFrame, LogLevel } from "./protocol.ts";
import { toLogLevel } from "./protocol.ts";
import type { DeniedAttempt, HostHandler } from "./types.ts";

type HostFrameIn = Extract<ChildFrame, { t: "host" }>;

/** What serving host calls needs from the process. */
export interface HostCallContext {
  pluginId: string;
  handler: HostHandler;
  send: (frame: unknown) => void;
  log: (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;
  onDenied: (attempt: DeniedAttempt) => void;
  /** Returns false when too many host calls are in flight. */
  tryEnter: () => boolean;
  leave: () => void;
}

function wireError(e: unknown): { name: string; message: string } {
  if (e instanceof Error) return { name: e.name, message: e.message.slice(0, 8192) };
  return { name: "Error", message: String(e).slice(0, 8192) };
}

/** Answer `f`; never throws. `denied` and `log` are served here, the rest by the handler. */
export async function serveHostCall(ctx: HostCallContext, f: HostFrameIn): Promise<void> {
  const args = (typeof f.args === "object" && f.args !== null ? f.args : {}) as Record<
    string,
    unknown
  >;
  if (f.op === "denied") {
    ctx.onDenied({ what: String(args.what ?? "unknown").slice(0, 1024), when: Date.now() });
    ctx.send({ t: "host_result", id: f.id, ok: true });
    return;
  }
  if (f.op === "log") {
    const fields = typeof args.fields === "object" && args.fields !== null
      ? args.fields as Record<string, unknown>
      : undefined;
    ctx.log(toLogLevel(args.level), String(args.msg ?? ""), fields);
    ctx.send({ t: "host_result", id: f.id, ok: true });
    return;
  }
  if (!ctx.tryEnter()) {
    ctx.send({
      t: "host_result",
      id: f.id,
      ok: false,
      error: { name: "RangeError", message: "too many concurrent host calls; await them" },
    });
    return;
  }
  try {
    const value = await ctx.handler.handleHostCall(ctx.pluginId, f.op, f.args);
    ctx.send({ t: "host_result", id: f.id, ok: true, value });
  } catch (e) {
    ctx.send({ t: "host_result", id: f.id, ok: false, error: wireError(e) });
  } finally {
    ctx.leave();
  }
}
