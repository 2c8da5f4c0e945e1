/** The keys API and CLI against the real daemon: trust, list, revoke, scopes, audit. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { newToken } from "../../src/auth/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugdInProcess } from "../helpers/plugd_cli.ts";

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const run = await runPlugdInProcess(args);
  return { code: run.code, out: run.stdout, err: run.stderr };
}

/** Adds a token of `scope` straight into the daemon's database (there is no API for it here). */
async function tokenFor(stateDir: string, scope: "reader" | "admin"): Promise<string> {
  await using store = await openStore(`file:${join(stateDir, "plugd.db")}`);
  const { token, statement } = await newToken(`test-${scope}`, scope);
  await store.write(() => ({ statements: [statement] }));
  return token;
}

Deno.test("keys API: admin trusts and revokes, reader lists but cannot trust; all audited", async () => {
  await using daemon = await startDaemon();
  const dir = await Deno.makeTempDir({ prefix: "plugd-keys-" });
  try {
    const generated = await cli(["key", "generate", "--out", dir, "--json"]);
    assert.equal(generated.code, 0, generated.err);
    const { id, private_key, public_key } = JSON.parse(generated.out);
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.equal((await Deno.stat(private_key)).mode! & 0o777, 0o600);
    const pub = JSON.parse(await Deno.readTextFile(public_key));
    assert.equal(pub.alg, "Ed25519");

    const reader = await tokenFor(daemon.stateDir, "reader");
    const asReader = { authorization: `Bearer ${reader}` };
    const denied = await daemon.fetch("/v1/keys", {
      method: "POST",
      headers: { ...asReader, "content-type": "application/json" },
      body: JSON.stringify({ public_key: pub }),
    });
    assert.equal(denied.status, 403);
    await denied.body?.cancel();

    const trusted = await cli([
      "key",
      "trust",
      public_key,
      "--allow",
      "acme-*",
      "--allow",
      "hello-*",
      "--expires",
      "2099-01-01T00:00:00Z",
      "--socket",
      daemon.socketPath,
      "--json",
    ]);
    assert.equal(trusted.code, 0, trusted.err);
    assert.deepEqual(JSON.parse(trusted.out).allowed_ids, ["acme-*", "hello-*"]);

    const again = await daemon.fetch("/v1/keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ public_key: pub.public, name: "dup" }),
    });
    assert.equal(again.status, 409);
    await again.body?.cancel();

    const bad = await daemon.fetch("/v1/keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ public_key: "AAAA" }),
    });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).detail, /32 raw Ed25519 bytes/);

    const listed = await daemon.fetch("/v1/keys", { headers: asReader });
    assert.equal(listed.status, 200);
    const { keys } = await listed.json();
    assert.equal(keys.length, 1);
    assert.equal(keys[0].id, id);
    assert.equal(keys[0].revoked_at, null);

    const readerRevoke = await daemon.fetch(`/v1/keys/${id}`, {
      method: "DELETE",
      headers: asReader,
    });
    assert.equal(readerRevoke.status, 403);
    await readerRevoke.body?.cancel();

    const revoked = await cli(["key", "revoke", id, "--socket", daemon.socketPath, "--json"]);
    assert.equal(revoked.code, 0, revoked.err);
    assert.ok(JSON.parse(revoked.out).revoked_at);

    const list = await cli(["key", "list", "--socket", daemon.socketPath]);
    assert.match(list.out, new RegExp(`${id}.*revoked`));

    const unknown = await daemon.fetch("/v1/keys/0123456789abcdef", { method: "DELETE" });
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();

    await using store = await openStore(`file:${join(daemon.stateDir, "plugd.db")}`);
    const audit = await store.execute(
      "SELECT action, target FROM audit_log WHERE action LIKE 'key.%' ORDER BY seq",
    );
    assert.deepEqual(audit.rows.map((r) => `${r.action} ${r.target}`), [
      `key.trust ${id}`,
      `key.revoke ${id}`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CLI: plugin pack --sign and registry build write a signed package and its index", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-pack-cli-" });
  try {
    const { writePlugin } = await import("./_helpers.ts");
    const src = await writePlugin(dir);
    const gen = JSON.parse((await cli(["key", "generate", "--out", dir, "--json"])).out);
    const out = join(dir, "repo");
    const packed = await cli([
      "plugin",
      "pack",
      "--no-check",
      src,
      "--sign",
      gen.private_key,
      "--out",
      out,
      "--build",
      "42",
      "--json",
    ]);
    assert.equal(packed.code, 0, packed.err);
    const info = JSON.parse(packed.out);
    assert.equal(info.key_id, gen.id);
    assert.equal(info.build, 42);
    const built = await cli(["registry", "build", out, "--json"]);
    assert.equal(built.code, 0, built.err);
    const index = JSON.parse(await Deno.readTextFile(join(out, "index.json")));
    assert.equal(index.plugins["hello-signed"].versions["1.0.0"].build, 42);

    const wrongKey = await cli([
      "plugin",
      "pack",
      "--no-check",
      src,
      "--sign",
      gen.public_key,
      "--out",
      out,
    ]);
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.err, /pass the \.key file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("GET /v1/catalog and plugd plugin search list plugins of the configured registries", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-catalog-" });
  try {
    const { writePlugin } = await import("./_helpers.ts");
    const repo = join(dir, "repo");
    await cli(["plugin", "pack", "--no-check", await writePlugin(dir), "--out", repo]);
    await Deno.writeTextFile(
      join(repo, "catalog.json"),
      JSON.stringify({ "hello-signed": { categories: ["chat"], tags: ["greeting"] } }),
    );
    assert.equal((await cli(["registry", "build", repo])).code, 0);
    await using daemon = await startDaemon({
      env: { PLUGD_REGISTRIES: `${join(repo, "index.json")},${join(dir, "missing.json")}` },
    });
    const reader = await tokenFor(daemon.stateDir, "reader");
    const res = await daemon.fetch("/v1/catalog?q=greet&category=chat", {
      headers: { authorization: `Bearer ${reader}` },
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(body.plugins.map((p: { id: string }) => p.id), ["hello-signed"]);
    assert.equal(body.plugins[0].latest, "1.0.0");
    assert.equal(body.errors.length, 1, "the missing registry is reported, not fatal");
    const none = await (await daemon.fetch("/v1/catalog?category=nope")).json();
    assert.deepEqual(none.plugins, []);
    const search = await cli(["plugin", "search", "hello", "--socket", daemon.socketPath]);
    assert.equal(search.code, 0, search.err);
    assert.match(search.out, /hello-signed\s+1\.0\.0\s+index\.json/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
