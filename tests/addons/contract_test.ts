/** Install checks a system addon's contract in its sandbox and refuses what does not conform. */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { ADDONS, call } from "./_addons.ts";

Deno.test("install refuses a script missing a required function, naming it", async () => {
  await using d = await startDaemon();
  const r = await call(d, "POST", "/v1/plugins", { source: `${ADDONS}missing-fn` });
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.deepEqual(r.body.problems.map((p: { field: string }) => p.field), ["addon_configure"]);
  assert.match(r.body.detail, /addon_configure: is not defined in the script/);
  assert.equal((await call(d, "GET", "/v1/plugins/missing-fn")).status, 404);
});

Deno.test("install refuses metadata that disagrees with plugin.yaml, one problem per field", async () => {
  await using d = await startDaemon();
  const r = await call(d, "POST", "/v1/plugins", { source: `${ADDONS}mismatch` });
  assert.equal(r.status, 422, JSON.stringify(r.body));
  const fields = r.body.problems.map((p: { field: string }) => p.field);
  assert.deepEqual(fields, [
    "addon_metadata.name",
    "addon_metadata.version",
    "addon_metadata.conflicts",
  ]);
  assert.match(r.body.problems[1].message, /"2\.0\.0" differs from version "1\.0\.0"/);
});

Deno.test("plugd plugin validate reads the contract too; a good addon passes", async () => {
  const bad = await runPlugd(["plugin", "validate", `${ADDONS}missing-fn`]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /addon_configure: is not defined/);
  const good = await runPlugd(["plugin", "validate", `${ADDONS}basic`]);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /ok: system addon basic-addon 1\.0\.0/);
});

Deno.test("provides and conflicts resolve across plugins and system addons", async () => {
  await using d = await startDaemon();
  assert.equal((await call(d, "POST", "/v1/plugins", { source: `${ADDONS}basic` })).status, 201);
  // The mismatch fixture conflicts with basic-addon: refused before its script is even read.
  const clash = await call(d, "POST", "/v1/plugins", { source: `${ADDONS}mismatch` });
  assert.equal(clash.status, 409);
  assert.match(clash.body.detail, /conflicts with installed plugin "basic-addon"/);
  const base = await Deno.makeTempDir({ prefix: "plugd-provides-" });
  const plugin = async (id: string, needs: string) => {
    const dir = `${base}/${id}`;
    await Deno.mkdir(dir);
    await Deno.writeTextFile(
      `${dir}/plugin.yaml`,
      `id: ${id}\nname: N\nversion: 1.0.0\ndescription: d\nplugd: ">=0.0.0"\n` +
        `dependencies:\n  plugins:\n    ${needs}: ">=1.0.0"\n`,
    );
    await Deno.writeTextFile(
      `${dir}/main.ts`,
      'import { definePlugin } from "@plugd/sdk";\nexport default definePlugin({});\n',
    );
    return dir;
  };
  // A plugin's dependency is met by the name a system addon provides...
  const met = await call(d, "POST", "/v1/plugins", {
    source: await plugin("needs", "basic-service"),
  });
  assert.equal(met.status, 201, JSON.stringify(met.body));
  // ...and refused, naming the fix, when nothing provides it.
  const unmet = await call(d, "POST", "/v1/plugins", { source: await plugin("lacks", "no-such") });
  assert.equal(unmet.status, 409);
  assert.match(unmet.body.detail, /depends on "no-such" >=1\.0\.0, which is not installed/);
  await Deno.remove(base, { recursive: true });
});
