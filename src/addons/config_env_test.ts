import assert from "node:assert/strict";
import { addonConfigEnv, configVariable, redactor } from "./config_env.ts";

Deno.test("addonConfigEnv() names variables after the keys and finds secrets at any depth", () => {
  const env = addonConfigEnv(
    { port: 5432, "admin-user": "pg", token: "s3cret", nested: { key: "deep-secret", n: 1 } },
    { port: 5432, "admin-user": "pg", token: "********", nested: { key: "********", n: 1 } },
  );
  assert.equal(env.values.ADDON_CONFIG_PORT, "5432");
  assert.equal(env.values.ADDON_CONFIG_ADMIN_USER, "pg");
  assert.equal(env.values.ADDON_CONFIG_NESTED, '{"key":"deep-secret","n":1}');
  assert.equal(JSON.parse(env.values.PLUGD_ADDON_CONFIG!).token, "s3cret");
  assert.deepEqual(env.secrets.sort(), ["deep-secret", "s3cret"]);
  assert.equal(configVariable("a.b"), "ADDON_CONFIG_A_B");
});

Deno.test("redactor() hides each secret, its JSON form and each of its lines", () => {
  const redact = redactor(["s3cret", 'q"uote', "two\nlines"]);
  assert.equal(redact("token=s3cret!"), "token=********!");
  assert.equal(redact('{"v":"q\\"uote"}'), '{"v":"********"}');
  assert.equal(redact("lines"), "********");
  assert.equal(redactor([])("s3cret"), "s3cret");
});
