/** Helpers for hook bus end-to-end tests (real daemon, real plugin processes). */

/** A parsed JSON answer; tests read fields they assert on. */
// deno-lint-ignore no-explicit-any
export type Json = any;
import assert from "node:assert/strict";
import type { TestDaemon } from "../helpers/daemon.ts";

/** Absolute path of a fixture plugin folder. */
export function fixture(name: string): string {
  return new URL(`../fixtures/plugins/${name}`, import.meta.url).pathname;
}

export { waitFor } from "../helpers/wait_for.ts";

/** JSON request over the Unix socket; returns status and parsed body. */
export async function socketJson(
  daemon: TestDaemon,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await daemon.fetchSocket(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** JSON request over TCP with the admin token (or `token`). */
export async function tcpJson(
  daemon: TestDaemon,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await daemon.fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch { /* not JSON */ }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Installs, grants exactly what is requested, and enables each fixture plugin. */
export async function installFixtures(daemon: TestDaemon, names: string[]): Promise<void> {
  for (const name of names) {
    const installed = await socketJson(daemon, "POST", "/v1/plugins", { source: fixture(name) });
    assert.equal(installed.status, 201, JSON.stringify(installed.body));
    const view = await socketJson(daemon, "GET", `/v1/plugins/${name}`);
    const granted = await socketJson(daemon, "POST", `/v1/plugins/${name}/grant`, {
      permissions: view.body.permissions.requested,
    });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    const enabled = await socketJson(daemon, "POST", `/v1/plugins/${name}/enable`);
    assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
  }
}

/** Creates a token with `scope` and returns its secret. */
export async function createToken(daemon: TestDaemon, scope: string): Promise<string> {
  const r = await socketJson(daemon, "POST", "/v1/tokens", { name: `t-${scope}`, scope });
  assert.ok(r.status === 201 || r.status === 200, JSON.stringify(r.body));
  return r.body.token as string;
}

/** Options for tests that own child processes. */
export const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
