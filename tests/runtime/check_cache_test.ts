/**
 * Install-time type checks are cached by content: the same graph in another folder is not
 * checked again, and a change (a type error above all) is always checked.
 */
import assert from "node:assert/strict";
import { detectSandbox, PluginPrepareError, preparePlugin } from "../../src/runtime/mod.ts";

const sandbox = await detectSandbox({ requested: "bwrap" });
const GOOD = 'import { definePlugin } from "@plugd/sdk";\nexport default definePlugin({});\n';
const BAD = 'import { definePlugin } from "@plugd/sdk";\nconst n: number = "no";\n' +
  "export default definePlugin({});\n";

async function keys(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

Deno.test("preparePlugin() skips a type check the same content passed, never a changed one", async () => {
  const root = await Deno.makeTempDir({ prefix: "plugd-check-cache-" });
  const cache = `${root}/typechecked`;
  let n = 0;
  const prepare = async (main: string) => {
    const dir = `${root}/${n++}`;
    await Deno.mkdir(`${dir}/p`, { recursive: true });
    await Deno.writeTextFile(`${dir}/p/main.ts`, main);
    return await preparePlugin({
      pluginDir: `${dir}/p`,
      preparedDir: `${dir}/prep`,
      sandbox,
      checkCacheDir: cache,
    });
  };
  try {
    await prepare(GOOD);
    const first = await keys(cache);
    assert.equal(first.length, 1);
    // The same sources in another folder (another install of it): the same verdict is reused.
    await prepare(GOOD);
    assert.deepEqual(await keys(cache), first);
    // A type error is checked (and refused) however similar the rest is; nothing is recorded.
    await assert.rejects(prepare(BAD), (e: Error) => e instanceof PluginPrepareError);
    assert.deepEqual(await keys(cache), first);
    // Other valid content is a new key.
    await prepare(GOOD + "export const more = 1;\n");
    assert.equal((await keys(cache)).length, 2);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
