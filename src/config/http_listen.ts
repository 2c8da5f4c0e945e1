/** The HTTP API's TCP listener settings: its address, its TLS files, and what counts as loopback. */
import { ConfigError } from "./errors.ts";
import { describeOrigin, type Origin } from "./settings.ts";
import type { Config } from "./types.ts";

/** Default TCP address of the HTTP API. */
export const DEFAULT_HTTP = "127.0.0.1:7420";

/** Parses `host:port`; `off` or `none` disables TCP. */
export function parseHttp(text: string): Config["http"] {
  return parseHttpAt(text, "PLUGD_HTTP / --http");
}

/** Parses `host:port` (or `off`), naming the setting `name` in the error. */
export function parseHttpAt(text: string, name: string): Config["http"] {
  if (text === "off" || text === "none") return null;
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port < 0 || port > 65535) {
    throw new ConfigError(
      `${name} must be host:port such as ${DEFAULT_HTTP} (or "off"); got "${text}"`,
    );
  }
  return { hostname: match[1]!.replace(/^\[|\]$/g, ""), port };
}

/** Both TLS files or neither; one alone is an error naming the missing setting. */
export function tlsFiles(
  cert: string | undefined,
  key: string | undefined,
  origins: Record<string, Origin>,
): { certFile: string; keyFile: string } | null {
  if (!cert && !key) return null;
  if (!cert || !key) {
    const given = describeOrigin(origins[cert ? "tls_cert" : "tls_key"]!);
    throw new ConfigError(
      `${given} is set but ${cert ? "PLUGD_TLS_KEY (tls_key)" : "PLUGD_TLS_CERT (tls_cert)"} ` +
        `is not: TLS needs both the certificate chain and its private key (PEM files)`,
    );
  }
  return { certFile: cert, keyFile: key };
}

/** 127.0.0.0/8, ::1 and localhost: addresses no other host can reach. */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
