/**
 * `PluginService`'s start and stop: what a crash interrupted is settled, then every enabled plugin
 * starts, several at once; at a stop every plugin process stops, then the namespace of the data
 * volumes ends.
 */
import { releaseResourceCaps } from "../runtime/mod.ts";
import { listPlugins } from "./repository.ts";
import { startInParallel } from "./start_order.ts";
import { onDemand } from "./plugin_dirs.ts";
import { isSystemAddon } from "./system_addons.ts";
import { settleInterrupted } from "./recover_transitions.ts";
import type { PluginRecord } from "./types.ts";
import type { ServiceParts } from "./service_parts.ts";

/** Settles what a crash interrupted, then starts every enabled plugin, several at once. */
export async function startService(parts: ServiceParts): Promise<void> {
  await settleInterrupted(parts.ctx, parts.db);
  parts.ctx.locks!.open(); // lifecycle requests that arrived meanwhile go ahead now
  parts.executions.start();
  const all = await listPlugins(parts.ctx.store); // one listing: each row's manifest is parsed
  if (parts.ctx.config.dev) {
    for (const p of all) parts.reloader.watchSource(p);
  }
  const enabled = all.filter((p) => p.state === "enabled");
  const lazy = (p: PluginRecord) => parts.ctx.config.idleStopMs > 0 && onDemand(p);
  // A start mostly waits on Deno's start-up threads and I/O: two per core keep the cores busy.
  // Each start's host work (folders, `$DATA` volume, config, registration) runs ahead of the
  // slots, so a slot holds only a process's start (its volume no longer queues inside it).
  const start = async (p: PluginRecord) => {
    if (!isSystemAddon(p) && !lazy(p)) await parts.supervisor.start(p.id);
  };
  await startInParallel(enabled, start, {
    concurrency: 2 * navigator.hardwareConcurrency,
    onError: (p, e) => parts.ctx.log(`plugin ${p.id} did not start: ${e.message}`),
    ready: (p) => parts.starter.ready(p, { lazy: lazy(p) }),
  });
  parts.memory.poke();
}

/** Stops every plugin process, then ends the data volumes' namespace. */
export async function stopService(parts: ServiceParts): Promise<void> {
  parts.reloader.close();
  parts.memory[Symbol.dispose]();
  await parts.supervisor[Symbol.asyncDispose]();
  await releaseResourceCaps(parts.ctx.runtime.caps); // its cgroup folders, once plugins left
  await parts.db.close();
  await parts.executions.stop();
  await parts.ctx.runtime.volumes[Symbol.asyncDispose]();
}
