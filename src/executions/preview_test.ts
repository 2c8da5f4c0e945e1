import assert from "node:assert/strict";
import { NO_SECRETS, preview, REDACTED, redactionOf } from "./preview.ts";

Deno.test("preview() is the JSON text of small values", () => {
  const value = { a: [1, "x", null, true], b: { c: 1.5 } };
  assert.deepEqual(preview(value), { text: JSON.stringify(value), truncated: false });
  assert.equal(preview(undefined), null);
  assert.equal(preview("héllo")?.text, '"héllo"');
});

Deno.test("preview() cuts at the budget and says so", () => {
  const big = { data: "x".repeat(100_000), more: Array.from({ length: 10_000 }, (_, i) => i) };
  const p = preview(big, NO_SECRETS, 4096)!;
  assert.equal(p.truncated, true);
  assert.ok(p.text.length <= 4097, `${p.text.length}`);
  assert.ok(p.text.startsWith('{"data":"xxx'));
  assert.ok(p.text.endsWith("…"));
});

Deno.test("preview() redacts secret keys at any depth and secret values anywhere", () => {
  const r = redactionOf(["webhook_url", "github/token", "channels/0/key"], ["canary-SECRET-1234"]);
  const p = preview({
    webhook_url: "https://x",
    nested: { token: "t0k", list: [{ key: "k" }] },
    text: "the canary-SECRET-1234 leaked",
    "canary-SECRET-1234": 1,
  }, r)!;
  assert.ok(!p.text.includes("canary-SECRET-1234"), p.text);
  assert.ok(!p.text.includes("t0k") && !p.text.includes("https://x"), p.text);
  assert.equal(
    JSON.parse(p.text).nested.token,
    REDACTED,
  );
  assert.equal(JSON.parse(p.text).text, `the ${REDACTED} leaked`);
});

Deno.test("preview() never ends in half a secret", () => {
  const secret = "s3cret-value-that-is-long";
  const r = redactionOf(["api"], [secret]);
  for (let pad = 0; pad < 40; pad++) {
    const p = preview({ t: `${"y".repeat(pad)}${secret}${"z".repeat(50)}` }, r, 40)!;
    for (let n = 4; n <= secret.length; n++) {
      assert.ok(!p.text.includes(secret.slice(0, n) + "z") && !p.text.includes(secret), p.text);
    }
  }
});

Deno.test("preview() hides credentials in transit whatever the config says", () => {
  const p = preview({ headers: { Authorization: "Bearer x", Cookie: "s=1" } })!;
  assert.deepEqual(JSON.parse(p.text), { headers: { Authorization: REDACTED, Cookie: REDACTED } });
});

Deno.test("preview() survives cycles and odd values", () => {
  const a: Record<string, unknown> = { n: NaN, big: 10n };
  a.self = a;
  const p = preview(a)!;
  assert.equal(p.text, '{"n":null,"big":10,"self":"[…]"}');
});

Deno.test("preview() shows what JSON.stringify would: toJSON applied, symbol values left out", () => {
  const at = new Date(Date.UTC(2026, 0, 2));
  const value = { at, s: Symbol("x"), n: new Number(2), list: [Symbol("y")] };
  assert.equal(preview(value)!.text, JSON.stringify(value));
  // The walk (a secret key sends the value there) shows the same.
  const r = redactionOf(["token"], []);
  assert.equal(
    preview({ ...value, token: "t" }, r)!.text,
    JSON.stringify({ ...value, token: REDACTED }),
  );
});

Deno.test("preview() redacts keys in any case and secrets that JSON escapes", () => {
  const r = redactionOf(["webhook"], ['a"quoted\\secret']);
  const p = preview({ WebHook: "https://x", "PASSWORD": "p", t: 'say a"quoted\\secret' }, r)!;
  assert.deepEqual(JSON.parse(p.text), {
    WebHook: REDACTED,
    PASSWORD: REDACTED,
    t: `say ${REDACTED}`,
  });
  // A key outside printable ASCII: compared in lower case all the same.
  const k = redactionOf(["ÄPI"], []);
  assert.deepEqual(JSON.parse(preview({ "äpi": 1, "Äpi": 2 }, k)!.text), {
    "äpi": REDACTED,
    "Äpi": REDACTED,
  });
});

Deno.test("preview() cuts nesting deeper than 32 levels", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 40; i++) deep = { d: deep };
  const text = preview(deep)!.text;
  assert.ok(text.includes('"[…]"'), text);
  assert.equal(text.split("{").length - 1, 33);
});
