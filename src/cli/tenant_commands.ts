/** `plugd tenant add|list|show|remove`: the tenant registry. */
import type { Command } from "./command.ts";
import { print, table } from "./output.ts";
import { callApi } from "./plugin_api.ts";

interface TenantInfo {
  id: string;
  name: string;
  created_at: string;
  created_by: string;
}

const tenantArg = (args: string[]) => encodeURIComponent(args[0]!);

/** `plugd tenant add <id> [--name N]`. */
export const tenantAddCommand: Command = {
  path: "tenant add",
  args: "<id>",
  summary: "add a tenant (lowercase letters, digits and -), e.g. plugd tenant add acme",
  arity: [1, 1],
  options: { name: { type: "string", description: "a display name (default: the id)" } },
  async run(ctx) {
    const body = { id: ctx.args[0], ...(ctx.options.name ? { name: ctx.options.name } : {}) };
    const t = await callApi<TenantInfo>(ctx, "POST", "/v1/tenants", body);
    print(
      ctx,
      t,
      () => `added tenant ${t.id}; next: plugd plugin enable <plugin> --tenant ${t.id}`,
    );
    return 0;
  },
};

/** `plugd tenant list`. */
export const tenantListCommand: Command = {
  path: "tenant list",
  args: "",
  summary: "list tenants",
  arity: [0, 0],
  async run(ctx) {
    const { tenants } = await callApi<{ tenants: TenantInfo[] }>(ctx, "GET", "/v1/tenants");
    print(
      ctx,
      { tenants },
      () =>
        tenants.length === 0 ? "no tenants; add one with plugd tenant add <id>" : table(
          ["ID", "NAME", "CREATED", "BY"],
          tenants.map((t) => [t.id, t.name, t.created_at, t.created_by]),
        ),
    );
    return 0;
  },
};

/** `plugd tenant show <id>`. */
export const tenantShowCommand: Command = {
  path: "tenant show",
  args: "<id>",
  summary: "a tenant and the plugins that run for it",
  arity: [1, 1],
  async run(ctx) {
    type Shown = TenantInfo & { plugins: { id: string; state: string; via: string }[] };
    const t = await callApi<Shown>(ctx, "GET", `/v1/tenants/${tenantArg(ctx.args)}`);
    print(ctx, t, () =>
      [
        `${t.id} (${t.name}), added ${t.created_at} by ${t.created_by}`,
        t.plugins.length === 0 ? "no plugin runs for it" : table(
          ["PLUGIN", "STATE", "RUNS FOR IT"],
          t.plugins.map((p) => [p.id, p.state, p.via === "all" ? "every tenant" : "by name"]),
        ),
      ].join("\n"));
    return 0;
  },
};

/** `plugd tenant remove <id> [--purge]`. */
export const tenantRemoveCommand: Command = {
  path: "tenant remove",
  args: "<id>",
  summary: "remove a tenant; --purge also deletes its data in every plugin",
  notes: "Plugins stop running for the tenant. Its storage, config overrides and databases are " +
    "kept (adding the tenant again finds them) unless --purge is given.",
  arity: [1, 1],
  options: {
    purge: { type: "boolean", description: "delete its storage, config overrides and databases" },
  },
  async run(ctx) {
    const purge = ctx.options.purge === true;
    const path = `/v1/tenants/${tenantArg(ctx.args)}${purge ? "?purge=true" : ""}`;
    const r = await callApi<{ id: string; plugins: string[] }>(ctx, "DELETE", path);
    print(ctx, r, () =>
      `removed tenant ${r.id}${purge ? " and its data" : " (its data kept)"}` +
      (r.plugins.length ? `; plugins that ran for it: ${r.plugins.join(", ")}` : ""));
    return 0;
  },
};

/** The tenant commands, in help order. */
export const TENANT_COMMANDS: Command[] = [
  tenantAddCommand,
  tenantListCommand,
  tenantShowCommand,
  tenantRemoveCommand,
];
