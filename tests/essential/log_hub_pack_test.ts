/**
 * log-hub ships like any third-party plugin: packed and signed by `plugd plugin pack --sign`,
 * listed by `plugd registry build`, installed from its registry index by a daemon outside dev
 * mode that trusts the key, granted exactly what it asks, enabled under the real sandbox.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { OPTS, repoPath, socketJson } from "../surfaces/_surfaces.ts";

Deno.test(
  "log-hub is packed, signed, indexed and installs from the index as signed",
  OPTS,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "log-hub-registry-" });
    try {
      const gen = await runPlugd(["key", "generate", "--out", dir, "--json"]);
      assert.equal(gen.code, 0, gen.stderr);
      const names = [...Deno.readDirSync(dir)].map((e) => e.name);
      const key = join(dir, names.find((f) => f.endsWith(".key"))!);
      const pub = join(dir, names.find((f) => f.endsWith(".pub"))!);
      const packed = await runPlugd([
        "plugin",
        "pack",
        "--no-check",
        repoPath("plugins/log-hub"),
        "--sign",
        key,
        "--out",
        dir,
      ]);
      assert.equal(packed.code, 0, packed.stderr);
      assert.ok(names.length === 2 && Deno.statSync(join(dir, "log-hub-1.0.0.tgz")).size > 0);

      const built = await runPlugd(["registry", "build", dir]);
      assert.equal(built.code, 0, built.stderr);
      const index = JSON.parse(await Deno.readTextFile(join(dir, "index.json")));
      const entry = index.plugins["log-hub"];
      assert.ok(entry, JSON.stringify(Object.keys(index.plugins)));
      const v = entry.versions["1.0.0"];
      assert.ok(v, JSON.stringify(entry));
      assert.match(JSON.stringify(v), /log-hub-1\.0\.0\.tgz/);

      await using daemon = await startDaemon({
        args: [],
        env: { PLUGD_REGISTRIES: join(dir, "index.json") },
      });
      const trust = await runPlugd(["key", "trust", pub, "--socket", daemon.socketPath]);
      assert.equal(trust.code, 0, trust.stderr);
      const installed = await socketJson(daemon, "POST", "/v1/plugins", { source: "log-hub@^1.0" });
      assert.equal(installed.status, 201, JSON.stringify(installed.body));
      assert.match(installed.body.signed_by, /^[0-9a-f]{16}$/);
      const requested = installed.body.requested;
      assert.deepEqual(requested.read, ["/var/log"]);
      assert.deepEqual(requested.net, ["localhost:9200"]);
      assert.deepEqual(requested.emit, ["logs.anomaly"]);
      assert.deepEqual(requested.public, ["POST /ingest"]);
      const granted = await socketJson(daemon, "POST", "/v1/plugins/log-hub/grant", {
        permissions: requested,
      });
      assert.equal(granted.status, 200, JSON.stringify(granted.body));
      const enabled = await socketJson(daemon, "POST", "/v1/plugins/log-hub/enable");
      assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
      assert.equal(enabled.body.stats.state, "running", JSON.stringify(enabled.body));
      const sources = await runPlugd(["log-hub", "sources"], { PLUGD_SOCKET: daemon.socketPath });
      assert.equal(sources.code, 0, sources.stderr);
      assert.match(sources.stdout, /http: POST \/hooks\/log-hub\/ingest \(off: no ingest_token\)/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
