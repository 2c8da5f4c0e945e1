import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "./errors.ts";
import { loadConfig } from "./load_config.ts";
import { moduleTempDir } from "../../tests/helpers/module_temp_dir.ts";

const KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));

Deno.test("registries: kinds, names and advisory keys from PLUGD_REGISTRIES and plugd.yaml", async () => {
  const dir = await moduleTempDir("plugd-test-");
  const pub = join(dir, "advisory.pub");
  await Deno.writeTextFile(pub, JSON.stringify({ id: "x", alg: "Ed25519", public: KEY }));
  const fromEnv = await loadConfig({}, {
    PLUGD_REGISTRIES: `./plugins/index.json,https://reg.example.com/;name=corp;key=${pub},` +
      `https://cdn.example.com/index.json,https://b.example.com;key=${KEY}`,
  });
  assert.deepEqual(fromEnv.registries, [
    { url: "./plugins/index.json", name: "index.json", kind: "index", advisoryKey: null },
    { url: "https://reg.example.com", name: "corp", kind: "server", advisoryKey: KEY },
    {
      url: "https://cdn.example.com/index.json",
      name: "cdn.example.com-index.json",
      kind: "index",
      advisoryKey: null,
    },
    { url: "https://b.example.com", name: "b.example.com", kind: "server", advisoryKey: KEY },
  ]);
  assert.equal(fromEnv.advisoryPollS, 30);
  assert.equal(fromEnv.updateCheckS, 3600);
  const file = join(dir, "plugd.yaml");
  await Deno.writeTextFile(
    file,
    `registries:\n  - https://a.example.com\n  - {url: https://a.example.com/, advisory_key: ${pub}}\n`,
  );
  const fromFile = await loadConfig({ config: file }, {});
  assert.deepEqual(fromFile.registries.map((r) => r.name), ["a.example.com", "a.example.com-2"]);
  assert.equal(fromFile.registries[1]!.advisoryKey, KEY);
});

Deno.test("registries: bad entries are refused naming the fix", async () => {
  const bad = async (value: string, message: RegExp) =>
    await assert.rejects(() => loadConfig({}, { PLUGD_REGISTRIES: value }), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(e.message, message);
      return true;
    });
  await bad("https://r.example.com;key=abc", /32 raw Ed25519 bytes/);
  await bad("./index.json;key=" + KEY, /advisory_key applies to registry servers only/);
  await bad("./x;kind=server", /needs an http\(s\) URL/);
  await bad("https://r.example.com;bogus", /is not name=value/);
  await bad("https://r.example.com;key=/nonexistent.pub", /cannot read advisory key file/);
});
