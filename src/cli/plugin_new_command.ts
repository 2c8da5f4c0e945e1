import { join } from "node:path";
import { isPluginId } from "../manifest/mod.ts";
import { callerPath, CliError, type Command } from "./command.ts";
import { print } from "./output.ts";

const TEMPLATE_DIR = new URL("../../scripts/plugin_template/", import.meta.url);
const TEMPLATE_FILES = ["plugin.yaml", "main.ts", "main_test.ts", "README.md"];

/** Turns `slack-notify` into `Slack Notify`. */
function titleCase(id: string): string {
  return id.split("-").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" ");
}

/** `plugd plugin new <id>` (`deno task plugin:new <id>`): writes a working plugin to start from. */
export const pluginNewCommand: Command = {
  path: "plugin new",
  args: "<id>",
  summary: "write a new plugin (manifest, main.ts, a passing test, README) to plugins/<id>",
  arity: [1, 1],
  options: {
    dir: {
      type: "string",
      value: "DIR",
      description: "where to write it (default plugins/<id> in the current folder)",
    },
  },
  async run(ctx) {
    const id = ctx.args[0]!;
    if (!isPluginId(id)) {
      throw new CliError(
        `"${id}" is not a valid plugin id: use 2-63 lowercase letters, digits and dashes, starting with a letter or digit`,
        2,
      );
    }
    const target = callerPath(ctx, (ctx.options.dir as string | undefined) ?? join("plugins", id));
    if (await Deno.stat(target).then(() => true, () => false)) {
      throw new CliError(`${target} already exists; choose another id or --dir`);
    }
    await Deno.mkdir(target, { recursive: true });
    for (const file of TEMPLATE_FILES) {
      const text = await Deno.readTextFile(new URL(file, TEMPLATE_DIR));
      await Deno.writeTextFile(
        join(target, file),
        text.replaceAll("__NS__", id.replaceAll("-", "_")).replaceAll("__ID__", id).replaceAll(
          "__NAME__",
          titleCase(id),
        ),
      );
    }
    print(ctx, { id, dir: target, files: TEMPLATE_FILES }, () =>
      [
        `created ${target}`,
        `  deno test --allow-all ${target}      # its test passes as written`,
        `  deno task plugd plugin validate ${target}`,
      ].join("\n"));
    return 0;
  },
};
