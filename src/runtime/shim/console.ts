/**
 * Redirect `console.*` to log frames so plugin output can never corrupt the channel.
 * Imported first by the shim, so it runs before any plugin module code.
 */
import { send } from "./channel.ts";
import type { LogLevel } from "./wire.ts";

/** Format console arguments the way Deno would, as one string. */
export function formatArgs(args: unknown[]): string {
  return args.map((a) => typeof a === "string" ? a : Deno.inspect(a, { colors: false })).join(" ");
}

function toLog(level: LogLevel) {
  return (...args: unknown[]): void => {
    send({ t: "log", level, msg: formatArgs(args).slice(0, 64 * 1024) });
  };
}

const c = globalThis.console as unknown as Record<string, unknown>;
c.log = toLog("info");
c.info = toLog("info");
c.debug = toLog("debug");
c.trace = toLog("debug");
c.warn = toLog("warn");
c.error = toLog("error");
c.dir = toLog("info");
c.table = toLog("info");
