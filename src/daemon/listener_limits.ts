/** The listeners' connection limits: configured values, kept below the open-file limit. */
import type { Config } from "../config/mod.ts";
import { DEFAULT_LISTENER_LIMITS, type ListenerLimits } from "./http_listener.ts";

/** Listeners that share the open-file budget (TCP and the Unix socket). */
const LISTENERS = 2;

/** The soft `RLIMIT_NOFILE` of this process, from /proc (null where it cannot be read). */
export async function openFileLimit(): Promise<number | null> {
  try {
    const text = await Deno.readTextFile("/proc/self/limits");
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(text)?.[1];
    return soft === undefined || soft === "unlimited" ? null : Number(soft);
  } catch {
    return null;
  }
}

/**
 * Descriptors kept for everything but connections: the database, plugin pipes (about four per
 * running plugin), install checks, webhooks, registries.
 */
export function reservedFds(limit: number): number {
  return 64 + Math.floor(limit / 4);
}

/**
 * Limits per listener: the configured ones, with `maxConnections` lowered (and logged) when the
 * open-file limit could not hold that many connections on both listeners plus the reserve, so
 * connections never take the descriptors plugins and the database need.
 */
export async function listenerLimits(
  config: Pick<Config, "connections">,
  log: (message: string) => void,
  limit: number | null = null,
): Promise<ListenerLimits> {
  const limits = { ...DEFAULT_LISTENER_LIMITS };
  for (const [k, v] of Object.entries(config.connections ?? {})) {
    if (v !== undefined) limits[k as keyof ListenerLimits] = v;
  }
  const nofile = limit ?? await openFileLimit();
  if (nofile === null) return limits;
  const fit = Math.max(8, Math.floor((nofile - reservedFds(nofile)) / LISTENERS));
  if (fit < limits.maxConnections) {
    log(
      `connections capped at ${fit} per listener by the open-file limit (${nofile}); raise ` +
        "it (LimitNOFILE= in the unit, ulimit -n) to allow more",
    );
    limits.maxConnections = fit;
  }
  return limits;
}
