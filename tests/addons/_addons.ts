/** Helpers of the system-addon tests: API calls on a real daemon, operations run to their end. */
import assert from "node:assert/strict";
import type { TestDaemon } from "../helpers/daemon.ts";
import { waitFor } from "../helpers/wait_for.ts";

/**
 * `waitFor` with a two-minute safety net: operations start sandboxes, which a loaded machine makes
 * slow. Never a timing assertion.
 */
export function waitLong<T>(cond: () => T | Promise<T>, what: string): Promise<NonNullable<T>> {
  return waitFor(cond, what, 120_000);
}

/** The fixtures folder of system addons. */
export const ADDONS = new URL("../fixtures/addons/", import.meta.url).pathname;

/** A JSON answer of the daemon. */
export interface Answer {
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** One API call over TCP with the admin token. */
export async function call(
  d: TestDaemon,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const res = await d.fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Installs `dir`, grants what it asks (confirming privileged), sets `config`, enables it. */
export async function installAddon(
  d: TestDaemon,
  dir: string,
  config: Record<string, unknown> = {},
): Promise<string> {
  const install = await call(d, "POST", "/v1/plugins", { source: dir });
  assert.equal(install.status, 201, JSON.stringify(install.body));
  const id = install.body.id as string;
  const grant = await call(d, "POST", `/v1/plugins/${id}/grant`, {
    permissions: install.body.requested,
    confirm_privileged: true,
  });
  assert.equal(grant.status, 200, JSON.stringify(grant.body));
  if (Object.keys(config).length > 0) {
    const set = await call(d, "PUT", `/v1/plugins/${id}/config`, config);
    assert.equal(set.status, 200, JSON.stringify(set.body));
  }
  const enable = await call(d, "POST", `/v1/plugins/${id}/enable`);
  assert.equal(enable.status, 200, JSON.stringify(enable.body));
  return id;
}

/** Starts an operation (202) and returns its execution id. */
export async function startOp(
  d: TestDaemon,
  id: string,
  op: string,
  args?: string[],
): Promise<string> {
  const started = await call(d, "POST", `/v1/plugins/${id}/operations/${op}`, args && { args });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return started.body.execution.id;
}

/** Waits for an execution to end and returns its record (with output). */
export async function finished(d: TestDaemon, id: string, execution: string) {
  return await waitFor(
    async () => {
      const r = await call(d, "GET", `/v1/plugins/${id}/executions/${execution}`);
      return r.body.status !== "running" ? r.body : null;
    },
    `execution ${execution} of ${id} to end`,
    120_000,
  );
}

/** Runs an operation to its end. */
export async function runOp(d: TestDaemon, id: string, op: string, args?: string[]) {
  return await finished(d, id, await startOp(d, id, op, args));
}

/** The addon's own status as `GET /v1/plugins/{id}` shows it. */
export async function addonOf(d: TestDaemon, id: string) {
  return (await call(d, "GET", `/v1/plugins/${id}`)).body.addon;
}
