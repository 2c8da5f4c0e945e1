/** Detect, once, what this host gives plugins: the sandbox and the resource caps. */
import { detectResourceCaps, detectSandbox } from "../runtime/mod.ts";
import type { PluginRuntime } from "./plugin_context.ts";

/**
 * Detects the sandbox and the caps for a daemon on `stateDir`. Its cgroups are named after the
 * state dir, so two daemons (or a daemon and a test) on one host never share a plugin's cgroup,
 * and a restarted daemon sweeps the empty ones its previous run left.
 *
 * @example
 * ```ts
 * const runtime = await detectPluginRuntime({ stateDir: "/var/lib/plugd", sandbox: undefined });
 * runtime.caps.mechanism; // "cgroup-v1"
 * ```
 */
export async function detectPluginRuntime(
  config: { stateDir: string; sandbox?: string },
  options: { create?: boolean } = {},
): Promise<PluginRuntime> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(config.stateDir));
  const instance = [...new Uint8Array(digest).slice(0, 6)]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  return {
    sandbox: await detectSandbox({ requested: config.sandbox }),
    caps: await detectResourceCaps({ instance, create: options.create }),
  };
}
