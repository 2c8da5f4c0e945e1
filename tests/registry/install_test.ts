/**
 * A real daemon installing from a real registry server: a bare name and @latest (highest
 * stable, not yanked), an exact yanked version, deprecation shown, an unreachable registry
 * listed first skipped, the catalog across registries, detail, reviews and downloads.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { createPublisher, packTestPlugin, publish, startRegistry } from "./_registry.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

function closedPortUrl(): string {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return `http://127.0.0.1:${port}`;
}

Deno.test("install by bare name and @latest from a registry server; an unreachable registry is skipped", async () => {
  await using registry = await startRegistry();
  const root = await moduleTempDir("plugd-inst-");
  const acme = await createPublisher(registry, "acme");
  for (const version of ["1.0.0", "1.1.0", "1.2.0-beta.1", "2.0.0"]) {
    const tgz = await packTestPlugin(root, acme.key, {
      id: "acme-hello",
      version,
      description: "Says hello to deployments",
    });
    assert.equal((await publish(registry, acme.token, tgz, { categories: "demo" })).status, 201);
  }
  await registry.call(
    "POST",
    "/api/v1/plugins/acme-hello/versions/2.0.0/yank",
    { reason: "bad" },
    acme.token,
  );
  await registry.call(
    "POST",
    "/api/v1/plugins/acme-hello/versions/1.1.0/deprecate",
    { message: "1.1.0 leaks memory; wait for 1.2" },
    acme.token,
  );
  const dead = closedPortUrl();
  await using daemon = await startDaemon({
    env: {
      PLUGD_REGISTRIES: `${dead};name=dead,${registry.url};name=corp;key=${registry.advisoryKey}`,
    },
  });
  const trust = await daemon.fetch("/v1/keys", {
    method: "POST",
    body: JSON.stringify({ public_key: acme.publicKey }),
  });
  assert.equal(trust.status, 201);
  const install = async (source: string) => {
    const res = await daemon.fetch("/v1/plugins", {
      method: "POST",
      body: JSON.stringify({ source }),
    });
    return { status: res.status, body: await res.json() };
  };
  const remove = (id: string) =>
    daemon.fetch(`/v1/plugins/${id}`, { method: "DELETE" }).then((r) => r.body?.cancel());

  const bare = await install("acme-hello");
  assert.equal(bare.status, 201, JSON.stringify(bare.body));
  assert.equal(bare.body.version, "1.1.0", "highest stable, not yanked, not a prerelease");
  assert.equal(bare.body.registry, "corp");
  assert.equal(bare.body.deprecated, "1.1.0 leaks memory; wait for 1.2");
  assert.match(bare.body.registry_errors.dead, /Cannot reach/);
  const view = await (await daemon.fetch("/v1/plugins/acme-hello")).json();
  assert.equal(view.registry, "corp");
  assert.match(view.source, /acme-hello@1\.1\.0 from registry corp/);
  await remove("acme-hello");

  assert.equal((await install("acme-hello@latest")).body.version, "1.1.0");
  await remove("acme-hello");
  const unknown = await install("acme-nope");
  assert.equal(unknown.status, 422);
  assert.match(unknown.body.detail, /No reachable registry lists "acme-nope"; could not ask: dead/);

  const cli = await runPlugd(["plugin", "install", "acme-hello", "--socket", daemon.socketPath]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(
    cli.stdout,
    /installed acme-hello 1\.1\.0 \(signed by [0-9a-f]{16}\) from registry corp/,
  );
  assert.match(cli.stdout, /DEPRECATED: 1\.1\.0 leaks memory/);
  assert.match(cli.stdout, /note: registry dead was skipped/);

  await remove("acme-hello");
  // Rollback protection: later versions only from here on.
  const beta = await install("acme-hello@^1.2.0-beta");
  assert.equal(beta.body.version, "1.2.0-beta.1", JSON.stringify(beta.body));
  await remove("acme-hello");
  const exact = await install("acme-hello@2.0.0");
  assert.equal(exact.status, 201, "a yanked version installs when named exactly");
  assert.equal(exact.body.version, "2.0.0");

  const detail = (await registry.call("GET", "/api/v1/plugins/acme-hello", undefined, null)).body;
  const downloads = Object.fromEntries(
    (detail.versions as { version: string; downloads: number }[]).map((
      v,
    ) => [v.version, v.downloads]),
  );
  assert.equal(downloads["1.1.0"], 3);
  assert.equal(downloads["2.0.0"], 1);
  assert.equal(detail.downloads, 5);
});

Deno.test("the daemon's catalog: every registry, a registry column, detail and reviews as this installation", async () => {
  await using registry = await startRegistry();
  const root = await moduleTempDir("plugd-cat-");
  const acme = await createPublisher(registry, "acme");
  const tgz = await packTestPlugin(root, acme.key, {
    id: "acme-notes",
    version: "1.0.0",
    description: "Keeps notes about releases",
    permissions: { net: ["api.example.com:443"] },
    readme: "# Notes",
  });
  await publish(registry, acme.token, tgz, { categories: "docs", tags: "notes" });
  // The same plugin offered by a static index too: listed twice, one row per registry.
  const indexDir = await moduleTempDir("plugd-cat-index-");
  await Deno.copyFile(tgz, `${indexDir}/acme-notes-1.0.0.tgz`);
  assert.equal((await runPlugd(["registry", "build", indexDir])).code, 0);
  await using daemon = await startDaemon({
    env: { PLUGD_REGISTRIES: `${registry.url};name=corp,${indexDir}/index.json;name=mirror` },
  });
  const found = await (await daemon.fetch("/v1/catalog?q=release")).json();
  assert.deepEqual(
    found.plugins.map((p: { id: string; registry: string }) => `${p.id}@${p.registry}`).sort(),
    ["acme-notes@corp", "acme-notes@mirror"],
  );
  const corpRow = found.plugins.find((p: { registry: string }) => p.registry === "corp");
  assert.equal(corpRow.max_risk, "medium");
  assert.deepEqual(corpRow.versions, ["1.0.0"]);
  assert.equal(corpRow.installed, null);
  const mirrorRow = found.plugins.find((p: { registry: string }) => p.registry === "mirror");
  assert.equal(mirrorRow.max_risk, "medium", "static indexes built by plugd list permissions");
  const filtered = await (await daemon.fetch("/v1/catalog?max_risk=low")).json();
  assert.deepEqual(filtered.plugins, []);

  const detail = await (await daemon.fetch("/v1/catalog/acme-notes")).json();
  assert.equal(detail.registry, "corp");
  assert.equal(detail.readme, "# Notes");
  assert.equal(detail.versions[0].risks[0].level, "medium");
  const mirror = await (await daemon.fetch("/v1/catalog/acme-notes?registry=mirror")).json();
  assert.equal(mirror.registry, "mirror");

  const review = async (rating: number, title: string) => {
    const res = await daemon.fetch("/v1/catalog/acme-notes/review", {
      method: "PUT",
      body: JSON.stringify({ rating, title, body: "works" }),
    });
    return { status: res.status, body: await res.json() };
  };
  const first = await review(4, "good");
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.registry, "corp");
  const second = await review(5, "great");
  assert.equal(second.body.rating, 5);
  const reviews =
    (await registry.call("GET", "/api/v1/plugins/acme-notes/reviews", undefined, null)).body;
  assert.equal(reviews.total, 1, "one review per installation: the second edits the first");
  const summary = (await registry.call("GET", "/api/v1/plugins/acme-notes", undefined, null)).body;
  assert.deepEqual(summary.rating, { average: 5, count: 1 });
  const rid = (reviews.reviews as { id: number }[])[0]!.id;
  assert.equal(
    (await registry.call("POST", `/api/v1/admin/reviews/${rid}/hide`, { reason: "spam" })).status,
    200,
  );
  const hidden = (await registry.call("GET", "/api/v1/plugins/acme-notes", undefined, null)).body;
  assert.deepEqual(hidden.rating, { average: 0, count: 0 });

  const cli = await runPlugd(["plugin", "search", "notes", "--socket", daemon.socketPath]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /acme-notes\s+1\.0\.0\s+corp/);
  assert.match(cli.stdout, /acme-notes\s+1\.0\.0\s+mirror/);
  await review(3, "meh \u001b[2J\u001b]0;pwned\u0007");
  await registry.call("POST", `/api/v1/admin/reviews/${rid}/show`, {});
  const show = await runPlugd(["plugin", "show", "acme-notes", "--socket", daemon.socketPath]);
  assert.equal(show.code, 0, show.stderr);
  assert.ok(!show.stdout.includes("\u001b"), "registry text never reaches the terminal raw");
  assert.match(show.stdout, /meh \\u\{1b\}\[2J/);
  assert.match(show.stdout, /net api\.example\.com:443 \(medium\)/);
});
