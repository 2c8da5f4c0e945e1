/** Helpers for the operator-surface tests: tokens through the real API, the real app's routes. */
import assert from "node:assert/strict";
import type { Hono } from "hono";
import { createApp } from "../../src/api/app.ts";
import type { ApiEnv } from "../../src/api/types.ts";
import { loadConfig } from "../../src/config/mod.ts";
import { ensureStateDir, stateLayout } from "../../src/daemon/mod.ts";
import { daemonServices } from "../../src/daemon/services.ts";
import { createRegistry } from "../../src/metrics/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import type { TestDaemon } from "../helpers/daemon.ts";

/** A token created through `POST /v1/tokens` (as the admin). */
export interface CreatedToken {
  id: string;
  token: string;
  scope: string;
  expires_at: string | null;
}

/** Creates a token with `scope` via the API and returns it. */
export async function createToken(
  daemon: TestDaemon,
  scope: string,
  extra: Record<string, unknown> = {},
): Promise<CreatedToken> {
  const res = await daemon.fetch("/v1/tokens", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ scope, name: `test ${scope}`, ...extra }),
  });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body;
}

/** fetch over TCP with a given bearer token (or none). */
export function fetchAs(
  daemon: TestDaemon,
  token: string | null,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  return fetch(`${daemon.baseUrl}${path}`, { ...init, headers });
}

/**
 * Builds the daemon's app exactly as `Daemon` does (the real services of
 * src/daemon/services.ts, nothing started) in a temp state dir, for inspecting `app.routes`.
 */
export async function buildDaemonApp(): Promise<
  { app: Hono<ApiEnv>; dispose: () => Promise<void> }
> {
  const stateDir = await Deno.makeTempDir({ prefix: "plugd-routes-" });
  const config = await loadConfig({ stateDir, http: "off" }, { PLUGD_SANDBOX: "flags" });
  const layout = stateLayout(stateDir);
  await ensureStateDir(layout);
  const store = await openStore(config.dbUrl);
  const services = await daemonServices({ config, store, layout, log: () => {} });
  const app = createApp({
    store,
    startedAt: new Date(),
    state: () => "running",
    groups: services.flatMap((s) => (s.routes ? [s.routes] : [])),
    metrics: createRegistry(),
  });
  return {
    app,
    dispose: async () => {
      store.close();
      await Deno.remove(stateDir, { recursive: true });
    },
  };
}

export { waitFor } from "../helpers/wait_for.ts";
