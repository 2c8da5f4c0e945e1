/**
 * The console's marketplace against a real registry server and daemon: search, detail with
 * permissions and reviews, install and review through forms (CSRF), the updates page with the
 * permission diff and update; registry-supplied text (hostile descriptions, readmes, reviews)
 * stays inert, checked in the HTML and in headless Chromium.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../helpers/browser.ts";
import { createPublisher, packTestPlugin, publish, startRegistry } from "../registry/_registry.ts";
import { startMarketDaemon } from "../registry/_daemon_setup.ts";
import { assertNoInlineScript, browserSignIn, ConsoleClient, watchResponses } from "./_console.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

const HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">';
const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "console marketplace: search, detail, install, review, updates; hostile text is inert",
  opts,
  async () => {
    await using registry = await startRegistry();
    const root = await moduleTempDir("plugd-uimkt-");
    const acme = await createPublisher(registry, "acme");
    const put = async (version: string, hosts: string[]) =>
      await publish(
        registry,
        acme.token,
        await packTestPlugin(root, acme.key, {
          id: "acme-ui",
          version,
          description: `Shows things ${HOSTILE}`,
          readme: `# Readme ${HOSTILE}\n\x1b[31mred\x1b[0m`,
          permissions: { net: hosts },
        }),
        { categories: "demo" },
      );
    assert.equal((await put("1.0.0", ["api.example.com:443"])).status, 201);
    await using m = await startMarketDaemon(registry, acme);
    const ui = new ConsoleClient(m.daemon.baseUrl);
    await ui.signIn(m.daemon.token);

    const search = await ui.page("/ui/marketplace?q=things");
    assert.match(search.html, /acme-ui/);
    assert.match(search.html, /&lt;script&gt;window\.pwned/);
    assertNoInlineScript(search.html, "/ui/marketplace");

    const detail = await ui.page("/ui/marketplace/acme-ui?registry=corp");
    assertNoInlineScript(detail.html, "detail");
    assert.match(detail.html, /api\.example\.com:443/);
    assert.match(detail.html, /risk-medium/);
    assert.match(detail.html, /␛\[31m/, "terminal escapes shown as visible text");

    const install = await ui.post("/ui/marketplace/acme-ui/install", {
      _csrf: detail.csrf,
      version: "1.0.0",
      registry: "corp",
    });
    assert.equal(install.status, 303);
    await install.body?.cancel();
    const installed = await m.call("GET", "/v1/plugins/acme-ui");
    assert.equal(installed.body.version, "1.0.0");
    assert.equal(installed.body.registry, "corp");
    const noCsrf = await ui.post("/ui/marketplace/acme-ui/review", { rating: "5" });
    assert.equal(noCsrf.status, 403);
    await noCsrf.body?.cancel();
    const review = await ui.post("/ui/marketplace/acme-ui/review", {
      _csrf: detail.csrf,
      rating: "4",
      title: "Nice",
      body: HOSTILE,
      registry: "corp",
    });
    assert.equal(review.status, 303);
    await review.body?.cancel();
    const reviews =
      (await registry.call("GET", "/api/v1/plugins/acme-ui/reviews", undefined, null)).body;
    assert.equal(reviews.total, 1);
    const withReview = await ui.page("/ui/marketplace/acme-ui?registry=corp");
    assert.match(withReview.html, /★★★★☆/);
    assertNoInlineScript(withReview.html, "detail with a review");

    assert.equal(
      (await put("1.1.0", ["api.example.com:443", "hooks.example.com:443"])).status,
      201,
    );
    const updates = await ui.page("/ui/updates");
    assert.match(updates.html, /hooks\.example\.com:443/);
    assert.match(updates.html, /needs a new grant/);
    const policy = await ui.post("/ui/updates/acme-ui/policy", {
      _csrf: updates.csrf,
      policy: "minor",
    });
    assert.equal(policy.status, 303);
    await policy.body?.cancel();
    assert.equal((await m.call("GET", "/v1/plugins/acme-ui")).body.auto_update, "minor");
    const update = await ui.post("/ui/updates/acme-ui", { _csrf: updates.csrf, version: "1.1.0" });
    assert.equal(update.status, 303);
    await update.body?.cancel();
    const after = (await m.call("GET", "/v1/plugins/acme-ui")).body;
    assert.equal(after.version, "1.1.0");
    assert.equal(after.state, "installed", "a widening update waits for a grant");
    const flash = await ui.page("/ui/updates");
    assert.match(flash.html, /waits for a grant/);

    // In a real browser: nothing registry-supplied runs.
    await using browser = await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchResponses(page);
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await browserSignIn(page, m.daemon, m.daemon.token);
    await page.goto(`${m.daemon.baseUrl}/ui/marketplace/acme-ui?registry=corp`);
    assert.equal(await page.getByRole("heading", { level: 1 }).isVisible(), true);
    assert.equal(await page.evaluate(() => (globalThis as { pwned?: number }).pwned), undefined);
    await page.getByRole("link", { name: "Marketplace" }).click();
    await page.waitForURL(/\/ui\/marketplace$/);
    assert.equal(await page.evaluate(() => (globalThis as { pwned?: number }).pwned), undefined);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(problems(), []);
    await context.close();
  },
);
