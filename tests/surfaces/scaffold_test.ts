/**
 * `plugd plugin new <id> --with ui,webhook,command` writes a plugin whose examples of each surface
 * validate and whose own tests pass under the real sandbox, as written.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { repoPath } from "./_surfaces.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

Deno.test("plugin new --with ui,webhook,command: every example works and is tested", async () => {
  const dir = join(await moduleTempDir("plugd-test-"), "all-surfaces");
  try {
    const made = await runPlugd([
      "plugin",
      "new",
      "all-surfaces",
      "--dir",
      dir,
      "--with",
      "ui,webhook,command",
    ]);
    assert.equal(made.code, 0, made.stderr);
    for (const file of ["ui/index.html", "ui/widget.html", "ui/app.js", "ui/style.css"]) {
      assert.ok((await Deno.stat(join(dir, file))).isFile, file);
    }
    const manifest = await Deno.readTextFile(join(dir, "plugin.yaml"));
    assert.doesNotMatch(manifest, /#if|#endif/, "no template markers left");
    const valid = await runPlugd(["plugin", "validate", dir, "--json"]);
    assert.equal(valid.code, 0, valid.stdout + valid.stderr);
    const test = await new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", "--config", repoPath("deno.json"), dir],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(test.stdout) + new TextDecoder().decode(test.stderr);
    assert.equal(test.code, 0, out);
    assert.match(out, /4 passed/);
    const bad = await runPlugd(["plugin", "new", "x-y", "--dir", `${dir}-2`, "--with", "tabs"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--with tabs: unknown; choose from ui, webhook, command/);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
