/**
 * A prepared plugin runs plugd's shim and `@plugd/sdk` from one bundled module in its prepared
 * folder (`runtime.js`), and its own files unbundled: what the integrity check hashed is what
 * runs, and a stack trace names the plugin's files.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { startPlugin } from "../../src/harness/mod.ts";
import { bwrapArgs } from "../../src/runtime/bwrap_args.ts";
import { PLUGIN_V8_FLAGS } from "../../src/permissions/mod.ts";
import {
  capsDrop,
  detectSandbox,
  IN_SANDBOX,
  PluginPrepareError,
  preparePlugin,
  type SandboxInfo,
} from "../../src/runtime/mod.ts";
import { fixture, OPTS } from "./_helpers.ts";

const bwrap = await detectSandbox({ requested: "bwrap" });

Deno.test(
  "a prepared plugin runs the shim and the SDK from the one runtime module, its own files unbundled",
  OPTS,
  async () => {
    await using p = await startPlugin(fixture("runtime-module"));
    const where = await p.emit("test.where", {}) as {
      sdk: string;
      version: string;
      stack: string[];
    };
    assert.match(where.sdk, /\/runtime\.js$/);
    if (bwrap.mode === "bwrap") assert.equal(where.sdk, "file:///plugd/prepared/runtime.js");
    assert.match(where.version, /^\d+\.\d+\.\d+/);
    // Innermost first: the plugin's own files by name, then the shim's dispatch in the runtime
    // module; no frame from the shim's or the SDK's source folders.
    assert.match(where.stack[0]!, /\/lib\/frames\.ts$/);
    assert.match(where.stack[1]!, /\/main\.ts$/);
    assert.ok(where.stack.slice(2).some((f) => f === where.sdk), where.stack.join("\n"));
    assert.deepEqual(where.stack.filter((f) => /\/src\/runtime\/shim\/|\/sdk\//.test(f)), []);
  },
);

async function prepared(main: string, sandbox?: SandboxInfo) {
  const dir = await Deno.makeTempDir({ prefix: "plugd-runtime-" });
  await Deno.mkdir(`${dir}/p`);
  await Deno.writeTextFile(`${dir}/p/main.ts`, main);
  return {
    dir,
    run: () =>
      preparePlugin({
        pluginDir: `${dir}/p`,
        preparedDir: `${dir}/prep`,
        sandbox,
        typeCheck: false,
      }),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

const MAIN = 'import { definePlugin } from "@plugd/sdk";\nexport default definePlugin({});\n';

Deno.test("preparePlugin() writes one runtime module: @plugd/sdk and the bootstrap's shim, no host path, no node: module at start, its V8 code cached", async () => {
  await using a = await prepared(MAIN, bwrap);
  const r = await a.run();
  const text = await Deno.readTextFile(`${a.dir}/prep/runtime.js`);
  const map = JSON.parse(await Deno.readTextFile(`${a.dir}/prep/import_map.json`));
  assert.equal(map.imports["@plugd/sdk"], `file://${r.runtime}`);
  assert.match(await Deno.readTextFile(`${a.dir}/prep/bootstrap.ts`), /runtime\.js"/);
  // Its comments name plugd's modules relative to the installation, never where it lives.
  const install = new URL("../..", import.meta.url).pathname;
  assert.ok(text.includes("// src/runtime/shim/channel.ts"));
  assert.ok(!text.includes(install) && !text.includes(a.dir));
  // Deno's Node layer costs a start ~20-35 ms of CPU: node: modules stay dynamic imports.
  assert.deepEqual(text.match(/^import .*$/gm), null);
  assert.match(text, /import\("node:v8"\)/);
  // Loaded once while preparing: the read-only cache a start reads holds V8's code for it.
  assert.ok((await Deno.stat(`${a.dir}/prep/cache/v8_code_cache_v2`)).isFile);
});

/** V8's cached code per module in a prepared folder's cache (read from a copy: opening writes). */
async function codeCache(prep: string): Promise<Map<string, string>> {
  const copy = await Deno.makeTempDir({ prefix: "plugd-codecache-" });
  try {
    for (const f of ["v8_code_cache_v2", "v8_code_cache_v2-wal", "v8_code_cache_v2-shm"]) {
      await Deno.copyFile(`${prep}/cache/${f}`, `${copy}/${f}`).catch(() => {});
    }
    const db = new DatabaseSync(`${copy}/v8_code_cache_v2`);
    const rows = db.prepare("SELECT specifier, hex(data) AS data FROM codecache").all();
    db.close();
    return new Map(rows.map((r) => [String(r.specifier), String(r.data)]));
  } finally {
    await Deno.remove(copy, { recursive: true });
  }
}

Deno.test(
  "preparePlugin() in the sandbox copies one code cache of the runtime module into each plugin's cache, also when prepared again",
  { ignore: bwrap.mode !== "bwrap" },
  async () => {
    await using a = await prepared(MAIN, bwrap);
    await using b = await prepared(`// another plugin\n${MAIN}`, bwrap);
    await a.run();
    await b.run();
    const runtime = "file:///plugd/prepared/runtime.js";
    const [codeA, codeB] = [await codeCache(`${a.dir}/prep`), await codeCache(`${b.dir}/prep`)];
    assert.ok(codeA.get(runtime), [...codeA.keys()].join(", "));
    assert.equal(codeB.get(runtime), codeA.get(runtime));
    // Copies, not links: nothing written to one plugin's cache reaches another's.
    const [fileA, fileB] = await Promise.all(
      [a, b].map((p) => Deno.stat(`${p.dir}/prep/cache/v8_code_cache_v2`)),
    );
    assert.notEqual(fileA!.ino, fileB!.ino);
    // No deno run per plugin for it, and no `node` link to deno left for a start's PATH.
    await assert.rejects(Deno.stat(`${a.dir}/prep/warm_runtime.js`), Deno.errors.NotFound);
    await assert.rejects(Deno.stat(`${a.dir}/prep/cache/node_compat_bin`), Deno.errors.NotFound);
    // Prepared again over its own files (a start after a plugd upgrade): a fresh cache, seeded.
    await a.run();
    assert.equal((await codeCache(`${a.dir}/prep`)).get(runtime), codeA.get(runtime));
    assert.ok((await Deno.stat(`${a.dir}/prep/cache/gen/file/plugin/main.ts.js`)).isFile);
  },
);

for (const sandbox of [bwrap, undefined]) {
  Deno.test(`preparePlugin() ${sandbox ? "in the sandbox" : "in flags mode"} refuses the SDK's files by path: a running plugin has only the runtime module`, async () => {
    const sdk = sandbox
      ? "/plugd/sdk/version.ts"
      : new URL("../../sdk/version.ts", import.meta.url).pathname;
    await using a = await prepared(`import ${JSON.stringify(sdk)};\n${MAIN}`, sandbox);
    await assert.rejects(
      a.run(),
      (e: Error) => e instanceof PluginPrepareError && e.message.includes("version.ts"),
    );
  });
}

Deno.test({
  name:
    "a folder prepared without a type check starts with V8's code of the runtime module, read-only",
  ignore: bwrap.mode !== "bwrap",
  fn: async () => {
    await using a = await prepared(MAIN, bwrap);
    await a.run();
    // The runtime module's import, as a start loads it, with the prepared folder read-only as a
    // running plugin has it; Deno's debug log says whether V8's cached code was used. The module
    // that imports it sits in a folder of its own: prepare leaves no such module behind.
    await Deno.mkdir(`${a.dir}/probe`);
    await Deno.writeTextFile(
      `${a.dir}/probe/import_runtime.js`,
      `import ${JSON.stringify(`file://${IN_SANDBOX.prepared}/runtime.js`)};\n`,
    );
    const at = (src: string, dest: string) => ({ src, dest });
    const args = bwrapArgs({
      root: bwrap.root,
      shareNet: false,
      mountProc: bwrap.mountProc,
      ro: [
        ...bwrap.libs.map((l) => at(l, l)),
        at(bwrap.denoPath, IN_SANDBOX.deno),
        at(`${a.dir}/prep`, IN_SANDBOX.prepared),
        at(`${a.dir}/probe`, "/plugd/probe"),
      ],
      env: { DENO_DIR: IN_SANDBOX.cache, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
      chdir: IN_SANDBOX.prepared,
    });
    const [program, ...prefix] = [...capsDrop(bwrap), bwrap.bwrapPath];
    const out = await new Deno.Command(program!, {
      args: [
        ...prefix,
        ...args,
        IN_SANDBOX.deno,
        "run",
        "-L",
        "debug",
        "--no-config",
        "--cached-only",
        // A plugin's V8 flags: V8 takes cached code only when it was made under the same flags.
        `--v8-flags=${PLUGIN_V8_FLAGS.join(",")}`,
        "/plugd/probe/import_runtime.js",
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    const log = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, log.slice(-2000));
    assert.match(log, /V8 code cache hit for ES module: file:\/\/\/plugd\/prepared\/runtime\.js/);
    assert.doesNotMatch(log, /Failed creating cache db/);
    // V8 took the cached code: code it rejects (made under other V8 flags) is compiled again and
    // Deno tries to store it anew.
    assert.doesNotMatch(
      log,
      /Updating V8 code cache for ES module: file:\/\/\/plugd\/prepared\/runtime\.js/,
    );
  },
});
