import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError, loadConfig } from "./load_config.ts";

async function configFile(text: string): Promise<string> {
  const dir = await Deno.makeTempDir();
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
});

Deno.test("loadConfig() refuses bad values naming the setting and the fix", async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PLUGD_HTTP: "localhost" }, /PLUGD_HTTP \/ --http must be host:port/],
    [{ PLUGD_HTTP: "127.0.0.1:99999" }, /PLUGD_HTTP/],
    [{ PLUGD_DB_URL: "postgres://x" }, /PLUGD_DB_URL must start with file:/],
    [{ PLUGD_DEV: "maybe" }, /PLUGD_DEV \/ dev must be true or false/],
    [{ PLUGD_SANDBOX: "none" }, /PLUGD_SANDBOX must be "bwrap" or "flags"/],
    [{ PLUGD_IDLE_STOP_MS: "-5" }, /PLUGD_IDLE_STOP_MS/],
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
