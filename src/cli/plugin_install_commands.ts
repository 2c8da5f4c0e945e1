/**
 * `plugd plugin install` and `plugd plugin update`: a plugin's source (registry name, folder or
 * package file) sent to the daemon, and what the install or update did.
 */
import type { Risk } from "../permissions/mod.ts";
import { callerPath, CliError, type Command, type CommandContext } from "./command.ts";
import { ApiClient } from "./client.ts";
import { print } from "./output.ts";
import { callApi as call, pluginIdArg as id, type PluginView, risksTable } from "./plugin_api.ts";
import { updateAll, updateSummary } from "./update_commands.ts";
import { printableDeep } from "./printable_deep.ts";

/**
 * How a source goes to the daemon: a local `.tgz` file is uploaded (the daemon may not see the
 * caller's files: another host, or systemd's ProtectHome/PrivateTmp); a folder (dev mode) as an
 * absolute path; a registry name (`slack-notify`, `@latest`, `@^1.2`) as is. A local folder whose
 * name looks like a plugin id needs `./`.
 */
async function sourceRequest(
  ctx: CommandContext,
  source: string,
): Promise<{ query: string; body: unknown; headers: Record<string, string> }> {
  const allow = ctx.options["allow-downgrade"] === true;
  if (/^[a-z0-9][a-z0-9-]{1,62}(@\S+)?$/.test(source) || source.startsWith("@")) {
    return { query: "", body: { source, allow_downgrade: allow }, headers: {} };
  }
  const path = callerPath(ctx, source);
  const info = await Deno.stat(path).catch(() => null);
  if (info?.isFile) {
    return {
      query: allow ? "?allow_downgrade=true" : "",
      body: await Deno.readFile(path),
      headers: { "content-type": "application/gzip" },
    };
  }
  return { query: "", body: { source: path, allow_downgrade: allow }, headers: {} };
}

/** `plugd plugin install <source>`. */
export const pluginInstallCommand: Command = {
  path: "plugin install",
  args: "<name[@range|@latest]|./folder|file.tgz>",
  summary: "install a plugin and show the permissions it requests",
  arity: [1, 1],
  options: {
    "allow-downgrade": {
      type: "boolean",
      description: "allow installing a lower version than the installed one",
    },
  },
  async run(ctx) {
    using client = ApiClient.fromContext(ctx);
    const request = await sourceRequest(ctx, ctx.args[0]!);
    const result = await client.job<{
      id: string;
      version: string;
      risks: Risk[];
      signed_by: string | null;
      registry?: string;
      deprecated?: string | null;
      registry_errors?: Record<string, string>;
    }>(
      "POST",
      `/v1/plugins${request.query}`,
      request.body,
      (msg) => ctx.io.err(`... ${msg}`),
      request.headers,
    );
    print(ctx, result, () =>
      [
        `installed ${result.id} ${result.version}${
          result.signed_by ? ` (signed by ${result.signed_by})` : " (unsigned)"
        }${result.registry ? ` from registry ${result.registry}` : ""}`,
        ...(result.deprecated ? [`DEPRECATED: ${printableDeep(result.deprecated)}`] : []),
        ...Object.entries(printableDeep(result.registry_errors ?? {})).map(([r, why]) =>
          `note: registry ${r} was skipped: ${why}`
        ),
        "requested permissions:",
        risksTable(result.risks),
        `next: plugd plugin grant ${result.id}`,
      ].join("\n"));
    return 0;
  },
};

/** `plugd plugin update <id> [source] | <id> --cancel | --all`. */
export const pluginUpdateCommand: Command = {
  path: "plugin update",
  args: "<id> [@range|./folder|file.tgz] | <id> --cancel | --all",
  summary: "update to a new version (default: latest from its registry); rolls back on failure",
  arity: [0, 2],
  options: {
    "allow-downgrade": { type: "boolean", description: "allow a lower version" },
    cancel: { type: "boolean", description: "withdraw an update that waits for a grant" },
    all: { type: "boolean", description: "update every outdated plugin from its registry" },
    yes: { type: "boolean", short: "y", description: "with --all: do not ask" },
  },
  async run(ctx) {
    if (ctx.options.all) return await updateAll(ctx);
    if (ctx.args.length === 0) {
      throw new CliError("usage: plugd plugin update <id> [source] | <id> --cancel | --all", 2);
    }
    if (ctx.options.cancel) {
      const done = await call<{ cancelled: { from: string; to: string } }>(
        ctx,
        "DELETE",
        `/v1/plugins/${id(ctx)}/update`,
      );
      print(ctx, done, () =>
        `withdrew the update of ${ctx.args[0]} to ${done.cancelled.to}; ` +
        `${done.cancelled.from} keeps running`);
      return 0;
    }
    const request = await sourceRequest(ctx, ctx.args[1] ?? "@latest");
    using client = ApiClient.fromContext(ctx);
    const result = await client.request<PluginView>(
      "POST",
      `/v1/plugins/${id(ctx)}/update${request.query}`,
      request.body,
      request.headers,
    );
    print(ctx, result, () => updateSummary(result as unknown as Record<string, unknown>));
    return 0;
  },
};
