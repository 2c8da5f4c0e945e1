/** Helpers of the work-model tests (executions, tasks, tenants, health, replay). */
import type { TestDaemon } from "../helpers/daemon.ts";
import { type Json, socketJson } from "../hooks/_helpers.ts";

export { type Json, OPTS, socketJson, tcpJson, waitFor } from "../hooks/_helpers.ts";
export { installAndEnable } from "../surfaces/_surfaces.ts";

/** Absolute path of a fixture under tests/fixtures/work/. */
export function workFixture(name: string): string {
  return new URL(`../fixtures/work/${name}`, import.meta.url).pathname;
}

/** Every execution record matching `query` (all pages). */
export async function allExecutions(daemon: TestDaemon, query: string): Promise<Json[]> {
  const out: Json[] = [];
  let cursor = "";
  do {
    const r = await socketJson(daemon, "GET", `/v1/executions?${query}&limit=500${cursor}`);
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
    out.push(...r.body.executions);
    cursor = r.body.next ? `&cursor=${r.body.next}` : "";
  } while (cursor);
  return out;
}
