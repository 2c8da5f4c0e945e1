// Each helper against its provider's documented test vector, plus the ways a forgery fails.
import assert from "node:assert/strict";
import { Webhook } from "standardwebhooks";
import {
  verifyGitHubSignature,
  verifyGitLabToken,
  verifyHmacSha256,
  verifySlackSignature,
  verifyStandardWebhook,
} from "./mod.ts";

Deno.test("verifyGitHubSignature(): GitHub's documented example delivery", async () => {
  // docs.github.com, "Validating webhook deliveries", testing the signature verification.
  const secret = "It's a Secret to Everybody";
  const sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  assert.equal(await verifyGitHubSignature(secret, "Hello, World!", sig), true);
  assert.equal(
    await verifyGitHubSignature(secret, new TextEncoder().encode("Hello, World!"), sig),
    true,
  );
  assert.equal(await verifyGitHubSignature(secret, "Hello, World?", sig), false);
  assert.equal(await verifyGitHubSignature("other", "Hello, World!", sig), false);
  assert.equal(
    await verifyGitHubSignature(secret, "Hello, World!", sig.replace("sha256=", "")),
    false,
  );
  assert.equal(await verifyGitHubSignature(secret, "Hello, World!", "sha256=zz"), false);
  assert.equal(await verifyGitHubSignature(secret, "Hello, World!", null), false);
});

Deno.test("verifyGitLabToken(): the token is the secret, compared in constant time", async () => {
  assert.equal(await verifyGitLabToken("s3cr3t-token", "s3cr3t-token"), true);
  assert.equal(await verifyGitLabToken("s3cr3t-token", "s3cr3t-tokeN"), false);
  assert.equal(await verifyGitLabToken("s3cr3t-token", "s3cr3t"), false);
  assert.equal(await verifyGitLabToken("s3cr3t-token", null), false);
  assert.equal(await verifyGitLabToken("", ""), false, "no secret configured never matches");
});

Deno.test("verifyStandardWebhook(): the specification's test vector, also as the npm package signs it", async () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  const timestamp = 1614265330;
  const body = '{"test": 2432232314}';
  const expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  assert.equal(new Webhook(secret).sign(id, new Date(timestamp * 1000), body), expected);
  const headers = {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": `v1,bm9wZQ== ${expected}`, // a rotated-out signature first
  };
  const now = timestamp * 1000 + 10_000;
  assert.equal(await verifyStandardWebhook(secret, headers, body, { now }), true);
  assert.equal(await verifyStandardWebhook(secret, new Headers(headers), body, { now }), true);
  assert.equal(await verifyStandardWebhook(secret, headers, body + " ", { now }), false);
  assert.equal(
    await verifyStandardWebhook(secret, headers, body, { now: now + 600_000 }),
    false,
    "older than the tolerance: a replay",
  );
  assert.equal(
    await verifyStandardWebhook(secret, { ...headers, "webhook-id": "msg_other" }, body, { now }),
    false,
  );
  // And the package accepts what plugd's outgoing webhooks would sign the same way.
  const fresh = new Date();
  const signature = new Webhook(secret).sign("msg_1", fresh, "{}");
  const live = {
    "webhook-id": "msg_1",
    "webhook-timestamp": String(Math.floor(fresh.getTime() / 1000)),
    "webhook-signature": signature,
  };
  assert.equal(await verifyStandardWebhook(secret, live, "{}"), true);
});

Deno.test("verifySlackSignature(): Slack's documented example request", async () => {
  // api.slack.com, "Verifying requests from Slack", the worked example.
  const secret = "8f742231b10e8888abcd99yyyzzz85a5";
  const body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow" +
    "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner" +
    "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands" +
    "%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  const headers = {
    "x-slack-request-timestamp": "1531420618",
    "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
  };
  const now = 1531420618_000 + 60_000;
  assert.equal(await verifySlackSignature(secret, headers, body, { now }), true);
  assert.equal(await verifySlackSignature(secret, headers, body + "&x=1", { now }), false);
  assert.equal(
    await verifySlackSignature(secret, headers, body, { now: now + 301_000 }),
    false,
    "outside the 5-minute tolerance",
  );
  assert.equal(
    await verifySlackSignature(secret, headers, body, { now, toleranceSeconds: 30 }),
    false,
  );
});

Deno.test("verifyHmacSha256(): RFC 4231 test case 2, hex and base64, with a prefix", async () => {
  const hex = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  const b64 = btoa(String.fromCharCode(...hex.match(/../g)!.map((h) => parseInt(h, 16))));
  const data = "what do ya want for nothing?";
  assert.equal(await verifyHmacSha256("Jefe", data, hex), true);
  assert.equal(await verifyHmacSha256("Jefe", data, hex.toUpperCase()), true);
  assert.equal(await verifyHmacSha256("Jefe", data, b64, { encoding: "base64" }), true);
  assert.equal(await verifyHmacSha256("Jefe", data, `sha256=${hex}`, { prefix: "sha256=" }), true);
  assert.equal(await verifyHmacSha256("Jefe", data, hex, { prefix: "sha256=" }), false);
  assert.equal(await verifyHmacSha256("Jefe", data, hex.slice(0, 62)), false);
  assert.equal(await verifyHmacSha256("jefe", data, hex), false);
});
