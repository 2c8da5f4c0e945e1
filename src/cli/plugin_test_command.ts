/**
 * `plugd plugin test [dir]`: runs a plugin's tests from anywhere on disk with this plugd's SDK
 * (`@plugd/sdk`, `@plugd/sdk/testing`) and test harness; `plugd plugin harness` is the harness
 * process `@plugd/sdk/testing` talks to.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { callerPath, CliError, type Command } from "./command.ts";

/** The folder of this plugd (its `deno.json`, `sdk/`, `src/`). */
export const PLUGD_ROOT: string = fileURLToPath(new URL("../../", import.meta.url)).replace(
  /\/$/,
  "",
);

/** The import map entries that point a plugin's tests and editor at this plugd's SDK. */
export function sdkImports(): Record<string, string> {
  return {
    "@plugd/sdk": `file://${join(PLUGD_ROOT, "sdk", "mod.ts")}`,
    "@plugd/sdk/testing": `file://${join(PLUGD_ROOT, "sdk", "testing.ts")}`,
    "@plugd/sdk/testing/addon": `file://${join(PLUGD_ROOT, "sdk", "testing_addon.ts")}`,
  };
}

/** The argv of this plugd's test harness process. */
export function harnessArgv(): string[] {
  return [
    Deno.execPath(),
    "run",
    "--allow-all",
    "--quiet",
    "--cached-only",
    "--frozen",
    `--config=${join(PLUGD_ROOT, "deno.json")}`,
    join(PLUGD_ROOT, "src", "harness", "main.ts"),
  ];
}

/**
 * The config the tests run with: the plugin's own `deno.json` (if any) with `@plugd/sdk` forced
 * to this plugd's SDK and relative import targets made absolute (the file moves to a temp dir).
 */
async function testConfig(dir: string): Promise<Record<string, unknown>> {
  let own: Record<string, unknown> = {};
  const text = await Deno.readTextFile(join(dir, "deno.json")).catch(() => undefined);
  if (text !== undefined) {
    try {
      own = JSON.parse(text);
    } catch (error) {
      throw new CliError(`${join(dir, "deno.json")} is not JSON: ${(error as Error).message}`);
    }
  }
  const imports: Record<string, string> = {};
  for (const [k, v] of Object.entries((own.imports ?? {}) as Record<string, string>)) {
    imports[k] = v.startsWith("./") || v.startsWith("../") ? `file://${join(dir, v)}` : v;
  }
  const { workspace: _w, lock: _l, ...rest } = own;
  return { ...rest, imports: { ...imports, ...sdkImports() } };
}

/** `plugd plugin test [dir]`. */
export const pluginTestCommand: Command = {
  path: "plugin test",
  args: "[dir]",
  summary: "run a plugin folder's tests (anywhere on disk) with this plugd's SDK and harness",
  arity: [0, 1],
  notes: "Runs `deno test --allow-all` in the folder with `@plugd/sdk` and `@plugd/sdk/testing` " +
    "mapped to this plugd's SDK (the folder's own deno.json is honoured otherwise). " +
    "`startPlugin()` runs the same checks as an install.",
  async run(ctx) {
    const dir = callerPath(ctx, ctx.args[0] ?? ".");
    if (!(await Deno.stat(join(dir, "plugin.yaml")).then(() => true, () => false))) {
      throw new CliError(`${dir} has no plugin.yaml; give the plugin's folder`);
    }
    const tmp = await Deno.makeTempDir({ prefix: "plugd-test-config-" });
    try {
      const config = join(tmp, "deno.json");
      await Deno.writeTextFile(config, JSON.stringify(await testConfig(dir), null, 2));
      const child = new Deno.Command(Deno.execPath(), {
        args: ["test", "--allow-all", `--config=${config}`, "--no-lock", dir],
        cwd: dir,
        env: { PLUGD_HARNESS: JSON.stringify(harnessArgv()), DENO_NO_UPDATE_CHECK: "1" },
        stdin: "null",
        stdout: "inherit",
        stderr: "inherit",
      }).spawn();
      return (await child.status).code;
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
};

/** `plugd plugin harness`: the process behind `@plugd/sdk/testing` (NDJSON on stdin/stdout). */
export const pluginHarnessCommand: Command = {
  path: "plugin harness",
  args: "",
  summary: "serve @plugd/sdk/testing's startPlugin() over stdin/stdout (started by the SDK)",
  arity: [0, 0],
  async run() {
    console.log = console.error;
    const { serveHarness } = await import("../harness/mod.ts"); // only this command runs it
    await serveHarness();
    return 0;
  },
};
