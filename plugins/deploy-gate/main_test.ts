import assert from "node:assert/strict";
import { startPlugin } from "@plugd/sdk/testing";

const dir = new URL(".", import.meta.url).pathname;
const TUESDAY_NOON = "2026-11-24T12:00:00Z";
const TUESDAY_NIGHT = "2026-11-24T22:30:00Z";
const SUNDAY_NOON = "2026-11-22T12:00:00Z";

Deno.test("deploy-gate allows inside the window and denies outside it", async () => {
  await using gate = await startPlugin(dir);
  assert.equal((await gate.gate("deployment.pre_create", { at: TUESDAY_NOON })).allow, true);
  const night = await gate.gate("deployment.pre_create", { at: TUESDAY_NIGHT });
  assert.equal(night.allow, false);
  assert.match(night.reason!, /outside the change window/);
  assert.equal((await gate.gate("deployment.pre_create", { at: SUNDAY_NOON })).allow, false);
});

Deno.test("deploy-gate denies while CI is failing (a local server stands in for CI)", async () => {
  let state = "failure";
  await using ci = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => Response.json({ state }),
  );
  await using gate = await startPlugin(dir, {
    grant: { net: [`127.0.0.1:${ci.addr.port}`] },
    config: { ci_status_url: `http://127.0.0.1:${ci.addr.port}/status` },
  });
  const red = await gate.gate("deployment.pre_create", { app: "web", at: TUESDAY_NOON });
  assert.deepEqual(red, { allow: false, reason: "CI is failure for web" });
  state = "success";
  assert.equal((await gate.gate("deployment.pre_create", { at: TUESDAY_NOON })).allow, true);
});
