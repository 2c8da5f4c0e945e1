/**
 * System addons (`kind: system`) in the plugin lifecycle: the launch plan of one operation (the
 * same `launchPlan` as a plugin's, with bash instead of deno), what a privileged addon never
 * sees, and the install-time contract check whose result is kept beside the prepared files.
 */
import { join } from "node:path";
import {
  addonMetadataProblems,
  type AddonOperation,
  type Manifest,
  ManifestError,
} from "../manifest/mod.ts";
import {
  type LaunchPlan,
  launchPlan,
  processRunner,
  readAddonContract,
  type Runner,
  type SandboxInfo,
} from "../runtime/mod.ts";
import { copyPackage, removePackage } from "./copy_package.ts";
import type { PluginRuntime } from "./plugin_context.ts";
import type { PluginPaths } from "./plugin_paths.ts";
import type { PluginRecord } from "./types.ts";

/** The uid the contract is read as at install (nothing is granted then): `nobody`. */
export const CONTRACT_UID = 65534;

/** Where the contract read at install is kept, in the version's prepared folder. */
export const CONTRACT_FILE = "contract.json";

/** Options of {@linkcode addonPlan}. */
export interface AddonPlanOptions {
  /** `[operation, ...arguments]`. */
  args: string[];
  /** Config variables (secret arguments file). @default {} */
  values?: Record<string, string>;
  /** See {@linkcode hiddenPaths}. @default [] */
  hidden?: { path: string; dir: boolean }[];
  /** The addon's uid (used when the daemon runs as root and the addon is unprivileged). */
  uid?: number;
  /** @default Deno.env.get */
  getEnv?: (name: string) => string | undefined;
}

/** The plan of one operation of an installed addon, from its current grant. */
export function addonPlan(
  plugin: Pick<PluginRecord, "id" | "version" | "manifest" | "granted">,
  runtime: Pick<PluginRuntime, "sandbox" | "caps">,
  paths: PluginPaths,
  o: AddonPlanOptions,
): LaunchPlan {
  const grant = plugin.granted ?? plugin.manifest.permissions;
  const getEnv = o.getEnv ?? ((n: string) => Deno.env.get(n));
  const env: Record<string, string> = {};
  for (const name of grant.env ?? []) {
    const value = getEnv(name);
    if (value !== undefined) env[name] = value;
  }
  return launchPlan({
    pluginId: plugin.id,
    grant,
    memoryMb: plugin.manifest.limits.memory_mb,
    host: paths,
    dirs: paths,
    sandbox: runtime.sandbox,
    caps: runtime.caps,
    // Under the unit (uids through capabilities) addons keep the daemon's user: docs/security.md.
    uid: runtime.sandbox.root ? o.uid : undefined,
    env,
    launchDir: paths.launchDir,
    hidden: o.hidden,
    shell: {
      entry: plugin.manifest.entry,
      args: o.args,
      privileged: (grant.privileged ?? []).length > 0,
      values: o.values,
      id: plugin.id,
      version: plugin.version,
    },
  });
}

/**
 * What a privileged addon's view of the host covers: the state dir and plugd's other locations
 * (socket, master key, database, its installation) that exist, each marked folder or file.
 */
export async function hiddenPaths(paths: PluginPaths): Promise<{ path: string; dir: boolean }[]> {
  const out: { path: string; dir: boolean }[] = [];
  for (const path of new Set([paths.stateDir, ...paths.forbiddenPaths])) {
    const info = await Deno.stat(path).catch(() => null);
    if (info) out.push({ path, dir: info.isDirectory });
  }
  return out;
}

/**
 * Reads the contract of a staged addon inside an empty sandbox (no grant, never as root, no
 * network): the script must define every required function and `addon_metadata` must agree with
 * the manifest. Throws {@linkcode ManifestError} with one problem per missing function or
 * disagreeing field; keeps the operations it offers in the prepared folder.
 */
export async function prepareAddon(
  manifest: Manifest,
  paths: { pluginDir: string; preparedDir: string },
  options: { sandbox: SandboxInfo; uid?: number; runner?: Runner },
): Promise<AddonOperation[]> {
  await Deno.mkdir(paths.preparedDir, { recursive: true });
  const scratch = await Deno.makeTempDir({ dir: paths.preparedDir, prefix: "contract-" });
  try {
    const uid = options.sandbox.root ? options.uid : undefined;
    if (uid !== undefined) await Deno.chown(scratch, uid, uid);
    const plan = launchPlan({
      pluginId: manifest.id,
      grant: {},
      memoryMb: manifest.limits.memory_mb,
      host: { stateDir: "/nonexistent-state", forbiddenPaths: [], daemonPort: 1 },
      dirs: { pluginDir: paths.pluginDir, dataDir: scratch, tmpDir: scratch, preparedDir: scratch },
      sandbox: options.sandbox,
      uid,
      launchDir: scratch,
      shell: {
        entry: manifest.entry,
        args: ["--contract"],
        id: manifest.id,
        version: manifest.version,
      },
    });
    const contract = await readAddonContract(plan, { runner: options.runner ?? processRunner() });
    const problems = [
      ...contract.problems,
      ...(contract.metadata === undefined
        ? []
        : addonMetadataProblems(manifest, contract.metadata)),
    ];
    if (problems.length > 0) throw new ManifestError(problems);
    await Deno.writeTextFile(
      join(paths.preparedDir, CONTRACT_FILE),
      JSON.stringify({ operations: contract.operations, metadata: contract.metadata }, null, 2),
    );
    return contract.operations;
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}

/**
 * The contract problems of an addon folder (`plugd plugin validate`): stages a read-only copy in
 * a temp folder and reads its contract there; [] when it conforms.
 */
export async function addonFolderProblems(
  manifest: Manifest,
  sourceDir: string,
  files: string[],
  options: { sandbox: SandboxInfo; uid?: number },
): Promise<{ field: string; message: string }[]> {
  const temp = await Deno.makeTempDir({ prefix: "plugd-validate-" });
  const paths = { pluginDir: join(temp, "plugin"), preparedDir: join(temp, "prepared") };
  try {
    await copyPackage(sourceDir, paths.pluginDir, files);
    await prepareAddon(manifest, paths, options);
    return [];
  } catch (error) {
    if (error instanceof ManifestError) return error.problems;
    throw error;
  } finally {
    await removePackage(paths.pluginDir);
    await Deno.remove(temp, { recursive: true }).catch(() => {});
  }
}

/** The operations a prepared addon version offers ([] when unknown). */
export async function preparedOperations(preparedDir: string): Promise<AddonOperation[]> {
  try {
    const text = await Deno.readTextFile(join(preparedDir, CONTRACT_FILE));
    return (JSON.parse(text) as { operations: AddonOperation[] }).operations;
  } catch {
    return [];
  }
}
