import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { createToken, fetchAs, waitFor } from "./_helpers.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

Deno.test("tokens: create returns the text once, list hides secrets, revoke takes effect, all audited", async () => {
  await using daemon = await startDaemon();
  const created = await createToken(daemon, "reader", { expires_in_s: 3600 });
  assert.match(created.token, /^plugd_[0-9a-f]{12}_/);
  assert.ok(created.expires_at);
  assert.equal((await fetchAs(daemon, created.token, "/v1/audit")).status, 200);

  const list = await (await daemon.fetch("/v1/tokens")).json();
  const listed = list.tokens.find((t: { id: string }) => t.id === created.id);
  assert.equal(listed.scope, "reader");
  // The secret is everything after "plugd_<id>_" (base64url: it may itself contain "_").
  const secret = created.token.slice(created.token.indexOf("_", "plugd_".length) + 1);
  assert.equal(secret.length, 43);
  assert.ok(!JSON.stringify(list).includes(secret), "no secret in the list");
  assert.ok(!("hash" in listed));

  const revoke = await daemon.fetch(`/v1/tokens/${created.id}`, { method: "DELETE" });
  assert.equal(revoke.status, 200);
  assert.ok((await revoke.json()).revoked_at);
  const denied = await fetchAs(daemon, created.token, "/v1/audit");
  assert.equal(denied.status, 401);
  assert.match((await denied.json()).detail, /revoked/);
  assert.equal((await daemon.fetch("/v1/tokens/000000000000", { method: "DELETE" })).status, 404);

  const audit = await (await daemon.fetch("/v1/audit")).json();
  const actions = audit.rows.map((r: { action: string; target: string }) =>
    `${r.action} ${r.target}`
  );
  assert.ok(actions.includes(`token.create ${created.id}`));
  assert.ok(actions.includes(`token.revoke ${created.id}`));
  assert.ok(!JSON.stringify(audit).includes(created.token), "the token text is never audited");
});

Deno.test("tokens: bad requests are refused with a reason", async () => {
  await using daemon = await startDaemon();
  const bad = [
    [{ scope: "root" }, /scope/],
    [{ scope: "reader", expires_at: "2001-01-01T00:00:00Z" }, /in the past/],
    [{ scope: "reader", expires_in_s: 0 }, /expires_in_s/],
    [{ scope: "reader", expires_in_s: 5, expires_at: "2099-01-01T00:00:00Z" }, /not both/],
    [{ scope: "reader", color: "red" }, /Unknown field/],
  ] as const;
  for (const [body, detail] of bad) {
    const res = await daemon.fetch("/v1/tokens", { method: "POST", body: JSON.stringify(body) });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match((await res.json()).detail, detail);
  }
});

Deno.test("tokens: last_used_at is recorded when a token is used", async () => {
  await using daemon = await startDaemon();
  const t = await createToken(daemon, "reader");
  assert.equal((await fetchAs(daemon, t.token, "/metrics")).status, 200);
  await waitFor(async () => {
    const { tokens } = await (await daemon.fetchSocket("/v1/tokens")).json();
    return tokens.find((x: { id: string }) => x.id === t.id)?.last_used_at !== null;
  }, "last_used_at to be set");
});

Deno.test("CLI: plugd token create --json, list and revoke over the socket", async () => {
  await using daemon = await startDaemon();
  const plugd = async (...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, ...args, "--socket", daemon.socketPath],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
  };
  const created = await plugd(
    "token",
    "create",
    "--scope",
    "operator",
    "--name",
    "ci",
    "--expires",
    "30d",
    "--json",
  );
  assert.equal(created.code, 0, created.stderr);
  const token = JSON.parse(created.stdout);
  assert.equal(token.scope, "operator");
  assert.equal(token.name, "ci");
  const days = (Date.parse(token.expires_at) - Date.now()) / 86_400_000;
  assert.ok(days > 29 && days <= 30, `expires in ~30 days, got ${days}`);
  assert.equal((await fetchAs(daemon, token.token, "/v1/plugins")).status, 200);

  const list = await plugd("token", "list");
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`${token.id}\\s+ci\\s+operator`));
  const revoked = await plugd("token", "revoke", token.id);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal((await fetchAs(daemon, token.token, "/v1/plugins")).status, 401);

  const usage = await plugd("token", "create");
  assert.equal(usage.code, 2);
  const missing = await plugd("token", "revoke", "000000000000");
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No token/);
});
