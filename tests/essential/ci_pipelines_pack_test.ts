/**
 * ci-pipelines ships like any third-party plugin: packed and signed with `plugd plugin pack
 * --sign`, listed by `plugd registry build`, installed by name from that index by a daemon that
 * requires signatures, granted, enabled, and answering on its public route under the sandbox.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { OPTS, socketJson } from "../surfaces/_surfaces.ts";
import { PLUGIN_DIR } from "./_ci_pipelines.ts";

Deno.test(
  "ci-pipelines: signed pack, registry index, install by name outside dev mode",
  OPTS,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "plugd-ci-pack-" });
    try {
      const gen = await runPlugd(["key", "generate", "--out", dir, "--json"]);
      assert.equal(gen.code, 0, gen.stderr);
      const key = JSON.parse(gen.stdout) as { private_key: string; public_key: string; id: string };
      const packed = await runPlugd([
        "plugin",
        "pack",
        "--no-check",
        PLUGIN_DIR,
        "--sign",
        key.private_key,
        "--out",
        dir,
        "--json",
      ]);
      assert.equal(packed.code, 0, packed.stderr);
      assert.equal(JSON.parse(packed.stdout).key_id, key.id);

      const built = await runPlugd(["registry", "build", dir, "--out", join(dir, "index.json")]);
      assert.equal(built.code, 0, built.stderr);
      const index = JSON.parse(await Deno.readTextFile(join(dir, "index.json")));
      const entry = index.plugins["ci-pipelines"].versions["1.1.1"];
      assert.ok(entry, JSON.stringify(index).slice(0, 500));

      await using daemon = await startDaemon({
        args: [],
        env: { PLUGD_REGISTRIES: join(dir, "index.json") },
      });
      const trusted = await runPlugd([
        "key",
        "trust",
        key.public_key,
        "--socket",
        daemon.socketPath,
      ]);
      assert.equal(trusted.code, 0, trusted.stderr);
      const installed = await socketJson(daemon, "POST", "/v1/plugins", {
        source: "ci-pipelines@^1",
      });
      assert.equal(installed.status, 201, JSON.stringify(installed.body));
      assert.equal(installed.body.signed_by, key.id.slice(0, 16));
      const granted = await socketJson(daemon, "POST", "/v1/plugins/ci-pipelines/grant", {
        permissions: installed.body.requested,
      });
      assert.equal(granted.status, 200, JSON.stringify(granted.body));
      const enabled = await socketJson(daemon, "POST", "/v1/plugins/ci-pipelines/enable");
      assert.equal(enabled.body.stats?.state, "running", JSON.stringify(enabled.body));

      // Running from the signed package: an unsigned delivery is refused by the plugin itself.
      const res = await fetch(`${daemon.baseUrl}/hooks/ci-pipelines/github`, {
        method: "POST",
        body: "{}",
      });
      assert.equal(res.status, 401);
      assert.match((await res.json()).error, /X-Hub-Signature-256/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
