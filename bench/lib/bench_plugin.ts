/** The bench plugin (bench/plugins/bench-echo) under the real sandbox, and its in-process twin. */
import { type HarnessSession as TestPlugin, startPlugin } from "../../src/harness/mod.ts";
import benchEcho from "../plugins/bench-echo/main.ts";

/** Folder of the bench plugin. */
export const BENCH_ECHO_DIR = new URL("../plugins/bench-echo", import.meta.url).pathname;

/** A small CloudEvent for `bench.noop`. */
export function noopEvent(i: number): Record<string, unknown> {
  return {
    specversion: "1.0",
    id: `b${i}`,
    source: "/bench",
    type: "bench.noop",
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    data: { i },
  };
}

/**
 * Starts bench-echo through a real Supervisor (bwrap sandbox, the host's resource caps, as the
 * daemon runs plugins) via `@plugd/sdk/testing`.
 */
export function startBenchEcho(): Promise<TestPlugin> {
  // Seats as the daemon has them (plugin_supervisor.ts).
  return startPlugin(BENCH_ECHO_DIR, { cpuBudget: null, seats: 2 });
}

// deno-lint-ignore no-explicit-any
const handlers = benchEcho as any;

/** The same `bench.noop` handler called in-process (the round-trip floor). */
export function noopInProcess(event: unknown): Promise<unknown> {
  return Promise.resolve(handlers.actions["bench.noop"](event, {}));
}

/** The same `bench.work` handler called in-process (the overhead floor). */
export function workInProcess(data: { n: number }): Promise<unknown> {
  return Promise.resolve(handlers.filters["bench.work"](data, {}));
}
