/** What the plugin commands share: the API's plugin view, the risk table, one-shot calls. */
import type { Risk } from "../permissions/mod.ts";
import type { CommandContext } from "./command.ts";
import { ApiClient } from "./client.ts";
import { printable } from "./terminal_text.ts";
import { table } from "./output.ts";

/** `GET /v1/plugins/{id}` as the CLI reads it (extra fields are kept for --json). */
export interface PluginView {
  id: string;
  version: string;
  state: string;
  failed_reason?: string | null;
  manifest?: { name?: string; description?: string; hooks?: { kind: string; name: string }[] };
  source?: string;
  signed_by?: string | null;
  installed_at?: string;
  updated_at?: string;
  permissions: { requested: Record<string, string[]>; granted: unknown; risks: Risk[] };
  health?: unknown;
  stats?: Record<string, unknown> | null;
  /** npm packages bundled into the package (its bill of materials). */
  dependencies?: {
    name: string;
    version: string;
    integrity: string | null;
    license: string | null;
  }[];
  /** A system addon's own status (kind: system). */
  addon?: {
    status: string;
    health: string;
    message?: string;
    version?: string | null;
    privileged?: boolean;
    operations?: string[];
    running?: { operation: string; execution: string } | null;
  } | null;
  /** A version waiting for a grant of wider permissions while this one runs. */
  pending_update?: {
    from: string;
    to: string;
    requested: Record<string, string[]>;
    risks: Risk[];
    permissions_diff: string;
  } | null;
}

/** The requested permissions with their risk, indented for a block of output. */
export function risksTable(risks: Risk[]): string {
  if (risks.length === 0) return "  (no permissions requested)";
  return table(
    ["KIND", "VALUE", "RISK", "WHY"],
    risks.map((r) => [r.kind, printable(r.value), r.level.toUpperCase(), r.reason]),
  ).split("\n").map((l) => `  ${l}`).join("\n");
}

/** One request to the daemon with the command's target. */
export async function callApi<T>(
  ctx: CommandContext,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  using client = ApiClient.fromContext(ctx);
  return await client.request<T>(method, path, body);
}

/** The first argument as a URL path segment. */
export const pluginIdArg = (ctx: CommandContext): string => encodeURIComponent(ctx.args[0]!);
