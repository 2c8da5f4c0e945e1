/**
 * The CLI fits people's habits: global options anywhere, paths relative to the caller's folder
 * (also under `deno task`), questions that need a terminal say so, human info and logs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const LOCAL_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d|Z)/;

/**
 * `deno task plugd …` typed in `cwd`, as a user would (deno task runs in the repo). The user's
 * shell has no INIT_CWD; this test runs under `deno task test`, whose INIT_CWD deno task would keep.
 */
async function taskPlugd(cwd: string, args: string[]) {
  const env = Deno.env.toObject();
  delete env.INIT_CWD;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "--config", join(REPO, "deno.json"), "plugd", ...args],
    cwd,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const t = new TextDecoder();
  return { code: out.code, stdout: t.decode(out.stdout), stderr: t.decode(out.stderr) };
}

Deno.test({
  name: "global options anywhere: before the command, after it, and with --url/--token",
  sanitizeResources: false,
  async fn() {
    await using d = await startDaemon();
    const before = await runPlugd(["--json", "--socket", d.socketPath, "status"]);
    assert.equal(before.code, 0, before.stderr);
    assert.equal(JSON.parse(before.stdout).state, "running");
    const mixed = await runPlugd(["--socket", d.socketPath, "plugin", "--json", "list"]);
    assert.equal(mixed.code, 0, mixed.stderr);
    assert.deepEqual(JSON.parse(mixed.stdout).plugins, []);
    const http = await runPlugd(["--url", d.baseUrl, "--token", d.token, "plugin", "list"]);
    assert.equal(http.code, 0, http.stderr);
    assert.match(http.stdout, /no plugins installed/);
    const unreachable = await runPlugd(["--socket", "/nonexistent/plugd.sock", "status"]);
    assert.equal(unreachable.code, 3);
    assert.match(unreachable.stderr, /at unix:\/nonexistent\/plugd\.sock \(from --socket\)/);
  },
});

Deno.test("deno task plugd: paths are the caller's, key generate writes where you are, pack --out takes a file", async () => {
  const here = await moduleTempDir("plugd-caller-");
  await Deno.mkdir(join(here, "plugins"));
  const copy = join(here, "plugins", "hello");
  await Deno.mkdir(copy);
  for (const f of ["plugin.yaml", "main.ts"]) {
    await Deno.copyFile(join(REPO, "plugins/hello", f), join(copy, f));
  }
  const validate = await taskPlugd(join(here, "plugins"), ["plugin", "validate", "./hello"]);
  assert.equal(validate.code, 0, validate.stderr);
  assert.match(validate.stdout, /^ok: hello 1\.0\.0/);

  const before = new Set([...Deno.readDirSync(REPO)].map((e) => e.name));
  const gen = await taskPlugd(here, ["key", "generate", "--json"]);
  assert.equal(gen.code, 0, gen.stderr);
  const key = JSON.parse(gen.stdout).private_key as string;
  assert.ok(key.startsWith(`${here}/`), `the key is written where the user is: ${key}`);
  const after = [...Deno.readDirSync(REPO)].map((e) => e.name).filter((n) => !before.has(n));
  assert.deepEqual(after.filter((n) => n.endsWith(".key")), [], "nothing written into the repo");

  const packed = await taskPlugd(here, [
    "plugin",
    "pack",
    "--no-check",
    "plugins/hello",
    "--sign",
    key.slice(here.length + 1),
    "--out",
    "dist/hello.tgz",
  ]);
  assert.equal(packed.code, 0, packed.stderr);
  await Deno.stat(join(here, "dist/hello.tgz"));
});

Deno.test({
  name:
    "grant without a terminal asks for --yes; info is for people; logs carry fields and call errors",
  sanitizeResources: false,
  async fn() {
    await using d = await startDaemon();
    const cli = (...args: string[]) => runPlugd([...args, "--socket", d.socketPath]);
    assert.equal((await cli("plugin", "install", join(REPO, "plugins/hello"))).code, 0);
    const asked = await cli("plugin", "grant", "hello");
    assert.equal(asked.code, 2);
    assert.match(asked.stderr, /stdin is not a terminal, so plugd cannot ask .*: pass --yes/);
    assert.doesNotMatch(asked.stderr, /answer y/);
    assert.equal((await cli("plugin", "grant", "hello", "--yes")).code, 0);
    assert.equal((await cli("plugin", "enable", "hello")).code, 0);
    await cli("emit", "deployment.post_create", "--data", '{"app":"web"}', "--wait");

    const info = await cli("plugin", "info", "hello");
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, /^hello 1\.0\.0 — Hello/);
    assert.match(info.stdout, /process: +running \(pid \d+, up /);
    assert.match(info.stdout, /health: +/);
    assert.match(info.stdout, new RegExp(`installed: +${LOCAL_TIME.source} from `));
    assert.match(info.stdout, /STAT +VALUE\n/);
    assert.match(info.stdout, /invocations +[1-9]\d*\n/);
    assert.match(info.stdout, /memory \(RSS\) +\d+\.\d MiB/);
    assert.doesNotMatch(info.stdout, /"invocations"|\d{13}/, "no raw JSON, no epoch milliseconds");

    const logs = await cli("plugin", "logs", "hello");
    assert.match(
      logs.stdout,
      new RegExp(`^${LOCAL_TIME.source} sdk +info +Hello, web! event=\\S+$`, "m"),
    );

    // An action that throws: its error is in the plugin's log, not only in the event's results.
    assert.equal((await cli("plugin", "install", join(REPO, "plugins/slack-notify"))).code, 0);
    assert.equal((await cli("plugin", "grant", "slack-notify", "--yes")).code, 0);
    const cfg = await cli("plugin", "config", "slack-notify", "webhook_url=https://127.0.0.1:9/x");
    assert.equal(cfg.code, 0, cfg.stderr);
    assert.equal((await cli("plugin", "enable", "slack-notify")).code, 0);
    const failed = await cli("emit", "deployment.post_create", "--data", '{"app":"web"}', "--wait");
    assert.equal(failed.code, 1, "an action error makes emit --wait exit 1");
    const errors = await cli("plugin", "logs", "slack-notify");
    assert.match(
      errors.stdout,
      /system +error +action deployment\.post_create failed: .*[Ff]etch failed.* kind=action hook=deployment\.post_create/,
    );
  },
});

Deno.test({
  name:
    "POST /v1/plugins takes the package as its body (what plugd plugin install sends for a .tgz)",
  sanitizeResources: false,
  async fn() {
    await using d = await startDaemon();
    const dir = await moduleTempDir("plugd-test-");
    const packed = await runPlugd([
      "plugin",
      "pack",
      "--no-check",
      join(REPO, "plugins/hello"),
      "--out",
      dir,
    ]);
    assert.equal(packed.code, 0, packed.stderr);
    const tgz = join(dir, "hello-1.0.0.tgz");
    const bytes = await Deno.readFile(tgz);
    await Deno.remove(dir, { recursive: true }); // the daemon could not read it by path now
    const upload = await d.fetchSocket("/v1/plugins", {
      method: "POST",
      headers: { "content-type": "application/gzip" },
      body: bytes,
    });
    assert.equal(upload.status, 201, await upload.clone().text());
    assert.equal((await upload.json()).id, "hello");
    const huge = await d.fetchSocket("/v1/plugins", {
      method: "POST",
      headers: { "content-type": "application/gzip" },
      body: new Uint8Array(65 * 1024 * 1024),
    });
    assert.equal(huge.status, 413);
    assert.match((await huge.json()).detail, /limited to 64 MiB/);
    const json = await d.fetchSocket("/v1/plugins", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ source: "x".repeat(2 * 1024 * 1024) }),
    });
    assert.equal(json.status, 413, "JSON bodies keep the 1 MiB limit");
    const leftovers = [...Deno.readDirSync(join(d.stateDir, "incoming"))].filter((e) =>
      e.name.startsWith("upload-")
    );
    assert.deepEqual(leftovers, [], "uploads are removed after use");
  },
});
