/** Filters (SPEC §7): subscribers in priority order, each transforming the previous output. */
import { resultProblem } from "./bounded_result.ts";
import type { HookHost, Subscriber } from "./types.ts";

/** `POST /v1/filters/{name}` answer. */
export interface FilterOutcome {
  data: unknown;
  applied: { plugin: string; duration_ms: number }[];
  skipped: { plugin: string; reason: string }[];
}

/**
 * Runs the chain. A plugin that throws, times out, crashes, is unavailable or returns no value
 * (`undefined`: the handler returned nothing or something JSON cannot carry) is skipped with the
 * reason, and the chain goes on with the data it was given.
 *
 * @example
 * ```ts
 * const out = await runFilterChain(host, await index.filters("notification.format"), "notification.format", { text: "hi" });
 * ```
 */
export async function runFilterChain(
  host: HookHost,
  subscribers: Subscriber[],
  name: string,
  data: unknown,
  tenant: string | null = null,
): Promise<FilterOutcome> {
  const out: FilterOutcome = { data, applied: [], skipped: [] };
  for (const s of subscribers) {
    const started = performance.now();
    try {
      const value = await host.invoke(s.pluginId, "filter", name, out.data, { tenant });
      if (value === undefined) {
        out.skipped.push({
          plugin: s.pluginId,
          reason: "returned no JSON value (return the transformed data)",
        });
        continue;
      }
      const problem = resultProblem(value);
      if (problem !== null) {
        out.skipped.push({ plugin: s.pluginId, reason: `invalid: output ${problem.reason}` });
        continue;
      }
      out.data = value;
      out.applied.push({ plugin: s.pluginId, duration_ms: elapsed(started) });
    } catch (error) {
      out.skipped.push({ plugin: s.pluginId, reason: reasonOf(error) });
    }
  }
  return out;
}

/** A one-line reason naming the failure kind: `timeout: ...`, `error: ...`, ... */
export function reasonOf(error: unknown): string {
  const e = error as { name?: string; message?: string };
  const kind: Record<string, string> = {
    PluginTimeoutError: "timeout",
    PluginCallError: "error",
    PluginExitedError: "crashed",
    PluginUnavailableError: "unavailable",
    PluginStartError: "unavailable",
  };
  return `${kind[e?.name ?? ""] ?? "error"}: ${e?.message ?? String(error)}`;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
