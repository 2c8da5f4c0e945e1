/**
 * Desired-state secrets are references (`{from: env, name}`) resolved on each host from the
 * daemon's environment, and only from variables the host's operator allowed in
 * `fleet.secret_env`: whoever can write the desired state must not be able to read, say, the
 * daemon's database token into a plugin.
 */
import type { SecretRef } from "./types.ts";

/** Whether `name` matches one of `patterns` (`*` matches any run of characters). */
export function envAllowed(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) =>
    new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(name)
  );
}

/**
 * The values of `secrets` on this host, by config path; throws an Error naming the missing or
 * forbidden variable and the fix.
 */
export function resolveSecrets(
  secrets: Record<string, SecretRef>,
  allowed: readonly string[],
  env: (name: string) => string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, ref] of Object.entries(secrets)) {
    if (!envAllowed(ref.name, allowed)) {
      throw new Error(
        `secret ${path}: environment variable ${ref.name} is not allowed on this host; add it ` +
          "to fleet.secret_env (PLUGD_FLEET_SECRET_ENV)",
      );
    }
    const value = env(ref.name);
    if (value === undefined || value === "") {
      throw new Error(`secret ${path}: environment variable ${ref.name} is not set on this host`);
    }
    out[path] = value;
  }
  return out;
}
