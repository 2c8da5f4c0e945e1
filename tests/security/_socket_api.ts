/** The daemon's API over its socket, as the security tests that drive a real daemon use it. */
import assert from "node:assert/strict";
import type { TestDaemon } from "../helpers/daemon.ts";

/** One request over the socket: its status, its JSON body (null otherwise) and its text. */
export async function api(d: TestDaemon, method: string, path: string, body?: unknown) {
  const res = await d.fetchSocket(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = (res.headers.get("content-type") ?? "").includes("json");
  return { status: res.status, body: json ? JSON.parse(text) : null, text };
}

/** Installs the plugin folder `source` (its id `id`), grants what it asks, enables it. */
export async function installAndEnable(d: TestDaemon, source: string, id: string): Promise<void> {
  const install = await api(d, "POST", "/v1/plugins", { source });
  assert.equal(install.status, 201, install.text);
  const grant = await api(d, "POST", `/v1/plugins/${id}/grant`, {
    permissions: install.body.requested,
  });
  assert.equal(grant.status, 200, grant.text);
  assert.equal((await api(d, "POST", `/v1/plugins/${id}/enable`)).status, 200);
}
