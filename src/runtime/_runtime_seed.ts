/**
 * The module cache every sandboxed prepare starts from: Deno's caches after one run of plugd's
 * runtime module alone (V8's code cache of it, its parse and dependency analysis), made once per
 * daemon and runtime module and copied into each plugin's `cache/`. In the sandbox the runtime
 * module is `/plugd/prepared/runtime.js` for every plugin and Deno keys these caches by specifier
 * and source hash, so one run serves them all; no plugin code takes part in it.
 */
import { PLUGIN_V8_FLAGS } from "../permissions/mod.ts";
import type { SandboxInfo } from "./detect_sandbox.ts";
import { PluginPrepareError } from "./errors.ts";
import { IN_SANDBOX } from "./sandbox_paths.ts";
import { prepareDeno } from "./_prepare_deno.ts";
import { join } from "./_path.ts";

/** Cache files (name -> bytes), taken from the warm-up's `DENO_DIR` once its `deno` exited. */
export type CacheSeed = ReadonlyMap<string, Uint8Array>;

/** The runtime module's file name in a prepared folder. */
const RUNTIME = "runtime.js";
/** Imports only the runtime module: loaded once, with a writable cache, to fill the seed. */
const WARM = "warm_runtime.js";

/** Where a seed's warm-up runs. */
export interface SeedSandbox {
  /** The sandbox plugins run in (`bwrap` mode). */
  sandbox: SandboxInfo;
  /** The SDK's folder, mounted as in every prepare (the warm-up does not read it). */
  sdkDir: string;
}

/** Seeds by runtime module text (the same string each prepare: V8 keeps its hash), then sandbox. */
const seeds = new Map<string, Map<string, Promise<CacheSeed>>>();

/**
 * The seed for `runtime` (the runtime module's text) in `where.sandbox`, made at the first call
 * with that module, Deno and sandbox; a failed warm-up is tried again at the next call.
 *
 * @example
 * ```ts
 * await writeSeed(await runtimeSeed(runtimeText, { sandbox, sdkDir }), `${preparedDir}/cache`);
 * ```
 */
export async function runtimeSeed(runtime: string, where: SeedSandbox): Promise<CacheSeed> {
  const { sandbox, sdkDir } = where;
  if (sandbox.mode !== "bwrap") throw new TypeError("a cache seed is for the bwrap sandbox only");
  let forText = seeds.get(runtime);
  if (!forText) seeds.set(runtime, forText = new Map());
  const key = [sandbox.denoPath, sandbox.bwrapPath, sdkDir].join("\0");
  let seed = forText.get(key);
  if (!seed) {
    seed = makeSeed(runtime, where).catch((e) => {
      forText.delete(key);
      throw e instanceof PluginPrepareError ? e : new PluginPrepareError((e as Error).message);
    });
    forText.set(key, seed);
  }
  return await seed;
}

/** Writes `seed`'s files into `cacheDir` (an empty `DENO_DIR`), each a copy of its own. */
export async function writeSeed(seed: CacheSeed, cacheDir: string): Promise<void> {
  await Promise.all(
    [...seed].map(([name, bytes]) => Deno.writeFile(join(cacheDir, name), bytes, { mode: 0o644 })),
  );
}

async function makeSeed(runtime: string, where: SeedSandbox): Promise<CacheSeed> {
  // Private to the daemon (0700) and gone once read: nothing but this warm-up writes it.
  const dir = await Deno.makeTempDir({ prefix: "plugd-runtime-seed-" });
  try {
    await Deno.mkdir(join(dir, "cache"));
    await Deno.writeTextFile(join(dir, RUNTIME), runtime);
    const url = `file://${IN_SANDBOX.prepared}/${RUNTIME}`;
    await Deno.writeTextFile(join(dir, WARM), `import ${JSON.stringify(url)};\n`);
    const deno = prepareDeno(where.sandbox, { sdkDir: where.sdkDir, preparedDir: dir });
    // Under the plugins' V8 flags: V8 rejects cached code made under other flags.
    await deno([
      "run",
      ...["--no-config", "--no-remote", "--no-npm", "--no-prompt", "--cached-only"],
      `--v8-flags=${PLUGIN_V8_FLAGS.join(",")}`,
      `${IN_SANDBOX.prepared}/${WARM}`,
    ]);
    // The caches' database files (with their write-ahead logs, as the exited deno left them);
    // not the `node` link to deno that the run leaves, which a start would put on a plugin's PATH.
    const seed = new Map<string, Uint8Array>();
    for await (const e of Deno.readDir(join(dir, "cache"))) {
      if (e.isFile) seed.set(e.name, await Deno.readFile(join(dir, `cache/${e.name}`)));
    }
    if (![...seed.keys()].some((n) => n.startsWith("v8_code_cache"))) {
      throw new PluginPrepareError("warming the runtime module wrote no V8 code cache");
    }
    return seed;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
