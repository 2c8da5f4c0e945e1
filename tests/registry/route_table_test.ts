/** The registry server's route table matches what it serves, and describes itself. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { registeredRoutes } from "../../src/api/mod.ts";
import {
  createRegistryApp,
  REGISTRY_MIGRATIONS,
  REGISTRY_ROUTES,
} from "../../src/registry_server/mod.ts";
import { generateKeyPair } from "../../src/signing/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

Deno.test("every route the registry server registers is in REGISTRY_ROUTES, and no other", async () => {
  const dir = await moduleTempDir("plugd-regroutes-");
  await using store = await openStore(`file:${join(dir, "r.db")}`, {
    migrations: REGISTRY_MIGRATIONS,
  });
  const app = createRegistryApp({
    store,
    packagesDir: dir,
    incomingDir: dir,
    advisoryKey: (await generateKeyPair()).privateFile,
    settings: {
      openSignup: false,
      reviewCritical: true,
      publicUrl: null,
      maxPackageBytes: 1 << 20,
    },
  });
  const served = registeredRoutes(app).map((r) =>
    `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`
  );
  const table = REGISTRY_ROUTES.map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(served.filter((s) => !table.includes(s)), [], "served but not in the table");
  assert.deepEqual(table.filter((t) => !served.includes(t)), [], "in the table but not served");
  const doc = await (await app.request("/api/v1/openapi.json")).json();
  assert.equal(doc.paths["/api/v1/packages"].post["x-plugd-registry-role"], "publisher");
  const missing = await app.request("/api/v1/nope");
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get("content-type"), "application/problem+json");
  const wrongMethod = await app.request("/api/v1/search", { method: "DELETE" });
  assert.equal(wrongMethod.status, 405);
  assert.match(wrongMethod.headers.get("allow") ?? "", /GET/);
});
