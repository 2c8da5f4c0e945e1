/** Turn anything a handler threw into a plain `{name, message}`, whatever it is. */
import { formatArgs } from "./console.ts";
import { reportIfDenied } from "./denied.ts";
import type { WireError } from "./wire.ts";

let quota: { data_mb?: number; tmp_mb?: number } = {};

/** Remembers the plugin's `$DATA`/`$TMP` limits (from the `init` frame) for "no space" errors. */
export function setQuota(q: { data_mb?: number; tmp_mb?: number } | undefined): void {
  quota = q ?? {};
}

/** The message with the limits named, when it is a "no space left" or "file too large" error. */
export function spaceHint(message: string): string {
  if (!/No space left on device|os error 28|File too large|os error 27/i.test(message)) {
    return message;
  }
  const limits = [
    quota.data_mb === undefined ? "" : `$DATA holds at most ${quota.data_mb} MiB`,
    quota.tmp_mb === undefined ? "" : `$TMP at most ${quota.tmp_mb} MiB`,
  ].filter(Boolean).join(" and ");
  return limits === ""
    ? message
    : `${message}: ${limits} (the operator's data_quota_mb, tmp_quota_mb); delete what you no ` +
      "longer need";
}

/**
 * Converts `e` for the wire. Never throws: a value whose every property access throws (a hostile
 * `Proxy`, a getter that throws) still answers with a plain error saying so.
 */
export function toWireError(e: unknown): WireError {
  try {
    const denied = reportIfDenied(e);
    if (e instanceof Error) {
      return {
        name: String(e.name).slice(0, 256),
        message: (denied ?? spaceHint(String(e.message))).slice(0, 8192),
      };
    }
    return { name: "Error", message: formatArgs([e]).slice(0, 8192) };
  } catch {
    return {
      name: "Error",
      message: "the handler threw a value that cannot be read (every access to it throws)",
    };
  }
}
