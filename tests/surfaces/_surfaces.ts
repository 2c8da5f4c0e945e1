/** Helpers for the plugin-surface tests: install a plugin folder, grant what it asks, enable it. */
import assert from "node:assert/strict";
import type { TestDaemon } from "../helpers/daemon.ts";
import { type Json, socketJson } from "../hooks/_helpers.ts";

export { type Json, OPTS, socketJson, tcpJson, waitFor } from "../hooks/_helpers.ts";

/** Absolute path of a folder under the repository root (`plugins/x`, `tests/fixtures/...`). */
export function repoPath(path: string): string {
  return new URL(`../../${path}`, import.meta.url).pathname;
}

/** Installs `dir`, sets `config`, grants exactly the request and enables; returns the request. */
export async function installAndEnable(
  daemon: TestDaemon,
  dir: string,
  config: Record<string, unknown> = {},
): Promise<Json> {
  const installed = await socketJson(daemon, "POST", "/v1/plugins", { source: dir });
  assert.equal(installed.status, 201, JSON.stringify(installed.body));
  const id = installed.body.id as string;
  if (Object.keys(config).length > 0) {
    const set = await socketJson(daemon, "PUT", `/v1/plugins/${id}/config`, config);
    assert.equal(set.status, 200, JSON.stringify(set.body));
  }
  const view = await socketJson(daemon, "GET", `/v1/plugins/${id}`);
  const granted = await socketJson(daemon, "POST", `/v1/plugins/${id}/grant`, {
    permissions: view.body.permissions.requested,
  });
  assert.equal(granted.status, 200, JSON.stringify(granted.body));
  const enabled = await socketJson(daemon, "POST", `/v1/plugins/${id}/enable`);
  assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
  return view.body;
}

/** The plugin's invocation count, as `GET /v1/plugins/{id}` reports it. */
export async function invocations(daemon: TestDaemon, id: string): Promise<number> {
  const view = await socketJson(daemon, "GET", `/v1/plugins/${id}`);
  return view.body.stats?.invocations ?? 0;
}
