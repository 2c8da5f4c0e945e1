/** `definePlugin()`: the one function a plugin entry calls. */
import type { DefinedPlugin, PluginDefinition } from "./types.ts";
import { SDK_VERSION } from "./version.ts";

const MAPS = ["actions", "filters", "gates", "routes", "cron", "commands", "tasks"] as const;
/** Lifecycle hook names a plugin may implement (the shim and the protocol use this list). */
export const LIFECYCLE_HOOKS = [
  "onInstall",
  "onEnable",
  "onDisable",
  "onUpdate",
  "onUninstall",
  "onConfigChange",
  "health",
] as const;
const FUNCS = LIFECYCLE_HOOKS;

/**
 * Declare a plugin. Export the result as the entry module's default export.
 * Throws `TypeError` when a handler is not a function or an unknown key is given.
 *
 * @example
 * ```ts
 * import { definePlugin } from "@plugd/sdk";
 * export default definePlugin({
 *   filters: { "notification.format": (data) => ({ ...(data as object), text: "hi" }) },
 * });
 * ```
 */
export function definePlugin<C = Record<string, unknown>, R extends string = string>(
  def: PluginDefinition<C, R>,
): DefinedPlugin<C, R> {
  if (typeof def !== "object" || def === null) {
    throw new TypeError("definePlugin() expects an object such as { actions: { ... } }");
  }
  for (const key of Object.keys(def)) {
    if (!(MAPS as readonly string[]).includes(key) && !(FUNCS as readonly string[]).includes(key)) {
      throw new TypeError(
        `definePlugin(): unknown key "${key}"; allowed: ${[...MAPS, ...FUNCS].join(", ")}`,
      );
    }
  }
  for (const m of MAPS) {
    const map = def[m] as Record<string, unknown> | undefined;
    if (map === undefined) continue;
    if (typeof map !== "object" || map === null) {
      throw new TypeError(`definePlugin(): "${m}" must be an object of handler functions`);
    }
    for (const [name, fn] of Object.entries(map)) {
      if (typeof fn !== "function") {
        throw new TypeError(`definePlugin(): ${m}["${name}"] must be a function`);
      }
    }
  }
  for (const f of FUNCS) {
    if (def[f] !== undefined && typeof def[f] !== "function") {
      throw new TypeError(`definePlugin(): "${f}" must be a function`);
    }
  }
  // The SDK version is checked against the daemon's at the handshake.
  return Object.freeze({ ...def, __plugd: 1 as const, __sdk: SDK_VERSION });
}
