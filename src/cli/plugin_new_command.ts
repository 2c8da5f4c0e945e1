import { dirname, join } from "node:path";
import { isPluginId } from "../manifest/mod.ts";
import { callerPath, CliError, type Command } from "./command.ts";
import { print } from "./output.ts";
import { applyTemplateBlocks, TEMPLATE_FEATURES, type TemplateFeature } from "./template_blocks.ts";
import { sdkImports } from "./plugin_test_command.ts";

/** The template of each kind: its folder and files (system addons take no --with). */
const TEMPLATES = {
  plugin: {
    dir: new URL("../../scripts/plugin_template/", import.meta.url),
    files: ["plugin.yaml", "main.ts", "main_test.ts", "README.md"],
  },
  system: {
    dir: new URL("../../scripts/addon_template/", import.meta.url),
    files: ["plugin.yaml", "addon.sh", "addon_test.ts", "README.md"],
  },
} as const;
/** Files only a feature brings. */
const FEATURE_FILES: Record<TemplateFeature, string[]> = {
  ui: ["ui/index.html", "ui/widget.html", "ui/app.js", "ui/style.css"],
  webhook: [],
  command: [],
};

/** Turns `slack-notify` into `Slack Notify`. */
function titleCase(id: string): string {
  return id.split("-").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" ");
}

/** Parses `--with ui,webhook,command`. */
function features(value: unknown): Set<TemplateFeature> {
  const words = typeof value === "string"
    ? value.split(",").map((w) => w.trim()).filter(Boolean)
    : [];
  const unknown = words.filter((w) => !(TEMPLATE_FEATURES as readonly string[]).includes(w));
  if (unknown.length > 0) {
    throw new CliError(
      `--with ${unknown.join(",")}: unknown; choose from ${TEMPLATE_FEATURES.join(", ")}`,
      2,
    );
  }
  return new Set(words as TemplateFeature[]);
}

/** Whether `dir` or a folder above it has a Deno config (a project the plugin joins). */
async function insideDenoProject(dir: string): Promise<boolean> {
  for (let d = dirname(dir);; d = dirname(d)) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      if (await Deno.stat(join(d, name)).then(() => true, () => false)) return true;
    }
    if (d === dirname(d)) return false;
  }
}

/**
 * The plugin's own `deno.json` for its editor and `deno test`: `@plugd/sdk` from this plugd.
 * An authoring file: never part of the package.
 */
function authoringConfig(): string {
  return JSON.stringify({ imports: sdkImports() }, null, 2) + "\n";
}

/** `plugd plugin new <id>` (`deno task plugin:new <id>`): writes a working plugin to start from. */
export const pluginNewCommand: Command = {
  path: "plugin new",
  args: "<id>",
  summary: "write a new plugin (manifest, main.ts, a passing test, README), anywhere on disk; " +
    "--kind system writes a system addon (addon.sh) instead",
  arity: [1, 1],
  options: {
    dir: {
      type: "string",
      value: "DIR",
      description: "where to write it (default plugins/<id> if ./plugins exists, else ./<id>)",
    },
    with: {
      type: "string",
      value: "LIST",
      description: "add working examples with tests: ui (console page and widget), webhook " +
        "(public route with a signature check), command (plugd <id> <command>), comma-separated",
    },
    kind: {
      type: "string",
      value: "KIND",
      description: "plugin (a Deno module, the default) or system (a bash system addon)",
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
    const chosen = features(ctx.options.with);
    const kind = (ctx.options.kind as string | undefined) ?? "plugin";
    if (kind !== "plugin" && kind !== "system") {
      throw new CliError(`--kind must be plugin or system; got "${kind}"`, 2);
    }
    if (kind === "system" && chosen.size > 0) {
      throw new CliError("--with adds plugin features; a system addon (--kind system) has none", 2);
    }
    const template = TEMPLATES[kind];
    const plugins = await Deno.stat(callerPath(ctx, "plugins")).then(
      (s) => s.isDirectory,
      () => false,
    );
    const target = callerPath(
      ctx,
      (ctx.options.dir as string | undefined) ?? (plugins ? join("plugins", id) : id),
    );
    if (await Deno.stat(target).then(() => true, () => false)) {
      throw new CliError(`${target} already exists; choose another id or --dir`);
    }
    const files = [...template.files, ...[...chosen].flatMap((f) => FEATURE_FILES[f])];
    for (const file of files) {
      const text = await Deno.readTextFile(new URL(file, template.dir));
      await Deno.mkdir(dirname(join(target, file)), { recursive: true });
      await Deno.writeTextFile(
        join(target, file),
        applyTemplateBlocks(text, chosen)
          .replaceAll("__NS__", id.replaceAll("-", "_"))
          .replaceAll("__ID__", id)
          // deno fmt writes a Markdown heading's __NAME__ as **NAME**.
          .replaceAll("__NAME__", titleCase(id)).replaceAll("**NAME**", titleCase(id)),
      );
    }
    // Outside a Deno project (its own import map has @plugd/sdk), the plugin gets a deno.json
    // so editors and `deno test` resolve the SDK from this plugd.
    if (!(await insideDenoProject(target))) {
      await Deno.writeTextFile(join(target, "deno.json"), authoringConfig());
      files.push("deno.json");
    }
    print(ctx, { id, kind, dir: target, files, with: [...chosen] }, () =>
      [
        `created ${target}${chosen.size ? ` with ${[...chosen].join(", ")}` : ""}`,
        `  plugd plugin test ${target}        # its test passes as written`,
        `  plugd plugin validate ${target}    # the checks an install runs`,
      ].join("\n"));
    return 0;
  },
};
