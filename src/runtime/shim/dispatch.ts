/**
 * Route one host call to the plugin's handler. Routes, commands and tasks load their modules at
 * their first call (a literal import from the shim's own read-only folder, in the prepared cache):
 * a plugin's start does not parse and run code most plugins never call.
 */
import type { CloudEvent, DefinedPlugin, PluginContext } from "../../../sdk/types.ts";
import { type CallKind, type HandlerSet, LIFECYCLE_HOOKS, type RoutePayload } from "./wire.ts";

/** The handler names a definition provides, for the hello frame. */
export function collectHandlers(def: DefinedPlugin): HandlerSet {
  return {
    actions: Object.keys(def.actions ?? {}),
    filters: Object.keys(def.filters ?? {}),
    gates: Object.keys(def.gates ?? {}),
    routes: Object.keys(def.routes ?? {}),
    cron: Object.keys(def.cron ?? {}),
    commands: Object.keys(def.commands ?? {}),
    tasks: Object.keys(def.tasks ?? {}),
    lifecycle: LIFECYCLE_HOOKS.filter((k) => typeof def[k] === "function"),
  };
}

function pick<T>(map: Record<string, T> | undefined, kind: string, name: string): T {
  const fn = map && Object.hasOwn(map, name) ? map[name] : undefined;
  if (!fn) throw new Error(`This plugin has no ${kind} handler "${name}"`);
  return fn;
}

/** The call being answered: its id and the signal a `cancel` frame fires. */
export interface CallInfo {
  id: number;
  signal: AbortSignal;
}

/**
 * Run the handler for `kind`/`name`: its value (JSON-serializable), or a promise of it. Actions,
 * filters, gates, cron jobs and health checks return what the handler returned, so a synchronous
 * handler's answer needs no promise (see `answer` in mod.ts); a missing handler throws here.
 */
export function dispatch(
  def: DefinedPlugin,
  ctx: PluginContext,
  kind: CallKind,
  name: string,
  payload: unknown,
  call: CallInfo,
): unknown {
  switch (kind) {
    case "action":
      return pick(def.actions, kind, name)(payload as CloudEvent, ctx);
    case "filter":
      return pick(def.filters, kind, name)(payload, ctx);
    case "gate":
      return pick(def.gates, kind, name)(payload, ctx);
    case "cron":
      return pick(def.cron, kind, name)(ctx);
    case "health":
      return def.health ? def.health(ctx) : { status: "healthy" };
    default:
      return dispatchOther(def, ctx, kind, name, payload, call);
  }
}

/** Routes, commands, tasks and lifecycle hooks: always asynchronous. */
async function dispatchOther(
  def: DefinedPlugin,
  ctx: PluginContext,
  kind: CallKind,
  name: string,
  payload: unknown,
  call: CallInfo,
): Promise<unknown> {
  switch (kind) {
    case "route": {
      const p = payload as RoutePayload;
      const handler = pick(def.routes, kind, name);
      const { fromResponse, toRequest } = await import("./route.ts");
      const routeCtx = Object.freeze({ ...ctx, params: Object.freeze({ ...p.params }) });
      return await fromResponse(await handler(toRequest(p), routeCtx));
    }
    case "command": {
      const handler = pick(def.commands, kind, name);
      const { runCommand } = await import("./command.ts");
      return await runCommand(handler, ctx, call.id, payload, call.signal);
    }
    case "task": {
      const handler = pick(def.tasks, kind, name);
      const { runTask } = await import("./task.ts");
      return await runTask(handler, ctx, call.id, payload, call.signal);
    }
    case "lifecycle": {
      const p = (payload ?? {}) as Record<string, unknown>;
      switch (name) {
        case "onUpdate":
          return await def.onUpdate?.(String(p.from), String(p.to), ctx);
        case "onConfigChange":
          return await def.onConfigChange?.(
            (p.old ?? {}) as Record<string, unknown>,
            (p.new ?? {}) as Record<string, unknown>,
            ctx,
          );
        case "onInstall":
        case "onEnable":
        case "onDisable":
        case "onUninstall":
          return await def[name]?.(ctx);
        case "health":
          return def.health ? await def.health(ctx) : { status: "healthy" };
      }
      throw new Error(`Unknown lifecycle hook "${name}"`);
    }
  }
  throw new Error(`Unknown call kind "${kind}"`);
}
