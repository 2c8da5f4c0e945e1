import assert from "node:assert/strict";
import { readUiFile } from "./frame_files.ts";
import { moduleTempDir } from "../../tests/helpers/module_temp_dir.ts";

const UI = {
  pages: [{ id: "p", title: "P", path: "ui/index.html" }],
  widgets: [],
};

Deno.test("readUiFile() serves declared folders only, never through links or tricks", async () => {
  const dir = await moduleTempDir("plugd-test-");
  try {
    await Deno.mkdir(`${dir}/ui/sub`, { recursive: true });
    await Deno.writeTextFile(`${dir}/ui/index.html`, "<p>hi</p>");
    await Deno.writeTextFile(`${dir}/ui/sub/app.js`, "1");
    await Deno.writeTextFile(`${dir}/ui/.hidden.js`, "1");
    await Deno.writeTextFile(`${dir}/ui/notes.exe`, "1");
    await Deno.writeTextFile(`${dir}/main.ts`, "1");
    await Deno.writeTextFile(`${dir}/secret.txt`, "outside ui/");
    await Deno.symlink(`${dir}/secret.txt`, `${dir}/ui/link.txt`);
    await Deno.symlink(`${dir}`, `${dir}/ui/up`);

    const page = await readUiFile(dir, "ui/index.html", UI);
    assert.equal(page?.contentType, "text/html; charset=utf-8");
    assert.equal(new TextDecoder().decode(page!.bytes), "<p>hi</p>");
    assert.ok(await readUiFile(dir, "ui/sub/app.js", UI));
    for (
      const bad of [
        "main.ts",
        "secret.txt",
        "ui/../secret.txt",
        "ui/%2e%2e/secret.txt",
        "ui/sub%2fapp.js",
        "ui%2fsub/app.js",
        "ui/.hidden.js",
        "ui/notes.exe",
        "ui/link.txt",
        "ui/up/secret.txt",
        "ui//index.html",
        "ui/missing.html",
        "_plugd/ui.js",
        "ui/%E0%A4%A.js",
      ]
    ) assert.equal(await readUiFile(dir, bad, UI), undefined, bad);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
