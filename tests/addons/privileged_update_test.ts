/**
 * An update whose new version asks for root waits for a grant like any widening update, and that
 * grant needs `confirm_privileged` exactly as a fresh grant does: the grant button alone never
 * gives an addon root.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { ADDONS, call, waitLong } from "./_addons.ts";

Deno.test("granting an update that asks for root needs confirm_privileged too", async () => {
  await using d = await startDaemon({ env: { PLUGD_ADDON_CHECK_MS: "0" } });
  const install = await call(d, "POST", "/v1/plugins", { source: `${ADDONS}rising-v1` });
  assert.equal(install.status, 201, JSON.stringify(install.body));
  const id = install.body.id as string;
  const grant = await call(d, "POST", `/v1/plugins/${id}/grant`, {
    permissions: install.body.requested,
  });
  assert.equal(grant.status, 200, JSON.stringify(grant.body));
  assert.equal((await call(d, "POST", `/v1/plugins/${id}/enable`)).status, 200);

  const update = await call(d, "POST", `/v1/plugins/${id}/update`, {
    source: `${ADDONS}rising-v2`,
  });
  assert.equal(update.status, 200, JSON.stringify(update.body));
  assert.equal(update.body.awaiting_grant, true);
  const pending = (await call(d, "GET", `/v1/plugins/${id}`)).body.pending_update;
  assert.deepEqual(pending.requested, { privileged: ["root"] });

  const bundled = await call(d, "POST", `/v1/plugins/${id}/grant`, {
    permissions: pending.requested,
  });
  assert.equal(bundled.status, 409, JSON.stringify(bundled.body));
  assert.match(
    bundled.body.detail,
    /ROOT.*never granted along with other permissions.*--privileged/,
  );
  const still = (await call(d, "GET", `/v1/plugins/${id}`)).body;
  assert.equal(still.version, "1.0.0");
  assert.equal(still.pending_update?.to, "1.1.0", "the update still waits");
  assert.equal(still.permissions.granted?.privileged, undefined, "root was not granted");
  const audit = await call(d, "GET", `/v1/audit?action=plugin.grant&target=${id}`);
  assert.equal(audit.body.rows.length, 1, "only the first grant is recorded");

  if (Deno.uid() !== 0) return; // root on the host needs plugd to run as root
  const confirmed = await call(d, "POST", `/v1/plugins/${id}/grant`, {
    permissions: pending.requested,
    confirm_privileged: true,
  });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  assert.deepEqual(confirmed.body.updated, { from: "1.0.0", to: "1.1.0" });
  await waitLong(async () => {
    const v = (await call(d, "GET", `/v1/plugins/${id}`)).body;
    return v.version === "1.1.0" && v.permissions.granted?.privileged?.[0] === "root";
  }, "version 1.1.0 granted root");
});
