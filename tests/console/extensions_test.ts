/**
 * The console's extension points and its TLS cookie, in process: a real libSQL store, the real
 * API app with the console mounted, requests through `app.request` with the listener's transport.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "../../src/api/mod.ts";
import { newToken } from "../../src/auth/mod.ts";
import { ConsoleExtensions } from "../../src/console/mod.ts";
import { WebConsole } from "../../src/console/web_console.tsx";
import { renderSlots } from "../../src/console/ui/slots.tsx";
import { openStore } from "../../src/store/mod.ts";

async function setup(extensions: ConsoleExtensions) {
  const dir = await Deno.makeTempDir({ prefix: "plugd-console-ext-" });
  const store = await openStore(`file:${join(dir, "plugd.db")}`);
  const made = await newToken("test", "admin");
  await store.write(() => ({ statements: [made.statement] }));
  const web = await WebConsole.create({
    store,
    facts: {
      dev: true,
      sandbox: { mode: "bwrap", reason: "test" },
      capsMechanism: "none",
      publicUrl: () => null,
    },
    uploadDir: join(dir, "incoming"),
  }, extensions);
  const app = createApp({
    store,
    startedAt: new Date(),
    state: () => "running",
    groups: [web.routes()],
    rateLimit: null,
  });
  web.attachApi((req, env) => Promise.resolve(app.fetch(req, env)));
  const request = (url: string, init: RequestInit = {}) =>
    app.request(url, init, { transport: "tcp" });
  const dispose = async () => {
    await web.stop();
    store.close();
    await Deno.remove(dir, { recursive: true });
  };
  return { token: made.token, request, dispose };
}

async function signIn(
  request: (url: string, init?: RequestInit) => Response | Promise<Response>,
  base: string,
  token: string,
): Promise<{ cookies: string; setCookies: string[] }> {
  const form = await request(`${base}/ui/login`);
  const login = /name="_login" value="([^"]+)"/.exec(await form.text())![1]!;
  const pre = form.headers.getSetCookie()[0]!.split(";")[0]!;
  const res = await request(`${base}/ui/login`, {
    method: "POST",
    headers: { cookie: pre, "content-type": "application/x-www-form-urlencoded", origin: base },
    body: new URLSearchParams({ _login: login, token }).toString(),
  });
  assert.equal(res.status, 303);
  const setCookies = [...form.headers.getSetCookie(), ...res.headers.getSetCookie()];
  return { cookies: res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; "), setCookies };
}

Deno.test("over TLS the console's cookies are Secure and __Secure- prefixed", async () => {
  const { token, request, dispose } = await setup(new ConsoleExtensions());
  try {
    const { cookies, setCookies } = await signIn(request, "https://plugd.example:7420", token);
    assert.ok(setCookies.length >= 2);
    for (const c of setCookies) {
      assert.match(c, /^__Secure-plugd_(login|session)=/, c);
      assert.match(c, /; Secure/, c);
      assert.match(c, /HttpOnly/, c);
      assert.match(c, /SameSite=Strict/, c);
    }
    const page = await request("https://plugd.example:7420/ui/events", {
      headers: { cookie: cookies },
    });
    assert.equal(page.status, 200, "the __Secure- session cookie is read back");
    await page.body?.cancel();
  } finally {
    await dispose();
  }
});

Deno.test("extensions add navigation, protected routes under /ui/x and frame sources", async () => {
  const extensions = new ConsoleExtensions();
  extensions.addNav({ href: "/ui/x/pipelines", label: "Pipelines <b>", scope: "reader" });
  extensions.addRoutes((app) => {
    app.get("/pipelines", (c) => c.text(`pipelines for ${c.get("session").scope}`));
    app.post("/pipelines", (c) => c.text("changed"));
  });
  extensions.allowFrameSource("'self'");
  assert.throws(() => extensions.addNav({ href: "https://elsewhere", label: "x" }), TypeError);
  const { token, request, dispose } = await setup(extensions);
  const base = "http://127.0.0.1:7420";
  try {
    const anonymous = await request(`${base}/ui/x/pipelines`);
    assert.equal(anonymous.status, 303, "extension routes need a session");
    const { cookies } = await signIn(request, base, token);
    const page = await request(`${base}/ui/events`, { headers: { cookie: cookies } });
    const html = await page.text();
    assert.match(
      html,
      /<a href="\/ui\/x\/pipelines"\s*>Pipelines &lt;b&gt;<\/a>/,
      "nav entry, escaped",
    );
    assert.match(page.headers.get("content-security-policy")!, /frame-src 'self'/);
    const own = await request(`${base}/ui/x/pipelines`, { headers: { cookie: cookies } });
    assert.equal(await own.text(), "pipelines for admin");
    const forged = await request(`${base}/ui/x/pipelines`, {
      method: "POST",
      headers: { cookie: cookies, "content-type": "application/x-www-form-urlencoded" },
      body: "x=1",
    });
    assert.equal(forged.status, 403, "CSRF applies to extension routes");
    await forged.body?.cancel();
  } finally {
    await dispose();
  }
});

Deno.test("a failing slot renderer shows its error in place", async () => {
  const extensions = new ConsoleExtensions();
  extensions.addSlot("overview", () => "fine");
  extensions.addSlot("overview", () => {
    throw new Error("<script>boom</script>");
  });
  const slots = await renderSlots(extensions, "overview", {} as never);
  const html = slots.map(String).join("");
  assert.match(html, /fine/);
  assert.match(html, /This panel failed: &lt;script&gt;boom&lt;\/script&gt;/);
});
