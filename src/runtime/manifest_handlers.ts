/** The handlers a manifest declares, in the shape of the hello frame. */
import type { Manifest } from "../manifest/mod.ts";
import type { HandlerSet } from "./protocol.ts";

/**
 * The handlers `m` declares; the module must define exactly these (lifecycle hooks aside).
 *
 * @example
 * ```ts
 * manifestHandlers(manifest).filters; // ["notification.format"]
 * ```
 */
export function manifestHandlers(
  m: Pick<Manifest, "hooks" | "routes" | "cron" | "commands">,
): HandlerSet {
  const of = (kind: string) => m.hooks.filter((h) => h.kind === kind).map((h) => h.name);
  return {
    actions: of("action"),
    filters: of("filter"),
    gates: of("gate"),
    routes: m.routes.map((r) => `${r.method} ${r.path}`),
    cron: m.cron.map((c) => c.name),
    lifecycle: [],
    commands: (m.commands ?? []).map((c) => c.name),
    tasks: of("task"),
  };
}
