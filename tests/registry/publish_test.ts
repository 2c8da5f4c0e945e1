/**
 * Publishing to a real registry server process: a good package, a bad signature, an unsigned
 * one, a key of another publisher, the wrong namespace, a duplicate version; the review queue
 * for new publishers and critical permissions; and `plugd plugin publish` end to end.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as tar from "tar";
import { signBytes } from "../../src/signing/mod.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { createPublisher, packTestPlugin, publish, startRegistry } from "./_registry.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

/** Re-tars a signed package with its signature replaced by one over other bytes. */
async function forgeSignature(tgz: string, key: Parameters<typeof signBytes>[0]): Promise<string> {
  const dir = await moduleTempDir("plugd-forge-");
  await tar.x({ file: tgz, cwd: dir });
  const sigPath = join(dir, "package/.plugd/signature.json");
  const sig = JSON.parse(await Deno.readTextFile(sigPath));
  sig.sig = await signBytes(key, new TextEncoder().encode("something else"));
  await Deno.writeTextFile(sigPath, JSON.stringify(sig));
  const out = join(dir, "forged.tgz");
  const entries: string[] = [];
  for await (const e of Deno.readDir(join(dir, "package"))) entries.push(`package/${e.name}`);
  await tar.c({ gzip: true, file: out, cwd: dir }, entries);
  return out;
}

Deno.test("publish: good, bad signature, unsigned, foreign key, wrong namespace, duplicate", async () => {
  await using registry = await startRegistry();
  const root = await moduleTempDir("plugd-pub-");
  const acme = await createPublisher(registry, "acme");
  const other = await createPublisher(registry, "other", ["other-*", "acme-shared"]);

  const good = await packTestPlugin(root, acme.key, {
    id: "acme-hello",
    version: "1.0.0",
    permissions: { net: ["api.example.com:443"] },
    readme: "# Hello\nSays hello.",
    changelog: "# Changelog\n\n## 1.0.0\n- First release\n\n## 0.9.0\n- beta\n",
  });
  const ok = await publish(registry, acme.token, good, { categories: "chat", tags: "hello,demo" });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.status, "published");
  assert.equal(ok.body.key_id, acme.key.id);

  const detail = (await registry.call("GET", "/api/v1/plugins/acme-hello", undefined, null)).body;
  assert.equal(detail.readme, "# Hello\nSays hello.");
  assert.deepEqual(detail.categories, ["chat"]);
  assert.deepEqual(detail.tags, ["hello", "demo"]);
  const [v1] = detail.versions as Record<string, unknown>[];
  assert.equal(v1!.changelog, "- First release");
  assert.equal(v1!.max_risk, "medium");
  assert.deepEqual(v1!.permissions, { net: ["api.example.com:443"] });

  const forged = await forgeSignature(good, acme.key);
  const bad = await publish(registry, acme.token, forged);
  assert.equal(bad.status, 422);
  assert.equal(bad.body.code, "signature_invalid", String(bad.body.detail));

  const unsigned = await packTestPlugin(root, undefined, { id: "acme-raw", version: "1.0.0" });
  const u = await publish(registry, acme.token, unsigned);
  assert.equal(u.status, 422);
  assert.equal(u.body.code, "unsigned");

  const foreign = await packTestPlugin(root, other.key, { id: "acme-x", version: "1.0.0" });
  const f = await publish(registry, acme.token, foreign);
  assert.equal(f.status, 422);
  assert.equal(f.body.code, "untrusted_key");
  assert.match(String(f.body.detail), /not registered to publisher "acme"/);

  const outside = await packTestPlugin(root, acme.key, { id: "globex-tool", version: "1.0.0" });
  const w = await publish(registry, acme.token, outside);
  assert.equal(w.status, 403);
  assert.equal(w.body.code, "wrong_namespace");

  // "other" may publish acme-shared by namespace, but acme published it first: acme owns it.
  const shared = await packTestPlugin(root, acme.key, { id: "acme-shared", version: "1.0.0" });
  assert.equal((await publish(registry, acme.token, shared)).status, 201);
  const grab = await packTestPlugin(root, other.key, { id: "acme-shared", version: "2.0.0" });
  const g = await publish(registry, other.token, grab);
  assert.equal(g.status, 403);
  assert.equal(g.body.code, "not_owner");
  assert.match(String(g.body.detail), /belongs to publisher "acme"/);

  const dup = await publish(registry, acme.token, good);
  assert.equal(dup.status, 409);
  assert.equal(dup.body.code, "duplicate_version");

  // Only the good one is listed; downloads are counted per version.
  const search = (await registry.call("GET", "/api/v1/search", undefined, null)).body;
  assert.deepEqual(
    (search.plugins as { id: string }[]).map((p) => p.id).sort(),
    ["acme-hello", "acme-shared"],
  );
  const index = (await registry.call("GET", "/api/v1/plugins/acme-hello/index", undefined, null))
    .body as { versions: Record<string, { url: string; sha256: string }> };
  const entry = index.versions["1.0.0"]!;
  const archive = new Uint8Array(await (await fetch(entry.url)).arrayBuffer());
  const digest = Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", archive)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  assert.equal(digest, entry.sha256);
  assert.deepEqual(archive, await Deno.readFile(good));
  const after = (await registry.call("GET", "/api/v1/plugins/acme-hello", undefined, null)).body;
  assert.equal(after.downloads, 1);
  assert.equal((after.versions as { downloads: number }[])[0]!.downloads, 1);
});

Deno.test("publish: new publishers and critical permissions wait in the review queue", async () => {
  await using registry = await startRegistry({ args: ["--open-signup"] });
  const root = await moduleTempDir("plugd-queue-");
  const signup = await registry.call("POST", "/api/v1/publishers", { name: "newbie" }, null);
  assert.equal(signup.status, 201);
  assert.equal(signup.body.status, "pending");
  const token = String(signup.body.token);
  const { generateKeyPair } = await import("../../src/signing/mod.ts");
  const pair = await generateKeyPair();
  assert.equal(
    (await registry.call("POST", "/api/v1/me/keys", { public_key: pair.publicFile }, token)).status,
    201,
  );
  const tgz = await packTestPlugin(root, pair.privateFile, { id: "newbie-tool", version: "1.0.0" });
  const first = await publish(registry, token, tgz);
  assert.equal(first.body.status, "pending");
  assert.equal(first.body.review_reason, "new publisher");
  assert.equal(
    (await registry.call("GET", "/api/v1/plugins/newbie-tool", undefined, null)).status,
    404,
  );
  const queue = (await registry.call("GET", "/api/v1/admin/queue")).body;
  assert.deepEqual((queue.publishers as { name: string }[]).map((p) => p.name), ["newbie"]);
  assert.equal((queue.versions as { id: string }[])[0]!.id, "newbie-tool");
  assert.equal((await registry.call("GET", "/api/v1/admin/queue", undefined, token)).status, 403);

  assert.equal(
    (await registry.call("POST", "/api/v1/admin/publishers/newbie/approve", {})).status,
    200,
  );
  const listed = (await registry.call("GET", "/api/v1/search?q=newbie", undefined, null)).body;
  assert.equal((listed.plugins as unknown[]).length, 1);

  const critical = await packTestPlugin(root, pair.privateFile, {
    id: "newbie-runner",
    version: "1.0.0",
    permissions: { run: ["/usr/bin/git"] },
  });
  const c = await publish(registry, token, critical);
  assert.equal(c.body.status, "pending");
  assert.equal(c.body.review_reason, "critical permissions");
  const approve = await registry.call(
    "POST",
    "/api/v1/admin/plugins/newbie-runner/versions/1.0.0/approve",
    {},
  );
  assert.equal(approve.status, 200);
  const detail =
    (await registry.call("GET", "/api/v1/plugins/newbie-runner", undefined, null)).body;
  assert.equal(detail.latest, "1.0.0");

  const signupOff = await startRegistry();
  try {
    const refused = await signupOff.call("POST", "/api/v1/publishers", { name: "x1" }, null);
    assert.equal(refused.status, 403);
  } finally {
    await signupOff.stop();
  }
});

Deno.test("plugd plugin publish and plugd registry yank/deprecate from the command line", async () => {
  await using registry = await startRegistry();
  const root = await moduleTempDir("plugd-pubcli-");
  const acme = await createPublisher(registry, "acme");
  const tgz = await packTestPlugin(root, acme.key, { id: "acme-cli", version: "1.2.0" });
  const env = { PLUGD_REGISTRY_URL: registry.url, PLUGD_REGISTRY_TOKEN: acme.token };
  const published = await runPlugd(
    ["plugin", "publish", tgz, "--changelog", "Faster.", "--category", "ops", "--tag", "cli"],
    env,
  );
  assert.equal(published.code, 0, published.stderr);
  assert.match(published.stdout, /published acme-cli@1\.2\.0/);
  const again = await runPlugd(["plugin", "publish", tgz], env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already published; versions are immutable.*\(HTTP 409\)/);
  const noToken = await runPlugd(["plugin", "publish", tgz, "--registry", registry.url]);
  assert.equal(noToken.code, 2);
  assert.match(noToken.stderr, /needs a registry token/);

  const yank = await runPlugd(["registry", "yank", "acme-cli@1.2.0", "--reason", "broken"], env);
  assert.equal(yank.code, 0, yank.stderr);
  const dep = await runPlugd(
    ["registry", "deprecate", "acme-cli", "--message", "use acme-cli2"],
    env,
  );
  assert.equal(dep.code, 0, dep.stderr);
  const detail = (await registry.call("GET", "/api/v1/plugins/acme-cli")).body;
  assert.equal(detail.deprecated, "use acme-cli2");
  const v = (detail.versions as Record<string, unknown>[])[0]!;
  assert.equal(v.yanked, true);
  assert.equal(v.changelog, "Faster.");
  assert.equal(detail.latest, null, "a yanked-only plugin leaves the listing");

  // The same owner routes over HTTP: unyank, a version's deprecation and the listing edit.
  const base = "/api/v1/plugins/acme-cli";
  const owner = (method: string, path: string, body?: unknown) =>
    registry.call(method, `${base}${path}`, body, acme.token);
  assert.equal((await owner("DELETE", "/versions/1.2.0/yank")).status, 200);
  const vDep = await owner("POST", "/versions/1.2.0/deprecate", { message: "use 2.x" });
  assert.equal(vDep.status, 200, JSON.stringify(vDep.body));
  const listing = await owner("PATCH", "", { tags: ["cli", "ops"], homepage: "https://acme.test" });
  assert.equal(listing.status, 200, JSON.stringify(listing.body));
  const after = (await registry.call("GET", base)).body;
  assert.equal(after.latest, "1.2.0", "unyanked, the version is listed again");
  assert.equal((after.versions as Record<string, unknown>[])[0]!.deprecated, "use 2.x");
  assert.deepEqual(after.tags, ["cli", "ops"]);
  assert.equal(after.homepage, "https://acme.test");
  const stranger = await createPublisher(registry, "stranger", ["stranger-*"]);
  const refused = await registry.call("PATCH", base, { tags: ["x"] }, stranger.token);
  assert.equal(refused.status, 403, JSON.stringify(refused.body));

  const notAdmin = await runPlugd(["registry", "queue"], env);
  assert.equal(notAdmin.code, 1);
  assert.match(notAdmin.stderr, /needs an admin token; yours is a publisher token/);
});
