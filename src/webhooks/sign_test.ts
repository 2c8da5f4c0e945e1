import assert from "node:assert/strict";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { generateSecret, secretKeyBytes } from "./secret.ts";
import { signatureHeader, signMessage } from "./sign.ts";

Deno.test("signMessage() reproduces the Standard Webhooks test vector byte for byte", async () => {
  const signature = await signMessage(
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "msg_p5jXN8AQM9LWM0D4loKWxJek",
    1614265330,
    '{"test": 2432232314}',
  );
  assert.equal(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
});

Deno.test("signatureHeader() output verifies with the standardwebhooks package", async () => {
  const secret = generateSecret();
  const old = generateSecret();
  const ts = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ type: "x.y", data: { n: 1 } });
  const header = await signatureHeader([secret, old], "msg_1", ts, body);
  const headers = {
    "webhook-id": "msg_1",
    "webhook-timestamp": String(ts),
    "webhook-signature": header,
  };
  assert.deepEqual(new StandardWebhook(secret).verify(body, headers), JSON.parse(body));
  assert.deepEqual(new StandardWebhook(old).verify(body, headers), JSON.parse(body));
  assert.throws(() => new StandardWebhook(generateSecret()).verify(body, headers));
});

Deno.test("generateSecret() makes whsec_ + base64 of 32 bytes by default; sizes 24..64", () => {
  assert.equal(secretKeyBytes(generateSecret()).length, 32);
  assert.equal(secretKeyBytes(generateSecret(24)).length, 24);
  assert.equal(secretKeyBytes(generateSecret(64)).length, 64);
  assert.throws(() => generateSecret(16), RangeError);
  assert.throws(() => secretKeyBytes("abc"), /must start with "whsec_"/);
  assert.throws(() => secretKeyBytes("whsec_!!!"), /not valid base64/);
  assert.throws(() => secretKeyBytes("whsec_" + btoa("short")), /24\.\.64 bytes/);
});
