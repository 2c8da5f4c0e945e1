/**
 * Where a signed package's checks run: `plugd plugin pack` type-checks (the author's quality gate),
 * the install of a signed package verifies its signature and digests and checks its module graph
 * (what it may import), but does not type-check again: a type error is not a wall, the graph is.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";

const PARITY = new URL("../fixtures/parity/", import.meta.url).pathname;

async function post(d: TestDaemon, path: string, body?: unknown) {
  const res = await d.fetchSocket(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

Deno.test("pack type-checks; a signed install checks the graph, not the types", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-pack-check-" });
  try {
    const gen = await runPlugd(["key", "generate", "--out", dir, "--json"]);
    assert.equal(gen.code, 0, gen.stderr);
    const { private_key: key, public_key: pub } = JSON.parse(gen.stdout);
    const pack = (name: string, ...extra: string[]) =>
      runPlugd(["plugin", "pack", join(PARITY, name), "--sign", key, "--out", dir, ...extra]);

    const refused = await pack("type-error");
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(refused.stderr, /cannot pack .*type-error: deno check failed/);
    assert.match(refused.stderr, /TS2322 \[ERROR\]: Type 'string' is not assignable/);
    assert.match(refused.stderr, /--no-check/);
    await assert.rejects(Deno.stat(join(dir, "parity-type-error-1.0.0.tgz")));

    for (const name of ["type-error", "npm-import"]) {
      const packed = await pack(name, "--no-check");
      assert.equal(packed.code, 0, packed.stderr);
    }

    await using d = await startDaemon({ args: [] }); // not dev: signatures required
    const trust = await runPlugd(["key", "trust", pub, "--socket", d.socketPath]);
    assert.equal(trust.code, 0, trust.stderr);

    // The graph check still runs at install: an npm: import is refused, named with the fix.
    const npm = await post(d, "/v1/plugins", {
      source: join(dir, "parity-npm-import-1.0.0.tgz"),
    });
    assert.ok(npm.status >= 400, JSON.stringify(npm.body));
    assert.match(npm.body.detail, /imports "npm:left-pad@1\.3\.0" .*which is not allowed/);

    // The type error installs and runs: types are the packer's check, not a wall.
    const install = await post(d, "/v1/plugins", {
      source: join(dir, "parity-type-error-1.0.0.tgz"),
    });
    assert.equal(install.status, 201, JSON.stringify(install.body));
    const id = install.body.id;
    await post(d, `/v1/plugins/${id}/grant`, { permissions: install.body.requested });
    const enabled = await post(d, `/v1/plugins/${id}/enable`);
    assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
    assert.equal(enabled.body.stats.state, "running", JSON.stringify(enabled.body));
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
