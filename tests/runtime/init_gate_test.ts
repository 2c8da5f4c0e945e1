/**
 * The generated bootstrap loads a plugin's entry only once the host's init came: the host sends
 * init once the plugin's files passed their integrity check, which runs while the process starts,
 * so no plugin code may run before it. A real `deno run` of a prepared plugin (flags layout:
 * frames on stdin and stdout).
 */
import assert from "node:assert/strict";
import { preparePlugin } from "../../src/runtime/mod.ts";
import { OPTS } from "./_helpers.ts";

const ENTRY = 'import { definePlugin } from "@plugd/sdk";\n' +
  'console.log("entry loaded");\n' +
  'export default definePlugin({ filters: { "text.same": (d) => d } });\n';

const INIT = {
  t: "init",
  plugin: { id: "gate", version: "1.0.0" },
  config: {},
  paths: { data: "/data", tmp: "/tmp" },
  quota: {},
};

/** Prepares a plugin whose entry logs at load, and starts its bootstrap as flags mode does. */
async function startBootstrap(dir: string): Promise<Deno.ChildProcess> {
  await Deno.mkdir(`${dir}/p`);
  await Deno.writeTextFile(`${dir}/p/main.ts`, ENTRY);
  const prepared = await preparePlugin({
    pluginDir: `${dir}/p`,
    preparedDir: `${dir}/prep`,
    typeCheck: false,
  });
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--no-config",
      "--no-remote",
      "--no-npm",
      "--cached-only",
      `--import-map=${prepared.importMap}`,
      prepared.bootstrap,
    ],
    env: { DENO_DIR: `${dir}/prep/cache`, NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

const frames = (out: Uint8Array) =>
  new TextDecoder().decode(out).split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l));

Deno.test(
  "a plugin's entry does not load before the host's init (its stdin closed first)",
  OPTS,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "plugd-gate-" });
    try {
      const child = await startBootstrap(dir);
      await child.stdin.close(); // the host never sent init: as when the integrity check failed
      const out = await child.output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.deepEqual(frames(out.stdout), [], "no entry log, no hello");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("a plugin's entry loads once init came, then hello and ready follow", OPTS, async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-gate-" });
  try {
    const child = await startBootstrap(dir);
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify(INIT) + "\n"));
    // stdin stays open until ready: its end makes the shim exit, as the host's shutdown does.
    const got: { t: string; msg?: string; handlers?: { filters: string[] } }[] = [];
    let text = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      const lines = text.split("\n");
      text = lines.pop()!;
      got.push(...lines.filter((l) => l.length > 0).map((l) => JSON.parse(l)));
      if (got.some((f) => f.t === "ready")) break;
    }
    await writer.close();
    assert.equal((await child.status).code, 0);
    await child.stderr.cancel();
    assert.deepEqual(got.map((f) => f.t === "log" ? f.msg : f.t), [
      "entry loaded",
      "hello",
      "ready",
    ]);
    assert.deepEqual(got[1]!.handlers!.filters, ["text.same"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
