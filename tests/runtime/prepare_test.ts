import assert from "node:assert/strict";
import {
  detectSandbox,
  PluginPrepareError,
  preparePlugin,
  type SandboxInfo,
} from "../../src/runtime/mod.ts";

const bwrap = await detectSandbox({ requested: "bwrap" });
const LAYOUTS: [string, SandboxInfo | undefined][] = [
  ["in the sandbox's fixed layout", bwrap],
  ["with host paths (flags mode)", undefined],
];

async function tryPrepare(main: string, sandbox?: SandboxInfo): Promise<unknown> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-prep-" });
  try {
    await Deno.mkdir(`${dir}/p`);
    await Deno.writeTextFile(`${dir}/p/main.ts`, main);
    await Deno.writeTextFile(`${dir}/p/util.ts`, "export const x = 1;\n");
    return await preparePlugin({
      pluginDir: `${dir}/p`,
      preparedDir: `${dir}/prep`,
      sandbox,
      typeCheck: false,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const head = 'import { definePlugin } from "@plugd/sdk";\nimport { x } from "./util.ts";\n';
const tail = "export default definePlugin({});\n";

for (const [how, sandbox] of LAYOUTS) {
  Deno.test(`preparePlugin() ${how} accepts own files, the SDK and node: builtins`, async () => {
    const r = await tryPrepare(`${head}import "node:path";\n${tail}`, sandbox) as {
      bootstrap: string;
    };
    assert.match(r.bootstrap, sandbox ? /^\/plugd\/prepared\/bootstrap\.ts$/ : /bootstrap\.ts$/);
  });

  Deno.test(`preparePlugin() ${how} refuses a literal dynamic import of an outside file`, async () => {
    await assert.rejects(
      tryPrepare(
        `${head}export const f = () => import("file:///etc/shadow", { with: { type: "text" } });\n${tail}`,
        sandbox,
      ),
      (e: Error) =>
        e instanceof PluginPrepareError && /file:\/\/\/etc\/shadow/.test(e.message) &&
        /main\.ts/.test(e.message),
    );
  });

  for (
    const spec of ["npm:left-pad", "https://example.com/x.ts", "jsr:@std/path", "../outside.ts"]
  ) {
    Deno.test(`preparePlugin() ${how} refuses an import of ${spec}`, async () => {
      await assert.rejects(
        tryPrepare(`${head}import ${JSON.stringify(spec)};\n${tail}`, sandbox),
        (e: Error) => e instanceof PluginPrepareError && e.message.includes(spec),
      );
    });
  }
}
