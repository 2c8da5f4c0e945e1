/**
 * `sdk/` is a publishable package: its jsr.json names @plugd/sdk at SDK_VERSION with exports `.`,
 * `./testing` and `./ui`, every export is documented (deno doc --lint), the examples type-check, it
 * imports nothing outside its folder, and `deno publish --dry-run` passes (offline).
 */
import assert from "node:assert/strict";
import { SDK_VERSION } from "../../sdk/mod.ts";

const SDK = new URL("../../sdk/", import.meta.url).pathname;

async function deno(args: string[], cwd = SDK): Promise<{ ok: boolean; out: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { ok: r.success, out: text.decode(r.stdout) + text.decode(r.stderr) };
}

Deno.test("sdk/jsr.json names @plugd/sdk at the SDK's version with its exports (., ./testing, ./ui)", async () => {
  const jsr = JSON.parse(await Deno.readTextFile(`${SDK}jsr.json`));
  assert.equal(jsr.name, "@plugd/sdk");
  assert.equal(jsr.version, SDK_VERSION);
  assert.deepEqual(Object.keys(jsr.exports).sort(), [".", "./testing", "./ui"]);
});

Deno.test("the SDK imports only its own files, so it works from any folder", async () => {
  for (const file of ["mod.ts", "testing.ts"]) {
    const info = JSON.parse((await deno(["info", "--json", `${SDK}${file}`])).out);
    const outside = (info.modules as { specifier: string }[])
      .map((m) => m.specifier)
      .filter((s) => !s.startsWith(`file://${SDK}`));
    assert.deepEqual(outside, [], `${file} reaches outside sdk/`);
  }
});

Deno.test("every SDK export is documented and its examples type-check", async () => {
  const lint = await deno(["doc", "--lint", "mod.ts", "testing.ts", "ui.js"]);
  assert.ok(lint.ok, lint.out);
  const examples = await deno(["check", "--doc", "mod.ts", "testing.ts", "define_plugin.ts"]);
  assert.ok(examples.ok, examples.out);
});

Deno.test("deno publish --dry-run passes with no slow types, offline", async () => {
  const r = await deno(["publish", "--dry-run", "--allow-dirty"]);
  assert.ok(r.ok, r.out);
  assert.match(r.out, /Simulating publish of @plugd\/sdk@/);
  assert.doesNotMatch(r.out, /error\[/, "no slow types or other problems");
});
