/**
 * `@plugd/sdk/testing/addon`: load a system addon folder (`kind: system`) with the same checks as
 * an install (manifest, package, the contract and `addon_metadata` against plugin.yaml) and run
 * its operations in the real sandbox with a private `$DATA`, from a test.
 *
 * @example
 * ```ts
 * import { startAddon } from "@plugd/sdk/testing/addon";
 * Deno.test("installs", async () => {
 *   await using addon = await startAddon(new URL(".", import.meta.url).pathname);
 *   assert.equal((await addon.run("install")).code, 0);
 *   assert.equal((await addon.run("status")).result.status, "installed");
 * });
 * ```
 * @module
 */
import { addonConfigEnv } from "../src/addons/mod.ts";
import { type AddonOperation, loadPluginDir, type Permissions } from "../src/manifest/mod.ts";
import {
  addonPlan,
  copyPackage,
  prepareAddon,
  removePackage,
  validateConfigValues,
} from "../src/plugins/mod.ts";
import { detectSandbox, processRunner, runAddon, type SandboxInfo } from "../src/runtime/mod.ts";

/** Options of {@linkcode startAddon}. */
export interface StartAddonOptions {
  /** Config values (defaults from the schema are applied). @default {} */
  config?: Record<string, unknown>;
  /** @default every permission the manifest requests */
  grant?: Permissions;
}

/** What one operation did. */
export interface AddonRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as JSON when it is JSON (status, health, metrics, validate, metadata). */
  result: unknown;
  timedOut: boolean;
  /** `plugd_progress` reports, in order. */
  progress: { percent: number; message: string }[];
}

/** A system addon under test. */
export interface TestAddon extends AsyncDisposable {
  readonly id: string;
  /** The operations its script defines. */
  readonly operations: AddonOperation[];
  /** Its `$DATA` on the host (kept between runs, removed at dispose). */
  readonly dataDir: string;
  /** Runs `addon_<op>` with `args`, as the daemon would. */
  run(op: AddonOperation, args?: string[]): Promise<AddonRun>;
}

/** The uid an addon under test runs as when the tests run as root. */
const TEST_UID = 65534;
let sandboxInfo: Promise<SandboxInfo> | undefined;

/** Checks and stages `dir` in a temp folder; dispose removes it. */
export async function startAddon(
  dir: string,
  options: StartAddonOptions = {},
): Promise<TestAddon> {
  const { manifest, dir: sourceDir, files } = await loadPluginDir(dir);
  if (manifest.kind !== "system") {
    throw new TypeError(`${dir} is not a system addon (kind: system); use startPlugin()`);
  }
  const state = await Deno.makeTempDir({ prefix: `plugd-addon-test-${manifest.id}-` });
  const paths = {
    pluginDir: `${state}/plugin`,
    preparedDir: `${state}/prepared`,
    dataDir: `${state}/data`,
    tmpDir: `${state}/tmp`,
    launchDir: `${state}/launch`,
    stateDir: `${state}/state`,
    forbiddenPaths: [],
    daemonPort: 7420,
  };
  const cleanup = async () => {
    await removePackage(paths.pluginDir).catch(() => {});
    await Deno.remove(state, { recursive: true }).catch(() => {});
  };
  try {
    sandboxInfo ??= detectSandbox();
    const sandbox = await sandboxInfo;
    await copyPackage(sourceDir, paths.pluginDir, files);
    const operations = await prepareAddon(manifest, paths, { sandbox, uid: TEST_UID });
    await Deno.mkdir(paths.dataDir, { mode: 0o700 });
    await Deno.mkdir(paths.launchDir, { mode: 0o700 });
    if (sandbox.root) await Deno.chown(paths.dataDir, TEST_UID, TEST_UID);
    const { values, problems } = validateConfigValues(manifest.config, options.config ?? {});
    if (problems.length > 0) {
      throw new TypeError(
        `Invalid config: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`,
      );
    }
    const env = addonConfigEnv(values, values);
    const grant = options.grant ?? manifest.permissions;
    const record = { id: manifest.id, version: manifest.version, manifest, granted: grant };
    return {
      id: manifest.id,
      operations,
      dataDir: paths.dataDir,
      async run(op, args = []) {
        const runtime = { sandbox, caps: noCaps(), uids: null, quotas: { dataMb: 100, tmpMb: 64 } };
        const plan = addonPlan(record, runtime, paths, {
          args: [op, ...args],
          values: env.values,
          uid: sandbox.root ? TEST_UID : undefined,
        });
        const progress: AddonRun["progress"] = [];
        const r = await runAddon(plan, {
          runner: processRunner(),
          stdin: env.json + "\n",
          timeoutMs: (manifest.operations?.[op]?.timeout_s ?? 30) * 1000,
          maxOutputBytes: 1024 * 1024,
          onProgress: (percent, message) => progress.push({ percent, message }),
        });
        let result: unknown = undefined;
        try {
          result = JSON.parse(r.stdout);
        } catch { /* not JSON */ }
        return {
          code: r.code,
          stdout: r.stdout,
          stderr: r.stderr,
          result,
          timedOut: r.timedOut,
          progress,
        };
      },
      [Symbol.asyncDispose]: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function noCaps() {
  return {
    mechanism: "none",
    overheadMb: 0,
    pidsMax: 0,
    cpuPercent: 0,
    cpuPercentMax: 0,
    cpuBurst: false,
    rlimitBaseMb: 0,
  } as const;
}
