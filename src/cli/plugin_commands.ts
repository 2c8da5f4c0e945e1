import type { Risk } from "../permissions/mod.ts";
import { callerPath, CliError, type Command, type CommandContext } from "./command.ts";
import { ApiClient } from "./client.ts";
import { print, table } from "./output.ts";
import { confirm } from "./prompt.ts";
import { formatCommandLine, localFlags } from "./plugin_local_commands.ts";
import { callApi, pluginIdArg, type PluginView, risksTable } from "./plugin_api.ts";
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

const call = callApi;
const id = pluginIdArg;

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

export const pluginGrantCommand: Command = {
  path: "plugin grant",
  args: "<id>",
  summary: "approve exactly the permissions a plugin requests (asks unless --yes)",
  arity: [1, 1],
  options: {
    yes: { type: "boolean", short: "y", description: "grant without asking" },
    privileged: {
      type: "boolean",
      description: "also confirm a system addon's privileged (root on this host); never " +
        "implied by --yes",
    },
  },
  async run(ctx) {
    const view = await call<PluginView>(ctx, "GET", `/v1/plugins/${id(ctx)}`);
    // An update waiting for wider permissions: granting them switches to it.
    const pending = view.pending_update ?? null;
    const request = pending ? pending.requested : view.permissions.requested;
    const root = (request.privileged ?? []).length > 0;
    if (!ctx.options.yes) {
      ctx.io.err(
        pending
          ? `${view.id} ${pending.from} runs; ${pending.to} waits for more permissions ` +
            `(${pending.permissions_diff}) and requests:\n${risksTable(pending.risks)}`
          : `${view.id} ${view.version} requests:\n${risksTable(view.permissions.risks)}`,
      );
      const question = pending
        ? `Grant them and switch to ${pending.to}?`
        : "Grant these permissions?";
      if (!await confirm(question, "pass --yes to grant them")) {
        throw new CliError(
          `not granted; nothing changed (grant later with plugd plugin grant ${view.id})`,
        );
      }
    }
    if (root && ctx.options.privileged !== true) {
      const question = `${view.id} runs as ROOT on this host's filesystem. Grant that too?`;
      if (ctx.options.yes || !await confirm(question, "pass --privileged to grant root")) {
        throw new CliError(
          `not granted: ${view.id} is privileged (root on this host); that is confirmed on its ` +
            `own: plugd plugin grant ${view.id} --privileged`,
        );
      }
    }
    const result = await call(ctx, "POST", `/v1/plugins/${id(ctx)}/grant`, {
      permissions: request,
      ...(root ? { confirm_privileged: true } : {}),
    });
    print(
      ctx,
      result,
      () =>
        pending
          ? `granted ${view.id}; switched from ${pending.from} to ${pending.to}`
          : `granted ${view.id}; next: plugd plugin enable ${view.id}`,
    );
    return 0;
  },
};

function stateCommand(action: "enable" | "disable" | "restart", summary: string): Command {
  return {
    path: `plugin ${action}`,
    args: "<id>",
    summary,
    arity: [1, 1],
    async run(ctx) {
      const view = await call<PluginView>(ctx, "POST", `/v1/plugins/${id(ctx)}/${action}`);
      print(ctx, view, () => `${view.id} ${view.version}: ${view.state}`);
      return 0;
    },
  };
}

/** What the view says of tenants: `all`, or the ids it runs for. */
function tenantsLine(view: PluginView): string {
  const t = (view as { tenants?: unknown }).tenants;
  if (t === undefined || t === "all") return "";
  const ids = t as string[];
  return ids.length === 0 ? " for no tenant" : ` for tenants ${ids.join(", ")}`;
}

export const pluginEnableCommand: Command = {
  path: "plugin enable",
  args: "<id>",
  summary: "start a granted plugin (for every tenant, or --tenant T ... for those only)",
  notes: "`--tenant` adds tenants to those the plugin runs for; a plugin that ran for every " +
    "tenant then runs only for the ones named. `--all-tenants` makes it run for every tenant " +
    "again. Without either, the tenants it runs for stay as they are.",
  arity: [1, 1],
  options: {
    tenant: {
      type: "string",
      multiple: true,
      value: "TENANT",
      description: "run it for this tenant (repeat for several)",
    },
    "all-tenants": { type: "boolean", description: "run it for every tenant again" },
  },
  async run(ctx) {
    const tenants = (ctx.options.tenant as string[] | undefined) ?? [];
    const all = ctx.options["all-tenants"] === true;
    const body = tenants.length > 0 ? { tenants } : all ? { all_tenants: true } : undefined;
    const view = await call<PluginView>(ctx, "POST", `/v1/plugins/${id(ctx)}/enable`, body);
    print(ctx, view, () => `${view.id} ${view.version}: ${view.state}${tenantsLine(view)}`);
    return 0;
  },
};

export const pluginDisableCommand: Command = {
  path: "plugin disable",
  args: "<id>",
  summary: "stop a plugin and keep it installed (--tenant T: stop running it for T only)",
  arity: [1, 1],
  options: {
    tenant: {
      type: "string",
      value: "TENANT",
      description: "only stop running it for this tenant",
    },
  },
  async run(ctx) {
    const tenant = ctx.options.tenant as string | undefined;
    const body = tenant === undefined ? undefined : { tenant };
    const view = await call<PluginView>(ctx, "POST", `/v1/plugins/${id(ctx)}/disable`, body);
    print(ctx, view, () => `${view.id} ${view.version}: ${view.state}${tenantsLine(view)}`);
    return 0;
  },
};
export const pluginRestartCommand = stateCommand("restart", "restart a plugin's process");

export const pluginListCommand: Command = {
  path: "plugin list",
  args: "",
  summary: "list installed plugins with state and version",
  arity: [0, 0],
  async run(ctx) {
    const { plugins } = await call<{ plugins: PluginView[] }>(ctx, "GET", "/v1/plugins");
    const addon = (p: PluginView) => p.addon ? `${p.addon.status}/${p.addon.health}` : "";
    print(ctx, { plugins }, () =>
      plugins.length === 0 ? "no plugins installed" : table(
        ["ID", "VERSION", "STATE", "ADDON", "REASON"],
        plugins.map((p) => [p.id, p.version, p.state, addon(p), p.failed_reason ?? ""]),
      ));
    return 0;
  },
};

export const pluginRemoveCommand: Command = {
  path: "plugin remove",
  args: "<id>",
  summary: "stop and uninstall a plugin (its data is kept unless --purge)",
  arity: [1, 1],
  options: {
    purge: { type: "boolean", description: "also delete its data and storage" },
    force: {
      type: "boolean",
      description: "a system addon: remove it even though its software is still installed",
    },
  },
  async run(ctx) {
    const purge = ctx.options.purge === true;
    const query = new URLSearchParams();
    if (purge) query.set("purge", "true");
    if (ctx.options.force === true) query.set("force", "true");
    const result = await call(
      ctx,
      "DELETE",
      `/v1/plugins/${id(ctx)}${query.size ? `?${query}` : ""}`,
    );
    print(ctx, result, () => `removed ${ctx.args[0]}${purge ? " and its data" : " (data kept)"}`);
    return 0;
  },
};

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

export const pluginFlagsCommand: Command = {
  path: "plugin flags",
  args: "<id|./dir>",
  summary: "print the exact sandbox and deno command line a plugin runs with",
  arity: [1, 1],
  async run(ctx) {
    const target = ctx.args[0]!;
    if (target.includes("/") || target === ".") {
      return await localFlags(ctx, callerPath(ctx, target));
    }
    const result = await call<{ argv: string[] }>(ctx, "GET", `/v1/plugins/${id(ctx)}/flags`);
    print(ctx, result, () => formatCommandLine(result.argv));
    return 0;
  },
};
