import { resolve } from "node:path";
import { loadPluginDir, ManifestError } from "../manifest/mod.ts";
import { assessRisks } from "../permissions/mod.ts";
import { CliError, type Command } from "./command.ts";
import { print } from "./output.ts";

/** `plugd plugin validate <dir>`: every problem at once, exit 1 if any. */
export const pluginValidateCommand: Command = {
  path: "plugin validate",
  args: "<dir>",
  summary: "check a plugin folder's plugin.yaml and files; print every problem",
  arity: [1, 1],
  async run(ctx) {
    const dir = resolve(ctx.args[0]!);
    try {
      const { manifest, files } = await loadPluginDir(dir);
      const risks = assessRisks(manifest.permissions);
      print(
        ctx,
        { valid: true, id: manifest.id, version: manifest.version, files, risks },
        () =>
          `ok: ${manifest.id} ${manifest.version} (${files.length} files, ${manifest.hooks.length} hooks, ` +
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
      throw new CliError(`${error.problems.length} problem(s) in ${dir}/plugin.yaml`);
    }
  },
};
