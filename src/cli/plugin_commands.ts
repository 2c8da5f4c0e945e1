/**
 * `plugd plugin` commands on an installed plugin's state: enable, disable, restart, list, remove,
 * flags. Install and update are in plugin_install_commands.ts, grant in plugin_grant_command.ts.
 */
import { callerPath, type Command } from "./command.ts";
import { print, table } from "./output.ts";
import { formatCommandLine, localFlags } from "./plugin_local_commands.ts";
import { callApi as call, pluginIdArg as id, type PluginView } from "./plugin_api.ts";

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

/** `plugd plugin enable <id> [--tenant T ...|--all-tenants]`. */
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

/** `plugd plugin disable <id> [--tenant T]`. */
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

/** `plugd plugin restart <id>`. */
export const pluginRestartCommand = stateCommand("restart", "restart a plugin's process");

/** `plugd plugin list`. */
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

/** `plugd plugin remove <id> [--purge] [--force]`. */
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

/** `plugd plugin flags <id|./dir>`. */
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
