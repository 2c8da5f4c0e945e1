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
  /** The tenant of the in-flight call `args.call` names (see {@linkcode callTenant}). */
  tenantOf: (call: unknown) => string | null;
}

/** Thrown to the plugin for a host call naming a call that is not in flight. */
export class TenantScopeError extends Error {
  override name = "TenantScopeError";
}

/**
 * Whom a host call acts for: no `call` = plugin-wide (null); a call in flight = its tenant
 * (null when it has none). A call that ended or never was is refused: a plugin acts for a tenant
 * only while it handles a call for that tenant, so it cannot keep acting for one it served once.
 */
export function callTenant(
  pending: Map<number, { tenant?: string }>,
  call: unknown,
): string | null {
  if (call === undefined || call === null) return null;
  const p = typeof call === "number" ? pending.get(call) : undefined;
  if (!p) {
    throw new TenantScopeError(
      `call ${JSON.stringify(call)?.slice(0, 40)} is not in flight: a plugin acts for a tenant ` +
        "only while it handles a call for that tenant (use the ctx the handler got, before it returns)",
    );
  }
  return p.tenant ?? null;
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
    const scope = { tenant: ctx.tenantOf(args.call) };
    const value = await ctx.handler.handleHostCall(ctx.pluginId, f.op, f.args, scope);
    ctx.send({ t: "host_result", id: f.id, ok: true, value });
  } catch (e) {
    ctx.send({ t: "host_result", id: f.id, ok: false, error: wireError(e) });
  } finally {
    ctx.leave();
  }
}
