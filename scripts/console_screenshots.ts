/**
 * `deno task screenshots`: starts a real daemon with the example plugins (and the console test
 * fixtures), gives every page something to show, and saves a 1280×800 screenshot of each console
 * page under docs/console/ (plus the plugins list at 360 px wide, and the fleet page of a
 * three-host fleet, which needs `nats-server`). Needs Chromium
 * (`/usr/bin/chromium`, or PLUGD_CHROMIUM) and bubblewrap, like the tests.
 * `--only=tasks,task` makes only the named pictures (the fleet's only when named).
 */
import { join } from "node:path";
import { launchBrowser } from "../tests/helpers/browser.ts";
import { startDaemon, type TestDaemon } from "../tests/helpers/daemon.ts";
import { runPlugd } from "../tests/helpers/plugd_cli.ts";
import { waitFor } from "../tests/helpers/wait_for.ts";
import { fleetScreenshot } from "./fleet_screenshot.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const ONLY = Deno.args.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const wanted = (name: string) => !ONLY || ONLY.includes(name);
const OUT = join(ROOT, "docs/console");

async function call(d: TestDaemon, method: string, path: string, body?: unknown) {
  const res = await d.fetchSocket(path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function install(d: TestDaemon, folder: string, steps: ("grant" | "enable")[]) {
  const made = await call(d, "POST", "/v1/plugins", { source: join(ROOT, folder) });
  if (steps.includes("grant")) {
    await call(d, "POST", `/v1/plugins/${made.id}/grant`, { permissions: made.requested });
  }
  if (steps.includes("enable")) await call(d, "POST", `/v1/plugins/${made.id}/enable`);
  return made.id as string;
}

const event = (type: string, data: unknown, id: string = crypto.randomUUID()) => ({
  specversion: "1.0",
  id,
  source: "/deployer",
  type,
  data,
});

const receiver = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  () => new Response("ok"),
);
await using d = await startDaemon({
  env: { PLUGD_WEBHOOKS_ALLOW_PRIVATE: "true", PLUGD_TASK_RETRY_BASE_MS: "50" },
});
try {
  await install(d, "plugins/hello", ["grant", "enable"]);
  await install(d, "plugins/message-format", ["grant", "enable"]);
  await install(d, "plugins/deploy-gate", ["grant", "enable"]);
  await install(d, "plugins/slack-notify", []);
  await install(d, "tests/fixtures/console/demo-v1", ["grant"]);
  await call(d, "PUT", "/v1/plugins/console-demo/config", {
    config: { api_key: "sk-example", greeting: "Howdy" },
  });
  await call(d, "POST", "/v1/plugins/console-demo/enable");
  const crasher = await install(d, "tests/fixtures/console/crasher", ["grant", "enable"]);
  for (let i = 0; i < 40; i++) {
    await call(
      d,
      "POST",
      "/v1/events?wait=true",
      event("deployment.post_create", { app: `web-${i % 3}` }),
    );
    await call(d, "POST", "/v1/events?wait=true", event("demo.ping", { app: "api", nonce: i }));
  }
  await call(
    d,
    "POST",
    "/v1/events?wait=true",
    event("deployment.post_create", { app: "web" }, "d-42"),
  );
  await call(d, "POST", "/v1/events", event("test.crash", {}));
  await waitFor(
    async () => (await call(d, "GET", `/v1/plugins/${crasher}`)).state === "failed",
    "the crasher to fail",
  );
  const hook = await call(d, "POST", "/v1/webhooks", {
    name: "ops-alerts",
    url: `http://127.0.0.1:${receiver.addr.port}/plugd`,
    event_types: ["plugin.*", "deployment.*"],
  });
  await call(d, "POST", `/v1/webhooks/${hook.id}/test?wait=true`);
  await call(d, "POST", "/v1/tokens", { scope: "reader", name: "grafana" });
  await call(d, "POST", "/v1/tokens", {
    scope: "emitter",
    name: "deployer",
    expires_in_s: 90 * 86400,
  });
  await install(d, "tests/fixtures/work/tasker", ["grant", "enable"]);
  const task = (input: unknown, wait = 60) =>
    call(d, "POST", `/v1/tasks/work.echo?wait=${wait}`, { input });
  await task({ steps: 4, step_ms: 20 });
  await task({ fail: true });
  await task({ refuse: true });
  const flaky = await task({ flaky_until: 3, steps: 2, step_ms: 20 });
  for (let i = 0; i < 3; i++) await task({ image: `photos/${i}.jpg`, steps: 3, step_ms: 20 });
  const running = await task({ steps: 600, step_ms: 1000 }, 0);
  await waitFor(
    async () => (await call(d, "GET", `/v1/tasks/${running.id}`)).progress?.fraction > 0,
    "a task making progress",
  );
  await call(d, "POST", "/v1/plugins/console-demo/update", {
    source: join(ROOT, "tests/fixtures/console/demo-v2"),
  });

  await using browser = await launchBrowser();
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: "light",
  });
  const page = await context.newPage();
  const shot = async (name: string, path: string, prepare?: () => Promise<void>) => {
    if (!wanted(name)) return;
    await page.goto(`${d.baseUrl}${path}`);
    await page.waitForLoadState("networkidle").catch(() => {});
    await prepare?.();
    await page.screenshot({ path: join(OUT, `${name}.png`) });
    console.log(`docs/console/${name}.png  ${path}`);
  };
  await Deno.mkdir(OUT, { recursive: true });
  await shot("login", "/ui/login");
  const link = /(http:\/\/\S+\/ui\/login\?code=\S+)/.exec(
    (await runPlugd(["ui", "--socket", d.socketPath])).stdout,
  )![1]!;
  await page.goto(link);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(`${d.baseUrl}/ui`);
  await shot("overview", "/ui");
  await shot("plugins", "/ui/plugins");
  await shot("plugin", "/ui/plugins/hello");
  await shot("plugin-activity", "/ui/plugins/hello", async () => {
    await page.locator("#activity").scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
  });
  await shot("plugin-review", "/ui/plugins/slack-notify#review");
  await shot("update-diff", "/ui/plugins/console-demo#review");
  await shot("config", "/ui/plugins/deploy-gate/config");
  await shot("logs", "/ui/plugins/console-demo/logs");
  await shot("install", "/ui/install");
  await shot("events", "/ui/events?id=d-42");
  await shot("webhooks", "/ui/webhooks");
  await shot("webhook-deliveries", `/ui/webhooks/${hook.id}`);
  await shot("audit", "/ui/audit?verify=1");
  await shot("access", "/ui/access");
  await shot("tasks", "/ui/tasks");
  await shot("task", `/ui/tasks/${flaky.id}`);
  await page.setViewportSize({ width: 360, height: 800 });
  await shot("plugins-360px", "/ui/plugins");
  await context.close();
  // The fleet page needs a fleet of its own (NATS, a registry, three daemons).
  if (wanted("fleet")) {
    await fleetScreenshot(browser, join(OUT, "fleet.png"));
    console.log("docs/console/fleet.png  /ui/fleet");
  }
} finally {
  await receiver.shutdown();
}
