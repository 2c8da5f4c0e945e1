// Runs the real Deno binary with denoRunArgs() output: proves Deno parses every flag we emit and
// that the deny list holds against a granted name. Pure-function tests live in deno_flags_test.ts.
import assert from "node:assert/strict";
import { denoRunArgs } from "./deno_flags.ts";
import type { PluginView } from "./types.ts";

Deno.test("denoRunArgs() output is accepted by deno and denies loopback to a net grant", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "plugd-perm-" }));
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const state = `${root}/state`;
    // Flags-only view: the process sees host paths.
    const host: PluginView = {
      pluginDir: `${state}/plugins/foo`,
      dataDir: `${state}/data/foo`,
      tmpDir: `${root}/tmp/foo`,
      bootstrap: `${state}/run/foo/bootstrap.ts`,
      importMap: `${state}/run/foo/import_map.json`,
    };
    for (const dir of [host.pluginDir, host.dataDir, host.tmpDir, `${state}/run/foo`]) {
      await Deno.mkdir(dir, { recursive: true });
    }
    await Deno.writeTextFile(`${host.dataDir}/f.txt`, "data");
    await Deno.writeTextFile(`${state}/plugd.db`, "secret");
    await Deno.writeTextFile(host.importMap, '{"imports":{}}');
    await Deno.writeTextFile(
      host.bootstrap,
      `const out: Record<string, string> = {};
const attempt = async (name: string, f: () => Promise<unknown>) => {
  try { await f(); out[name] = "allowed"; } catch (e) { out[name] = (e as Error).name; }
};
await attempt("loopback", async () => (await Deno.connect({ hostname: "127.0.0.1", port: ${listener.addr.port} })).close());
await attempt("zero", async () => (await Deno.connect({ hostname: "0.0.0.0", port: ${listener.addr.port} })).close());
await attempt("data", () => Deno.readTextFile(${JSON.stringify(`${host.dataDir}/f.txt`)}));
await attempt("db", () => Deno.readTextFile(${JSON.stringify(`${state}/plugd.db`)}));
await attempt("env", async () => Deno.env.get("HOME"));
console.log(JSON.stringify(out));`,
    );
    const args = denoRunArgs(
      { net: ["example.com:443"], read: ["$DATA"], write: ["$TMP"], sys: ["hostname"] },
      { memoryMb: 64, daemonPort: listener.addr.port, view: host },
    );
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args,
      stdout: "piped",
      stderr: "piped",
      clearEnv: true,
      env: { DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno` },
    }).output();
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 0, err);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(stdout)), {
      loopback: "NotCapable",
      zero: "NotCapable",
      data: "allowed",
      db: "NotCapable",
      env: "NotCapable",
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

// A name in /etc/hosts that points at loopback (Debian adds the hostname) passes --allow-net's
// name check; only the --deny-net ranges stop it (DENO-FACTS: deny checks the resolved address).
function loopbackAlias(): string | undefined {
  let hosts = "";
  try {
    hosts = Deno.readTextFileSync("/etc/hosts");
  } catch { /* no hosts file: skip */ }
  for (const line of hosts.split("\n")) {
    const [address, ...names] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (!address?.startsWith("127.")) continue;
    const alias = names.find((n) => /^[a-z0-9-]+$/.test(n) && n !== "localhost");
    if (alias) return alias;
  }
}

const alias = loopbackAlias();

Deno.test({
  name: `denoRunArgs() deny-net stops a granted name that resolves to loopback (${alias})`,
  ignore: alias === undefined,
  async fn() {
    const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "plugd-perm-" }));
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const port = listener.addr.port;
      const host: PluginView = {
        pluginDir: `${root}/state/plugins/foo`,
        dataDir: `${root}/state/data/foo`,
        tmpDir: `${root}/tmp/foo`,
        bootstrap: `${root}/bootstrap.ts`,
        importMap: `${root}/import_map.json`,
      };
      await Deno.writeTextFile(host.importMap, '{"imports":{}}');
      await Deno.writeTextFile(
        host.bootstrap,
        `try { (await Deno.connect({ hostname: "${alias}", port: ${port} })).close(); console.log("allowed"); }
catch (e) { console.log((e as Error).name); }`,
      );
      const args = denoRunArgs({ net: [`${alias}:${port}`] }, {
        memoryMb: 64,
        daemonPort: 7420,
        view: host,
      });
      const { code, stdout } = await new Deno.Command(Deno.execPath(), { args, stdout: "piped" })
        .output();
      assert.equal(code, 0);
      assert.equal(new TextDecoder().decode(stdout).trim(), "NotCapable");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
