/** The registry server's settings: flags > environment > defaults. */
import { join, resolve } from "node:path";
import { ConfigError, parseHttp } from "../config/mod.ts";
import type { RegistrySettings } from "./types.ts";

/** Default address of `plugd registry serve`. */
export const DEFAULT_REGISTRY_HTTP = "127.0.0.1:7430";

/** Effective configuration of a registry server. */
export interface RegistryConfig {
  /** Its own state folder: DB, package archives, admin token, advisory key. */
  stateDir: string;
  dbUrl: string;
  dbAuthToken?: string;
  http: { hostname: string; port: number };
  settings: RegistrySettings;
}

/** Command-line values (each wins over its environment variable). */
export interface RegistryFlags {
  stateDir?: string;
  http?: string;
  dbUrl?: string;
  publicUrl?: string;
  openSignup?: boolean;
}

/**
 * Builds the configuration. Environment: `PLUGD_REGISTRY_STATE_DIR` (default
 * `./.plugd-registry`), `PLUGD_REGISTRY_HTTP` (127.0.0.1:7430), `PLUGD_REGISTRY_DB_URL`
 * (`file:<state>/registry.db`), `PLUGD_REGISTRY_DB_AUTH_TOKEN`, `PLUGD_REGISTRY_PUBLIC_URL`,
 * `PLUGD_REGISTRY_OPEN_SIGNUP` (false), `PLUGD_REGISTRY_REVIEW_CRITICAL` (true),
 * `PLUGD_REGISTRY_MAX_PACKAGE_MB` (64).
 */
export function loadRegistryConfig(
  flags: RegistryFlags,
  env: Record<string, string | undefined>,
): RegistryConfig {
  const stateDir = resolve(flags.stateDir ?? env.PLUGD_REGISTRY_STATE_DIR ?? ".plugd-registry");
  const http = parseHttp(flags.http ?? env.PLUGD_REGISTRY_HTTP ?? DEFAULT_REGISTRY_HTTP);
  if (!http) throw new ConfigError("The registry server needs a TCP address (--http host:port)");
  const dbUrl = flags.dbUrl ?? env.PLUGD_REGISTRY_DB_URL ?? `file:${join(stateDir, "registry.db")}`;
  const publicUrl = flags.publicUrl ?? env.PLUGD_REGISTRY_PUBLIC_URL ?? null;
  if (publicUrl !== null && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new ConfigError(
      `PLUGD_REGISTRY_PUBLIC_URL / --public-url must be an http(s) URL; got "${publicUrl}"`,
    );
  }
  const megabytes = Number(env.PLUGD_REGISTRY_MAX_PACKAGE_MB ?? "64");
  if (!Number.isInteger(megabytes) || megabytes < 1 || megabytes > 1024) {
    throw new ConfigError("PLUGD_REGISTRY_MAX_PACKAGE_MB must be a whole number from 1 to 1024");
  }
  return {
    stateDir,
    dbUrl,
    dbAuthToken: env.PLUGD_REGISTRY_DB_AUTH_TOKEN,
    http,
    settings: {
      openSignup: flags.openSignup ?? bool(env.PLUGD_REGISTRY_OPEN_SIGNUP, false),
      reviewCritical: bool(env.PLUGD_REGISTRY_REVIEW_CRITICAL, true),
      publicUrl: publicUrl?.replace(/\/+$/, "") ?? null,
      maxPackageBytes: megabytes * 1024 * 1024,
    },
  };
}

function bool(text: string | undefined, fallback: boolean): boolean {
  if (text === undefined || text === "") return fallback;
  if (["1", "true", "yes", "on"].includes(text.toLowerCase())) return true;
  if (["0", "false", "no", "off"].includes(text.toLowerCase())) return false;
  throw new ConfigError(`expected true or false; got "${text}"`);
}
