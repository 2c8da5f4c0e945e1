/**
 * A plugin author far from the plugd checkout, with only the docs: `plugd plugin new` in a
 * private temp folder, an npm dependency (from the local npm cache: `yaml`, pinned in plugd's own
 * lockfile), `plugd plugin test`, `plugd plugin pack --sign`, then a non-dev daemon installs,
 * grants, enables and calls it. The running plugin has no network (it cannot reach the npm
 * registry) and no `npm:` specifier anywhere in its package or module graph; its bill of
 * materials names the bundled package with npm's integrity in the API, `plugd plugin info` and
 * the console.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { ConsoleClient } from "../console/_console.ts";

const PLUGIN_YAML = `id: widget
name: Widget
version: 0.1.0
description: Reads YAML with the yaml package from npm
plugd: ">=0.1.0 <2.0.0"
dependencies:
  npm:
    yaml: "2.9.1"
hooks:
  - filter: widget.yaml
  - filter: widget.fetch
`;

const MAIN_TS = `import { definePlugin } from "@plugd/sdk";
import YAML from "yaml";

export default definePlugin({
  filters: {
    "widget.yaml": (data) => YAML.parse(String((data as { text?: unknown }).text ?? "")),
    // No net permission: the npm registry is out of reach.
    "widget.fetch": async () => {
      try {
        await fetch("https://registry.npmjs.org/yaml");
        return "reached";
      } catch (error) {
        return (error as Error).name;
      }
    },
  },
});
`;

const TEST_TS = `import assert from "node:assert/strict";
import { startPlugin } from "@plugd/sdk/testing";

Deno.test("widget parses YAML with the bundled yaml package", async () => {
  await using plugin = await startPlugin(new URL(".", import.meta.url).pathname);
  assert.deepEqual(await plugin.filter("widget.yaml", { text: "a: [1, 2]" }), { a: [1, 2] });
});
`;

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) yield* walk(path);
    else if (e.isFile) yield path;
  }
}

Deno.test("an author outside the repo: new, npm dependency, test, pack, sign, install, run", async () => {
  const home = await Deno.makeTempDir({ prefix: "plugd-author-" }); // 0700, like a home
  try {
    const dir = join(home, "widget");
    const made = await runPlugd(["plugin", "new", "widget", "--dir", dir]);
    assert.equal(made.code, 0, made.stderr);
    const config = JSON.parse(await Deno.readTextFile(join(dir, "deno.json")));
    assert.match(
      config.imports["@plugd/sdk"],
      /^file:\/\/.*\/sdk\/mod\.ts$/,
      "editors find the SDK",
    );
    await Deno.writeTextFile(join(dir, "plugin.yaml"), PLUGIN_YAML);
    await Deno.writeTextFile(join(dir, "main.ts"), MAIN_TS);
    await Deno.writeTextFile(join(dir, "main_test.ts"), TEST_TS);

    const tested = await runPlugd(["plugin", "test", dir]);
    assert.equal(tested.code, 0, tested.stdout + tested.stderr);
    assert.match(tested.stdout, /1 passed/);
    const valid = await runPlugd(["plugin", "validate", dir]);
    assert.equal(valid.code, 0, valid.stdout + valid.stderr);

    const keys = join(home, "keys");
    assert.equal((await runPlugd(["key", "generate", "--out", keys])).code, 0);
    const names = [...Deno.readDirSync(keys)].map((e) => e.name);
    const key = join(keys, names.find((n) => n.endsWith(".key"))!);
    const pub = join(keys, names.find((n) => n.endsWith(".pub"))!);
    const packed = await runPlugd([
      "plugin",
      "pack",
      "--no-check",
      dir,
      "--sign",
      key,
      "--out",
      home,
    ]);
    assert.equal(packed.code, 0, packed.stderr);
    assert.ok(
      await Deno.stat(join(dir, "plugd.lock")),
      "the dependency lockfile sits with the plugin",
    );

    await using d = await startDaemon({ args: [] }); // signatures required
    assert.equal((await runPlugd(["key", "trust", pub, "--socket", d.socketPath])).code, 0);
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await d.fetchSocket(path, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    const install = await call("POST", "/v1/plugins", { source: join(home, "widget-0.1.0.tgz") });
    assert.equal(install.status, 201, JSON.stringify(install.body));
    assert.equal((await call("POST", "/v1/plugins/widget/grant", { permissions: {} })).status, 200);
    assert.equal((await call("POST", "/v1/plugins/widget/enable")).status, 200);

    const parsed = await call("POST", "/v1/filters/widget.yaml", { data: { text: "x: {y: 2}" } });
    assert.deepEqual(parsed.body.data, { x: { y: 2 } }, JSON.stringify(parsed.body));
    const fetched = await call("POST", "/v1/filters/widget.fetch", { data: {} });
    assert.notEqual(fetched.body.data, "reached", "the plugin reached the npm registry");

    const view = (await call("GET", "/v1/plugins/widget")).body;
    assert.deepEqual(view.dependencies.map((p: { name: string; version: string }) => p.name), [
      "yaml",
    ]);
    assert.match(view.dependencies[0].integrity, /^sha512-/);
    const info = await runPlugd(["plugin", "info", "widget", "--socket", d.socketPath]);
    assert.match(info.stdout, /bundled npm dependencies:[\s\S]*yaml\s+2\.9\.1\s+ISC\s+sha512-/);
    const ui = new ConsoleClient(d.baseUrl);
    await ui.signIn(d.token);
    const page = (await ui.page("/ui/plugins/widget")).html;
    assert.match(page, /Bundled npm dependencies[\s\S]*<td>yaml<\/td>\s*<td>2\.9\.1<\/td>/);
    assert.ok(page.includes(view.dependencies[0].integrity), "the console shows the integrity");

    // No npm: specifier anywhere in what runs: the package, its prepared import map.
    for (
      const root of [join(d.stateDir, "plugins", "widget"), join(d.stateDir, "prepared", "widget")]
    ) {
      for await (const file of walk(root)) {
        if (file.includes("/cache/")) continue;
        const text = await Deno.readTextFile(file).catch(() => "");
        assert.doesNotMatch(text, /["'`]npm:/, `${file} names an npm: specifier`);
      }
    }
    const flags = await call("GET", "/v1/plugins/widget/flags");
    const argv: string[] = flags.body.argv;
    assert.ok(argv.includes("--no-npm") && argv.includes("--cached-only"), argv.join(" "));
    assert.ok(!argv.includes("--share-net"), "no network namespace shared without net");
  } finally {
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
});
