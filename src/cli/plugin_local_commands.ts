import { loadPluginDir, type Manifest, ManifestError } from "../manifest/mod.ts";
import { assessRisks, grantProblems } from "../permissions/mod.ts";
import { loadConfig, stateLayout } from "../config/mod.ts";
import {
  addonFolderProblems,
  addonPlan,
  checkLikeInstall,
  commandLine,
  CONTRACT_UID,
  detectPluginRuntime,
  pluginPaths,
  pluginPlan,
} from "../plugins/mod.ts";
import { detectSandbox, PluginPrepareError } from "../runtime/mod.ts";
import { callerPath, CliError, type Command, type CommandContext } from "./command.ts";
import { print } from "./output.ts";

/** `plugd plugin validate <dir>`: every problem at once, exit 1 if any. */
export const pluginValidateCommand: Command = {
  path: "plugin validate",
  args: "<dir>",
  summary:
    "run an install's checks on a plugin folder (manifest, files, imports, type check); print every problem",
  arity: [1, 1],
  async run(ctx) {
    const dir = callerPath(ctx, ctx.args[0]!);
    try {
      const { manifest, files } = await loadPluginDir(dir);
      // The manifest checks syntax; whether each entry could ever be granted on this host is the
      // permission area's call (state dir, daemon port, ...): report both at once.
      const config = await localConfig(ctx);
      const paths = pluginPaths(
        stateLayout(config.stateDir),
        config,
        manifest.id,
        manifest.version,
      );
      const problems = grantProblems(manifest.permissions, paths);
      const system = manifest.kind === "system";
      if (system) problems.push(...await contractProblems(ctx, manifest, dir, files));
      if (problems.length > 0) throw new ManifestError(problems);
      // The rest of an install's checks, on a prepared copy: imports, module graph, types.
      if (!system) {
        const runtime = await detectPluginRuntime(config, { create: false });
        try {
          await checkLikeInstall(dir, runtime.sandbox);
        } catch (error) {
          if (!(error instanceof PluginPrepareError)) throw error;
          throw new ManifestError([{ field: manifest.entry, message: error.message }]);
        }
      }
      const risks = assessRisks(manifest.permissions, { shell: system });
      print(
        ctx,
        { valid: true, id: manifest.id, version: manifest.version, files, risks },
        () =>
          system
            ? `ok: system addon ${manifest.id} ${manifest.version} (${files.length} files, ` +
              `contract and addon_metadata checked, ${risks.length} permissions)`
            : `ok: ${manifest.id} ${manifest.version} (${files.length} files, ${manifest.hooks.length} hooks, ` +
              `${manifest.routes.length} routes, ${manifest.cron.length} cron jobs, ` +
              `${risks.length} permissions)`,
      );
      return 0;
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      print(ctx, { valid: false, problems: error.problems }, () =>
        [
          `${dir}: ${error.problems.length} problem(s)`,
          ...error.problems.map((p) => `  ${p.field}: ${p.message}`),
        ].join("\n"));
      throw new CliError(`${error.problems.length} problem(s) in ${dir}`);
    }
  },
};

/** A system addon's contract, read in the sandbox (skipped, and said so, without bubblewrap). */
async function contractProblems(
  ctx: CommandContext,
  manifest: Manifest,
  dir: string,
  files: string[],
): Promise<{ field: string; message: string }[]> {
  const sandbox = await detectSandbox({ requested: "bwrap" });
  if (sandbox.mode !== "bwrap") {
    ctx.io.err(`note: the addon contract was not checked: ${sandbox.reason}`);
    return [];
  }
  return await addonFolderProblems(manifest, dir, files, { sandbox, uid: CONTRACT_UID });
}

/** Formats argv for reading: one flag (with its value) per line. */
export function formatCommandLine(argv: string[]): string {
  return argv.map(shellQuote).reduce(
    (out, arg, i) => out + (i === 0 ? arg : arg.startsWith("-") ? ` \\\n  ${arg}` : ` ${arg}`),
    "",
  );
}

/** Quotes an argument for display in a shell. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * `plugd plugin flags <id|dir>`: for an installed plugin, asks the daemon; for a folder, computes
 * locally the command line it would run with once installed in `--state-dir` and granted.
 */
export async function localFlags(ctx: CommandContext, dir: string): Promise<number> {
  const { manifest } = await loadPluginDir(dir);
  const config = await localConfig(ctx);
  const layout = stateLayout(config.stateDir);
  const paths = pluginPaths(layout, config, manifest.id, manifest.version);
  const runtime = await detectPluginRuntime(config, { create: false });
  const record = { id: manifest.id, manifest, granted: manifest.permissions };
  // Not installed: no uid allocated yet; as root it will be one of the range, shown as its first.
  const uid = runtime.sandbox.root ? config.isolation.uidRange.first : undefined;
  const line = manifest.kind === "system"
    ? commandLine(
      addonPlan({ ...record, version: manifest.version }, runtime, paths, {
        args: ["status"],
        uid,
      }),
    )
    : commandLine(pluginPlan(record, runtime, paths, uid));
  print(ctx, line, () => formatCommandLine(line.argv));
  return 0;
}

/** The daemon settings a local tool reasons about (state dir, socket, port), like the daemon's. */
function localConfig(ctx: CommandContext) {
  return loadConfig(
    {
      stateDir: ctx.options["state-dir"] as string | undefined,
      socket: ctx.options.socket as string | undefined,
      config: ctx.options.config as string | undefined,
    },
    ctx.io.env,
    { cwd: ctx.cwd },
  );
}
