/** Detect, once, what this host gives plugins: sandbox, resource caps, uids, quotas. */
import type { Config } from "../config/mod.ts";
import { join } from "node:path";
import {
  BinFolders,
  cgroupInstance,
  DataVolumes,
  detectResourceCaps,
  detectSandbox,
  switchesUids,
} from "../runtime/mod.ts";
import type { Store } from "../store/mod.ts";
import type { PluginRuntime } from "./plugin_context.ts";
import { hostIdsInUse, storeUids } from "./plugin_uids.ts";

/** Options of {@linkcode detectPluginRuntime}. */
export interface DetectPluginRuntimeOptions {
  /** Where per-plugin uids are kept; without it (a local preview) plugins get none. */
  store?: Store;
  /** Create this daemon's cgroup folders and data volumes; `false` for a preview. @default true */
  create?: boolean;
}

/**
 * Detects the sandbox, the caps and whether plugins get their own uids, for a daemon on
 * `config.stateDir`. Its cgroups are named after the state dir, so two daemons (or a daemon and a
 * test) on one host never share a plugin's cgroup, and a restarted daemon sweeps the empty ones
 * its previous run left.
 *
 * @example
 * ```ts
 * const runtime = await detectPluginRuntime(config, { store });
 * runtime.caps.mechanism; // "cgroup-v1"
 * ```
 */
export async function detectPluginRuntime(
  config: Pick<Config, "stateDir" | "sandbox" | "isolation">,
  options: DetectPluginRuntimeOptions = {},
): Promise<PluginRuntime> {
  const instance = await cgroupInstance(config.stateDir);
  const sandbox = await detectSandbox({ requested: config.sandbox });
  const { uidRange, dataQuotaMb, tmpQuotaMb, dataVolumes, cpuPercent, cpuPercentMax } =
    config.isolation;
  return {
    sandbox,
    caps: await detectResourceCaps({
      instance,
      create: options.create,
      cpuPercent,
      cpuPercentMax,
    }),
    uids: switchesUids(sandbox) && options.store
      ? storeUids(options.store, { range: uidRange, taken: await hostIdsInUse() })
      : null,
    quotas: { dataMb: dataQuotaMb, tmpMb: tmpQuotaMb },
    volumes: await DataVolumes.start({
      dir: join(config.stateDir, "volumes"),
      requested: options.create === false ? "off" : dataVolumes,
    }),
    binFolders: await BinFolders.forSandbox(sandbox, config.stateDir, {
      create: options.create,
    }),
  };
}

/** One line for the daemon's log: how plugins are kept apart on this host. */
export function describeIsolation(
  runtime: PluginRuntime,
  config: Pick<Config, "isolation">,
): string {
  const { first, last } = config.isolation.uidRange;
  const how = runtime.sandbox.uidSwitch === "caps" ? " (plugd's capabilities)" : "";
  const uids = runtime.uids
    ? `each plugin its own uid from ${first}-${last}${how}`
    : `every plugin as uid ${Deno.uid()} (no per-plugin uids: ${
      runtime.sandbox.uidReason ?? "plugd is not root"
    })`;
  const { mode, reason } = runtime.sandbox;
  const { volumes, quotas } = runtime;
  const data = volumes.mode === "image"
    ? `$DATA: a ${quotas.dataMb} MiB volume per plugin`
    : `$DATA: ${quotas.dataMb} MiB watched, not enforced by the file system (${volumes.reason})`;
  return `plugin isolation: sandbox: ${mode} (${reason}); caps: ${runtime.caps.mechanism}; ` +
    `${uids}; ${data}`;
}
