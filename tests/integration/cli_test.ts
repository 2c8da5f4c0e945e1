import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

const FIXTURES = new URL("../fixtures/lifecycle/", import.meta.url).pathname;

const plugd = runPlugd;

Deno.test("plugd --help, version, unknown commands and flags", async () => {
  const help = await plugd(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /plugin install/);
  assert.match(help.stdout, /exit codes/);
  assert.equal((await plugd(["version"])).stdout.trim(), "plugd 0.1.0");
  const unknown = await plugd(["frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr.trim().split("\n").length, 1);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const badFlag = await plugd(["plugin", "list", "--frob"]);
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /--frob/);
  const sub = await plugd(["plugin", "install", "--help"]);
  assert.equal(sub.code, 0);
  assert.match(sub.stdout, /usage: plugd plugin install/);
  const arity = await plugd(["plugin", "info"]);
  assert.equal(arity.code, 2);
});

Deno.test("plugd plugin validate: one line for a valid plugin, every problem otherwise", async () => {
  const ok = await plugd(["plugin", "validate", join(FIXTURES, "counter-v1")]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout.trim(), /^ok: counter 1\.0\.0/);
  const dir = await moduleTempDir("plugd-test-");
  await Deno.writeTextFile(
    join(dir, "plugin.yaml"),
    'id: Bad_Id\nversion: one\nplugd: ">=0"\nname: x\ndescription: y\npermissions:\n  net: []\n  ffi: ["x"]\n',
  );
  await Deno.writeTextFile(join(dir, "main.ts"), "export default {};\n");
  const bad = await plugd(["plugin", "validate", dir, "--json"]);
  assert.equal(bad.code, 1);
  const fields = JSON.parse(bad.stdout).problems.map((p: { field: string }) => p.field);
  for (const f of ["id", "version", "permissions.net", "permissions.ffi"]) {
    assert.ok(fields.some((x: string) => x.startsWith(f)), `${f} reported: ${fields}`);
  }
});

Deno.test("plugd plugin new writes a plugin that validates", async () => {
  const dir = join(await moduleTempDir("plugd-test-"), "fresh-one");
  const made = await plugd(["plugin", "new", "fresh-one", "--dir", dir]);
  assert.equal(made.code, 0, made.stderr);
  const valid = await plugd(["plugin", "validate", dir]);
  assert.equal(valid.code, 0, valid.stdout + valid.stderr);
  assert.equal((await plugd(["plugin", "new", "fresh-one", "--dir", dir])).code, 1, "no overwrite");
  // Its own test passes as written, under the real sandbox, run as the docs say.
  const test = await plugd(["plugin", "test", dir]);
  assert.equal(test.code, 0, test.stdout + test.stderr);
  assert.match(test.stdout, /1 passed/);
  assert.equal((await plugd(["plugin", "new", "Bad Id"])).code, 2);
});

Deno.test("CLI lifecycle over the socket with --json, and over HTTP with --url/--token", async () => {
  await using d = await startDaemon();
  const sock = ["--socket", d.socketPath];
  const install = await plugd([
    "plugin",
    "install",
    join(FIXTURES, "counter-v1"),
    ...sock,
    "--json",
  ]);
  assert.equal(install.code, 0, install.stderr);
  assert.equal(JSON.parse(install.stdout).id, "counter");
  const notGranted = await plugd(["plugin", "enable", "counter", ...sock]);
  assert.equal(notGranted.code, 1);
  assert.match(notGranted.stderr, /plugd plugin grant counter/);
  assert.equal((await plugd(["plugin", "grant", "counter", "--yes", ...sock])).code, 0);
  const enabled = await plugd(["plugin", "enable", "counter", ...sock, "--json"]);
  assert.equal(JSON.parse(enabled.stdout).state, "enabled");
  const list = await plugd(["plugin", "list", "--json", "--url", d.baseUrl, "--token", d.token]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(JSON.parse(list.stdout).plugins[0].state, "enabled");
  const flags = await plugd(["plugin", "flags", "counter", ...sock, "--json"]);
  const argv: string[] = JSON.parse(flags.stdout).argv;
  assert.ok(argv.includes("--no-remote") && argv.includes("--cached-only"));
  // $DATA is <state>/data/counter on the host, mounted at /data where the plugin sees it.
  // (The sandbox's protocol socket may ride along in the list: the shim revokes it before the
  // plugin's code loads.)
  const writes = argv.find((a) => a.startsWith("--allow-write="))?.slice("--allow-write=".length);
  assert.ok(writes?.split(",").includes("/data"), argv.join(" "));
  const bind = argv.findIndex((a, i) => a.endsWith("/data/counter") && argv[i + 1] === "/data");
  assert.equal(argv[bind - 1], "--bind");
  const unreachable = await plugd(["plugin", "list", "--socket", "/nonexistent/plugd.sock"]);
  assert.equal(unreachable.code, 3);
});
