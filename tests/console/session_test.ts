/**
 * The console's own security over real HTTP against a real daemon: session cookie flags,
 * sign-out, revocation, CSRF, the Unix socket, one-time codes, assets and headers.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { createToken } from "../operator/_helpers.ts";
import { assertConsoleHeaders, assertNoInlineScript, ConsoleClient } from "./_console.ts";

Deno.test("console sign-in sets a HttpOnly SameSite=Strict cookie; sign-out ends the session", async () => {
  await using d = await startDaemon();
  const anonymous = await fetch(`${d.baseUrl}/ui/plugins`, { redirect: "manual" });
  await anonymous.body?.cancel();
  assert.equal(anonymous.status, 303);
  assert.equal(anonymous.headers.get("location"), "/ui/login?next=%2Fui%2Fplugins");
  assertConsoleHeaders(anonymous.headers, "redirect");

  const ui = new ConsoleClient(d.baseUrl);
  const form = await ui.fetch("/ui/login");
  await form.body?.cancel();
  const bad = await ui.post("/ui/login", { _login: "x", token: d.token });
  await bad.body?.cancel();
  assert.equal(bad.status, 403, "the sign-in form's own CSRF value is required");

  const page = await ui.fetch("/ui/login");
  const login = /name="_login" value="([^"]+)"/.exec(await page.text())![1]!;
  const wrong = await ui.post("/ui/login", { _login: login, token: "plugd_000000000000_x" });
  assert.equal(wrong.status, 401);
  assert.match(await wrong.text(), /not a plugd token/);
  const res = await ui.post("/ui/login", { _login: login, token: d.token });
  await res.body?.cancel();
  assert.equal(res.status, 303);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("plugd_session="))!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\/ui/);
  assert.doesNotMatch(cookie, /Secure/, "no Secure flag over plain HTTP");
  assert.ok(!cookie.includes(d.token.slice(19)), "the cookie is not the token's secret");

  const overview = await ui.page("/ui");
  assertConsoleHeaders(overview.res.headers, "/ui");
  assertNoInlineScript(overview.html, "/ui");
  assert.equal(overview.res.headers.get("cache-control"), "no-store");

  const out = await ui.post("/ui/logout", { _csrf: overview.csrf });
  await out.body?.cancel();
  assert.equal(out.status, 303);
  const after = await ui.fetch("/ui");
  await after.body?.cancel();
  assert.equal(after.status, 303, "signed out: back to the sign-in page");

  const audit = await (await d.fetch("/v1/audit?limit=1000")).json();
  const actions = audit.rows.map((r: { action: string }) => r.action);
  assert.ok(actions.includes("console.login") && actions.includes("console.logout"), actions);
});

Deno.test("console refuses changes without the CSRF token, with a wrong one, or cross-site", async () => {
  await using d = await startDaemon();
  const ui = new ConsoleClient(d.baseUrl);
  await ui.signIn(d.token);
  const { csrf } = await ui.page("/ui");
  const cases: [string, Record<string, string>, HeadersInit][] = [
    ["no token", {}, {}],
    ["a wrong token", { _csrf: "A".repeat(43) }, {}],
    ["a cross-site Origin", { _csrf: csrf }, { origin: "http://evil.example" }],
    ["Sec-Fetch-Site cross-site", { _csrf: csrf }, { "sec-fetch-site": "cross-site" }],
  ];
  for (const [what, fields, headers] of cases) {
    const res = await ui.post("/ui/logout", fields, headers);
    const html = await res.text();
    assert.equal(res.status, 403, `${what}: ${res.status}`);
    assert.match(html, /refused|CSRF/, what);
    assertNoInlineScript(html, `403 page (${what})`);
  }
  await ui.page("/ui"); // still signed in: none of them did anything
});

Deno.test("revoking a token ends the console sessions it opened", async () => {
  await using d = await startDaemon();
  const reader = await createToken(d, "reader");
  const ui = new ConsoleClient(d.baseUrl);
  await ui.signIn(reader.token);
  await ui.page("/ui/plugins");
  const revoke = await d.fetch(`/v1/tokens/${reader.id}`, { method: "DELETE" });
  assert.equal(revoke.status, 200);
  const res = await ui.fetch("/ui/plugins");
  await res.body?.cancel();
  assert.equal(res.status, 303);
  assert.match(res.headers.get("location")!, /^\/ui\/login/);
});

Deno.test("plugd ui prints a link with a one-time code that signs in once", async () => {
  await using d = await startDaemon();
  const cli = await runPlugd(["ui", "--socket", d.socketPath]);
  assert.equal(cli.code, 0, cli.stderr);
  const url = /(http:\/\/127\.0\.0\.1:\d+\/ui\/login\?code=[0-9A-Z-]+)/.exec(cli.stdout)?.[1];
  assert.ok(url, cli.stdout);
  assert.ok(!cli.stdout.includes(d.token), "no token is printed");
  const code = new URL(url).searchParams.get("code")!;

  const ui = new ConsoleClient(d.baseUrl);
  const confirm = await ui.fetch(new URL(url).pathname + new URL(url).search);
  const html = await confirm.text();
  assert.ok(html.includes(code), "the page asks to confirm the code");
  assert.equal(ui.session, undefined, "a GET alone does not sign in (link previews are harmless)");
  const login = /name="_login" value="([^"]+)"/.exec(html)![1]!;
  const res = await ui.post("/ui/login", { _login: login, code });
  await res.body?.cancel();
  assert.equal(res.status, 303);
  const { html: overview } = await ui.page("/ui");
  assert.match(overview, /scope-admin/);

  const again = new ConsoleClient(d.baseUrl);
  const page = await (await again.fetch("/ui/login")).text();
  const login2 = /name="_login" value="([^"]+)"/.exec(page)![1]!;
  const reuse = await again.post("/ui/login", { _login: login2, code });
  assert.equal(reuse.status, 401);
  assert.match(await reuse.text(), /unknown, used or expired/);
});

Deno.test("the console is TCP-only; its assets are hashed, immutable and compressed", async () => {
  await using d = await startDaemon();
  const viaSocket = await d.fetchSocket("/ui/login");
  await viaSocket.body?.cancel();
  assert.equal(viaSocket.status, 404);

  const ui = new ConsoleClient(d.baseUrl);
  const html = await (await ui.fetch("/ui/login")).text();
  const urls = [...html.matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  assert.ok(urls.length >= 4, urls.join());
  for (const url of urls) {
    assert.match(url, /\.[0-9a-f]{12}\.(js|css|svg)$/);
    const res = await fetch(`${d.baseUrl}${url}`, { headers: { "accept-encoding": "br, gzip" } });
    const body = await res.arrayBuffer();
    assert.equal(res.status, 200, url);
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(res.headers.get("content-encoding"), "br", url);
    assert.ok(body.byteLength > 0);
    assertConsoleHeaders(res.headers, url);
  }
  const stale = await fetch(`${d.baseUrl}/ui/assets/htmx.000000000000.js`);
  await stale.body?.cancel();
  assert.equal(stale.status, 404);
});

Deno.test("a console session is rate-limited per page, not per API call behind it", async () => {
  // A refill of one request per 100 s: however slow the machine, no token comes back mid-test
  // (at 2/s a loaded run took > 0.5 s for the four pages and the fourth passed).
  await using d = await startDaemon({ env: { PLUGD_RATE_LIMIT: "0.01:3" } });
  const ui = new ConsoleClient(d.baseUrl);
  await ui.signIn(d.token);
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) {
    const res = await ui.fetch("/ui"); // the overview makes three API calls
    await res.body?.cancel();
    statuses.push(res.status);
    if (res.status === 429) assert.ok(Number(res.headers.get("retry-after")) >= 1);
  }
  assert.deepEqual(statuses, [200, 200, 200, 429], "three pages pass, the fourth waits");
});
