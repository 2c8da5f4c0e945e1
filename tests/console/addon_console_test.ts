/**
 * System addons in the console: their status beside the plugd state on the list and the plugin
 * page, operations run from a form and followed on their execution record, and a privileged
 * addon's grant that needs its own red confirmation.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { ADDONS, call, installAddon } from "../addons/_addons.ts";
import { assertNoInlineScript, ConsoleClient } from "./_console.ts";

Deno.test("console: addon status, an operation from a form, its record, a privileged grant", async () => {
  await using d = await startDaemon({ env: { PLUGD_ADDON_CHECK_MS: "0" } });
  const id = await installAddon(d, `${ADDONS}basic`);
  const ui = new ConsoleClient(d.baseUrl);
  await ui.signIn(d.token);

  const list = await ui.page("/ui/plugins");
  assert.match(
    list.html,
    /data-addon-status[^>]*>addon <span class="badge badge-muted" data-addon="not_installed">/,
  );

  const page = await ui.page(`/ui/plugins/${id}`);
  assertNoInlineScript(page.html, "addon page");
  assert.match(page.html, /System addon/);
  for (const op of ["install", "uninstall", "status", "configure", "backup"]) {
    assert.match(page.html, new RegExp(`action="/ui/plugins/${id}/operations/${op}"`));
  }
  const noCsrf = await ui.post(`/ui/plugins/${id}/operations/install`, {});
  assert.equal(noCsrf.status, 403);
  await noCsrf.body?.cancel();

  const started = await ui.post(`/ui/plugins/${id}/operations/install`, { _csrf: page.csrf });
  assert.equal(started.status, 303);
  await started.body?.cancel();
  const record = started.headers.get("location")!;
  assert.match(record, new RegExp(`^/ui/plugins/${id}/executions/[0-9a-f-]{36}$`));
  const done = await waitFor(
    async () => {
      const r = await ui.page(record);
      return /data-status="succeeded"/.test(r.html) ? r.html : null;
    },
    "the install to succeed on its record page",
    120_000,
  );
  assertNoInlineScript(done, "execution page");
  assert.match(done, /greeting=hello/);
  assert.match(done, /not_installed → installed/);
  assert.doesNotMatch(done, /hx-trigger="every 2s"/, "a finished record stops refreshing");
  const after = await ui.page(`/ui/plugins/${id}`);
  assert.match(after.html, /data-addon="installed"/);
  assert.match(after.html, /data-execution=/);

  // A privileged addon: the grant needs its own box, in red; without it the API refuses.
  const rooted = await call(d, "POST", "/v1/plugins", { source: `${ADDONS}rooted` });
  assert.equal(rooted.status, 201, JSON.stringify(rooted.body));
  const review = await ui.page("/ui/plugins/rooted-addon");
  assert.match(review.html, /data-privileged/);
  assert.match(review.html, /risk-critical/);
  assert.match(review.html, /name="confirm_privileged"/);
  const reviewed = /name="reviewed" value="([^"]+)"/.exec(review.html)![1]!.replaceAll(
    "&quot;",
    '"',
  );
  const bundled = await ui.post("/ui/plugins/rooted-addon/grant", {
    _csrf: review.csrf,
    reviewed,
  });
  assert.equal(bundled.status, 303);
  await bundled.body?.cancel();
  assert.equal((await call(d, "GET", "/v1/plugins/rooted-addon")).body.permissions.granted, null);
  const refused = await ui.page("/ui/plugins/rooted-addon");
  assert.match(refused.html, /ROOT/);
  const confirmed = await ui.post("/ui/plugins/rooted-addon/grant", {
    _csrf: review.csrf,
    reviewed,
    confirm_privileged: "yes",
  });
  assert.equal(confirmed.status, 303);
  await confirmed.body?.cancel();
  const granted = (await call(d, "GET", "/v1/plugins/rooted-addon")).body.permissions.granted;
  assert.deepEqual(granted.privileged, ["root"]);
});
