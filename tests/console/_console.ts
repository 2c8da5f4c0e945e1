/**
 * Helpers for web console tests: sign in over plain HTTP (cookie jar) or in Chromium, and the
 * checks every console response must pass (CSP, framing, no inline script).
 */
import assert from "node:assert/strict";
import type { Page, Response as PwResponse } from "playwright-core";
import type { TestDaemon } from "../helpers/daemon.ts";

/** A plain-HTTP console client with its own cookie jar (no browser). */
export class ConsoleClient {
  readonly base: string;
  #cookies = new Map<string, string>();

  constructor(base: string) {
    this.base = base;
  }

  /** The session cookie's value, if signed in. */
  get session(): string | undefined {
    return this.#cookies.get("plugd_session");
  }

  /** A request with the jar's cookies and a same-origin Origin on non-GET. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const jar = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (jar) headers.set("cookie", jar);
    const res = await fetch(`${this.base}${path}`, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, value] = pair!.split("=") as [string, string];
      if (/Max-Age=0/i.test(line) || value === "") this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return res;
  }

  /** POSTs a form (urlencoded). */
  post(path: string, fields: Record<string, string>, headers: HeadersInit = {}): Promise<Response> {
    return this.fetch(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Signs in with `token`; asserts the redirect into the console. */
  async signIn(token: string): Promise<void> {
    const form = await (await this.fetch("/ui/login")).text();
    const login = /name="_login" value="([^"]+)"/.exec(form)?.[1];
    assert.ok(login, "the sign-in form carries its CSRF value");
    const res = await this.post("/ui/login", { _login: login, token });
    await res.body?.cancel();
    assert.equal(res.status, 303, `sign-in redirects (got ${res.status})`);
    assert.ok(this.session, "a session cookie was set");
  }

  /** GETs a page's HTML (asserting 200) and returns it with its CSRF token. */
  async page(path: string): Promise<{ html: string; csrf: string; res: Response }> {
    const res = await this.fetch(path);
    const html = await res.text();
    assert.equal(res.status, 200, `${path}: ${res.status} ${html.slice(0, 300)}`);
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(html)?.[1] ?? "";
    return { html, csrf, res };
  }
}

/** The headers every console response carries. */
export function assertConsoleHeaders(headers: Headers, what: string): void {
  const csp = headers.get("content-security-policy") ?? "";
  assert.match(csp, /default-src 'none'/, `${what}: CSP default-src`);
  assert.match(csp, /script-src 'self'(;|$)/, `${what}: scripts only from self`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: frame-ancestors`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${what}: no unsafe-*`);
  assert.equal(headers.get("x-frame-options"), "DENY", `${what}: X-Frame-Options`);
  assert.equal(headers.get("x-content-type-options"), "nosniff", `${what}: nosniff`);
}

/**
 * Asserts an HTML page has no inline script: every <script> has a same-origin src and no body,
 * no element has an on* handler attribute, no javascript: URL, no style attribute or element.
 */
export function assertNoInlineScript(html: string, what: string): void {
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    assert.match(match[1]!, /\ssrc="\/ui\/assets\/[^"]+"/, `${what}: <script> without src`);
    assert.equal(match[2]!.trim(), "", `${what}: <script> with a body`);
  }
  const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
  for (const tag of tags) {
    assert.doesNotMatch(tag, /\son[a-z]+\s*=/i, `${what}: event handler attribute in ${tag}`);
    assert.doesNotMatch(tag, /\sstyle\s*=/i, `${what}: style attribute in ${tag}`);
    assert.doesNotMatch(tag, /=\s*"\s*javascript:/i, `${what}: javascript: URL in ${tag}`);
  }
  assert.doesNotMatch(html, /<style\b/i, `${what}: <style> element`);
}

/**
 * Records every response of a browser page under /ui and checks its headers; returns the list
 * of problems (empty when all is well) when called.
 */
export function watchResponses(page: Page): () => string[] {
  const problems: string[] = [];
  page.on("response", (res: PwResponse) => {
    const url = new URL(res.url());
    if (!url.pathname.startsWith("/ui")) return;
    const headers = new Headers(res.headers());
    try {
      assertConsoleHeaders(headers, url.pathname);
    } catch (error) {
      problems.push((error as Error).message);
    }
  });
  return () => problems;
}

/** Signs a browser page in with a token through the real form. */
export async function browserSignIn(page: Page, daemon: TestDaemon, token: string): Promise<void> {
  await page.goto(`${daemon.baseUrl}/ui`);
  await page.waitForURL(/\/ui\/login/);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${daemon.baseUrl}/ui`);
}
