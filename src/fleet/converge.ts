/**
 * Converging one plugin on this host to a version of its desired entry, through the same
 * PluginService paths an operator uses (install, update, grant, config, enable; each audited
 * with the actor `fleet`). Everything is checked before the first change: a refused entry
 * leaves the host exactly as it was.
 */
import type { RegistrySource } from "../config/mod.ts";
import type { Manifest, Permissions } from "../manifest/mod.ts";
import { permissionsEqual } from "../permissions/mod.ts";
import type { PluginRecord, SourceOptions } from "../plugins/mod.ts";
import { canonicalJson } from "../signing/mod.ts";
import { configMismatch, grantMismatch, type KeptArchive, setPath } from "./package_check.ts";
import type { DesiredEntry } from "./types.ts";

/** The actor recorded in the audit log for everything the fleet does. */
export const FLEET_ACTOR = "fleet";

/** The plugin lifecycle as the fleet uses it (PluginService). */
export interface FleetPlugins {
  install(source: string, actor: string, options?: SourceOptions): Promise<unknown>;
  update(
    id: string,
    source: string,
    actor: string,
    options?: SourceOptions,
  ): Promise<Record<string, unknown>>;
  grant(id: string, permissions: unknown, actor: string): Promise<unknown>;
  setConfig(id: string, values: unknown, actor: string): Promise<unknown>;
  enable(id: string, actor: string): Promise<void>;
  remove(id: string, options: { purge: boolean }, actor: string): Promise<void>;
  record(id: string): Promise<PluginRecord>;
}

/** What a converge step needs. */
export interface ConvergeInput {
  plugins: FleetPlugins;
  entry: DesiredEntry;
  /** The version to hold now (the rollout gate's answer). */
  target: string;
  record: PluginRecord | null;
  registry: RegistrySource;
  /** Resolved secret values by config path. */
  secretValues: Record<string, string>;
  /** Hash of the config last applied by the fleet, or null. */
  appliedConfigHash: string | null;
  /** The manifest of `target` from its verified package (fetched only when needed). */
  manifestOf: (version: string) => Promise<Manifest>;
  /** The archive the check fetched and verified, for the install to use. @default none */
  archiveOf?: (version: string) => Promise<KeptArchive | null>;
  /** Reports progress (`installing`, `updating`) before a long step. */
  progress: (state: "installing" | "updating") => Promise<void>;
  /** Filled with the milliseconds of each step (`check`, `install`, `start`), for the log. */
  timings?: Record<string, number>;
}

/** Thrown when the host refuses or fails; the message goes into its status. */
export class ConvergeError extends Error {
  override name = "ConvergeError";
  /** True when an update to the target failed and the previous version was restored. */
  readonly rolledBack: boolean;
  constructor(message: string, rolledBack = false) {
    super(message);
    this.rolledBack = rolledBack;
  }
}

/** The config the plugin gets: the entry's settings with this host's secrets in place. */
export function desiredConfig(entry: DesiredEntry, secretValues: Record<string, string>) {
  const values = structuredClone(entry.config);
  for (const [path, value] of Object.entries(secretValues)) setPath(values, path, value);
  return values;
}

/** sha256 of the config and secret values applied (stored instead of the values). */
export async function configHash(values: Record<string, unknown>): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson(values));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether the plugin already is what the entry asks at `target`. */
export function isConverged(
  record: PluginRecord | null,
  entry: DesiredEntry,
  target: string,
  hash: string,
  appliedConfigHash: string | null,
): boolean {
  return !!record && record.version === target && record.state === "enabled" &&
    !!record.granted && permissionsEqual(record.granted, entry.grant as Permissions) &&
    hash === appliedConfigHash;
}

/**
 * Brings the plugin to `target` with the entry's grant, config and enabled; returns the hash
 * of the config applied. Throws {@linkcode ConvergeError}.
 */
export async function convergePlugin(input: ConvergeInput): Promise<string> {
  const { plugins, entry, target, registry, secretValues } = input;
  const id = entry.id;
  let record = input.record;
  const values = desiredConfig(entry, secretValues);
  const hash = await configHash(values);
  const timings = input.timings ?? {};
  let t = performance.now();
  const lap = (step: string) => {
    const now = performance.now();
    timings[step] = Math.round(now - t);
    t = now;
  };
  // 1. Check everything against the real package before changing anything.
  let manifest: Manifest;
  try {
    manifest = record?.version === target ? record.manifest : await input.manifestOf(target);
  } catch (error) {
    throw new ConvergeError(`cannot check ${id}@${target}: ${(error as Error).message}`);
  }
  const refused = grantMismatch(manifest, entry.grant as Permissions) ??
    configMismatch(manifest, entry.config, entry.secrets, secretValues);
  if (refused) throw new ConvergeError(`refused: ${refused}`);
  lap("check");
  const kept = record?.version === target ? null : await input.archiveOf?.(target);
  const options = {
    registries: [registry],
    allowDowngrade: true,
    ...(kept ? { archives: new Map([[kept.sha256, kept.path]]) } : {}),
  };
  // 2. Install or move to the target version.
  const fresh = !record;
  if (!record) {
    await input.progress("installing");
    await plugins.install(`${id}@${target}`, FLEET_ACTOR, options);
  } else if (record.version !== target) {
    await input.progress("updating");
    try {
      await plugins.update(id, `@${target}`, FLEET_ACTOR, options);
    } catch (error) {
      const message = (error as Error).message;
      throw new ConvergeError(message, /was restored/.test(message));
    }
  }
  record = await plugins.record(id);
  lap("install");
  // 3. Grant, config, enable: each only when it differs.
  try {
    if (!record.granted || !permissionsEqual(record.granted, entry.grant as Permissions)) {
      await plugins.grant(id, entry.grant, FLEET_ACTOR);
    }
    if (hash !== input.appliedConfigHash || fresh) {
      await plugins.setConfig(id, values, FLEET_ACTOR);
    }
    if (record.state !== "enabled") await plugins.enable(id, FLEET_ACTOR);
  } catch (error) {
    // A fresh install that cannot run is taken out again: nothing is left half-applied.
    if (fresh) await plugins.remove(id, { purge: true }, FLEET_ACTOR).catch(() => {});
    throw new ConvergeError((error as Error).message);
  }
  lap("start");
  return hash;
}
