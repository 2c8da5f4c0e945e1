/**
 * Talks to a registry server (`plugd registry serve`) for the publisher and admin commands.
 * URL: `--registry URL` or `PLUGD_REGISTRY_URL`. Token: `PLUGD_REGISTRY_TOKEN` or
 * `--registry-token-file FILE` (never on the command line, where other users could read it).
 */
import { CliError, type CommandContext, EXIT } from "./command.ts";

/** Options every registry client command accepts. */
export const REGISTRY_OPTIONS = {
  registry: {
    type: "string",
    value: "URL",
    description: "the registry server (PLUGD_REGISTRY_URL)",
  },
  "registry-token-file": {
    type: "string",
    value: "FILE",
    description: "file holding the registry token (else PLUGD_REGISTRY_TOKEN)",
  },
} as const;

/** A client bound to one registry and (optionally) a token. */
export interface RegistryClient {
  url: string;
  /** Sends a JSON (or FormData) request; returns the parsed body or throws the problem's detail. */
  request<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
}

/** Builds the client from the command's options and environment. */
export async function registryClient(
  ctx: CommandContext,
  options: { needsToken?: boolean } = {},
): Promise<RegistryClient> {
  const url = ((ctx.options.registry as string | undefined) ?? ctx.io.env.PLUGD_REGISTRY_URL)
    ?.replace(/\/+$/, "");
  if (!url) {
    throw new CliError("no registry given: pass --registry URL or set PLUGD_REGISTRY_URL", 2);
  }
  const tokenFile = ctx.options["registry-token-file"] as string | undefined;
  let token = ctx.io.env.PLUGD_REGISTRY_TOKEN;
  if (tokenFile) {
    try {
      token = (await Deno.readTextFile(tokenFile)).trim();
    } catch (error) {
      throw new CliError(`cannot read ${tokenFile}: ${(error as Error).message}`);
    }
  }
  if (options.needsToken && !token) {
    throw new CliError(
      "this needs a registry token: set PLUGD_REGISTRY_TOKEN or pass --registry-token-file FILE",
      2,
    );
  }
  return {
    url,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      let payload: BodyInit | undefined;
      if (body instanceof FormData) payload = body;
      else if (body !== undefined) {
        headers["content-type"] = "application/json";
        payload = JSON.stringify(body);
      }
      let response: Response;
      try {
        response = await fetch(`${url}${path}`, {
          method,
          headers,
          body: payload,
          signal: AbortSignal.timeout(300_000),
        });
      } catch (error) {
        throw new CliError(
          `cannot reach the registry at ${url}: ${(error as Error).message}`,
          EXIT.unreachable,
          { cause: error },
        );
      }
      const text = await response.text();
      let data: unknown = null;
      try {
        data = text ? JSON.parse(text) : null;
      } catch {
        data = text;
      }
      if (!response.ok) {
        const detail = (data as { detail?: string } | null)?.detail ?? text.slice(0, 300);
        throw new CliError(`${detail} (HTTP ${response.status})`);
      }
      return data as T;
    },
  };
}

/** Splits `id@version` (version required unless `optional`). */
export function splitRef(ref: string, optional = false): { id: string; version?: string } {
  const at = ref.indexOf("@", 1);
  if (at === -1) {
    if (optional) return { id: ref };
    throw new CliError(`expected <id>@<version>, got "${ref}"`, 2);
  }
  return { id: ref.slice(0, at), version: ref.slice(at + 1) };
}

/** A text option given as TEXT or @FILE. */
export async function textOrFile(value: string | undefined): Promise<string | undefined> {
  if (value === undefined || !value.startsWith("@")) return value;
  try {
    return await Deno.readTextFile(value.slice(1));
  } catch (error) {
    throw new CliError(`cannot read ${value.slice(1)}: ${(error as Error).message}`);
  }
}
