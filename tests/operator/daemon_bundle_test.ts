/**
 * The daemon run from its bundle (`deno task build`, what install.sh builds and the unit runs):
 * it starts, serves /v1/health, finds the SDK and the shim relative to the source files (a
 * plugin runs in its sandbox and answers a route) and serves the console's assets, its own and
 * the npm packages' text imports. systemd_unit_test.ts runs the installed bundle as the unit does.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildDaemon, ROOT } from "../../scripts/build_daemon.ts";
import { startDaemon } from "../helpers/daemon.ts";

const ECHO = new URL("../fixtures/plugins/echo", import.meta.url).pathname;

async function socketJson(
  daemon: Awaited<ReturnType<typeof startDaemon>>,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await daemon.fetchSocket(path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

Deno.test({
  name:
    "the bundled daemon serves /v1/health and its memory in /metrics, runs a plugin under its sandbox and serves the console's assets",
  sanitizeResources: false,
  async fn() {
    // Outside the checkout (tests run in parallel): the bundle then needs the checkout's config.
    const out = await Deno.makeTempDir({ prefix: "plugd-bundle-" });
    try {
      const built = await buildDaemon(out);
      assert.equal(built.entry, join(out, "plugd.js"));
      const scripts = [...Deno.readDirSync(out)].filter((e) => e.name.endsWith(".js"));
      assert.ok(scripts.length < 20, `a few scripts, not plugd's modules: ${scripts.length}`);

      await using daemon = await startDaemon({
        entry: built.entry,
        denoFlags: [`--config=${join(ROOT, "deno.json")}`],
      });
      const health = await daemon.fetchSocket("/v1/health");
      assert.equal(health.status, 200, await health.text());
      const scrape = await (await daemon.fetch("/metrics")).text();
      for (const kind of ["rss", "heap_used", "heap_total", "external"]) {
        const value = new RegExp(`^plugd_daemon_memory_bytes\\{kind="${kind}"\\} (\\d+)`, "m");
        assert.ok(Number(value.exec(scrape)?.[1]) > 0, `the daemon's ${kind} in /metrics`);
      }

      const installed = await socketJson(daemon, "POST", "/v1/plugins", { source: ECHO });
      assert.equal(installed.status, 201, JSON.stringify(installed.body));
      const requested = (await socketJson(daemon, "GET", "/v1/plugins/echo")).body
        .permissions as { requested: unknown };
      const grant = await socketJson(daemon, "POST", "/v1/plugins/echo/grant", {
        permissions: requested.requested,
      });
      assert.equal(grant.status, 200, JSON.stringify(grant.body));
      const enabled = await socketJson(daemon, "POST", "/v1/plugins/echo/enable");
      assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
      const hello = await daemon.fetch("/v1/plugins/echo/routes/hello");
      assert.equal(hello.status, 200);
      assert.equal(await hello.text(), "hello");
      assert.ok(
        (await Deno.readTextFile(`/proc/${daemon.process.pid}/cmdline`)).includes(built.entry),
        "the daemon process runs the bundle",
      );

      const login = await (await daemon.fetch("/ui/login")).text();
      const urls = [...login.matchAll(/\/ui\/assets\/[\w.-]+/g)].map((m) => m[0]);
      const htmx = urls.find((u) => /\/htmx\.[\w-]+\.js$/.test(u));
      const css = urls.find((u) => /\/console\.[\w-]+\.css$/.test(u));
      assert.ok(htmx && css, `the login page links the assets: ${urls.join(", ")}`);
      const htmxBody = await (await daemon.fetch(htmx)).text();
      assert.match(htmxBody, /htmx/, "an npm package's text import");
      const cssRes = await daemon.fetch(css);
      assert.equal(cssRes.status, 200);
      assert.ok((await cssRes.text()).length > 100, "plugd's own text import");
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
