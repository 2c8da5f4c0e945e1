/** Tenants in the console: the tenants page and which tenants a plugin runs for on its page. */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { socketJson } from "../hooks/_helpers.ts";
import { installAndEnable } from "../surfaces/_surfaces.ts";
import { assertNoInlineScript, ConsoleClient } from "./_console.ts";

const TENANTED = new URL("../fixtures/work/tenanted", import.meta.url).pathname;

Deno.test("console: the tenants page lists each tenant's plugins; a plugin page its tenants", async () => {
  await using d = await startDaemon();
  const ui = new ConsoleClient(d.baseUrl);
  await ui.signIn(d.token);
  const empty = await ui.page("/ui/tenants");
  assert.match(empty.html, /No tenants/);

  const hostile = '<img src=x onerror="alert(1)">';
  for (const body of [{ id: "acme", name: hostile }, { id: "globex" }]) {
    assert.equal((await socketJson(d, "POST", "/v1/tenants", body)).status, 201);
  }
  await installAndEnable(d, TENANTED);
  const all = await ui.page("/ui/plugins/tenanted");
  assert.match(all.html, /<dd data-tenants="true"><span>every tenant<\/span>/);

  const scoped = await socketJson(d, "POST", "/v1/plugins/tenanted/enable", { tenants: ["acme"] });
  assert.equal(scoped.status, 200, JSON.stringify(scoped.body));
  const page = await ui.page("/ui/plugins/tenanted");
  assertNoInlineScript(page.html, "plugin page");
  assert.match(page.html, /<dd data-tenants="true">.*href="\/ui\/tenants#tenant-acme">acme<\/a>/s);

  const tenants = await ui.page("/ui/tenants");
  assertNoInlineScript(tenants.html, "tenants page");
  assert.ok(!tenants.html.includes(hostile), "a tenant's name is shown as text");
  assert.match(tenants.html, /&lt;img src=x/);
  const row = (id: string) => tenants.html.split(`id="tenant-${id}"`)[1]!.split("</tr>")[0]!;
  assert.match(row("acme"), /href="\/ui\/plugins\/tenanted">tenanted<\/a>/);
  assert.match(row("globex"), /none by name/);
});
