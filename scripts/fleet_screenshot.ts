/**
 * The console's fleet page for docs/console/fleet.png: a real `nats-server -js`, a registry and
 * three daemons with two declared plugins (one targeted by label). Called by
 * scripts/console_screenshots.ts; runs alone too (`deno run -A scripts/fleet_screenshot.ts`).
 */
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../tests/helpers/browser.ts";
import { startFleet, waitForMembers, waitForStatus } from "../tests/fleet/_fleet.ts";
import { browserSignIn } from "../tests/console/_console.ts";

/** Saves the fleet page of a three-host fleet to `path`. */
export async function fleetScreenshot(browser: Browser, path: string): Promise<void> {
  await using fleet = await startFleet([
    { id: "db-1", labels: { role: "db" } },
    { id: "web-1", labels: { role: "web", zone: "a" } },
    { id: "web-2", labels: { role: "web", zone: "b" } },
  ]);
  const ids = fleet.hosts.map((h) => h.id);
  await waitForMembers(fleet, ids);
  await fleet.publishPlugin({ id: "acme-metrics", version: "1.4.2" });
  await fleet.publishPlugin({ id: "acme-web", version: "2.0.1" });
  const registry = fleet.registry.url;
  const host = fleet.hosts[1]!;
  const applied = await host.call("POST", "/v1/fleet/apply", {
    document: {
      plugins: [
        { id: "acme-metrics", version: "^1.4", registry },
        { id: "acme-web", version: "2.0.1", registry, hosts: { labels: { role: "web" } } },
      ],
    },
  });
  if (applied.status !== 200) throw new Error(`apply: ${JSON.stringify(applied.body)}`);
  for (const id of ids) await waitForStatus(fleet, id, "acme-metrics", "converged");
  for (const id of ["web-1", "web-2"]) await waitForStatus(fleet, id, "acme-web", "converged");
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: "light",
  });
  const page = await context.newPage();
  await browserSignIn(page, host.daemon, host.daemon.token);
  await page.goto(`${host.daemon.baseUrl}/ui/fleet`);
  await page.waitForLoadState("networkidle").catch(() => {});
  await page.screenshot({ path });
  await context.close();
}

if (import.meta.main) {
  await using browser = await launchBrowser();
  const path = join(new URL("../docs/console", import.meta.url).pathname, "fleet.png");
  await fleetScreenshot(browser, path);
  console.log(`docs/console/fleet.png  /ui/fleet`);
}
