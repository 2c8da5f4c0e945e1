import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load_config.ts";
import { moduleTempDir } from "../../tests/helpers/module_temp_dir.ts";

async function configFile(text: string): Promise<string> {
  const dir = await moduleTempDir("plugd-test-");
  const path = join(dir, "plugd.yaml");
  await Deno.writeTextFile(path, text);
  return path;
}

Deno.test("loadConfig() defaults: ./.plugd state, 127.0.0.1:7420, file DB, bwrap", async () => {
  const config = await loadConfig({}, {});
  assert.ok(config.stateDir.endsWith("/.plugd"));
  assert.deepEqual(config.http, { hostname: "127.0.0.1", port: 7420 });
  assert.equal(config.dbUrl, `file:${config.stateDir}/plugd.db`);
  assert.equal(config.socketPath, `${config.stateDir}/plugd.sock`);
  assert.equal(config.sandbox, "bwrap");
  assert.equal(config.dev, false);
});

Deno.test("loadConfig() precedence: flags > environment > file > defaults", async () => {
  const file = await configFile("http: 127.0.0.1:1111\nstate_dir: /srv/file\ndev: true\n");
  const fromFile = await loadConfig({ config: file }, {});
  assert.equal(fromFile.http?.port, 1111);
  assert.equal(fromFile.stateDir, "/srv/file");
  assert.equal(fromFile.dev, true);
  const fromEnv = await loadConfig({ config: file }, {
    PLUGD_HTTP: "127.0.0.1:2222",
    PLUGD_STATE_DIR: "/srv/env",
  });
  assert.equal(fromEnv.http?.port, 2222);
  assert.equal(fromEnv.stateDir, "/srv/env");
  const fromFlags = await loadConfig({
    config: file,
    http: "127.0.0.1:3333",
    stateDir: "/srv/flag",
  }, {
    PLUGD_HTTP: "127.0.0.1:2222",
    PLUGD_STATE_DIR: "/srv/env",
  });
  assert.equal(fromFlags.http?.port, 3333);
  assert.equal(fromFlags.stateDir, "/srv/flag");
  const remote = await loadConfig({}, { PLUGD_DB_URL: "libsql://db.example.com" });
  assert.equal(remote.dbUrl, "libsql://db.example.com");
  assert.equal(remote.dbSynchronous, "full", "every commit synced unless the operator says so");
  const normal = await loadConfig({}, { PLUGD_DB_SYNCHRONOUS: "normal" });
  assert.equal(normal.dbSynchronous, "normal");
});

Deno.test("loadConfig() refuses bad values naming the setting and the fix", async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PLUGD_HTTP: "localhost" }, /^PLUGD_HTTP \(environment\) must be host:port/],
    [{ PLUGD_HTTP: "127.0.0.1:99999" }, /PLUGD_HTTP \(environment\)/],
    [{ PLUGD_DB_URL: "postgres://x" }, /PLUGD_DB_URL \(environment\) must start with file:/],
    [{ PLUGD_DEV: "maybe" }, /PLUGD_DEV \(environment\) must be true or false/],
    [{ PLUGD_SANDBOX: "none" }, /PLUGD_SANDBOX \(environment\) must be "bwrap" or "flags"/],
    [{ PLUGD_IDLE_STOP_MS: "-5" }, /PLUGD_IDLE_STOP_MS \(environment\)/],
    [{ PLUGD_DB_SYNCHRONOUS: "off" }, /PLUGD_DB_SYNCHRONOUS \(environment\) must be "full"/],
  ];
  for (const [env, message] of cases) {
    await assert.rejects(() => loadConfig({}, env), (e: Error) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
  const unknown = await configFile("colour: blue\n");
  await assert.rejects(() => loadConfig({ config: unknown }, {}), /Unknown key "colour"/);
});

Deno.test("loadConfig() errors name the source of the bad value: flag, file or environment", async () => {
  await assert.rejects(
    () => loadConfig({ http: "nope" }, {}),
    /^ConfigError: --http \(command-line flag\) must be host:port/,
  );
  const file = await configFile("http: nope\nwebhooks:\n  allow_private: maybe\n");
  await assert.rejects(
    () => loadConfig({ config: file }, {}),
    new RegExp(`"http" in ${file} must be host:port`),
  );
  await assert.rejects(
    () => loadConfig({ config: file, http: "127.0.0.1:1" }, {}),
    new RegExp(`"webhooks.allow_private" in ${file} must be true or false`),
  );
  const ok = await loadConfig({ config: file, http: "127.0.0.1:1" }, {
    PLUGD_WEBHOOKS_ALLOW_PRIVATE: "yes",
  });
  assert.equal(ok.origins?.http, "--http (command-line flag)");
  assert.equal(
    ok.origins?.["webhooks.allow_private"],
    "PLUGD_WEBHOOKS_ALLOW_PRIVATE (environment)",
  );
  const typo = await configFile("webhooks:\n  allow_privat: true\n");
  await assert.rejects(
    () => loadConfig({ config: typo }, {}),
    /Unknown key "webhooks.allow_privat"/,
  );
});

Deno.test("loadConfig() under systemd: state, socket and key default to the unit's directories", async () => {
  const config = await loadConfig({}, {
    STATE_DIRECTORY: "/var/lib/plugd",
    RUNTIME_DIRECTORY: "/run/plugd",
    CREDENTIALS_DIRECTORY: "/run/credentials/plugd.service",
  });
  assert.equal(config.stateDir, "/var/lib/plugd");
  assert.equal(config.socketPath, "/run/plugd/plugd.sock");
  assert.equal(config.masterKeyFile, "/run/credentials/plugd.service/master.key");
  assert.equal(config.dbUrl, "file:/var/lib/plugd/plugd.db");
  assert.match(config.origins?.socket ?? "", /\$RUNTIME_DIRECTORY set by systemd/);
  const overridden = await loadConfig({}, { STATE_DIRECTORY: "/x", PLUGD_SOCKET: "/y.sock" });
  assert.equal(overridden.socketPath, "/y.sock");
});

Deno.test("loadConfig() resolves relative paths against their source: the caller's folder or the file's", async () => {
  const file = await configFile(
    "state_dir: state\nregistries: [index.json, https://r.example/i.json]\n",
  );
  const dir = file.slice(0, file.lastIndexOf("/"));
  const fromFile = await loadConfig({ config: file }, {}, { cwd: "/elsewhere" });
  assert.equal(fromFile.stateDir, `${dir}/state`);
  assert.deepEqual(fromFile.registries.map((r) => r.url), [
    `${dir}/index.json`,
    "https://r.example/i.json",
  ]);
  const fromFlag = await loadConfig({ stateDir: "here" }, {}, { cwd: "/caller" });
  assert.equal(fromFlag.stateDir, "/caller/here");
  const relativeConfig = await loadConfig({ config: "plugd.yaml" }, {}, { cwd: dir });
  assert.equal(relativeConfig.configFile, file);
});
