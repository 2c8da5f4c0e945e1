import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { fleetSettings } from "./fleet_settings.ts";

function parse(env: Record<string, string>) {
  const keys: Record<string, string> = {
    "nats.url": "PLUGD_NATS_URL",
    "nats.user": "PLUGD_NATS_USER",
    "nats.creds": "PLUGD_NATS_CREDS",
    "nats.tls_cert": "PLUGD_NATS_TLS_CERT",
    "nats.tls_key": "PLUGD_NATS_TLS_KEY",
    "nats.tls_ca": "PLUGD_NATS_TLS_CA",
    "fleet.host_id": "PLUGD_FLEET_HOST_ID",
    "fleet.replicas": "PLUGD_FLEET_REPLICAS",
  };
  return fleetSettings({
    pick: (key) => env[keys[key] ?? ""],
    env,
    file: null,
    origins: {},
  });
}

Deno.test("fleetSettings(): no nats.url, no fleet", () => {
  assert.equal(parse({}), null);
});

Deno.test("fleetSettings(): servers, host id, labels, secret env, TLS for tls:// URLs", () => {
  const s = parse({
    PLUGD_NATS_URL: "tls://a.example:4222, nats://b.example:4222",
    PLUGD_FLEET_HOST_ID: "web-1",
    PLUGD_FLEET_LABELS: "role=web, zone=a",
    PLUGD_FLEET_SECRET_ENV: "SLACK_*,TOKEN",
  })!;
  assert.deepEqual(s.servers, ["tls://a.example:4222", "nats://b.example:4222"]);
  assert.equal(s.hostId, "web-1");
  assert.deepEqual(s.labels, { role: "web", zone: "a" });
  assert.deepEqual(s.secretEnv, ["SLACK_*", "TOKEN"]);
  assert.deepEqual(s.tls, { caFile: null, certFile: null, keyFile: null });
  assert.equal(s.name, "plugd");
  assert.equal(s.replicas, 1);
});

Deno.test("fleetSettings(): refuses what NATS or the KV keys cannot take, naming the fix", () => {
  const url = { PLUGD_NATS_URL: "nats://127.0.0.1:4222" };
  const bad: [Record<string, string>, RegExp][] = [
    [{ PLUGD_NATS_URL: "http://x" }, /must be NATS URLs/],
    [{ ...url, PLUGD_FLEET_HOST_ID: "web.1" }, /letters, digits, - or _/],
    [{ ...url, PLUGD_FLEET_REPLICAS: "2" }, /1, 3 or 5/],
    [{ ...url, PLUGD_NATS_TLS_CERT: "/c.pem" }, /go together/],
    [{ ...url, PLUGD_NATS_USER: "u" }, /PLUGD_NATS_PASSWORD/],
    [{ ...url, PLUGD_NATS_CREDS: "/x.creds", PLUGD_NATS_TOKEN: "t" }, /one NATS authentication/],
    [{ ...url, PLUGD_FLEET_LABELS: "role" }, /not name=value/],
  ];
  for (const [env, pattern] of bad) {
    assert.throws(
      () => parse(env),
      (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
    );
  }
});
