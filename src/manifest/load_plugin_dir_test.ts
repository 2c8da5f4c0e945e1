import assert from "node:assert/strict";
import { ManifestError } from "./errors.ts";
import { loadPluginDir } from "./load_plugin_dir.ts";
import type { Problem } from "./types.ts";

const MANIFEST = `id: hello
name: Hello
version: 1.0.0
description: Says hello
plugd: ">=0.1.0"
`;

/** Creates a temp plugin folder with a valid manifest and entry; `setup` then breaks it. */
async function withPlugin(
  setup: (dir: string) => Promise<void> | void,
  check: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "plugd_manifest_" });
  try {
    await Deno.writeTextFile(`${dir}/plugin.yaml`, MANIFEST);
    await Deno.writeTextFile(`${dir}/main.ts`, "export default {};\n");
    await setup(dir);
    await check(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function problemsOf(dir: string, options = {}): Promise<Problem[]> {
  try {
    await loadPluginDir(dir, options);
  } catch (e) {
    if (e instanceof ManifestError) return e.problems;
    throw e;
  }
  assert.fail("expected loadPluginDir() to throw a ManifestError");
}

function hasProblem(problems: Problem[], field: string, says: RegExp): void {
  assert.ok(
    problems.some((p) => p.field === field && says.test(p.message)),
    `expected ${field} ~ ${says} in ${JSON.stringify(problems)}`,
  );
}

Deno.test("loadPluginDir() returns the manifest and the sorted file list", async () => {
  await withPlugin(async (dir) => {
    await Deno.mkdir(`${dir}/templates/deep`, { recursive: true });
    await Deno.writeTextFile(`${dir}/templates/deep/b.txt`, "b");
    await Deno.writeTextFile(`${dir}/templates/a.txt`, "a");
  }, async (dir) => {
    const loaded = await loadPluginDir(dir);
    assert.equal(loaded.manifest.id, "hello");
    assert.equal(loaded.dir, await Deno.realPath(dir));
    assert.deepEqual(loaded.files, [
      "main.ts",
      "plugin.yaml",
      "templates/a.txt",
      "templates/deep/b.txt",
    ]);
  });
});

Deno.test("loadPluginDir() accepts the slack-notify fixture", async () => {
  const dir = new URL("../../tests/fixtures/manifests/slack-notify", import.meta.url).pathname;
  const loaded = await loadPluginDir(dir);
  assert.equal(loaded.manifest.id, "slack-notify");
  assert.deepEqual(loaded.files, ["main.ts", "plugin.yaml"]);
});

Deno.test("loadPluginDir() rejects a symlink leaving the package", async () => {
  await withPlugin(async (dir) => {
    await Deno.mkdir(`${dir}/lib`);
    await Deno.symlink("/etc/passwd", `${dir}/lib/passwd`);
    await Deno.symlink("../../x", `${dir}/lib/up`);
  }, async (dir) => {
    const problems = await problemsOf(dir);
    hasProblem(problems, "lib/passwd", /symlink to "\/etc\/passwd" that leaves the package/);
    hasProblem(problems, "lib/up", /leaves the package/);
  });
});

Deno.test("loadPluginDir() rejects a symlink even inside the package", async () => {
  await withPlugin((dir) => Deno.symlink("main.ts", `${dir}/alias.ts`), async (dir) => {
    hasProblem(await problemsOf(dir), "alias.ts", /inside the package.*not allowed/);
  });
});

Deno.test("loadPluginDir() rejects hardlinks", async () => {
  await withPlugin((dir) => Deno.link(`${dir}/main.ts`, `${dir}/copy.ts`), async (dir) => {
    const problems = await problemsOf(dir);
    hasProblem(problems, "copy.ts", /2 hard links/);
    hasProblem(problems, "main.ts", /hard links/);
  });
});

Deno.test("loadPluginDir() rejects package.json, deno.json, node_modules and .npmrc anywhere", async () => {
  await withPlugin(async (dir) => {
    await Deno.writeTextFile(`${dir}/package.json`, "{}");
    await Deno.mkdir(`${dir}/sub/node_modules/x`, { recursive: true });
    await Deno.writeTextFile(`${dir}/sub/deno.jsonc`, "{}");
    await Deno.writeTextFile(`${dir}/sub/deno.json`, "{}");
    await Deno.writeTextFile(`${dir}/sub/.npmrc`, "");
  }, async (dir) => {
    const problems = await problemsOf(dir);
    hasProblem(problems, "package.json", /not allowed/);
    hasProblem(problems, "sub/node_modules", /not allowed/);
    hasProblem(problems, "sub/deno.json", /not allowed/);
    hasProblem(problems, "sub/deno.jsonc", /not allowed/);
    hasProblem(problems, "sub/.npmrc", /not allowed/);
    assert.ok(!problems.some((p) => p.field.startsWith("sub/node_modules/")), "must not descend");
  });
});

Deno.test("loadPluginDir() leaves the author's root deno.json, lock and node_modules out", async () => {
  await withPlugin(async (dir) => {
    await Deno.writeTextFile(`${dir}/deno.json`, '{"imports": {}}');
    await Deno.writeTextFile(`${dir}/deno.lock`, "{}");
    await Deno.mkdir(`${dir}/node_modules/x`, { recursive: true });
    await Deno.mkdir(`${dir}/.git`);
  }, async (dir) => {
    const { files } = await loadPluginDir(dir);
    assert.ok(!files.some((f) => /deno\.json|deno\.lock|node_modules|\.git/.test(f)), `${files}`);
  });
});

Deno.test("loadPluginDir() rejects a missing entry file", async () => {
  await withPlugin((dir) => Deno.remove(`${dir}/main.ts`), async (dir) => {
    hasProblem(await problemsOf(dir), "entry", /"main.ts" is missing/);
  });
});

Deno.test("loadPluginDir() rejects a fifo", async () => {
  await withPlugin(async (dir) => {
    const out = await new Deno.Command("mkfifo", { args: [`${dir}/pipe`] }).output();
    assert.ok(out.success, "mkfifo failed");
  }, async (dir) => {
    hasProblem(await problemsOf(dir), "pipe", /named pipe/);
  });
});

Deno.test("loadPluginDir() rejects too many and too large files", async () => {
  await withPlugin(async (dir) => {
    for (let i = 0; i < 5; i++) await Deno.writeTextFile(`${dir}/f${i}.txt`, "x".repeat(100));
  }, async (dir) => {
    hasProblem(await problemsOf(dir, { maxFiles: 4 }), ".", /more than 4 files/);
    hasProblem(await problemsOf(dir, { maxBytes: 200 }), ".", /larger than/);
  });
});

Deno.test("loadPluginDir() reports manifest and package problems together", async () => {
  await withPlugin(async (dir) => {
    await Deno.writeTextFile(`${dir}/plugin.yaml`, MANIFEST + "permissions: { ffi: [x] }\n");
    await Deno.writeTextFile(`${dir}/package.json`, "{}");
  }, async (dir) => {
    const problems = await problemsOf(dir);
    hasProblem(problems, "permissions.ffi", /never grants it/);
    hasProblem(problems, "package.json", /not allowed/);
  });
});

Deno.test("loadPluginDir() rejects a missing or symlinked plugin.yaml", async () => {
  await withPlugin((dir) => Deno.remove(`${dir}/plugin.yaml`), async (dir) => {
    hasProblem(await problemsOf(dir), "plugin.yaml", /is missing/);
  });
  await withPlugin(async (dir) => {
    await Deno.rename(`${dir}/plugin.yaml`, `${dir}/real.yaml`);
    await Deno.symlink("real.yaml", `${dir}/plugin.yaml`);
  }, async (dir) => {
    hasProblem(await problemsOf(dir), "plugin.yaml", /is a symlink; it must be a regular file/);
  });
});

Deno.test("loadPluginDir() rejects a path that is not a folder", async () => {
  const problems = await problemsOf("/nonexistent/plugd/plugin");
  hasProblem(problems, ".", /not a readable plugin folder/);
});
