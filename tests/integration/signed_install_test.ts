import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

const FIXTURES = new URL("../fixtures/lifecycle/", import.meta.url).pathname;

const plugd = (args: string[]) => runPlugd(args);

async function post(d: TestDaemon, path: string, body?: unknown) {
  const res = await d.fetchSocket(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** A key pair and signed packages of counter 1.0.0 and 1.1.0 in a temp folder. */
async function signedPackages(): Promise<{ dir: string; pub: string; v1: string; v2: string }> {
  const dir = await moduleTempDir("plugd-pkgs-");
  const gen = await plugd(["key", "generate", "--out", dir, "--json"]);
  assert.equal(gen.code, 0, gen.stderr);
  const files = [...Deno.readDirSync(dir)].map((e) => e.name);
  const key = join(dir, files.find((f) => f.endsWith(".key"))!);
  const pub = join(dir, files.find((f) => f.endsWith(".pub"))!);
  for (const [fixture, build] of [["counter-v1", "1"], ["counter-v2", "2"]]) {
    const packed = await plugd([
      "plugin",
      "pack",
      "--no-check", // the same sources' check is pack_check_test's
      join(FIXTURES, fixture!),
      "--sign",
      key,
      "--out",
      dir,
      "--build",
      build!,
    ]);
    assert.equal(packed.code, 0, packed.stderr);
  }
  return {
    dir,
    pub,
    v1: join(dir, "counter-1.0.0.tgz"),
    v2: join(dir, "counter-1.1.0.tgz"),
  };
}

Deno.test("outside dev mode: a signed package by a trusted key installs, runs, and integrity is re-checked at start", async () => {
  const pkgs = await signedPackages();
  await using d = await startDaemon({ args: [] });
  const untrusted = await post(d, "/v1/plugins", { source: pkgs.v1 });
  assert.equal(untrusted.status, 422, JSON.stringify(untrusted.body));
  assert.equal(untrusted.body.code, "untrusted_key");

  const trust = await plugd(["key", "trust", pkgs.pub, "--socket", d.socketPath]);
  assert.equal(trust.code, 0, trust.stderr);
  const install = await post(d, "/v1/plugins", { source: pkgs.v1 });
  assert.equal(install.status, 201, JSON.stringify(install.body));
  assert.match(install.body.signed_by, /^[0-9a-f]{16}$/);
  await post(d, "/v1/plugins/counter/grant", { permissions: install.body.requested });
  const enabled = await post(d, "/v1/plugins/counter/enable");
  assert.equal(enabled.body.stats.state, "running", JSON.stringify(enabled.body));

  // Tamper with an installed file: the next start refuses it as "integrity".
  const main = join(d.stateDir, "plugins", "counter", "1.0.0", "main.ts");
  await Deno.chmod(main, 0o644);
  await Deno.writeTextFile(main, "\n// changed after install\n", { append: true });
  const restarted = await post(d, "/v1/plugins/counter/restart");
  assert.equal(restarted.status, 409, JSON.stringify(restarted.body));
  const view = await (await d.fetchSocket("/v1/plugins/counter")).json();
  assert.equal(view.state, "failed");
  assert.match(view.failed_reason, /integrity/);
  const audit = await (await d.fetchSocket("/v1/audit")).json();
  const rows = audit.rows ?? audit.entries ?? audit;
  assert.ok(
    rows.some((r: { action: string }) => r.action === "plugin.integrity"),
    JSON.stringify(audit).slice(0, 500),
  );
});

Deno.test("a registry index resolves name@range to the highest version and installs it", async () => {
  const pkgs = await signedPackages();
  const built = await plugd(["registry", "build", pkgs.dir, "--out", join(pkgs.dir, "index.json")]);
  assert.equal(built.code, 0, built.stderr);
  await using d = await startDaemon({ env: { PLUGD_REGISTRIES: join(pkgs.dir, "index.json") } });
  await plugd(["key", "trust", pkgs.pub, "--socket", d.socketPath]);
  const install = await post(d, "/v1/plugins", { source: "counter@^1.0" });
  assert.equal(install.status, 201, JSON.stringify(install.body));
  assert.equal(install.body.version, "1.1.0");
  const missing = await post(d, "/v1/plugins", { source: "nothere@^1" });
  assert.equal(missing.status, 422);
});
