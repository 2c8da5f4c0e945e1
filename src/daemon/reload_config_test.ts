import assert from "node:assert/strict";
import { loadConfig } from "../config/mod.ts";
import { applyLiveChanges, configChanges } from "./reload_config.ts";

Deno.test("configChanges() names each changed setting and whether a reload applies it", async () => {
  const running = await loadConfig({ stateDir: "/s", http: "127.0.0.1:0" }, {});
  running.http!.port = 41234; // what the kernel bound for :0
  const next = await loadConfig({ stateDir: "/s", http: "127.0.0.1:0" }, {
    PLUGD_REGISTRIES: "/r/index.json",
    PLUGD_IDLE_STOP_MS: "100",
    PLUGD_WEBHOOKS_ALLOW_PRIVATE: "true",
  });
  const changes = configChanges(running, next);
  assert.deepEqual(changes.map((c) => [c.key, c.live]), [
    ["idle_stop_ms", false],
    ["registries", true],
    ["webhooks.allow_private", true],
  ]);
  assert.deepEqual(configChanges(running, running), []);
  const moved = await loadConfig({ stateDir: "/s", http: "127.0.0.1:9" }, {});
  assert.deepEqual(configChanges(running, moved)[0], {
    key: "http",
    from: "127.0.0.1:41234",
    to: "127.0.0.1:9",
    live: false,
  });
});

Deno.test("applyLiveChanges() updates the running config in place, and only the live settings", async () => {
  const running = await loadConfig({ stateDir: "/s" }, {});
  const registries = running.registries; // held by the catalog routes
  const next = await loadConfig({ stateDir: "/other" }, {
    PLUGD_REGISTRIES: "/a.json,/b.json",
    PLUGD_WEBHOOKS_ALLOW_PRIVATE: "yes",
  });
  applyLiveChanges(running, next);
  assert.deepEqual(registries.map((r) => r.url), ["/a.json", "/b.json"]);
  assert.equal(running.webhooks.allowPrivate, true);
  assert.equal(running.stateDir, "/s");
});
