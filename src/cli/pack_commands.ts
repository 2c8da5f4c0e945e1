/** `plugd plugin pack`, `plugd registry build`. */
import { loadConfig } from "../config/mod.ts";
import { ManifestError } from "../manifest/mod.ts";
import { checkLikeInstall, detectPluginRuntime } from "../plugins/mod.ts";
import { PluginPrepareError } from "../runtime/mod.ts";
import { buildIndex } from "../registry/mod.ts";
import { packPlugin, readPrivateKeyFile } from "../signing/mod.ts";
import { callerPath, CliError, type Command, UsageError } from "./command.ts";
import { print } from "./output.ts";

/**
 * `plugd plugin pack <dir> [--sign KEYFILE] [--out DIR] [--build N] [--no-check]` (local, no
 * daemon). Runs an install's checks first, type check included: the install of a signed package
 * does not type-check again (a type check is a quality gate, not a wall).
 */
export const pluginPackCommand: Command = {
  path: "plugin pack",
  args: "<dir>",
  summary: "write <id>-<version>.tgz with a manifest of every file's sha256, signed with --sign",
  arity: [1, 1],
  options: {
    sign: { type: "string", value: "KEYFILE", description: "sign with this private key" },
    out: {
      type: "string",
      value: "DIR|FILE.tgz",
      description: "where to write: a folder (default: the current one) or a .tgz file name",
    },
    build: { type: "string", value: "N", description: "build number (default: the time)" },
    "no-check": {
      type: "boolean",
      description: "skip the module graph and type check (a daemon still checks the graph)",
    },
  },
  async run(ctx) {
    const buildText = ctx.options.build as string | undefined;
    const build = buildText === undefined ? undefined : Number(buildText);
    if (build !== undefined && (!Number.isSafeInteger(build) || build < 0)) {
      throw new UsageError(`--build must be a non-negative integer; got ${buildText}`);
    }
    const signArg = ctx.options.sign as string | undefined;
    const keyFile = signArg === undefined ? undefined : callerPath(ctx, signArg);
    let key;
    try {
      key = keyFile ? await readPrivateKeyFile(keyFile) : undefined;
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const dir = callerPath(ctx, ctx.args[0]!);
    if (ctx.options["no-check"] !== true) await packCheck(ctx, dir);
    try {
      const out = callerPath(ctx, (ctx.options.out as string | undefined) ?? ".");
      const result = await packPlugin(dir, {
        key,
        ...(out.endsWith(".tgz") ? { outFile: out } : { outDir: out }),
        build,
      });
      print(
        ctx,
        {
          path: result.path,
          id: result.manifest.id,
          version: result.manifest.version,
          build: result.manifest.build,
          files: Object.keys(result.manifest.files).length,
          key_id: result.keyId,
        },
        () =>
          `packed ${result.manifest.id}@${result.manifest.version} build ${result.manifest.build} ` +
          `(${Object.keys(result.manifest.files).length} files) -> ${result.path}` +
          (result.keyId
            ? `, signed by key ${result.keyId}`
            : "\nWARNING: unsigned; only a daemon in --dev mode installs it (use --sign KEYFILE)"),
      );
      return 0;
    } catch (error) {
      if (error instanceof ManifestError) {
        for (const p of error.problems) ctx.io.err(`  ${p.field}: ${p.message}`);
        throw new CliError(`cannot pack ${ctx.args[0]}: ${error.problems.length} problem(s)`);
      }
      throw error;
    }
  },
};

/** An install's checks on the folder (graph, type check), so what is signed loads. */
async function packCheck(ctx: Parameters<Command["run"]>[0], dir: string): Promise<void> {
  const config = await loadConfig(
    { stateDir: ctx.options["state-dir"] as string | undefined },
    ctx.io.env,
    { cwd: ctx.cwd },
  );
  const runtime = await detectPluginRuntime(config, { create: false });
  try {
    await checkLikeInstall(dir, runtime.sandbox);
  } catch (error) {
    if (error instanceof ManifestError) {
      for (const p of error.problems) ctx.io.err(`  ${p.field}: ${p.message}`);
      throw new CliError(`cannot pack ${ctx.args[0]}: ${error.problems.length} problem(s)`);
    }
    if (!(error instanceof PluginPrepareError)) throw error;
    throw new CliError(
      `cannot pack ${ctx.args[0]}: ${error.message}\n(fix the plugin, or pack with --no-check ` +
        "to skip the type check)",
    );
  }
}

/** `plugd registry build <dir-of-tgz> [--out index.json]` (local, no daemon). */
export const registryBuildCommand: Command = {
  path: "registry build",
  args: "<dir>",
  summary: "write a registry index (index.json) for the .tgz packages in a folder",
  arity: [1, 1],
  options: {
    out: {
      type: "string",
      value: "FILE",
      description: "index file to write (default <dir>/index.json)",
    },
  },
  async run(ctx) {
    const dir = callerPath(ctx, ctx.args[0]!);
    const out = callerPath(ctx, (ctx.options.out as string | undefined) ?? `${dir}/index.json`);
    let index;
    try {
      index = await buildIndex(dir);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    await Deno.writeTextFile(out, JSON.stringify(index, null, 2) + "\n");
    const count = Object.values(index.plugins).reduce(
      (n, p) => n + Object.keys(p.versions).length,
      0,
    );
    print(
      ctx,
      { path: out, plugins: Object.keys(index.plugins).length, versions: count },
      () =>
        `indexed ${count} package(s) of ${Object.keys(index.plugins).length} plugin(s) -> ${out}`,
    );
    return 0;
  },
};
