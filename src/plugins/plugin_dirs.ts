import type { PluginRecord } from "./types.ts";

/** Whether a plugin can be started on demand: only actions and cron jobs, nothing synchronous. */
export function onDemand(plugin: PluginRecord): boolean {
  return plugin.manifest.routes.length === 0 &&
    plugin.manifest.hooks.every((h) => h.kind === "action");
}

/** Throws unless a `health()` answer says `healthy` or `degraded` (or says nothing). */
export function assertHealthy(answer: unknown): void {
  const status = (answer as { status?: unknown } | null)?.status;
  if (status !== undefined && status !== "healthy" && status !== "degraded") {
    throw new Error(`health check answered ${JSON.stringify(answer)}`);
  }
}
